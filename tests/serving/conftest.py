"""Fixtures for the serving tests: the load generator and the benches, run as their users run them.
Both start real servers, so their tests carry the `server` marker (tests/conftest.py)."""

import functools
import json
import subprocess
import sys

import pytest

from testkit.servers import ROOT, board_load_on_fresh_server


@pytest.fixture
def board_load(tmp_path):
    """``board_load(*arguments)``: testkit.board_load against `make serve`'s server on a fresh SQLite
    file; returns the generator's JSON line and the end of the server's log."""
    return functools.partial(board_load_on_fresh_server, tmp_path)


@pytest.fixture
def bench():
    """``bench("last_seats.py", *arguments)``: a script of bench/ as its user runs it; returns the
    JSON line it prints last."""

    def run(script: str, *arguments: str, timeout: float = 600) -> dict:
        done = subprocess.run(
            [sys.executable, f"bench/{script}", *arguments], cwd=ROOT, capture_output=True, text=True, timeout=timeout
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return json.loads(done.stdout.strip().splitlines()[-1])

    return run
