"""Fixtures for the realtime tests; the screens and board helpers are in screens.py.

The app here holds no app context open between requests, as in production: each HTTP request and
each socket event gets its own context and database session, and Flask-Login's cached user cannot
leak from one client to another (with the `app` fixture they would share `g`).
"""

import pytest

from sessie_app.extensions import db
from sessie_app.realtime import auth, broadcast
from tests.helpers import create_test_app
from tests.realtime.screens import BoardRef, make_board


@pytest.fixture
def live_app(app_config):
    app = create_test_app(app_config)
    auth.buckets.clear()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def board(live_app) -> BoardRef:
    return make_board(live_app)


@pytest.fixture
def send_tallies(monkeypatch):
    """Tallies wait until the test sends them: the broadcaster's background rounds send nothing
    meanwhile, and the returned function is one round. How many tallies a burst of votes gives is
    then the test's to decide, not the machine's speed."""
    one_round = broadcast.flush
    monkeypatch.setattr(broadcast, "flush", lambda: None)
    return one_round
