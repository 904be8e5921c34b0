"""Proposals in and out of a board without HTTP: the CSV import of post-its and the exports."""

import json

import pytest

from sessie_app.board import io as board_io
from sessie_app.board import services
from sessie_app.board.models import OPPEREN, STEMMEN, ModerationEntry, Participant, Proposal
from sessie_app.extensions import db
from sessie_app.textclean import spreadsheet_safe


@pytest.fixture
def board(app):
    return services.create_board("Utrecht")


def proposals(board) -> list[Proposal]:
    return list(db.session.scalars(db.select(Proposal).where(Proposal.board_id == board.id).order_by(Proposal.id)))


# --- import ----------------------------------------------------------------------------------------


def test_good_rows_are_imported_and_bad_rows_reported_with_their_row_number(board):
    text = (
        "title,groot_denken,klein_doen,actor,votes\n"
        "Kennisloket per regio,Elke school vindt een onderzoeker,Pilot met vijf scholen,sectorraad,7\n"
        ",zonder titel,,,\n"
        "Open access,,,Lerarenopleiding,\n"
        "Onbekende actor,,,de buurman,1\n"
        "Stemmen kapot,,,,veel\n"
        "Negatief,,,,-3\n"
        f"{'x' * 141},,,,\n"
    )
    report = board_io.import_csv(board.id, text)
    assert report.imported == 2
    assert [row for row, _reason in report.rejected] == [3, 5, 6, 7, 8]
    reasons = dict(report.rejected)
    assert reasons[3] == "Titel ontbreekt."
    assert "Onbekende actor „de buurman”" in reasons[5] and "Sectorraad" in reasons[5]
    assert reasons[6] == "Stemmen is geen heel getal: „veel”."
    assert reasons[7] == "Stemmen mag niet negatief zijn."
    assert reasons[8] == "Titel is te lang (141 tekens, hoogstens 140)."
    first, second = proposals(board)
    assert (first.title, first.big, first.small, first.actor, first.paper_votes) == (
        "Kennisloket per regio",
        "Elke school vindt een onderzoeker",
        "Pilot met vijf scholen",
        "sectorraad",
        7,
    )
    assert (second.title, second.actor, second.paper_votes) == ("Open access", "lerarenopleiding", 0)
    # Typed up from paper: nobody's phone wrote them.
    assert first.participant_id is None and second.participant_id is None


def test_paper_votes_count_in_the_tally(board):
    board_io.import_csv(board.id, "title,votes\nVan papier,4\n")
    proposal = proposals(board)[0]
    assert services.tally(board.id)["counts"][str(proposal.id)] == 4


def test_dutch_excel_semicolons_bom_and_header_spelling_are_understood(board):
    text = '\ufeffTitel;Groot denken;Klein-doen;ACTOR;Stemmen\r\nEen; twee;drie;School / bestuur;2\r\n"Met ; erin";"regel 1\nregel 2";;;\r\n'
    report = board_io.import_csv(board.id, text)
    assert report.imported == 2 and report.rejected == []
    one, two = proposals(board)
    assert (one.title, one.big, one.small, one.actor, one.paper_votes) == ("Een", "twee", "drie", "school", 2)
    assert two.title == "Met ; erin" and two.big == "regel 1\nregel 2"


def test_tabs_work_as_well(board):
    assert board_io.import_csv(board.id, "title\tvotes\nMet tabs\t3\n").imported == 1
    assert proposals(board)[0].paper_votes == 3


def test_empty_rows_and_extra_columns_are_ignored(board):
    report = board_io.import_csv(board.id, "title,opmerking\n\nEerste,negeer mij\n,\n  ,  \nTweede,\n")
    assert report.imported == 2 and report.rejected == []


def test_a_file_without_a_title_column_imports_nothing(board):
    with pytest.raises(board_io.ImportFileError, match="kolom „title”"):
        board_io.import_csv(board.id, "naam,votes\nIets,1\n")
    assert proposals(board) == []


