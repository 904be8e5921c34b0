"""The organiser's live boards: list and create, console, projector, poster PDF, import, export, CLI,
and the PDF renderer that fetches nothing but the app's own static files."""

import html
import http.server
import json
import multiprocessing
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import ClassVar

import pytest

from sessie_app import pdf, pdf_process
from sessie_app.board import services as board_services
from sessie_app.board.models import STEMMEN, Board, Proposal
from sessie_app.extensions import db
from sessie_app.organiser import services as organiser_services
from sessie_app.registration import services as registration_services
from tests.helpers import csrf_from, need, post_form, registration_for

CODE_RE = r"[ACDEFGHJKMNPQRTUVWXY34679]{6}"
BOARDS_URL = "/organisator/borden"


def board_url(board, suffix: str = "") -> str:
    return f"{BOARDS_URL}/{board.code}{suffix}"


@pytest.fixture
def board(app, meetings):
    return board_services.create_board("Regiosessie Tilburg", meeting_id=meetings["tilburg"].id)


def all_boards() -> list[Board]:
    return list(db.session.scalars(db.select(Board).order_by(Board.id)))


def no_inline_code(page: str) -> None:
    """The CSP forbids inline scripts and styles; every script has a src."""
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), "inline <script>"
    assert not re.search(r"\sstyle=", page), "inline style attribute"
    assert "<style" not in page


# --- list and create ---------------------------------------------------------------------------------


def test_the_subnav_and_the_dashboard_lead_to_the_boards(organiser_client, meetings):
    page = organiser_client.get("/organisator/").get_data(as_text=True)
    assert page.count(f'href="{BOARDS_URL}"') >= 2


def test_a_board_for_a_session_is_created_through_the_form(organiser_client, meetings):
    response = post_form(
        organiser_client,
        BOARDS_URL,
        {
            "title": "Regiosessie Zwolle",
            "meeting": "zwolle",
            "votes_per_participant": "6",
            "max_votes_per_proposal": "3",
        },
    )
    (board,) = all_boards()
    assert re.fullmatch(CODE_RE, board.code)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"{BOARDS_URL}/{board.code}")
    assert (board.title, board.meeting_id, board.votes_per_participant, board.max_votes_per_proposal) == (
        "Regiosessie Zwolle",
        meetings["zwolle"].id,
        6,
        3,
    )
    assert len(board.themes) == 6
    page = organiser_client.get(BOARDS_URL).get_data(as_text=True)
    assert board.code in page and "Zwolle" in page and "Mopperen" in page


def test_a_stand_alone_board_has_no_session_and_the_default_budget(organiser_client, meetings):
    page = organiser_client.get(BOARDS_URL).get_data(as_text=True)
    assert 'value="5"' in page and 'value="2"' in page and "Geen sessie (los bord)" in page
    post_form(
        organiser_client,
        BOARDS_URL,
        {"title": "Los bord", "meeting": "", "votes_per_participant": "5", "max_votes_per_proposal": "2"},
    )
    (board,) = all_boards()
    assert board.meeting_id is None
    assert "geen sessie" in organiser_client.get(BOARDS_URL).get_data(as_text=True)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "Vul een titel in"),
        ({"title": "x" * 121}, "Gebruik hoogstens 120 tekens."),
        ({"votes_per_participant": "0"}, "Kies voor stemmen per deelnemer een aantal van 1 tot en met 20."),
        ({"votes_per_participant": "21"}, "Kies voor stemmen per deelnemer een aantal van 1 tot en met 20."),
        ({"votes_per_participant": "veel"}, "Vul een heel getal in."),
        (
            {"max_votes_per_proposal": "11", "votes_per_participant": "20"},
            "Kies voor stemmen op één voorstel een aantal van 1 tot en met 10.",
        ),
        (
            {"max_votes_per_proposal": "4", "votes_per_participant": "3"},
            "Eén voorstel kan niet meer stemmen krijgen dan een deelnemer heeft: kies hoogstens 3.",
        ),
        ({"meeting": "bestaat-niet"}, "Sessie"),
    ],
    ids=[
        "no-title",
        "long-title",
        "zero-votes",
        "too-many-votes",
        "not-a-number",
        "max-too-high",
        "max-above-budget",
        "unknown-session",
    ],
)
def test_the_form_refuses_bad_values_in_dutch(organiser_client, meetings, changes, message):
    data = {"title": "Bord", "meeting": "", "votes_per_participant": "5", "max_votes_per_proposal": "2", **changes}
    response = post_form(organiser_client, BOARDS_URL, data)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Controleer de gemarkeerde velden." in page and message in page
    assert all_boards() == []


