"""What the tests and the benches share, so that both run the same code:

- ``servers``: gunicorn as `make serve` runs it, throwaway PostgreSQL databases, free ports;
- ``board_load``: the load generator for the live board (real Socket.IO clients in several processes);
- ``hostile``: the hostile-input sweep (``corpus``, ``sweep``, ``targets``, ``render``);
- ``paraphrases``: the labelled board of the "lijkt op" hint, and how well an implementation does on it.
"""
