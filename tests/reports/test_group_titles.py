"""A group's title is its own: the organiser's, or the suggestion from its members, which follows them
until someone edits it; a member taken out takes its title along."""

from sessie_app.board import services as board_services
from sessie_app.board.models import OPPEREN, STEMMEN
from sessie_app.extensions import db
from sessie_app.reports import services
from sessie_app.reports.models import ProposalGroup
from tests.reports.dataset import group_of, propose, vote

WRONG = "Een kenniscentrum per regio"  # the best supported, and not about the same idea
RIGHT = "Subsidieloket voor kleine besturen"
ALSO = "Eén loket voor subsidies"


def shown_title(group_id: int) -> str:
    return next(g.title for g in services.review().groups if g.id == group_id)


def three_proposals() -> dict[str, int]:
    """Three proposals on a counted board; WRONG has three supporters, RIGHT two, ALSO one."""
    board = board_services.create_board("Los bord")
    board_services.set_report_marks(board.id, practice=False, in_report=True)
    people = [board_services.join(board.id, None) for _ in range(3)]
    board_services.set_phase(board.id, OPPEREN, None)
    ids = {title: propose(people[0], title) for title in (WRONG, RIGHT, ALSO)}
    board_services.set_phase(board.id, STEMMEN, None)
    for title, supporters in ((WRONG, 3), (RIGHT, 2), (ALSO, 1)):
        for person in people[:supporters]:
            vote(person, ids[title])
    return ids


def test_a_member_taken_out_takes_its_title_along(app, rq):
    ids = three_proposals()
    group_id = services.new_group(list(ids.values()))
    assert shown_title(group_id) == WRONG and db.session.get(ProposalGroup, group_id).title is None
    services.remove_proposals(group_id, [ids[WRONG]])
    assert shown_title(group_id) == RIGHT
    # The organiser accepts it as it stands: the report has the title of a member it still has.
    services.confirm(group_id, RIGHT)
    assert group_of(services.build_report(), ids[ALSO]).title == RIGHT
    assert db.session.get(ProposalGroup, group_id).title is None


def test_the_suggestion_follows_the_members_until_someone_edits_it(app, rq):
    ids = three_proposals()
    group_id = services.new_group([ids[RIGHT], ids[ALSO]])
    services.move_proposals([ids[WRONG]], group_id)
    assert shown_title(group_id) == WRONG
    services.rename(group_id, "Eén subsidieloket")
    services.remove_proposals(group_id, [ids[RIGHT]])
    services.move_proposals([ids[RIGHT]], group_id)
    services.remove_proposals(group_id, [ids[WRONG]])
    assert shown_title(group_id) == "Eén subsidieloket"
    assert group_of(services.build_report(), ids[ALSO]).title == "Eén subsidieloket"
    # Emptying the title hands it back to the members.
    services.rename(group_id, "")
    assert shown_title(group_id) == RIGHT


def test_a_fresh_suggestion_stores_no_title(twins, rq):
    services.suggest()
    assert {group.title for group in db.session.scalars(db.select(ProposalGroup))} == {None}
    assert all(group.title for group in services.review().groups)
