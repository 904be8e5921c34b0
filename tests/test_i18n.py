"""Dutch by default, and an English catalogue that covers every message in the code."""

import re
import subprocess
import sys
from datetime import date, time
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from sessie_app import create_app
from sessie_app.extensions import db
from sessie_app.organiser.services import create_or_update_organiser
from sessie_app.registration import seed
from sessie_app.registration.meetings import meeting_by_slug
from sessie_app.timeutil import today_local
from tests.helpers import CSRF_RE, ROOT, VALID_REGISTRATION, outbox, post_form

CATALOGUE = ROOT / "translations" / "en" / "LC_MESSAGES" / "messages.po"


def test_english_catalogue_translates_every_message(tmp_path):
    template = tmp_path / "messages.pot"
    subprocess.run(
        [
            str(Path(sys.executable).parent / "pybabel"),
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-o",
            str(template),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with template.open("rb") as fh:
        wanted = {m.id if isinstance(m.id, str) else tuple(m.id) for m in read_po(fh) if m.id}
    assert len(wanted) > 150, "extraction found too few messages: is babel.cfg still matching?"
    with CATALOGUE.open("rb") as fh:
        catalogue = read_po(fh)
    translated = {
        (m.id if isinstance(m.id, str) else tuple(m.id))
        for m in catalogue
        if m.id and not m.fuzzy and (all(m.string) if isinstance(m.string, tuple) else m.string)
    }
    assert sorted(map(str, wanted - translated)) == []


@pytest.fixture
def visitor(app_config):
    """A client with no app context held open, so each request picks its own locale as in production."""
    app = create_app(app_config)
    with app.app_context():
        seed.seed(seed.load_file(seed.DEFAULT_FILE), today_local())
    return app.test_client()


def test_pages_are_dutch_by_default_and_english_on_request(visitor):
    client = visitor
    dutch = client.get("/").get_data(as_text=True)
    assert "Kies uw sessie" in dutch and '<html lang="nl">' in dutch
    client.get("/taal/en")
    english = client.get("/").get_data(as_text=True)
    assert "Choose your session" in english and "Venue to be announced" in english
    assert "Kies uw sessie" not in english


def test_form_errors_are_english_after_switching(visitor):
    client = visitor
    client.get("/taal/en")
    html = post_form(client, "/sessies/tilburg", {**VALID_REGISTRATION, "name": ""}).get_data(as_text=True)
    assert "Please enter your name." in html


@pytest.fixture
def dated_app(app_config):
    """An app whose Tilburg session falls on Sunday 7 November 2027, 15:00–20:30; no app context
    is held open, so each request picks its own locale."""
    app = create_app(app_config)
    with app.app_context():
        seed.seed(seed.load_file(seed.DEFAULT_FILE), today_local())
        tilburg = meeting_by_slug("tilburg")
        tilburg.date, tilburg.starts_at, tilburg.ends_at = date(2027, 11, 7), time(15, 0), time(20, 30)
        db.session.commit()
        db.session.remove()
    return app


def _mail_text(app) -> str:
    [message] = outbox(app)
    return message.get_body(preferencelist=("plain",)).get_content()


def test_dates_in_dutch_stay_as_they_were(dated_app):
    client = dated_app.test_client()
    for path in ("/", "/sessies/tilburg"):
        html = client.get(path).get_data(as_text=True)
        assert "zondag 7 november 2027" in html and "15:00–20:30" in html, path
    assert "Op 7 november 2027 bouwen we in Tilburg" in client.get("/sessies/tilburg").get_data(as_text=True)
    post_form(client, "/sessies/tilburg", VALID_REGISTRATION)
    assert "Wanneer: zondag 7 november 2027, 15:00–20:30" in _mail_text(dated_app)


TWELVE_HOUR_TIME = re.compile(r"\b\d{1,2}(?::\d{2})?\s?[AP]M\b")


def test_dates_in_english_are_in_british_order_with_24_hour_times(dated_app):
    client = dated_app.test_client()
    client.get("/taal/en")
    for path in ("/", "/sessies/tilburg"):
        html = client.get(path).get_data(as_text=True)
        assert "Sunday 7 November 2027" in html and "15:00–20:30" in html, path
        # A 12-hour time ("3:00 PM"), looked for outside the random CSRF token, which may hold "PM" too.
        shown = CSRF_RE.sub("", html)
        assert "November 7" not in shown and not TWELVE_HOUR_TIME.search(shown), path
    assert "7 November 2027" in client.get("/sessies/tilburg").get_data(as_text=True)
    post_form(client, "/sessies/tilburg", VALID_REGISTRATION)
    text = _mail_text(dated_app)
    assert "Sunday 7 November 2027, 15:00–20:30" in text and "November 7" not in text


def test_the_organisers_dashboard_in_english_shows_day_month_year(dated_app):
    with dated_app.app_context():
        create_or_update_organiser("org@example.nl", "een-lang-wachtwoord")
    client = dated_app.test_client()
    client.get("/taal/en")
    post_form(client, "/organisator/inloggen", {"email": "org@example.nl", "password": "een-lang-wachtwoord"})
    html = client.get("/organisator/").get_data(as_text=True)
    assert "7 Nov 2027" in html and "Nov 7, 2027" not in html
