"""The words the pages' scripts show (sessie_app/words.py): one catalogue per page, in its language."""

import html
import json
import re

import pytest
from flask_babel import force_locale

from sessie_app import words
from sessie_app.board import services as board_services
from sessie_app.organiser.services import create_or_update_organiser
from tests.helpers import post_form

PAGES = {"phone": words.phone, "console": words.console, "projector": words.projector}


@pytest.fixture
def board(app):
    return board_services.create_board("Zwolle", votes_per_participant=3)


@pytest.fixture
def organiser_client(app):
    create_or_update_organiser("organisator@example.org", "een-lang-geheim-wachtwoord")
    client = app.test_client()
    login = {"email": "organisator@example.org", "password": "een-lang-geheim-wachtwoord"}
    assert post_form(client, "/organisator/inloggen", login).status_code == 302
    return client


def words_on(page: str) -> dict:
    return json.loads(html.unescape(re.search(r"<body[^>]*\sdata-words='([^']*)'", page).group(1)))


@pytest.mark.parametrize(("locale", "word"), [("nl", "Uitgelicht"), ("en", "Featured")])
def test_the_flag_reads_the_same_on_the_phone_the_console_and_the_projector(app, board, locale, word):
    with app.test_request_context(), force_locale(locale):
        assert {name: make(board)["flags"]["pinned"] for name, make in PAGES.items()} == dict.fromkeys(PAGES, word)


def test_every_catalogue_carries_the_character_count_with_both_plural_forms(app, board):
    with app.test_request_context():
        catalogues = [make(board) for make in PAGES.values()] + [words.scanner(), words.common()]
        for catalogue in catalogues:
            assert catalogue["count"] == {
                "left": {"one": "Nog {count} teken", "other": "Nog {count} tekens"},
                "over": {"one": "{count} teken te veel", "other": "{count} tekens te veel"},
            }
        with force_locale("en"):
            assert words.common()["count"]["over"]["other"] == "{count} characters too many"


def test_a_phase_instruction_counts_the_boards_own_budget(app, board):
    with app.test_request_context():
        assert words.projector(board)["phases"]["stemmen"]["instruction"] == "Verdeel uw 3 stemmen"


def test_each_page_carries_its_catalogue_in_the_body(app, board, organiser_client, meetings):
    phone = app.test_client().get(f"/b/{board.code}").get_data(as_text=True)
    assert words_on(phone)["flags"]["pinned"] == "Uitgelicht"
    assert words_on(phone)["phases"]["opperen"]["help"] == "Niet mopperen, maar opperen: groot denken, klein doen."
    assert "data-t-" not in phone
    console = organiser_client.get(f"/organisator/borden/{board.code}").get_data(as_text=True)
    assert words_on(console)["log"]["pinned:on"] == "Uitgelicht"
    projector = organiser_client.get(f"/organisator/borden/{board.code}/projector").get_data(as_text=True)
    assert words_on(projector)["ranking"] == "Ranglijst"
    scanner = organiser_client.get("/organisator/sessies/tilburg/scannen").get_data(as_text=True)
    assert words_on(scanner)["no-camera"] == "Er is geen camera gevonden."
    assert "data-msg-" not in scanner
    registration = app.test_client().get("/sessies/tilburg").get_data(as_text=True)
    assert set(words_on(registration)) == {"count"}
