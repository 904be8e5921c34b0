"""Helpers for tests in every folder: the app's configuration and the app as the fixtures make it,
forms with their CSRF token, the outbox, registrations, URLs from the URL map, and skipping for
what this machine lacks."""

import email
import itertools
import os
import re
from email import policy
from pathlib import Path

import jinja2
import pytest
from sqlalchemy import event
from werkzeug.routing import IntegerConverter

from sessie_app import create_app
from sessie_app.extensions import db
from sessie_app.registration import services as registration_services

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() == "true"

ORGANISER_EMAIL = "organisator@example.org"
ORGANISER_PASSWORD = "een-lang-geheim-wachtwoord"
LOGIN_URL = "/organisator/inloggen"


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
        # The tests deliver the outbox themselves (deliver, outbox below), when they look.
        "OUTBOX_SENDER": False,
    }


class _CompiledTemplates(jinja2.BytecodeCache):
    """Compiled templates, kept for the test session. Every test makes an app of its own, and each
    app's Jinja environment would compile every template it renders again (a third of the time of
    a page test); a template whose source changed is compiled anew (the checksum does not match)."""

    def __init__(self):
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self._code:
            bucket.bytecode_from_string(self._code[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


_compiled_templates = _CompiledTemplates()


def _no_fsync(dbapi_connection, _record) -> None:
    dbapi_connection.execute("PRAGMA synchronous = OFF")


def create_test_app(config: dict):
    """create_app, with the templates compiled once per test session, and no fsync for the test's
    throwaway SQLite database."""
    app = create_app(config)
    app.jinja_env.bytecode_cache = _compiled_templates
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect", _no_fsync)
    return app


CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "page has no CSRF token"
    return match.group(1)


def page_csrf(client, url: str) -> str:
    """Open a page like a browser and return the CSRF token its forms carry."""
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return csrf_from(response.get_data(as_text=True))


def post_form(client, page_url: str, data: dict, post_url: str | None = None, **kwargs):
    """Load the page like a browser, then submit its form with the CSRF token it carries."""
    page = client.get(page_url)
    assert page.status_code == 200, page.status_code
    return client.post(
        post_url or page_url, data={"csrf_token": csrf_from(page.get_data(as_text=True)), **data}, **kwargs
    )


def deliver(app, now=None) -> int:
    """What the outbox's sender would do next: send every mail due (at ``now``)."""
    from sessie_app.outbox.sender import deliver_due

    with app.app_context():
        return deliver_due(now)


def outbox(app) -> list:
    """The mails due are delivered, then those written to the outbox folder read, oldest first."""
    deliver(app)
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


_numbers = itertools.count(1)


def registration_for(meeting, **overrides):
    """Register someone directly through the registration rules; returns the Registration row."""
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


def sample_url(app, rule, values: dict) -> str:
    """A URL for ``rule`` with its arguments from ``values``; an integer 1 or "x" for the rest."""
    arguments = {}
    for name in rule.arguments:
        converter = rule._converters[name]
        arguments[name] = values.get(name, 1 if isinstance(converter, IntegerConverter) else "x")
    with app.test_request_context():
        return app.url_for(rule.endpoint, **arguments)


def meeting_form_data(meeting, **changes) -> dict:
    """What the edit form of a session holds, with some fields changed."""
    data = {
        "city": meeting.city,
        "venue": meeting.venue or "",
        "address": meeting.address or "",
        "date": meeting.date.isoformat(),
        "starts_at": meeting.starts_at.strftime("%H:%M"),
        "ends_at": meeting.ends_at.strftime("%H:%M"),
        "capacity": str(meeting.capacity),
        "registration_open": "y" if meeting.registration_open else "",
    }
    data.update(changes)
    if not data["registration_open"]:
        del data["registration_open"]
    return data
