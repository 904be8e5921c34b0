"""The words beside the report's keys: one message per fallback ("Nog niet bepaald", "Zonder thema",
"Zonder sessie"), the same in the JSON and the CSV, in the locale the report is built in."""

import csv
import io
import json

from flask_babel import force_locale

from sessie_app.board import services as board_services
from sessie_app.board.models import OPPEREN
from sessie_app.reports import exports, services
from tests.reports.dataset import FORMULA, propose


def loose_proposal() -> int:
    """A proposal without actor or theme on a board without session, which the organiser counts in."""
    board = board_services.create_board("Los bord")
    board_services.set_report_marks(board.id, practice=False, in_report=True)
    person = board_services.join(board.id, None, role="leraar")
    board_services.set_phase(board.id, OPPEREN, None)
    return propose(person, "Voorstel van een los bord")


def csv_rows(report) -> dict[int, dict]:
    return {
        int(row["voorstel_id"]): row
        for row in csv.DictReader(io.StringIO(exports.synthesis_csv(report).removeprefix("\ufeff")), delimiter=";")
    }


def test_the_csv_has_the_words_beside_the_keys(dataset, rq):
    p = dataset.p
    loose = loose_proposal()
    rows = csv_rows(services.build_report())
    words = ("actor", "actor_naam", "thema", "thema_naam", "sessie", "sessie_naam", "groep_bevestigd")
    assert {key: rows[p["P1"]][key] for key in words} == {
        "actor": "kennisinstelling",
        "actor_naam": "Kennisinstelling",
        "thema": "literatuur",
        "thema_naam": "Toegang tot onderzoeksliteratuur",
        "sessie": "tilburg",
        "sessie_naam": "Tilburg",
        "groep_bevestigd": "ja",
    }
    assert rows[p["P10"]]["titel"] == "'" + FORMULA
    assert {key: rows[p["P10"]][key] for key in words} == {
        "actor": "onbepaald",
        "actor_naam": "Nog niet bepaald",
        "thema": "zonder-thema",
        "thema_naam": "Zonder thema",
        "sessie": "zwolle",
        "sessie_naam": "Zwolle",
        "groep_bevestigd": "nee",
    }
    assert (rows[loose]["sessie"], rows[loose]["sessie_naam"]) == ("", "Zonder sessie")


def test_the_json_has_the_words_beside_the_keys(dataset, rq):
    p = dataset.p
    loose = loose_proposal()
    data = json.loads(exports.synthesis_json(services.build_report()))
    (formula,) = [g for g in data["groups"] if g["proposals"][0]["id"] == p["P10"]]
    assert (formula["actor"], formula["actor_label"], formula["theme"], formula["theme_name"]) == (
        "onbepaald",
        "Nog niet bepaald",
        "zonder-thema",
        "Zonder thema",
    )
    proposal = formula["proposals"][0]
    assert (proposal["actor_label"], proposal["theme_name"], proposal["session_city"]) == (
        "Nog niet bepaald",
        "Zonder thema",
        "Zwolle",
    )
    (alone,) = [q for q in data["appendix"] if q["id"] == loose]
    assert (alone["session"], alone["session_city"]) == (None, "Zonder sessie")
    no_theme = next(b for b in data["bottlenecks"] if b["id"] == dataset.bottlenecks["tijd"])
    assert (no_theme["theme"], no_theme["theme_name"]) == ("zonder-thema", "Zonder thema")
    tilburg = next(c for c in data["sessions"] if c["slug"] == "tilburg")
    assert {"action": "hide", "label": "Verborgen", "count": 2} in tilburg["moderation"]
    assert data["sessions"][-1]["city"] == "Zonder sessie"


def test_the_words_follow_the_locale_the_report_is_built_in(dataset, rq):
    p = dataset.p
    loose = loose_proposal()
    with force_locale("en"):
        report = services.build_report()
    rows = csv_rows(report)
    assert (rows[p["P10"]]["actor_naam"], rows[p["P10"]]["thema_naam"]) == ("Not yet decided", "No theme")
    assert rows[loose]["sessie_naam"] == "No session"
    # Column names and their fixed values stay as they are, whatever the language.
    assert (rows[p["P10"]]["actor"], rows[p["P1"]]["groep_bevestigd"]) == ("onbepaald", "ja")
    assert (report.matrix.rows[-1].actor, report.matrix.rows[-1].label) == ("onbepaald", "Not yet decided")
    assert ("zonder-thema", "No theme") in [(t.key, t.name) for t in report.matrix.themes]
    assert report.sessions[-1].city == "No session"
    tilburg = next(c for c in report.sessions if c.slug == "tilburg")
    assert ("hide", "Hidden") in [(m.action, m.label) for m in tilburg.moderation]
