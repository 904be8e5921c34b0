"""Dutch by default, and an English catalogue that covers every message in the code."""

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from sessie_app import create_app
from sessie_app.registration import seed
from sessie_app.timeutil import today_local
from tests.helpers import ROOT, VALID_REGISTRATION, post_form

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