def test_every_row_rejected_is_reported_as_such(board):
    report = board_io.import_csv(board.id, "title,votes\n,1\nX,nee\n")
    assert report.imported == 0 and report.all_rejected


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "leeg"),
        (b"title\nCaf\xe9\n", "geen UTF-8"),
        (b"title\n" + b"x" * (board_io.MAX_IMPORT_BYTES + 1), "te groot"),
    ],
    ids=["empty", "latin-1", "too-large"],
)
def test_unreadable_uploads_are_refused_with_a_reason(data, message):
    with pytest.raises(board_io.ImportFileError, match=message):
        board_io.decode_upload(data)


def test_upload_with_or_without_bom_decodes_the_same():
    assert board_io.decode_upload("\ufefftitle\nCafé\n".encode()) == board_io.decode_upload("title\nCafé\n".encode())


def test_hostile_text_is_stored_as_text_and_control_characters_dropped(board):
    text = (
        "title,groot_denken\n"
        "<script>alert(1)</script>,<img src=x onerror=alert(2)>\n"
        '"=HYPERLINK(""http://evil.example"",""klik"")",+SUM(A1)\n'
        "Nul\x00bytes en \u202egespiegeld,\n"
        f"{'lang ' * 2048},\n"
    )
    report = board_io.import_csv(board.id, text)
    assert report.imported == 3
    assert report.rejected == [(5, "Titel is te lang (10239 tekens, hoogstens 140).")]
    script, formula, control = proposals(board)
    assert script.title == "<script>alert(1)</script>" and script.big == "<img src=x onerror=alert(2)>"
    assert formula.title == '=HYPERLINK("http://evil.example","klik")'
    assert control.title == "Nulbytes en gespiegeld"


def test_too_many_rows_are_refused_before_anything_is_stored(board):
    text = "title\n" + "".join(f"Voorstel {n}\n" for n in range(board_io.MAX_IMPORT_ROWS + 1))
    with pytest.raises(board_io.ImportFileError, match="te veel regels"):
        board_io.import_csv(board.id, text)
    assert proposals(board) == []


def test_a_cell_beyond_what_csv_reads_names_the_row_and_imports_nothing(board):
    # Python's csv module refuses a cell over 128 kB; the upload cap (256 kB) lets one through.
    with pytest.raises(board_io.ImportFileError, match="regel 3"):
        board_io.import_csv(board.id, "title\nKort\n" + "y" * 140_000 + "\n")
    assert proposals(board) == []


def test_the_import_is_in_the_moderation_log(board):
    board_io.import_csv(board.id, "title,votes\nA,\n,1\n", organiser_id=None)
    entry = db.session.scalars(db.select(ModerationEntry).where(ModerationEntry.board_id == board.id)).one()
    assert (entry.action, entry.target, entry.reason) == ("import", "1", "1 rejected")


# --- export ----------------------------------------------------------------------------------------


@pytest.fixture
def voted_board(app, board):
    """Four proposals: two visible with phone and paper votes, one hidden, one merged."""
    with app.test_request_context():  # proposal results carry translated actor labels
        els = services.join(board.id, None, nickname="Els")
        anon = services.join(board.id, None)
        services.set_phase(board.id, OPPEREN, None)
        ids = [
            services.add_proposal(els.id, "client-p-0001", "Kennisloket", big="Groot", small="Klein")["proposal"]["id"],
            services.add_proposal(anon.id, "client-p-0002", '=HYPERLINK("http://evil")')["proposal"]["id"],
            services.add_proposal(els.id, "client-p-0003", "Weg ermee")["proposal"]["id"],
            services.add_proposal(anon.id, "client-p-0004", "Kennisloket!")["proposal"]["id"],
        ]
        db.session.get(Proposal, ids[0]).actor = "school"
        db.session.commit()
        board_io.import_csv(board.id, "title,votes\nVan papier,3\n")
        services.set_phase(board.id, STEMMEN, None)
        services.vote(els.id, "client-v-0001", ids[1], 1)
        services.vote(els.id, "client-v-0002", ids[1], 1)
        services.vote(anon.id, "client-v-0003", ids[3], 1)
        services.set_hidden(board.id, ids[2], True, "-dubbel met iets anders", None)
        services.merge(board.id, ids[0], ids[3], None)
        services.set_flag(board.id, ids[0], "promising", True, None)
    return board, ids


