"""Themes that flow: a bottleneck gets its theme on the phone, from the facilitator or from a confirmed
suggestion; the proposals answering it follow unless their own theme was chosen; the group review
sets a group's theme and actor, suggested by its members; the actor × theme matrix fills."""

import pytest
from sqlalchemy import select

from sessie_app.board import services
from sessie_app.board.models import OPPEREN, Theme
from sessie_app.extensions import db
from sessie_app.realtime import auth
from sessie_app.reports import services as report_services
from sessie_app.reports.models import ProposalGroup
from tests.helpers import create_test_app
from tests.realtime.screens import cid, make_board, open_console, open_phone


@pytest.fixture
def live_app(app_config):
    """As in tests/realtime: no app context held open, so every event gets its own, as in production."""
    app = create_test_app(app_config)
    auth.buckets.clear()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def theme_ids(app, board_id) -> dict[str, int]:
    with app.app_context():
        return dict(db.session.execute(select(Theme.key, Theme.id).where(Theme.board_id == board_id)).all())


def control(console, action, **fields):
    ack = console.emit("control", {"action": action, **fields})
    assert ack["ok"], ack
    return ack


def test_the_phone_chooses_the_theme_and_answers_follow_it_unless_their_own_was_chosen(live_app):
    board = make_board(live_app)
    themes = theme_ids(live_app, board.id)
    phone, other = open_phone(live_app, board), open_phone(live_app, board)
    console = open_console(live_app, board)

    posted = phone.emit(
        "bottleneck", {"client_id": cid(1), "text": "Wij vinden elkaar niet", "theme_id": themes["elkaar-vinden"]}
    )
    assert posted["ok"] and posted["bottleneck"]["theme_id"] == themes["elkaar-vinden"]
    bottleneck_id = posted["bottleneck"]["id"]
    control(console, "phase", phase=OPPEREN)

    follows = other.emit("proposal", {"client_id": cid(2), "title": "Een matchpunt", "bottleneck_id": bottleneck_id})
    chosen = other.emit(
        "proposal",
        {
            "client_id": cid(3),
            "title": "Geld voor koppels",
            "bottleneck_id": bottleneck_id,
            "theme_id": themes["financiering"],
        },
    )
    by_facilitator = phone.emit(
        "proposal", {"client_id": cid(4), "title": "Een regionale makelaar", "bottleneck_id": bottleneck_id}
    )
    assert follows["proposal"]["theme_id"] == themes["elkaar-vinden"] and not follows["proposal"]["theme_chosen"]
    assert chosen["proposal"]["theme_id"] == themes["financiering"] and chosen["proposal"]["theme_chosen"]
    control(console, "theme", proposal_id=by_facilitator["proposal"]["id"], theme_id=themes["kenniscentra"])

    # The facilitator moves the bottleneck: only the proposal that follows it moves along.
    ack = control(console, "bottleneck_theme", bottleneck_id=bottleneck_id, theme_id=themes["benutten"])
    assert [p["id"] for p in ack["proposals"]] == [follows["proposal"]["id"]]
    snapshot = phone.emit("snapshot", {})["snapshot"]
    shown = {p["id"]: p["theme_id"] for p in snapshot["proposals"]}
    assert shown == {
        follows["proposal"]["id"]: themes["benutten"],
        chosen["proposal"]["id"]: themes["financiering"],
        by_facilitator["proposal"]["id"]: themes["kenniscentra"],
    }
    # Every phone hears the moved proposal.
    assert any(
        p["id"] == follows["proposal"]["id"] and p["theme_id"] == themes["benutten"] for p in other.received("proposal")
    )

    # "No theme" from the facilitator lets a proposal follow its bottleneck again.
    again = control(console, "theme", proposal_id=by_facilitator["proposal"]["id"], theme_id=None)
    assert again["proposal"]["theme_id"] == themes["benutten"] and not again["proposal"]["theme_chosen"]


