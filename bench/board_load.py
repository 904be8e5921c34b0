"""Load on the live board with real Socket.IO clients; prints one JSON line (testkit/board_load.py,
which the serving tests run too, says what it does and measures).

    .venv/bin/python bench/board_load.py --url http://127.0.0.1:5000 --clients 1000 --rate 100 --seconds 60

All phones come from one address: for more than 500 (BOARD_NEWCOMER_RATE_LIMIT) or 1,000
(BOARD_MAX_PARTICIPANTS) start the server with both raised, as bench/board_suite.py does.
"""

from testkit.board_load import main

if __name__ == "__main__":
    main()
