"""Fixtures for tests in every folder: an app on a migrated SQLite copy per test, the five sessions,
a logged-in organiser, and registrations made through the registration rules. Helpers: tests/helpers.py."""

import itertools
import shutil
from pathlib import Path

import pytest
from flask_migrate import upgrade

from sessie_app import create_app
from sessie_app.extensions import db
from sessie_app.organiser import services as organiser_services
from sessie_app.registration import seed
from sessie_app.registration import services as registration_services
from sessie_app.timeutil import today_local
from tests.helpers import LOGIN_URL, ORGANISER_EMAIL, ORGANISER_PASSWORD, base_config, post_form


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory) -> Path:
    """One SQLite file built by the migrations; each test gets a copy (the schema comes only from Alembic)."""
    folder = tmp_path_factory.mktemp("template-db")
    path = folder / "template.sqlite"
    app = create_app({**base_config(folder), "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return path


@pytest.fixture
def app_config(tmp_path, migrated_sqlite) -> dict:
    database = tmp_path / "test.sqlite"
    shutil.copy(migrated_sqlite, database)
    return {**base_config(tmp_path), "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}"}


@pytest.fixture
def app(app_config):
    app = create_app(app_config)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def meetings(app):
    """The five sessions of the invitation, placed ahead of today."""
    seed.seed(seed.load_file(seed.DEFAULT_FILE), today_local())
    return {m.slug: m for m in registration_services.upcoming_meetings()}


@pytest.fixture
def organiser(app):
    return organiser_services.create_or_update_organiser(ORGANISER_EMAIL, ORGANISER_PASSWORD)


@pytest.fixture
def organiser_client(client, organiser):
    """A test client logged in through the real login form, CSRF token and all."""
    response = post_form(client, LOGIN_URL, {"email": ORGANISER_EMAIL, "password": ORGANISER_PASSWORD})
    assert response.status_code == 302, response.status_code
    assert response.headers["Location"].endswith("/organisator/")
    return client


_numbers = itertools.count(1)


@pytest.fixture
def add_registration(app):
    """Register someone directly through the registration rules; returns the Registration row."""

    def add(meeting, **overrides):
        n = next(_numbers)
        values = {
            "name": f"Deelnemer {n}",
            "email": f"deelnemer{n}@example.nl",
            "organisation": f"School {n}",
            "role": "leraar",
            "sector": "PO",
            "meal": True,
        }
        values.update(overrides)
        outcome = registration_services.register(meeting.id, registration_services.Details(**values))
        return registration_services.get_registration(outcome.registration_id)

    return add