def test_the_console_confirms_the_theme_the_normaliser_suggests(live_app):
    board = make_board(live_app)
    themes = theme_ids(live_app, board.id)
    phone, console = open_phone(live_app, board), open_console(live_app, board)
    money = phone.emit("bottleneck", {"client_id": cid(1), "text": "Subsidieaanvragen kosten te veel tijd"})[
        "bottleneck"
    ]
    vague = phone.emit("bottleneck", {"client_id": cid(2), "text": "Het is allemaal lastig"})["bottleneck"]
    assert money["theme_id"] is None and money["suggested_theme_id"] == themes["financiering"]
    assert vague["suggested_theme_id"] is None
    control(console, "phase", phase=OPPEREN)
    answer = phone.emit("proposal", {"client_id": cid(3), "title": "Eén loket", "bottleneck_id": money["id"]})[
        "proposal"
    ]
    assert answer["theme_id"] is None

    ack = control(console, "bottleneck_theme", bottleneck_id=money["id"], theme_id=money["suggested_theme_id"])
    assert ack["bottleneck"]["theme_id"] == themes["financiering"] and ack["bottleneck"]["suggested_theme_id"] is None
    assert [(p["id"], p["theme_id"]) for p in ack["proposals"]] == [(answer["id"], themes["financiering"])]


@pytest.fixture
def rq(app):
    """The report's labels are translated, which needs a request for the locale."""
    with app.test_request_context():
        yield


def test_the_review_suggests_the_members_majority_and_keeps_the_organisers_choice(app, rq):
    tilburg, zwolle = services.create_board("Tilburg"), services.create_board("Zwolle")
    for board in (tilburg, zwolle):
        services.set_report_marks(board.id, practice=False, in_report=True)
    themes = {t.key: t.id for t in tilburg.themes}
    person = services.join(tilburg.id, None)
    neighbour = services.join(zwolle.id, None)
    services.set_phase(tilburg.id, OPPEREN, None)
    services.set_phase(zwolle.id, OPPEREN, None)
    zwolle_themes = {t.key: t.id for t in zwolle.themes}
    ids = [
        services.add_proposal(
            person.id, cid(1), "Loket voor subsidie", actor="school", theme_id=themes["financiering"]
        ),
        services.add_proposal(
            neighbour.id, cid(2), "Subsidieloket", actor="overheid", theme_id=zwolle_themes["financiering"]
        ),
        services.add_proposal(person.id, cid(3), "Een loket", actor="overheid", theme_id=themes["literatuur"]),
        services.add_proposal(
            person.id, cid(4), "Tijd om te lezen", actor="kennisinstelling", theme_id=themes["literatuur"]
        ),
    ]
    ids = [result["proposal"]["id"] for result in ids]
    group_id = report_services.new_group(ids[:3])
    (group,) = report_services.review().groups
    assert (group.theme, group.theme_chosen, group.actor, group.actor_chosen) == (
        "financiering",
        False,
        "overheid",
        False,
    )
    assert group.themes == ["financiering", "literatuur"]

    report = report_services.build_report()
    row_themes = {cell.theme for row in report.matrix.rows for cell in row.cells if cell.count}
    assert {"financiering", "literatuur"} <= row_themes and len(report.matrix.themes) > 1

    report_services.rename(group_id, "Eén subsidieloket", theme="literatuur", actor="school")
    assert db.session.get(ProposalGroup, group_id).theme == "literatuur"
    (group,) = report_services.review().groups
    assert (group.theme, group.theme_chosen, group.actor, group.actor_chosen) == (
        "literatuur",
        True,
        "school",
        True,
    )
    cell = next(g for g in report_services.build_report().groups if g.id == group_id)
    assert (cell.theme, cell.actor) == ("literatuur", "school")
    # Choosing what the members suggest is no choice: it follows them again.
    report_services.rename(group_id, "Eén subsidieloket", theme="financiering", actor="overheid")
    assert (db.session.get(ProposalGroup, group_id).theme, db.session.get(ProposalGroup, group_id).actor) == (
        None,
        None,
    )