@pytest.mark.parametrize(
    ("votes", "per_proposal", "field"),
    [("0", "1", "votes_per_participant"), ("21", "2", "votes_per_participant"), ("3", "4", "max_votes_per_proposal")],
)
def test_the_form_shows_the_board_services_refusal_under_the_field(
    organiser_client, meetings, votes, per_proposal, field
):
    with pytest.raises(board_services.InvalidBoard) as refusal:
        board_services.check_budget(int(votes), int(per_proposal))
    data = {"title": "Bord", "meeting": "", "votes_per_participant": votes, "max_votes_per_proposal": per_proposal}
    page = post_form(organiser_client, BOARDS_URL, data).get_data(as_text=True)
    assert f'<p class="error" id="{field}-error">{html.escape(str(refusal.value), quote=False)}</p>' in page
    assert all_boards() == []


def test_the_forms_number_fields_take_their_range_from_the_board_service(organiser_client):
    page = organiser_client.get(BOARDS_URL).get_data(as_text=True)
    for field, largest in (
        ("votes_per_participant", board_services.MAX_VOTES_PER_PARTICIPANT),
        ("max_votes_per_proposal", board_services.MAX_VOTES_PER_PROPOSAL),
    ):
        (tag,) = re.findall(rf'<input[^>]*\bid="{field}"[^>]*>', page)
        assert f'min="{board_services.MIN_VOTES}"' in tag and f'max="{largest}"' in tag
        assert f"Van {board_services.MIN_VOTES} tot en met {largest}." in page


def test_hostile_titles_are_shown_as_text(organiser_client, meetings):
    post_form(
        organiser_client,
        BOARDS_URL,
        {
            "title": "<script>alert(1)</script>",
            "meeting": "",
            "votes_per_participant": "5",
            "max_votes_per_proposal": "2",
        },
    )
    (board,) = all_boards()
    for url in (BOARDS_URL, board_url(board), board_url(board, "/projector")):
        page = organiser_client.get(url).get_data(as_text=True)
        assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# --- console and projector --------------------------------------------------------------------------


def test_the_console_has_the_controls_links_and_no_inline_code(organiser_client, board):
    response = organiser_client.get(board_url(board))
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    no_inline_code(page)
    for text in (
        "Mopperen",
        "Opperen",
        "Stemmen",
        "Oogsten",
        "Laad de zes knelpunten uit de uitnodiging",
        "Moderatielog",
        "Dubbele voorstellen samenvoegen",
        f"sessie.test/b/{board.code}",
    ):
        assert text in page
    for suffix in ("/projector", "/poster.pdf", "/import", "/export.csv", "/export.json"):
        assert f'href="{board_url(board, suffix)}"' in page
    assert (
        "/static/vendor/socket.io.min.js" in page
        and "/static/js/console.js" in page
        and "/static/css/projector.css" in page
    )
    words = json.loads(html.unescape(re.search(r"data-words='([^']*)'", page).group(1)))
    assert words["errors"]["locked"] == "Het bord is vergrendeld." and words["phases"]["oogsten"]["name"] == "Oogsten"


def test_the_console_shows_the_phones_on_the_board_beside_those_checked_in(organiser_client, board, meetings):
    present = [registration_for(meetings["tilburg"], email=f"aanwezig{n}@example.nl") for n in range(3)]
    for registration in present[:2]:
        registration_services.set_checked_in(registration.id, True)
    assert organiser_services.checked_in_for_board(board.id) == 2
    page = organiser_client.get(board_url(board)).get_data(as_text=True)
    assert '<p class="help" id="checked-in">Ingecheckt bij de balie: 2</p>' in page
    standalone = board_services.create_board("Oefenbord")
    assert organiser_services.checked_in_for_board(standalone.id) is None
    assert '<p class="help" id="checked-in" hidden>' in organiser_client.get(board_url(standalone)).get_data(
        as_text=True
    )


