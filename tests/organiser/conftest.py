"""``site``: the app without an app context held open, so each request has its own (and its own
Flask-Login user), as in production; the five sessions are seeded."""

import pytest

from sessie_app.extensions import db
from sessie_app.registration import seed
from sessie_app.timeutil import today_local
from tests.helpers import create_test_app


@pytest.fixture
def site(app_config):
    app = create_test_app(app_config)
    with app.app_context():
        seed.seed(seed.load_file(seed.DEFAULT_FILE), today_local())
        db.session.remove()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
