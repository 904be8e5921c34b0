"""The Plan van Aanpak as an editable Word draft (sessie_app/reports/docx.py), read back with python-docx:
real headings, the PDF's chapters, the top groups, matrix and bridging list as tables, the
facilitator's kansrijk marks, no personal data; from the CLI and as the organiser's download."""

import io
import re
import zipfile

import pytest
from docx import Document
from docx.oxml.ns import qn
from flask import current_app

from sessie_app.board import services as board_services
from sessie_app.board.models import OPPEREN
from sessie_app.organiser.roles import FACILITATOR
from sessie_app.reports.docx import DOCX_CONTENT_TYPE
from tests.helpers import LOGIN_URL
from tests.organiser.people import BEHEERDER_EMAIL, TILBURG_EMAIL, log_in, make_account
from tests.reports.dataset import NICKNAME, PERSONAL, REPORT_URL, propose

NB = "\u00a0\u00a0"
# The top of the summary in the PDF test: rank, title, support, votes.
TOP = [
    ("1", "Toegang tot literatuur voor leraren", "7", "11"),
    ("2", "Vaste onderzoekstijd in de cao", "5", "5"),
    ("3", "Kenniscentra voor schoolleiders", "3", "4"),
    ("4", "Makelaar koppelt scholen aan onderzoekers", "2", "2"),
    ("5", "Jaarlijks congres over wat werkt in de klas", "1", "2"),
]


def headings(doc, level: int) -> list[str]:
    return [p.text for p in doc.paragraphs if p.style.name == f"Heading {level}"]