def test_the_console_shows_the_moderation_log(organiser_client, board, organiser):
    board_services.load_starters(board.id, organiser.id)
    starter = board_services.snapshot(board.id)["bottlenecks"][0]["id"]
    board_services.set_bottleneck_hidden(board.id, starter, True, "Dubbel <b>", organiser.id)
    board_services.set_phase(board.id, STEMMEN, organiser.id)
    page = organiser_client.get(board_url(board)).get_data(as_text=True)
    assert re.search(r"<td>\d\d:\d\d:\d\d</td><td>Fase gewisseld</td><td>stemmen</td>", page)
    # The reason stands under what it is about, escaped.
    assert f'<td>bottleneck:{starter}<span class="log-reason">Reden: Dubbel &lt;b&gt;</span></td>' in page


def test_the_projector_shows_qr_code_join_code_link_and_phase(organiser_client, board):
    board_services.set_phase(board.id, STEMMEN, None)
    response = organiser_client.get(board_url(board, "/projector"))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    no_inline_code(page)
    assert f'src="/b/{board.code}/qr.svg"' in page
    assert re.search(rf'<img class="pj-qr"[^>]*alt="QR-code naar sessie.test/b/{board.code}"', page)
    assert f'<p class="pj-code" aria-label="{" ".join(board.code)}">{board.code}</p>' in page
    assert "Verdeel uw 5 stemmen" in page and ">Stemmen</h1>" in page
    assert "/static/js/projector.js" in page and "/static/css/projector.css" in page
    words = json.loads(html.unescape(re.search(r"data-words='([^']*)'", page).group(1)))
    assert words["phases"]["mopperen"]["instruction"] == "Noem knelpunten in één zin"
    assert words["phases"]["oogsten"]["instruction"] == "De ranglijst staat vast"


@pytest.mark.parametrize("suffix", ["", "/projector", "/poster.pdf", "/import", "/export.csv", "/export.json"])
def test_an_unknown_code_is_a_404(organiser_client, suffix):
    assert organiser_client.get(f"{BOARDS_URL}/ACDEFG{suffix}").status_code == 404


# --- poster --------------------------------------------------------------------------------------------


def pdf_text(data: bytes, tmp_path: Path) -> str:
    need(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils) is not installed")
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout


def test_the_poster_is_an_a4_pdf_with_code_link_mottos_and_a_working_qr_code(organiser_client, board, tmp_path):
    response = organiser_client.get(board_url(board, "/poster.pdf"))
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    text = pdf_text(response.data, tmp_path)
    join_url = f"http://sessie.test/b/{board.code}"
    for expected in (
        board.code,
        join_url,
        "Niet mopperen, maar opperen",
        "Groot denken, klein doen",
        "Regiosessie Tilburg",
        "Tilburg",
    ):
        assert expected in text
    info = subprocess.run(["pdfinfo", str(tmp_path / "doc.pdf")], check=True, capture_output=True, text=True).stdout
    assert "Pages:           1" in info and "(A4)" in info

    need(shutil.which("pdftoppm") is not None, "pdftoppm (poppler-utils) is not installed")
    try:
        from pyzbar.pyzbar import decode
    except ImportError:
        need(False, "pyzbar or libzbar is not installed")
    from PIL import Image

    subprocess.run(
        ["pdftoppm", "-png", "-r", "150", "-singlefile", str(tmp_path / "doc.pdf"), str(tmp_path / "page")], check=True
    )
    with Image.open(tmp_path / "page.png") as image:
        found = [symbol.data.decode() for symbol in decode(image)]
    assert found == [join_url]


