"""What the report counts: rehearsals, stand-alone and archived boards stay out unless the organiser
counts them in, and the report says which boards it covers; boards are archived and deleted (with a
typed confirmation) from the organiser pages and the CLI, each in the audit log."""

from sqlalchemy import func, select

from sessie_app.board import services as board_services
from sessie_app.board.models import OPPEREN, Board, Proposal, Vote
from sessie_app.extensions import db
from sessie_app.organiser import audit
from sessie_app.registration.meetings import meeting_by_slug
from sessie_app.reports import services
from sessie_app.reports.document import report_pdf
from sessie_app.reports.models import GroupMember
from tests.helpers import csrf_from
from tests.organiser.auditing import audited
from tests.reports.dataset import cid, propose
from tests.reports.test_report_pdf import pdf_text


def board_with_a_proposal(title: str, meeting=None, practice=False) -> tuple[Board, int]:
    board = board_services.create_board(title, meeting_id=meeting.id if meeting else None, practice=practice)
    person = board_services.join(board.id, None, role="leraar")
    board_services.set_phase(board.id, OPPEREN, None)
    proposal_id = propose(person, f"Voorstel van {title}")
    return board, proposal_id


def test_practice_stand_alone_and_archived_boards_are_left_out_unless_counted_in(dataset, rq):
    before = services.build_report()
    tilburg = meeting_by_slug("tilburg")
    practice, practised = board_with_a_proposal("Oefenronde", tilburg, practice=True)
    loose, alone = board_with_a_proposal("Los bord")
    archived, put_away = board_with_a_proposal("Generale repetitie", tilburg)
    board_services.set_archived(archived.id, True, None)

    report = services.build_report()
    assert (report.totals.participants, report.totals.proposals) == (
        before.totals.participants,
        before.totals.proposals,
    )
    assert not {practised, alone, put_away} & {q.id for q in report.appendix}
    assert [c.slug for c in report.sessions] == [c.slug for c in before.sessions]  # no "Zonder sessie"
    assert {b.code for b in report.scope.left_out} == {practice.code, loose.code, archived.code}
    assert not {b.code for b in report.scope.boards} & {practice.code, loose.code, archived.code}
    # A session's report leaves its rehearsal out too, and the review does not offer its proposals.
    assert practised not in {q.id for q in services.build_report("tilburg").appendix}
    assert practised not in {q.id for q in services.review().ungrouped}

    board_services.set_report_marks(practice.id, practice=True, in_report=True)
    board_services.set_report_marks(loose.id, practice=False, in_report=True)
    counted = services.build_report()
    assert {practised, alone} <= {q.id for q in counted.appendix} and put_away not in {q.id for q in counted.appendix}
    assert counted.totals.proposals == before.totals.proposals + 2
    assert {b.code for b in counted.scope.left_out} == {archived.code}


def test_the_pdf_says_which_boards_it_covers_and_which_not(dataset, rq, tmp_path):
    tilburg = meeting_by_slug("tilburg")
    practice, _ = board_with_a_proposal("Oefenronde", tilburg, practice=True)
    target = tmp_path / "plan.pdf"
    target.write_bytes(report_pdf(services.build_report()))
    text = " ".join(pdf_text(target, layout=False).split())
    counted = services.build_report().scope.boards
    assert f"Dit rapport telt {len(counted)} borden:" in text
    assert all(f"({b.code})" in text for b in counted)
    assert f"Niet meegeteld: Oefenronde ({practice.code}, oefenbord)." in text


def test_deleting_a_board_asks_for_its_code_takes_it_out_of_its_groups_and_is_audited(dataset, organiser_client):
    tilburg = meeting_by_slug("tilburg")
    board, first = board_with_a_proposal("Weg ermee", tilburg)
    person = board_services.join(board.id, None)
    second = board_services.add_proposal(person.id, cid(), "Nog een voorstel")["proposal"]["id"]
    group_id = services.new_group([first, second, dataset.p["P9"]], "Drie voorstellen")
    code = board.code
    manage = f"/organisator/borden/{code}/beheer"
    token = csrf_from(organiser_client.get(manage).get_data(as_text=True))

    wrong = organiser_client.post(
        f"/organisator/borden/{code}/verwijderen", data={"csrf_token": token, "code": "XXXXXX"}
    )
    assert wrong.status_code == 400 and "Dat is niet de code van dit bord." in wrong.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Board, board.id) is not None

    done = organiser_client.post(
        f"/organisator/borden/{code}/verwijderen", data={"csrf_token": token, "code": code.lower()}
    )
    assert done.status_code == 302 and done.headers["Location"].endswith("/organisator/borden")
    db.session.expire_all()
    assert db.session.get(Board, board.id) is None
    assert db.session.scalar(select(func.count(Proposal.id)).where(Proposal.board_id == board.id)) == 0
    assert db.session.scalar(select(func.count()).select_from(Vote).where(Vote.board_id == board.id)) == 0
    # The group it shared keeps the other board's proposal alone, so it is no group any more.
    assert db.session.scalar(select(func.count()).select_from(GroupMember).where(GroupMember.group_id == group_id)) == 0
    (entry,) = audited(audit.BOARD_DELETED, subject=code)
    assert entry.detail.startswith("Weg ermee: 2 participants, 2 proposals")


def test_archiving_from_the_page_and_the_cli_locks_the_board_and_is_audited(dataset, organiser_client, runner):
    board, _ = board_with_a_proposal("Na afloop", meeting_by_slug("zwolle"))
    manage = f"/organisator/borden/{board.code}/beheer"
    token = csrf_from(organiser_client.get(manage).get_data(as_text=True))
    assert organiser_client.post(manage, data={"csrf_token": token, "archive": "1"}).status_code == 302
    db.session.expire_all()
    archived = db.session.get(Board, board.id)
    assert archived.archived_at is not None and archived.locked
    assert audited(audit.BOARD_ARCHIVED, subject=board.code)
    assert "gearchiveerd bord" in organiser_client.get("/organisator/borden").get_data(as_text=True)

    result = runner.invoke(args=["board", "archive", board.code, "--restore"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.get(Board, board.id).archived_at is None
    assert audited(audit.BOARD_RESTORED, subject=board.code)


def test_the_cli_deletes_only_after_confirmation(dataset, runner):
    board, _ = board_with_a_proposal("Oefenbord", practice=True)
    refused = runner.invoke(args=["board", "delete", board.code], input="n\n")
    assert refused.exit_code == 1
    db.session.expire_all()
    assert db.session.get(Board, board.id) is not None
    done = runner.invoke(args=["board", "delete", board.code], input="y\n")
    assert done.exit_code == 0 and f"Bord {board.code} verwijderd" in done.output
    db.session.expire_all()
    assert db.session.get(Board, board.id) is None
    assert audited(audit.BOARD_DELETED, subject=board.code)
