"""What the report says beyond the figures (issue 16): the facilitator's kansrijk marks as theirs, top
lists of ideas someone voted for, a CSV that Dutch Excel opens, emoji printed in colour; and no
personal data in the PDF or the CSV."""

import csv
import io
import re
import shutil
import subprocess

import pytest

from sessie_app.board import services as board_services
from sessie_app.board.models import Proposal
from sessie_app.extensions import db
from sessie_app.reports import services
from sessie_app.reports.exports import CSV_HEADER
from tests.helpers import need
from tests.reports.dataset import FORMULA, PERSONAL, REPORT_URL
from tests.reports.test_report_pdf import chapter, check_private_data_absent, pdf_text, row

MARKED = {"P6": "Makelaar koppelt scholen aan onderzoekers", "P9": "Jaarlijks congres over wat werkt in de klas"}
UNMARKED = "Open access tot tijdschriften voor alle leraren"  # P1: the most votes, but not marked
EMOJI = "🚀"
EMOJI_TITLE = f"Onderzoekstijd {EMOJI} voor elk team"


@pytest.fixture
def marked(dataset):
    """P6 (Tilburg) and P9 (Zwolle) marked kansrijk by their facilitator while harvesting."""
    for key in MARKED:
        proposal = db.session.get(Proposal, dataset.p[key])
        board_services.set_flag(proposal.board_id, proposal.id, "promising", True, None)
    return dataset


def section(text: str, heading: str, end: str) -> str:
    """The text from the line ``heading`` up to the next line starting with ``end``."""
    begin = re.search(rf"^\s*{re.escape(heading)}\s*$", text, re.MULTILINE)
    assert begin, f"no heading {heading!r}"
    rest = text[begin.end() :]
    finish = re.search(rf"^\s*{re.escape(end)}", rest, re.MULTILINE)
    return rest[: finish.start()] if finish else rest


def test_the_report_data_carries_the_kansrijk_marks(marked, rq):
    p = marked.p
    report = services.build_report()
    assert [entry.id for entry in report.kansrijk] == [p["P6"], p["P9"]]  # 2 votes each, then by id
    by_city = {chapter.city: [entry.id for entry in chapter.kansrijk] for chapter in report.sessions}
    assert by_city["Tilburg"] == [p["P6"]] and by_city["Zwolle"] == [p["P9"]] and by_city["Utrecht"] == []
    assert [entry["id"] for entry in report.to_json()["kansrijk"]] == [entry.id for entry in report.kansrijk]


def test_kansrijk_marks_are_in_the_pdf_per_session_and_in_the_summary(runner, marked, tmp_path):
    target = tmp_path / "plan.pdf"
    result = runner.invoke(args=["report", "pdf", "--all", "-o", str(target)])
    assert result.exit_code == 0, result.output
    text = pdf_text(target)

    summary = chapter(text, "1 Samenvatting", "2 Deelname per sessie")
    picked = summary[summary.index("Kansrijk volgens de begeleiders") :]  # the summary's last section
    assert "markeerden de begeleiders" in picked  # said to be their judgement, not the room's
    for title in MARKED.values():
        assert title in picked
    assert UNMARKED not in picked
    # In the top list the marked idea carries the facilitator's label; the unmarked one does not.
    top = section(summary, "De tien ideeën met de meeste steun", "Kansrijk volgens de begeleiders")
    assert re.search(r"Makelaar koppelt scholen aan onderzoekers.*\n.*kansrijk \(begeleider\)", top)
    assert not re.search(r"Toegang tot literatuur voor leraren.*\n.*kansrijk", top)

    tilburg = chapter(text, "8 Sessie Tilburg", "9 Sessie Den Haag")
    tilburg_marks = section(tilburg, "Kansrijk volgens de begeleider", "Knelpunten")
    assert row(tilburg_marks, MARKED["P6"], 2, 2)  # votes, supporters
    assert MARKED["P9"] not in tilburg_marks and UNMARKED not in tilburg_marks
    zwolle = chapter(text, "7 Sessie Zwolle", "8 Sessie Tilburg")
    assert MARKED["P9"] in section(zwolle, "Kansrijk volgens de begeleider", "Knelpunten")
    amsterdam = chapter(text, "6 Sessie Amsterdam", "7 Sessie Zwolle")
    assert "geen voorstellen als kansrijk gemarkeerd" in amsterdam

    appendix = chapter(text, "Bijlage: alle voorstellen", None)
    assert appendix.count("kansrijk (begeleider)") == len(MARKED)
    check_private_data_absent(text, target.read_bytes())


