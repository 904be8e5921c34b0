"""Shared fixtures: an app on a migrated SQLite copy per test, the five sessions, helpers for forms."""

import os
import re
import shutil
from pathlib import Path

import pytest
from flask_migrate import upgrade

from sessie_app import create_app
from sessie_app.extensions import db
from sessie_app.registration import seed
from sessie_app.timeutil import today_local

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() == "true"


def need(condition: bool, reason: str) -> None:
    """Skip for a missing service or browser, except in CI, where it must fail."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI=true and {reason}")
    pytest.skip(reason)


def base_config(tmp_path: Path) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "INSTANCE_DIR": str(tmp_path),
        "MAIL_SERVER": None,
        "MAIL_OUTBOX_DIR": str(tmp_path / "outbox"),
        "RATELIMIT_ENABLED": False,
        "BASE_URL": "http://sessie.test",
        "SERVER_NAME": None,
    }


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
    from sessie_app.registration.meetings import meetings_in_date_order

    return {m.slug: m for m in meetings_in_date_order()}


CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "page has no CSRF token"
    return match.group(1)


def post_form(client, page_url: str, data: dict, post_url: str | None = None, **kwargs):
    """Load the page like a browser, then submit its form with the CSRF token it carries."""
    page = client.get(page_url)
    assert page.status_code == 200, page.status_code
    return client.post(
        post_url or page_url, data={"csrf_token": csrf_from(page.get_data(as_text=True)), **data}, **kwargs
    )


def outbox(app) -> list:
    """The mails written to the outbox folder, oldest first, parsed."""
    import email
    from email import policy

    folder = Path(app.config["MAIL_OUTBOX_DIR"])
    if not folder.exists():
        return []
    return [email.message_from_bytes(p.read_bytes(), policy=policy.default) for p in sorted(folder.glob("*.eml"))]


VALID_REGISTRATION = {
    "name": "Fatima el Amrani",
    "email": "f.elamrani@example.nl",
    "organisation": "Basisschool De Regenboog",
    "role": "leraar",
    "sector": "PO",
    "meal": "ja",
    "privacy_consent": "y",
}


def sample_url(app, rule, values: dict) -> str:
    """A URL for ``rule`` with its arguments from ``values``; an integer 1 or "x" for the rest."""
    from werkzeug.routing import IntegerConverter

    arguments = {}
    for name in rule.arguments:
        converter = rule._converters[name]
        arguments[name] = values.get(name, 1 if isinstance(converter, IntegerConverter) else "x")
    with app.test_request_context():
        return app.url_for(rule.endpoint, **arguments)
