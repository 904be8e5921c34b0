"""The Plan van Aanpak PDF (sessie_app/reports/document.py), from the CLI and the organiser download:
A4, several pages, the groups in order, every chapter; no personal data; hostile text printed as
text while nothing but the app's own static files and data: URIs is fetched."""

import logging
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from flask import current_app

from sessie_app import pdf
from sessie_app.board import services as board_services
from sessie_app.board.models import OPPEREN, STEMMEN
from tests.helpers import need
from tests.reports.dataset import NICKNAME, PERSONAL, REPORT_URL, cid, propose, vote

HOSTILE = [
    '<img src="file:///etc/passwd">',
    '<link rel=stylesheet href="http://127.0.0.1:9/x.css">',
    "<style>@import url(http://169.254.169.254/)</style>",
    '<svg><image href="file:///etc/hostname"/></svg>',
    '<script>document.write("gehackt")</script>',
]
HOSTILE_BIG = '<iframe src="http://127.0.0.1:9/big"></iframe>'
HOSTILE_SMALL = '<object data="file:///etc/passwd"></object>'
HOSTILE_BOTTLENECK = '<embed src="http://169.254.169.254/latest/meta-data/">'
HOSTILE_URLS = ["file:///etc/passwd", "http://127.0.0.1:9", "http://169.254.169.254", "file:///etc/hostname"]


def squash(text: str) -> str:
    """Without whitespace and hyphenation marks, so a line break inside a phrase does not matter."""
    return re.sub(r"[\s\u2010\u00ad]+", "", text)


def pdf_text(path: Path, layout: bool = True) -> str:
    need(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils) is not installed")
    args = ["pdftotext", *(["-layout"] if layout else []), str(path), "-"]
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def pdf_info(path: Path) -> str:
    need(shutil.which("pdfinfo") is not None, "pdfinfo (poppler-utils) is not installed")
    return subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout


def chapter(text: str, start: str, end: str | None) -> str:
    """The text from the heading line ``start`` up to the heading line ``end`` (after the contents page)."""
    body = text[text.index("\nBijlage: alle voorstellen") + 1 :]  # skip the table of contents
    begin = re.search(rf"^{re.escape(start)}$", body, re.MULTILINE)
    assert begin, f"no heading {start!r}"
    if end is None:
        return body[begin.start() :]
    finish = re.search(rf"^{re.escape(end)}$", body[begin.end() :], re.MULTILINE)
    assert finish, f"no heading {end!r} after {start!r}"
    return body[begin.start() : begin.end() + finish.start()]


def row(text: str, *cells) -> re.Match | None:
    """A table line holding exactly these cells, left to right, separated by spaces."""
    return re.search(r"^\s*" + r"\s+".join(re.escape(str(c)) for c in cells) + r"\s*$", text, re.MULTILINE)


def check_page_format(path: Path) -> None:
    info = pdf_info(path)
    size = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", info, re.MULTILINE)
    assert size and (round(float(size.group(1)), 2), round(float(size.group(2)), 2)) == (595.28, 841.89), info
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))
    assert pages > 1


def check_private_data_absent(text: str, raw: bytes) -> None:
    for secret in PERSONAL:
        assert secret.casefold() not in text.casefold(), secret
        assert squash(secret).casefold() not in squash(text).casefold(), secret
        assert secret.encode() not in raw
    # A nickname is the only name: it shows where it was set, and nowhere else is anyone named.
    assert set(re.findall(r"\bdoor ([A-Z]\w*(?: [A-Z]\w*)*)", text)) == {NICKNAME}
    assert "None" not in text


@pytest.fixture
def hostile(dataset):
    """A board without session (counted in by the organiser) whose proposals, first steps and
    bottleneck are hostile markup; one participant (no role, so the bridging figures stay as they
    are) gives each title a dot."""
    with current_app.test_request_context():
        board = board_services.create_board("Los bord")
        board_services.set_report_marks(board.id, practice=False, in_report=True)
        person = board_services.join(board.id, None)
        board_services.add_bottleneck(person.id, cid(), HOSTILE_BOTTLENECK)
        board_services.set_phase(board.id, OPPEREN, None)
        ids = [propose(person, title) for title in HOSTILE]
        ids.append(propose(person, "Gewoon voorstel met rare stappen", big=HOSTILE_BIG, small=HOSTILE_SMALL))
        board_services.set_phase(board.id, STEMMEN, None)
        for proposal_id in ids[:5]:
            vote(person, proposal_id)
    return dataset