def test_top_lists_show_only_ideas_with_a_vote(dataset, rq):
    p = dataset.p
    report = services.build_report()
    assert report.top_groups and all(group.votes > 0 for group in report.top_groups)
    assert p["P10"] in {entry.id for group in report.groups for entry in group.proposals}  # still counted
    assert p["P10"] not in {entry.id for group in report.top_groups for entry in group.proposals}
    zwolle = next(chapter for chapter in report.sessions if chapter.city == "Zwolle")
    assert [entry.id for entry in zwolle.top_proposals] == [p["P8"], p["P9"]]
    # A session whose proposals have no vote yet says so, rather than ranking them.
    for key in ("P8", "P9"):
        db.session.get(Proposal, p[key]).hidden = True
    db.session.commit()
    zwolle = next(chapter for chapter in services.build_report("zwolle").sessions)
    assert zwolle.proposals == 1 and zwolle.top_proposals == []


def test_the_pdf_top_lists_leave_out_an_idea_without_votes(organiser_client, dataset, tmp_path):
    target = tmp_path / "zwolle.pdf"
    target.write_bytes(organiser_client.get(f"{REPORT_URL}/zwolle.pdf").data)
    text = pdf_text(target)
    summary = chapter(text, "1 Samenvatting", "2 Deelname per sessie")
    zwolle = chapter(text, "6 Sessie Zwolle", "Bijlage: alle voorstellen")
    for part in (summary, section(zwolle, "Voorstellen met de meeste stemmen", "Kansrijk volgens")):
        assert "HYPERLINK" not in part  # P10's title, no votes
    assert "HYPERLINK" in chapter(text, "Bijlage: alle voorstellen", None)  # every proposal is still there


def test_the_report_csv_opens_in_dutch_excel(organiser_client, marked):
    p = marked.p
    proposal = db.session.get(Proposal, p["P9"])
    proposal.title = "Ideeën; geld, tijd en een café"
    db.session.commit()
    response = organiser_client.get(f"{REPORT_URL}/alle.csv")
    assert response.status_code == 200
    raw = response.data
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM that tells Excel it is UTF-8
    text = raw.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert tuple(rows[0]) == CSV_HEADER
    assert all(len(cells) == len(CSV_HEADER) for cells in rows[1:])
    by_id = {
        int(record["voorstel_id"]): record for record in (dict(zip(rows[0], cells, strict=True)) for cells in rows[1:])
    }
    assert by_id[p["P9"]]["titel"] == "Ideeën; geld, tijd en een café"
    assert by_id[p["P10"]]["titel"] == "'" + FORMULA and by_id[p["P10"]]["klein_doen"] == "'@SUM(1+1)"
    assert {key for key, record in by_id.items() if record["kansrijk"] == "ja"} == {p["P6"], p["P9"]}
    assert {record["kansrijk"] for key, record in by_id.items() if key not in (p["P6"], p["P9"])} == {"nee"}
    for secret in PERSONAL:
        assert secret.casefold() not in text.casefold(), secret


def test_emoji_in_a_proposal_print_with_a_colour_emoji_font(organiser_client, dataset, tmp_path):
    need(shutil.which("pdffonts") is not None, "pdffonts (poppler-utils) is not installed")
    proposal = db.session.get(Proposal, dataset.p["P6"])
    proposal.title = EMOJI_TITLE
    db.session.commit()
    target = tmp_path / "tilburg.pdf"
    target.write_bytes(organiser_client.get(f"{REPORT_URL}/tilburg.pdf").data)
    assert EMOJI_TITLE in pdf_text(target)
    # Without an emoji font the glyph comes from DejaVu's empty box and no emoji font is embedded.
    fonts = subprocess.run(["pdffonts", str(target)], check=True, capture_output=True, text=True).stdout
    assert "emoji" in fonts.casefold(), fonts