# --- render_pdf: nothing but our own static files ------------------------------------------------------


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self):
        _Recorder.hits.append(self.path)
        body = b"root:x:0:0:from-the-network"
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def local_server():
    _Recorder.hits = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_render_pdf_fetches_no_local_file_and_nothing_from_the_network(app, local_server, tmp_path, caplog):
    hostile = [
        "file:///etc/passwd",
        f"{local_server}/secret.css",
        "http://169.254.169.254/latest/meta-data/",
        "https://example.org/x.png",
    ]
    parts = []
    for url in hostile:
        parts += [
            f'<img src="{url}" alt="x">',
            f'<link rel="stylesheet" href="{url}">',
            f'<link rel="attachment" href="{url}">',
            f"<style>@import url('{url}'); body {{ background: url('{url}') }} p::after {{ content: url('{url}') }}</style>",
            f'<object data="{url}"></object><embed src="{url}">',
        ]
    document = (
        "<html><head>"
        + "".join(parts)
        + '</head><body><p>Gewone tekst</p><svg><image href="file:///etc/passwd"/></svg></body></html>'
    )
    with caplog.at_level("WARNING", logger="sessie_app.pdf"):
        data = pdf.render_pdf(document, base_url="http://sessie.test/")
    assert data.startswith(b"%PDF-")
    assert _Recorder.hits == []
    assert b"root:x" not in data and b"/EmbeddedFile" not in data
    text = pdf_text(data, tmp_path)
    assert "Gewone tekst" in text and "root:" not in text
    refused = " ".join(record.getMessage() for record in caplog.records)
    for url in hostile:
        assert url in refused


