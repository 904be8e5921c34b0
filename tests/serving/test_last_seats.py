"""The last five seats, fought over by fifty people at once through a running server on PostgreSQL
(issue 6, item 1; fast variant: bench/last_seats.py runs twenty rounds of two hundred)."""

import json
import subprocess
import sys

import sqlalchemy as sa
from servers import PG_ADMIN_URL, ROOT

from tests.helpers import need


def test_fifty_people_for_the_last_five_seats_give_exactly_five_confirmations():
    engine = sa.create_engine(PG_ADMIN_URL)
    try:
        with engine.connect():
            pass
    except sa.exc.OperationalError:
        need(False, f"PostgreSQL is not reachable at {PG_ADMIN_URL} (set TEST_DATABASE_URL)")
    finally:
        engine.dispose()
    done = subprocess.run(
        [sys.executable, "bench/last_seats.py", "--rounds", "2", "--clients", "50", "--control-rounds", "0"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    print(result)
    assert result["locked"] == {"confirmed_per_round": [5, 5], "exact_rounds": 2, "oversold_rounds": 0, "errors": 0}