class FetchLog:
    """What the PDF render process asked its fetcher for (``requested``) and every connection or name
    lookup it tried (``connections``), as sessie_app.pdf logs them from the process's report."""

    def __init__(self, caplog):
        self.caplog = caplog

    def __getitem__(self, key: str) -> list[str]:
        attribute = {"requested": "pdf_url", "connections": "pdf_network"}[key]
        return [getattr(record, attribute) for record in self.caplog.records if hasattr(record, attribute)]


@pytest.fixture
def fetch_log(caplog):
    caplog.set_level(logging.DEBUG, logger="sessie_app.pdf")
    return FetchLog(caplog)


def only_own_files(requested: list[str], origin: str) -> list[str]:
    """The requests that were neither data: URIs nor static files of this app."""
    return [url for url in requested if not url.startswith(("data:", f"{origin}/static/"))]


def test_the_pdf_of_all_sessions_from_the_cli(runner, hostile, fetch_log, tmp_path):
    target = tmp_path / "plan.pdf"
    result = runner.invoke(args=["report", "pdf", "--all", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert f"Geschreven: {target}" in result.output
    raw = target.read_bytes()
    assert raw.startswith(b"%PDF-")
    check_page_format(target)
    text = pdf_text(target)

    # Only the stylesheet from /static/ and the charts as data: URIs were fetched; nothing went out.
    requested = fetch_log["requested"]
    assert any(url.startswith("http://sessie.test/static/") and url.endswith(".css") for url in requested)
    assert only_own_files(requested, "http://sessie.test") == []
    assert not [url for url in requested if any(bad in url for bad in HOSTILE_URLS)]
    assert fetch_log["connections"] == []

    # The summary: the confirmed groups in order, support beside the raw votes.
    summary = chapter(text, "1 Samenvatting", "2 Deelname per sessie")
    expected = [
        (1, "Toegang tot literatuur voor leraren", 7, 11),
        (2, "Vaste onderzoekstijd in de cao", 5, 5),
        (3, "Kenniscentra voor schoolleiders", 3, 4),
        (4, "Makelaar koppelt scholen aan onderzoekers", 2, 2),
        (5, "Jaarlijks congres over wat werkt in de klas", 1, 2),
    ]
    positions = []
    for cells in expected:
        found = row(summary, *cells)
        assert found, cells
        positions.append(found.start())
    assert positions == sorted(positions)
    assert "2 voorstellen · Tilburg, Zwolle" in summary

    # Bridging: the group across three roles above the bigger group of mostly teachers.
    bridging = chapter(text, "3 Verbindende voorstellen", "4 Wie moet aan de slag?")
    first = row(bridging, 1, "Vaste onderzoekstijd in de cao", 1, 2, 2, 0, 0, 5)
    second = re.search(r"^\s*2\s+Toegang tot literatuur voor", bridging, re.MULTILINE)
    assert first and second and first.start() < second.start()
    assert "Leraar (7), Schoolleider (2), Onderzoeker (2), Bestuurder (1)" in bridging

    # Who must act: per actor the groups with their first step.
    actors = chapter(text, "4 Wie moet aan de slag?", "5 Knelpunten")
    assert re.search(r"^4\.1\s+School / bestuur$", actors, re.MULTILINE)
    assert row(actors, "Vaste onderzoekstijd in de cao", "Twee uur per week inroosteren", 5)
    assert row(actors, "Toegang tot literatuur voor leraren", "Bibliotheekpas voor elke leraar regelen", 7)
    assert "Nog niet bepaald" in actors

    # Bottlenecks and the proposals that answer them.
    bottlenecks = chapter(text, "5 Knelpunten", "6 Sessie Amsterdam")
    assert "Antwoord: Makelaar koppelt scholen aan onderzoekers (2 stemmen)" in bottlenecks

    # A chapter per session, in date order, then the one for the board without session, then the appendix.
    headings = [
        "6 Sessie Amsterdam",
        "7 Sessie Zwolle",
        "8 Sessie Tilburg",
        "9 Sessie Den Haag",
        "10 Sessie Utrecht",
        "11 Zonder sessie",
        "Bijlage: alle voorstellen",
    ]
    for start, end in zip(headings, [*headings[1:], None], strict=True):
        assert chapter(text, start, end)
    tilburg = chapter(text, "8 Sessie Tilburg", "9 Sessie Den Haag")
    assert row(tilburg, 2, 1, 11, 5, 20)  # registered, checked in, joined, proposals, votes
    assert row(tilburg, 1, "Open access tot tijdschriften voor alle leraren", 9, 6)
    assert "ingediend door Juf Anna" in tilburg
    assert "Voorstellen samengevoegd" in tilburg and "Verborgen" in tilburg
    appendix = chapter(text, "Bijlage: alle voorstellen", None)
    assert "Landelijke licentie op vakliteratuur voor het onderwijs" in appendix
    # The figures stand in a column of their own, beside the last line of their proposal.
    assert row(appendix, "Voorstel", "Stemmen / steun")
    # (pdftotext may drop the spaces around the slash of a short right-aligned "9 / 6".)
    assert re.search(r"^Aan de slag: Kennisinstelling · ingediend door Juf Anna\s+9 ?/ ?6$", appendix, re.MULTILINE)
    assert "Verborgen scheldpartij" not in text and "Dubbel ingediende makelaarsbalie" not in text

    # Hostile markup is printed as text, and nothing of a local file ends up in the document.
    plain = squash(pdf_text(target, layout=False))
    for literal in [*HOSTILE, HOSTILE_BIG, HOSTILE_SMALL, HOSTILE_BOTTLENECK]:
        assert squash(literal) in plain, literal
    passwd = Path("/etc/passwd").read_text().splitlines()[0]
    assert "root:" not in text and squash(passwd) not in plain and b"root:x" not in raw
    hostname = Path("/etc/hostname").read_text().strip() if Path("/etc/hostname").exists() else ""
    if len(hostname) >= 8:
        assert hostname not in text
    assert b"/EmbeddedFile" not in raw and b"/JavaScript" not in raw

    check_private_data_absent(text, raw)


def test_the_organiser_downloads_the_pdf_of_one_session(organiser_client, dataset, fetch_log, tmp_path):
    response = organiser_client.get(f"{REPORT_URL}/tilburg.pdf")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"] == 'attachment; filename="plan-van-aanpak-tilburg.pdf"'
    assert response.data.startswith(b"%PDF-")
    target = tmp_path / "tilburg.pdf"
    target.write_bytes(response.data)
    check_page_format(target)
    text = pdf_text(target)

    assert "Synthese sessie Tilburg" in text
    summary = chapter(text, "1 Samenvatting", "2 Deelname per sessie")
    expected = [
        (1, "Toegang tot literatuur voor leraren", 7, 11),
        (2, "Vaste onderzoekstijd in de cao", 5, 5),
        (3, "Makelaar koppelt scholen aan onderzoekers", 2, 2),
        (4, "Kenniscentra voor schoolleiders", 1, 2),
    ]
    positions = [row(summary, *cells).start() for cells in expected]
    assert positions == sorted(positions)
    bridging = chapter(text, "3 Verbindende voorstellen", "4 Wie moet aan de slag?")
    assert row(bridging, 1, "Vaste onderzoekstijd in de cao", 1, 2, 2, 5)
    assert "Leraar (6), Schoolleider (2), Onderzoeker (2)." in bridging
    assert chapter(text, "6 Sessie Tilburg", "Bijlage: alle voorstellen")
    # Zwolle's part of the group across sessions and Zwolle's own proposals stay out.
    assert "Netwerk van schoolleiders starten" not in text and "Jaarlijks congres" not in text
    assert "Sessie Zwolle" not in text

    assert only_own_files(fetch_log["requested"], "http://localhost") == []
    assert any("/static/" in url for url in fetch_log["requested"])
    assert fetch_log["connections"] == []
    check_private_data_absent(text, response.data)


@pytest.mark.parametrize(
    ("failure", "message"),
    [
        (pdf.PdfTimeout("te lang"), "Het rapport maken duurde te lang en is afgebroken."),
        (pdf.PdfBusy("vol"), "Er worden nu al rapporten gemaakt."),
        (pdf.PdfError("kapot"), "Het rapport kon niet worden gemaakt. De CSV en JSON bevatten dezelfde gegevens."),
    ],
)
def test_a_pdf_that_cannot_be_made_is_a_503_with_a_message(organiser_client, meetings, monkeypatch, failure, message):
    from sessie_app.reports import views

    def fail(report):
        raise failure

    monkeypatch.setattr(views, "report_pdf", fail)
    response = organiser_client.get(f"{REPORT_URL}/alle.pdf")
    assert response.status_code == 503
    assert response.headers["Content-Type"].startswith("text/html")
    assert message in response.get_data(as_text=True)
    assert not response.data.startswith(b"%PDF")


def test_a_pdf_that_cannot_be_made_is_a_clean_cli_error(runner, meetings, monkeypatch, tmp_path):
    from sessie_app.reports import document

    def fail(report, *args, **kwargs):
        raise pdf.PdfTimeout("rendering took longer than 30 s")

    monkeypatch.setattr(document, "report_pdf", fail)
    result = runner.invoke(args=["report", "pdf", "--all", "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code == 1
    assert "De PDF kon niet worden gemaakt" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "x.pdf").exists()