def test_a_render_process_reaches_no_network_even_around_the_fetcher(local_server):
    # In a process of its own, as in a render: the audit hook stays for the life of the process.
    host, port = local_server.removeprefix("http://").split(":")
    code = f"""
import socket
from sessie_app.pdf_process import forbid_network
attempts = []
forbid_network(attempts)
calls = (lambda: socket.socket().connect(({host!r}, {port})), lambda: socket.getaddrinfo("example.org", 443))
for call in calls:
    try:
        call()
        print("reached")
    except PermissionError:
        print("refused")
print(len(attempts), attempts[0].startswith("socket.connect"))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["refused", "refused", "2", "True"], done.stdout + done.stderr


def test_relative_links_resolve_only_to_our_static_files(app, tmp_path):
    static = tmp_path / "static"
    (static / "img").mkdir(parents=True)
    from PIL import Image

    Image.new("RGB", (4, 4), "red").save(static / "img" / "dot.png")
    (tmp_path / "secret.txt").write_text("geheim")
    fetcher = pdf_process.make_fetcher("http://sessie.test/", static, "/static")
    assert fetcher.fetch("http://sessie.test/static/img/dot.png").read().startswith(b"\x89PNG")
    assert fetcher.fetch("data:text/plain;base64,aGFsbG8=").read() == b"hallo"
    for url in (
        "http://sessie.test/static/../secret.txt",
        "http://sessie.test/static/%2e%2e/secret.txt",
        "http://sessie.test/static/img/..%2f..%2fsecret.txt",
        "http://sessie.test/secret.txt",
        "http://other.test/static/img/dot.png",
        "https://sessie.test/static/img/dot.png",
        "ftp://sessie.test/static/img/dot.png",
        f"file://{static}/img/dot.png",
        "http://sessie.test/static/img/missing.png",
    ):
        with pytest.raises(pdf_process.RefusedURL):
            fetcher.fetch(url)
    document = '<img src="/static/img/dot.png" alt="punt"><img src="static/../secret.txt" alt="nee">'
    data = pdf.render_pdf(document, base_url="http://sessie.test/", static_folder=static, static_url_path="/static")
    assert data.count(b"/Subtype /Image") == 1


def _render_processes() -> list:
    return [child for child in multiprocessing.active_children() if child.name == "render-pdf"]


# Thousands of lines: many seconds of layout, far beyond the time limits below.
LONG_DOCUMENT = "".join(f"<p>Voorstel {n}: groot denken, klein doen, en nog wat meer tekst.</p>" for n in range(20000))


def test_render_pdf_gives_up_after_its_time_limit_and_stops_the_render(app):
    app.config["PDF_MAX_CONCURRENT"] = 1
    with pytest.raises(pdf.PdfTimeout):
        pdf.render_pdf(LONG_DOCUMENT, base_url=None, timeout=0.5)
    assert _render_processes() == [], "the render process was not stopped"
    # The one render slot was given back.
    assert pdf.render_pdf("<p>Een regel</p>", base_url=None, timeout=30).startswith(b"%PDF-")


def test_a_render_process_that_dies_gives_a_pdf_error_and_no_wait(app):
    def kill_the_render():
        deadline = time.monotonic() + 60
        while not _render_processes() and time.monotonic() < deadline:
            time.sleep(0.01)
        for child in _render_processes():
            child.kill()

    killer = threading.Thread(target=kill_the_render)
    killer.start()
    started = time.monotonic()
    with pytest.raises(pdf.PdfError, match="ended without a PDF"):
        pdf.render_pdf(LONG_DOCUMENT, base_url=None, timeout=120)
    killer.join()
    assert time.monotonic() - started < 60, "the caller waited for the time limit instead"


def test_a_render_failure_in_weasyprint_is_a_pdf_error(app):
    with pytest.raises(pdf.PdfError, match="KeyError"):
        pdf.render_pdf("<p>x</p>", base_url=None, pdf_options={"pdf_variant": "geen-variant"})


def test_no_room_for_the_html_file_is_a_pdf_error_and_gives_the_slot_back(app, monkeypatch, tmp_path):
    app.config["PDF_MAX_CONCURRENT"] = 1
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "bestaat-niet"))
    with pytest.raises(pdf.PdfError, match="could not be handed"):
        pdf.render_pdf("<p>x</p>", base_url=None)
    monkeypatch.setattr(tempfile, "tempdir", None)
    assert pdf.render_pdf("<p>x</p>", base_url=None).startswith(b"%PDF-")


# --- import ---------------------------------------------------------------------------------------------


def upload(client, board, content: bytes, filename: str = "voorstellen.csv", token: str | None = None):
    import io

    url = board_url(board, "/import")
    token = token if token is not None else csrf_from(client.get(url).get_data(as_text=True))
    return client.post(
        url, data={"csrf_token": token, "file": (io.BytesIO(content), filename)}, content_type="multipart/form-data"
    )


def test_the_import_page_explains_the_columns(organiser_client, board):
    page = organiser_client.get(board_url(board, "/import")).get_data(as_text=True)
    for text in (
        "title",
        "groot_denken",
        "klein_doen",
        "actor",
        "votes",
        'enctype="multipart/form-data"',
        "sectorraad (Sectorraad)",
    ):
        assert text in page


def test_import_reports_imported_and_refused_rows(organiser_client, board):
    content = (
        "title;groot_denken;klein_doen;actor;votes\n"
        "Kennisloket;Elke school een onderzoeker;Pilot;Sectorraad;4\n"
        ";geen titel;;;\n"
        "Tweede;;;school;\n"
        "Derde;;;koning;abc\n"
    ).encode("utf-8-sig")
    response = upload(organiser_client, board, content)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "2 voorstellen geïmporteerd." in page and "2 regels overgeslagen:" in page
    assert re.search(r'<td class="num">3</td><td>Titel ontbreekt.</td>', page)
    assert re.search(
        r'<td class="num">5</td><td>Onbekende actor „koning”.*Stemmen is geen heel getal: „abc”.</td>', page
    )
    titles = sorted(p.title for p in db.session.scalars(db.select(Proposal).where(Proposal.board_id == board.id)))
    assert titles == ["Kennisloket", "Tweede"]


def test_hostile_csv_content_is_refused_or_stored_as_text_never_a_500(organiser_client, board):
    content = (
        "title,actor,votes\n"
        "<script>alert(1)</script>,<img src=x onerror=alert(2)>,1\n"
        '"=HYPERLINK(""http://evil.example"",""klik"")",,2\n'
        f"{'x' * 10_000},,\n"
        "<b>vet</b>,,999999999999999999999999\n"
    ).encode()
    response = upload(organiser_client, board, content)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<script>alert" not in page and "<img src=x" not in page and "<b>vet" not in page
    assert "1 voorstel geïmporteerd." in page
    assert "Titel is te lang (10000 tekens, hoogstens 140)." in page and "Stemmen is te groot" in page
    (stored,) = db.session.scalars(db.select(Proposal).where(Proposal.board_id == board.id))
    assert stored.title == '=HYPERLINK("http://evil.example","klik")'
    csv_text = organiser_client.get(board_url(board, "/export.csv")).get_data(as_text=True)
    assert "'=HYPERLINK" in csv_text


@pytest.mark.parametrize(
    ("content", "filename", "status", "message"),
    [
        ("title\nCafé\n".encode("latin-1"), "a.csv", 400, "Het bestand is geen UTF-8."),
        (b"naam\nIets\n", "a.csv", 400, "De kopregel mist de kolom „title”."),
        (b"title\n" + b"x" * (300 * 1024), "a.csv", 400, "Het bestand is te groot"),
        (b"title\nIets\n", "a.xlsx", 400, "Kies een bestand dat eindigt op .csv of .txt."),
        (b"", "", 400, "Kies een CSV-bestand."),
    ],
    ids=["latin-1", "no-title-column", "over-the-cap", "wrong-extension", "no-file"],
)
def test_unusable_files_are_refused_with_a_reason(organiser_client, board, content, filename, status, message):
    response = upload(organiser_client, board, content, filename)
    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Proposal.id))) == 0


def test_a_body_over_the_request_limit_is_a_413_not_a_500(organiser_client, board):
    # Sent as raw bytes: the test client would spool a multipart body this large to a temporary file.
    token = csrf_from(organiser_client.get(board_url(board, "/import")).get_data(as_text=True))
    body = (
        f'--grens\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
        '--grens\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\ntitle\n'
    ).encode() + b"x" * (1100 * 1024)
    response = organiser_client.post(
        board_url(board, "/import"), data=body, content_type="multipart/form-data; boundary=grens"
    )
    assert response.status_code == 413
    assert "Dat is te veel tekst" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Proposal.id))) == 0


def test_import_needs_the_csrf_token(organiser_client, board):
    response = upload(organiser_client, board, b"title\nIets\n", token="")
    assert response.status_code == 400
    assert db.session.scalar(db.select(db.func.count(Proposal.id))) == 0


# --- export ---------------------------------------------------------------------------------------------


@pytest.fixture
def board_with_proposals(app, board):
    with app.test_request_context():
        person = board_services.join(board.id, None, nickname="@Els")
        board_services.set_phase(board.id, "opperen", None)
        keep = board_services.add_proposal(
            person.id, "client-id-0001", "+31 leraren erbij", big="-groot", small="@klein"
        )["proposal"]["id"]
        gone = board_services.add_proposal(person.id, "client-id-0002", "Dubbel")["proposal"]["id"]
        hidden = board_services.add_proposal(person.id, "client-id-0003", "Verborgen voorstel")["proposal"]["id"]
        board_services.merge(board.id, keep, gone, None)
        board_services.set_hidden(board.id, hidden, True, "=reden", None)
    return board


def test_the_csv_export_is_for_excel_and_has_no_formula_cells(organiser_client, board_with_proposals):
    response = organiser_client.get(board_url(board_with_proposals, "/export.csv"))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == f'attachment; filename="bord-{board_with_proposals.code}.csv"'
    assert response.headers["Cache-Control"] == "no-store"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeffid;status;title;")
    for cell in ("'+31 leraren erbij", "'-groot", "'@klein", "'=reden", "'@Els"):
        assert cell in text
    assert not re.search(r"(^|;)[=+\-@]", text, flags=re.MULTILINE)
    assert text.count("\r\n") == 4  # header and three proposals: visible, hidden, merged


def test_the_json_export_has_the_board_and_every_proposal(organiser_client, board_with_proposals):
    response = organiser_client.get(board_url(board_with_proposals, "/export.json"))
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/json; charset=utf-8"
    data = json.loads(response.get_data(as_text=True))
    assert data["board"]["code"] == board_with_proposals.code
    assert data["board"]["session"]["slug"] == "tilburg"
    assert [p["status"] for p in data["proposals"]] == ["visible", "hidden", "merged"]
    assert data["proposals"][1]["hidden_reason"] == "=reden"
    assert data["proposals"][2]["merged_into_id"] == data["proposals"][0]["id"]
    assert data["proposals"][0]["author"] == "@Els"
    assert set(data["proposals"][0]) >= {
        "title",
        "groot_denken",
        "klein_doen",
        "actor",
        "theme",
        "votes",
        "paper_votes",
        "author",
        "created_at",
    }


# --- CLI -------------------------------------------------------------------------------------------------


def test_cli_creates_a_board_for_a_session_and_prints_code_and_link(app, runner, meetings):
    result = runner.invoke(args=["board", "create", "utrecht"])
    assert result.exit_code == 0, result.output
    (board,) = all_boards()
    assert board.meeting_id == meetings["utrecht"].id and board.title == "Regiosessie Utrecht"
    assert f"Code: {board.code}" in result.output and re.fullmatch(CODE_RE, board.code)
    assert f"Link: http://sessie.test/b/{board.code}" in result.output


def test_cli_board_without_base_url_links_to_the_local_server(app, runner):
    app.config["BASE_URL"] = ""
    result = runner.invoke(args=["board", "create", "--title", "Los bord"])
    assert result.exit_code == 0, result.output
    (board,) = all_boards()
    assert board.meeting_id is None and board.title == "Los bord"
    assert f"Link: http://127.0.0.1:5000/b/{board.code}" in result.output


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--votes", "0"], "Kies voor stemmen per deelnemer een aantal van 1 tot en met 20."),
        (["--votes", "21"], "Kies voor stemmen per deelnemer een aantal van 1 tot en met 20."),
        (
            ["--votes", "3", "--max-per-proposal", "4"],
            "Eén voorstel kan niet meer stemmen krijgen dan een deelnemer heeft: kies hoogstens 3.",
        ),
        (
            ["--votes", "20", "--max-per-proposal", "11"],
            "Kies voor stemmen op één voorstel een aantal van 1 tot en met 10.",
        ),
        (["--title", "x" * 121], "Kies een titel van hoogstens 120 tekens."),
    ],
    ids=["zero-votes", "too-many-votes", "max-above-budget", "max-too-high", "long-title"],
)
def test_cli_shows_the_board_services_refusal_and_makes_no_board(app, runner, options, message):
    # A long title is refused, never cut without a word.
    result = runner.invoke(args=["board", "create", "--title", "Los bord", *options])
    assert result.exit_code == 1 and message in result.output, result.output
    assert all_boards() == []


def test_cli_refuses_an_unknown_session(app, runner):
    result = runner.invoke(args=["board", "create", "atlantis"])
    assert result.exit_code == 1 and "atlantis" in result.output
    assert all_boards() == []


def test_cli_imports_a_csv_and_reports_per_row(app, runner, board, tmp_path):
    good = tmp_path / "goed.csv"
    good.write_bytes("title;votes\nEen;2\n;3\nTwee;x\n".encode("utf-8-sig"))
    result = runner.invoke(args=["board", "import-csv", board.code.lower(), str(good)])
    assert result.exit_code == 0, result.output
    assert "Geïmporteerd: 1 voorstel(len)" in result.output
    assert "regel 3: Titel ontbreekt." in result.output and "regel 4: Stemmen is geen heel getal: „x”." in result.output

    bad = tmp_path / "fout.csv"
    bad.write_text("title,actor\n,\nIets,niemand\n")
    result = runner.invoke(args=["board", "import-csv", board.code, str(bad)])
    assert result.exit_code == 1 and "Geïmporteerd: 0" in result.output

    unreadable = tmp_path / "geen.csv"
    unreadable.write_bytes(b"naam\nx\n")
    result = runner.invoke(args=["board", "import-csv", board.code, str(unreadable)])
    assert result.exit_code == 1 and "kolom „title”" in result.output

    result = runner.invoke(args=["board", "import-csv", "ACDEFG", str(good)])
    assert result.exit_code == 1 and "geen bord" in result.output


def test_cli_exports_csv_and_json(app, runner, board_with_proposals, tmp_path):
    result = runner.invoke(args=["board", "export", board_with_proposals.code, "--format", "csv"])
    assert (
        result.exit_code == 0
        and result.output.startswith("\ufeffid;status;title;")
        and "'+31 leraren erbij" in result.output
    )
    target = tmp_path / "bord.json"
    result = runner.invoke(args=["board", "export", board_with_proposals.code, "--format", "json", "-o", str(target)])
    assert result.exit_code == 0, result.output
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["board"]["code"] == board_with_proposals.code and len(data["proposals"]) == 3