def rows_of(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def table_with_header(doc, *first_cells: str):
    """The first table whose header row begins with these cells."""
    for table in doc.tables:
        if tuple(rows_of(table)[0][: len(first_cells)]) == first_cells:
            return table
    raise AssertionError(f"no table with header {first_cells}")


def all_text(doc) -> str:
    parts = [p.text for p in doc.paragraphs]
    parts += [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    props = doc.core_properties
    parts += [props.title, props.subject, props.author, props.last_modified_by, props.comments]
    return "\n".join(parts)


def check_no_personal_data(raw: bytes, doc) -> None:
    text = all_text(doc)
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        xml = "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    for secret in PERSONAL:
        assert secret.casefold() not in text.casefold(), secret
        assert secret.casefold() not in xml.casefold(), secret
    assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", text)
    # The nickname a participant chose is the only name, as in the PDF.
    assert set(re.findall(r"\bdoor ([A-Z]\w*(?: [A-Z]\w*)*)", text)) == {NICKNAME}


@pytest.fixture
def marked(dataset):
    """The facilitator marked the cao proposal (P3) "kansrijk" while harvesting."""
    with current_app.test_request_context():
        board_services.set_flag(dataset.tilburg.id, dataset.p["P3"], "promising", True, None)
    return dataset


def test_the_docx_of_all_sessions_from_the_cli(runner, marked, tmp_path):
    target = tmp_path / "plan.docx"
    result = runner.invoke(args=["report", "docx", "--all", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert f"Geschreven: {target}" in result.output
    raw = target.read_bytes()
    doc = Document(str(target))

    # The PDF's chapters as Heading 1, in its order, so Word's navigation pane lists them.
    assert headings(doc, 1) == [
        f"1{NB}Samenvatting",
        f"2{NB}Deelname per sessie",
        f"3{NB}Verbindende voorstellen",
        f"4{NB}Wie moet aan de slag?",
        f"5{NB}Knelpunten",
        f"6{NB}Sessie Amsterdam",
        f"7{NB}Sessie Zwolle",
        f"8{NB}Sessie Tilburg",
        f"9{NB}Sessie Den Haag",
        f"10{NB}Sessie Utrecht",
        "Bijlage: alle voorstellen",
    ]
    second = headings(doc, 2)
    assert "De tien ideeën met de meeste steun" in second and "Kansrijk volgens de begeleiders" in second
    assert f"4.1{NB}School / bestuur" in second
    assert "Tilburg (5 voorstellen)" in second  # the appendix per session
    assert headings(doc, 3), "the themes under each actor are Heading 3"
    assert doc.paragraphs[1].style.name == "Title"

    # The ten best-supported ideas: a table, in the order of support, the kansrijk one marked.
    top = rows_of(table_with_header(doc, "#", "Idee", "Steun", "Stemmen"))
    assert top[0] == ["#", "Idee", "Steun", "Stemmen"]
    assert [(r[0], r[1].split("\n")[0], r[2], r[3]) for r in top[1:]] == TOP
    assert "2 voorstellen · Tilburg, Zwolle" in top[3][1]  # the group across two sessions
    assert "kansrijk (begeleider)" in top[2][1] and "kansrijk" not in top[1][1]
    kansrijk = rows_of(table_with_header(doc, "Voorstel en eerste stap", "Stemmen", "Steun"))
    assert kansrijk[1][0].startswith("Vaste onderzoekstijd in de cao")

    # Bridging: the idea across three roles first, its supporters per role in their own columns.
    bridging = rows_of(table_with_header(doc, "#", "Idee", "Leraar"))
    assert bridging[0][-1] == "Steun"
    assert bridging[1][0] == "1" and bridging[1][1].startswith("Vaste onderzoekstijd in de cao")
    assert bridging[1][2:] == ["1", "2", "2", "0", "0", "5"]
    # Six counts beside the idea are narrow: their role names read upwards instead of breaking mid-word.
    head = table_with_header(doc, "#", "Idee", "Leraar").rows[0].cells
    upwards = [cell.text for cell in head if cell._tc.tcPr.find(qn("w:textDirection")) is not None]
    assert upwards == bridging[0][2:] and "Beleidsmaker" in upwards
    assert (
        table_with_header(doc, "#", "Idee", "Steun", "Stemmen").rows[0].cells[2]._tc.tcPr.find(qn("w:textDirection"))
        is None
    )

    # Who must act: the actor × theme matrix, with a total row and column.
    matrix = rows_of(table_with_header(doc, "Thema", "School / bestuur"))
    assert matrix[0][-1] == "Totaal" and matrix[-1][0] == "Totaal"
    assert int(matrix[-1][-1]) == sum(int(row[-1]) for row in matrix[1:-1])
    plan = [rows_of(t) for t in doc.tables if rows_of(t)[0] == ["Idee", "Eerste stap (klein doen)", "Steun"]]
    assert ["Vaste onderzoekstijd in de cao", "Twee uur per week inroosteren", "5"] in [r for t in plan for r in t]

    # The appendix has every visible proposal and nothing hidden or merged.
    text = all_text(doc)
    assert "Landelijke licentie op vakliteratuur voor het onderwijs" in text
    assert "Verborgen scheldpartij" not in text and "Dubbel ingediende makelaarsbalie" not in text
    assert "Antwoord: Makelaar koppelt scholen aan onderzoekers (2 stemmen)" in text
    assert "VSNU" not in text  # the councils come from sessie_app/data, as on the PDF's cover
    check_no_personal_data(raw, doc)


def test_participants_text_stays_text_even_with_control_characters(runner, dataset, tmp_path):
    with current_app.test_request_context():
        board = board_services.create_board("Tweede bord", meeting_id=dataset.tilburg.meeting_id)
        person = board_services.join(board.id, None)
        board_services.set_phase(board.id, OPPEREN, None)
        propose(person, "<w:p>Opmaak</w:p> & {{ titel }}", small="Regel\x0been")
    target = tmp_path / "plan.docx"
    assert runner.invoke(args=["report", "docx", "--all", "-o", str(target)]).exit_code == 0
    text = all_text(Document(str(target)))
    assert "<w:p>Opmaak</w:p> & {{ titel }}" in text
    assert "Klein doen: Regeleen" in text


def test_the_organiser_downloads_the_docx_of_one_session(organiser_client, dataset):
    index = organiser_client.get(f"{REPORT_URL}/")
    assert f'href="{REPORT_URL}/tilburg.docx"' in index.get_data(as_text=True)

    response = organiser_client.get(f"{REPORT_URL}/tilburg.docx")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == DOCX_CONTENT_TYPE
    assert response.headers["Content-Disposition"] == 'attachment; filename="plan-van-aanpak-tilburg.docx"'
    assert response.headers["Cache-Control"] == "no-store"
    doc = Document(io.BytesIO(response.data))
    assert [p.text for p in doc.paragraphs if p.style.name == "Subtitle"] == ["Synthese sessie Tilburg"]
    assert headings(doc, 1)[-2:] == [f"6{NB}Sessie Tilburg", "Bijlage: alle voorstellen"]
    top = rows_of(table_with_header(doc, "#", "Idee", "Steun", "Stemmen"))
    assert [row[1].split("\n")[0] for row in top[1:]] == [
        "Toegang tot literatuur voor leraren",
        "Vaste onderzoekstijd in de cao",
        "Makelaar koppelt scholen aan onderzoekers",
        "Kenniscentra voor schoolleiders",
    ]
    assert "Jaarlijks congres over wat werkt in de klas" not in all_text(doc)  # Zwolle's
    check_no_personal_data(response.data, doc)


def test_an_unknown_session_has_no_docx(organiser_client, dataset):
    assert organiser_client.get(f"{REPORT_URL}/nergens.docx").status_code == 404


def test_a_facilitator_may_not_download_the_docx(app, dataset):
    make_account(app, BEHEERDER_EMAIL)  # the app keeps one beheerder at least
    make_account(app, TILBURG_EMAIL, FACILITATOR, ["tilburg"])
    facilitator = log_in(app, TILBURG_EMAIL)
    for scope in ("tilburg", "alle"):
        response = facilitator.get(f"{REPORT_URL}/{scope}.docx")
        assert response.status_code == 403, scope
        assert not response.data.startswith(b"PK")


def test_a_stranger_is_sent_to_the_login_page(client, dataset):
    response = client.get(f"{REPORT_URL}/alle.docx")
    assert response.status_code == 302 and response.headers["Location"].startswith(LOGIN_URL)
