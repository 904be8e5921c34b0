"""Load on the live board with real Socket.IO clients; prints one JSON line (testkit/board_load.py,
which the serving tests run too, says what it does and measures).

    .venv/bin/python bench/board_load.py --url http://127.0.0.1:5000 --clients 1000 --rate 100 --seconds 60
"""

from testkit.board_load import main

if __name__ == "__main__":
    main()