def test_export_rows_hold_every_proposal_with_status_votes_and_nickname(voted_board):
    board, (kennis, formula, hidden, merged) = voted_board
    rows = {row["id"]: row for row in board_io.export_rows(board.id)}
    assert len(rows) == 5
    expected = {
        "status": "visible",
        "title": "Kennisloket",
        "groot_denken": "Groot",
        "klein_doen": "Klein",
        "actor": "school",
        "votes": 1,
        "paper_votes": 0,
        "total": 1,
        "promising": True,
        "author": "Els",
        "merged_into_id": None,
        "hidden_reason": None,
    }
    assert {key: rows[kennis][key] for key in expected} == expected
    assert rows[formula]["votes"] == 2 and rows[formula]["author"] is None
    assert rows[hidden]["status"] == "hidden" and rows[hidden]["hidden_reason"] == "-dubbel met iets anders"
    assert (
        rows[merged]["status"] == "merged" and rows[merged]["merged_into_id"] == kennis and rows[merged]["total"] == 0
    )
    paper = next(r for r in rows.values() if r["title"] == "Van papier")
    assert (paper["votes"], paper["paper_votes"], paper["total"]) == (0, 3, 3)
    # Visible first, most votes first; then hidden; then merged.
    assert [r["status"] for r in board_io.export_rows(board.id)] == [
        "visible",
        "visible",
        "visible",
        "hidden",
        "merged",
    ]
    assert [r["total"] for r in board_io.export_rows(board.id)][:3] == [3, 2, 1]


def test_export_csv_is_excel_ready_and_neutralises_formulas(voted_board):
    board, _ids = voted_board
    text = board_io.export_csv(board.id, cell=spreadsheet_safe)
    assert text.startswith("\ufeffid;status;title;groot_denken;klein_doen;actor;theme;votes;paper_votes;total;")
    assert '\'=HYPERLINK(""http://evil"")' in text
    assert "'-dubbel met iets anders" in text
    assert ";=" not in text and ";-dubbel" not in text
    assert ";zichtbaar;Kennisloket;Groot;Klein;School / bestuur;" in text
    assert ";samengevoegd;" in text and ";verborgen;" in text


def test_exported_csv_can_be_imported_again(voted_board, app):
    board, _ids = voted_board
    other = services.create_board("Kopie")
    report = board_io.import_csv(other.id, board_io.export_csv(board.id, cell=spreadsheet_safe))
    assert report.imported == 5 and report.rejected == []


def test_export_data_has_the_board_and_every_proposal_but_no_personal_data(voted_board):
    board, (kennis, *_rest) = voted_board
    data = board_io.export_data(board.id)
    assert set(data) >= {"board", "proposals"}
    assert (
        data["board"]["code"] == board.code and data["board"]["phase"] == STEMMEN and data["board"]["participants"] == 2
    )
    assert data["board"]["session"] is None
    assert len(data["proposals"]) == 5
    first = next(p for p in data["proposals"] if p["id"] == kennis)
    assert first["author"] == "Els" and first["created_at"].endswith("Z")
    text = json.dumps(data)
    participant_tokens = [
        p.token for p in db.session.scalars(db.select(Participant).where(Participant.board_id == board.id))
    ]
    assert participant_tokens and not any(token in text for token in participant_tokens)
    assert "role" not in text and "sector" not in text
