"""Board rules without HTTP: phases, budget, idempotent retries, merging, moderation."""

import pytest
from flask_babel import force_locale

from sessie_app import words
from sessie_app.board import io as board_io
from sessie_app.board import services
from sessie_app.board.models import OPPEREN, STEMMEN, Proposal, Vote
from sessie_app.extensions import db
from sessie_app.reports.labels import moderation_label


@pytest.fixture
def board(app):
    return services.create_board("Tilburg")


def cid(n) -> str:
    return f"client-id-{n:06d}"


def proposal(board, participant, n=1, **extra):
    services.set_phase(board.id, OPPEREN, None)
    return services.add_proposal(participant.id, cid(1000 + n), f"Voorstel {n}", **extra)["proposal"]["id"]


def test_new_board_has_a_code_without_look_alikes_and_six_themes(board):
    assert len(board.code) == 6 and not set(board.code) & set("0O1IL2Z5S8B")
    assert [t.key for t in board.themes][:2] == ["literatuur", "elkaar-vinden"] and len(board.themes) == 6
    assert services.board_by_code(board.code.lower()).id == board.id


def test_rejoining_with_the_token_keeps_the_identity(board):
    first = services.join(board.id, None, nickname="Els")
    again = services.join(board.id, first.token)
    assert again.id == first.id and again.nickname == "Els"
    assert services.join(board.id, "forged-token").id != first.id


def test_each_phase_accepts_only_its_own_action(board):
    p = services.join(board.id, None)
    services.add_bottleneck(p.id, cid(1), "Geen toegang tot literatuur")
    with pytest.raises(services.WrongPhase):
        services.add_proposal(p.id, cid(2), "Te vroeg")
    services.set_phase(board.id, OPPEREN, None)
    with pytest.raises(services.WrongPhase):
        services.add_bottleneck(p.id, cid(3), "Te laat")
    pid = services.add_proposal(p.id, cid(4), "Open access voor leraren")["proposal"]["id"]
    with pytest.raises(services.WrongPhase):
        services.vote(p.id, cid(5), pid, 1)


def test_budget_and_maximum_per_proposal_hold_and_votes_can_be_taken_back(board):
    p = services.join(board.id, None)
    ids = [proposal(board, p, n) for n in range(4)]
    services.set_phase(board.id, STEMMEN, None)
    assert services.vote(p.id, cid(1), ids[0], 1)["remaining"] == 4
    services.vote(p.id, cid(2), ids[0], 1)
    with pytest.raises(services.TooManyOnOne):
        services.vote(p.id, cid(3), ids[0], 1)
    for n, pid in enumerate(ids[1:4], start=4):
        services.vote(p.id, cid(n), pid, 1)
    with pytest.raises(services.BudgetExceeded):
        services.vote(p.id, cid(9), ids[3], 1)
    back = services.vote(p.id, cid(10), ids[0], -1)
    assert back["remaining"] == 1 and back["my_votes"] == 1 and back["count"] == 1
    services.vote(p.id, cid(11), ids[0], -1)
    with pytest.raises(services.NothingToTakeBack):
        services.vote(p.id, cid(12), ids[0], -1)


def test_a_retry_with_the_same_client_id_is_counted_once(board):
    p = services.join(board.id, None)
    pid = proposal(board, p)
    services.set_phase(board.id, STEMMEN, None)
    first = services.vote(p.id, cid(1), pid, 1)
    again = services.vote(p.id, cid(1), pid, 1)
    assert again["replayed"] and again["count"] == first["count"] == 1 and again["seq"] == first["seq"]
    assert services.tally(board.id)["counts"][str(pid)] == 1


def test_locked_board_is_read_only_until_reopened(board):
    p = services.join(board.id, None)
    services.set_locked(board.id, True, None)
    with pytest.raises(services.BoardLocked):
        services.add_bottleneck(p.id, cid(1), "Mag niet")
    services.set_locked(board.id, False, None)
    assert services.add_bottleneck(p.id, cid(2), "Mag weer")["bottleneck"]["text"] == "Mag weer"


def test_merge_moves_votes_and_counts_a_double_supporter_once(board):
    both, only_dup = services.join(board.id, None), services.join(board.id, None)
    keep, dup = proposal(board, both, 1), proposal(board, both, 2)
    services.set_phase(board.id, STEMMEN, None)
    services.vote(both.id, cid(1), keep, 1)
    services.vote(both.id, cid(2), dup, 1)
    services.vote(both.id, cid(3), dup, 1)
    services.vote(only_dup.id, cid(4), dup, 1)
    result = services.merge(board.id, keep, dup, None)
    assert result["kept"]["count"] == 3  # both: max(1, 2) = 2, only_dup: 1
    # The dot that no longer counts goes back: both spent 3 and now has 2 on the kept proposal.
    assert result["returned"] == 1
    assert services.participant_view(both.id)["remaining"] == 3
    assert str(dup) not in services.tally(board.id)["counts"]
    assert db.session.get(Vote, (both.id, keep)).count == 2


def test_a_kansrijk_mark_moves_to_the_kept_proposal(board):
    author = services.join(board.id, None)
    keep, dup = proposal(board, author, 1), proposal(board, author, 2)
    services.set_flag(board.id, dup, "promising", True, None)
    result = services.merge(board.id, keep, dup, None)
    assert result["kept"]["promising"] is True
    assert db.session.get(Proposal, keep).promising


def test_theme_comes_from_the_bottleneck_answered(board):
    services.load_starters(board.id, None)
    snap = services.snapshot(board.id)
    starter = snap["bottlenecks"][0]
    assert len(snap["bottlenecks"]) == 6 and starter["theme_id"] == snap["themes"][0]["id"]
    services.load_starters(board.id, None)
    assert len(services.snapshot(board.id)["bottlenecks"]) == 6
    p = services.join(board.id, None)
    services.set_phase(board.id, OPPEREN, None)
    made = services.add_proposal(p.id, cid(1), "Bibliotheekpas", bottleneck_id=starter["id"])["proposal"]
    assert made["theme_id"] == starter["theme_id"]


def test_a_participant_and_a_board_hold_only_so_many_posts(board, monkeypatch):
    from sessie_app.board.models import Bottleneck
    from sessie_app.board.services import actions

    monkeypatch.setitem(actions.CEILINGS, Bottleneck, (2, 3))  # a small board's worth
    first, second, third = (services.join(board.id, None) for _ in range(3))
    posted = [services.add_bottleneck(first.id, cid(n), f"Knelpunt {n}")["bottleneck"]["id"] for n in range(2)]
    with pytest.raises(services.TooManyPosts) as refused:
        services.add_bottleneck(first.id, cid(2), "Nog een")
    assert refused.value.details == {"scope": "participant", "max": 2}
    services.add_bottleneck(second.id, cid(3), "Van een ander")
    with pytest.raises(services.TooManyPosts) as refused:
        services.add_bottleneck(third.id, cid(4), "Het bord is vol")
    assert refused.value.details == {"scope": "board", "max": 3}
    # Hiding makes room on the board; the participant's own count keeps what was hidden.
    services.set_bottleneck_hidden(board.id, posted[0], True, "Reclame", None)
    assert services.add_bottleneck(third.id, cid(5), "Nu past het")["bottleneck"]["text"] == "Nu past het"
    with pytest.raises(services.TooManyPosts):
        services.add_bottleneck(first.id, cid(6), "Nog steeds te veel")


def test_the_snapshot_stays_within_the_text_budget_however_the_board_is_filled(board):
    from sessie_app.board.services import actions
    from sessie_app.extensions import Utf8Json
    from sessie_app.limits import BOARD_FIELDS

    services.set_phase(board.id, OPPEREN, None)
    # The heaviest texts a phone may send: every field full, every character four bytes.
    heaviest = {field: "\U0001f642" * BOARD_FIELDS[field] for field in ("title", "big", "small")}
    refusal, posted = None, 0
    while refusal is None:
        phone = services.join(board.id, None)
        for _ in range(actions.CEILINGS[Proposal][0]):
            try:
                services.add_proposal(phone.id, cid(posted), **heaviest)
            except services.TooManyPosts as error:
                refusal = error
                break
            posted += 1
    assert refusal.details == {"scope": "text", "max": actions.BOARD_TEXT_BUDGET}
    assert posted < actions.CEILINGS[Proposal][1]
    wire = Utf8Json.dumps(services.snapshot(board.id, phone.id)).encode()
    # The texts, and for each proposal its keys and numbers: a few hundred bytes.
    assert len(wire) <= actions.BOARD_TEXT_BUDGET + 400 * posted + 4000
    # Hiding the flood makes room again.
    for item in services.snapshot(board.id)["proposals"][:2]:
        services.set_hidden(board.id, item["id"], True, "Onzin", None)
    assert services.add_proposal(services.join(board.id, None).id, cid(posted), **heaviest)["proposal"]


def test_moderation_is_logged_with_reason(board):
    p = services.join(board.id, None)
    pid = proposal(board, p)
    with pytest.raises(services.Invalid):
        services.set_hidden(board.id, pid, True, "", None)
    services.set_hidden(board.id, pid, True, "Persoonlijke aanval", None)
    assert str(pid) not in services.tally(board.id)["counts"]
    entry = services.moderation_log(board.id)[0]
    assert entry["action"] == "hide" and entry["reason"] == "Persoonlijke aanval"


def test_every_logged_action_has_one_name_in_the_console_and_the_report(app, board):
    p = services.join(board.id, None)
    keep, dup = proposal(board, p, 1), proposal(board, p, 2)
    services.load_starters(board.id, None)
    bottleneck = services.snapshot(board.id)["bottlenecks"][0]["id"]
    services.set_timer(board.id, 300, None)
    services.set_timer(board.id, None, None)
    services.set_locked(board.id, True, None)
    services.set_locked(board.id, False, None)
    services.set_joining_closed(board.id, True, None)
    services.set_joining_closed(board.id, False, None)
    services.set_hidden(board.id, dup, True, "Dubbel", None)
    services.set_hidden(board.id, dup, False, None, None)
    services.set_bottleneck_hidden(board.id, bottleneck, True, "Dubbel", None)
    services.edit_proposal(board.id, keep, "Voorstel één", None, None, None)
    for flag in ("pinned", "promising"):
        services.set_flag(board.id, keep, flag, True, None)
        services.set_flag(board.id, keep, flag, False, None)
    services.assign_theme(board.id, keep, services.snapshot(board.id)["themes"][0]["id"], None)
    services.merge(board.id, keep, dup, None)
    board_io.import_csv(board.id, "title\nVan papier\n")
    services.hide_author(board.id, keep, None, "Reclame", None)

    logged = {entry["action"] for entry in services.moderation_log(board.id)}
    assert len(logged) == 18, logged
    for locale in ("nl", "en"):
        with app.test_request_context(), force_locale(locale):
            console = words.console(board)["log"]
            names = {action: moderation_label(action) for action in logged}
        assert names == {action: console[action] for action in logged}
        assert all(name != action for action, name in names.items()), names
        assert len(set(names.values())) == len(names), names


@pytest.mark.parametrize("bad", [None, 5, "", "kort", "x" * 65, "spaties mogen niet", {"a": 1}])
def test_malformed_client_ids_are_refused(board, bad):
    p = services.join(board.id, None)
    with pytest.raises(services.Invalid):
        services.add_bottleneck(p.id, bad, "Tekst")


def test_similar_proposals_are_suggested(board):
    p = services.join(board.id, None)
    services.set_phase(board.id, OPPEREN, None)
    services.add_proposal(p.id, cid(1), "Gratis toegang tot wetenschappelijke tijdschriften voor leraren")
    services.add_proposal(p.id, cid(2), "Meer tijd voor onderzoek in de lerarenopleiding")
    found = services.similar_proposals(board.id, "toegang tot tijdschriften voor alle leraren")
    assert [f["title"] for f in found][:1] == ["Gratis toegang tot wetenschappelijke tijdschriften voor leraren"]


def test_similar_proposals_do_not_match_on_a_shared_word_prefix(board):
    p = services.join(board.id, None)
    services.set_phase(board.id, OPPEREN, None)
    services.add_proposal(p.id, cid(1), "Open access tot onderzoeksliteratuur voor alle leraren")
    assert services.similar_proposals(board.id, "Makelaar koppelt scholen en onderzoekers") == []
    assert services.similar_proposals(board.id, "open access voor een leraar")[0]["title"].startswith("Open access")


def test_a_snapshot_from_the_shared_part_shows_every_kind_of_change_at_once(app, board):
    """The shared part of a snapshot is reused while the board's version stands still; every
    change must move the version, or a reconnecting phone would draw an old board."""
    from sessie_app.board import io as board_io

    author = services.join(board.id, None)
    first = proposal(board, author, 1)
    second = proposal(board, author, 2)
    services.snapshot(board.id)  # fills the shared part

    def titles():
        return {p["id"]: p["title"] for p in services.snapshot(board.id)["proposals"]}

    services.join(board.id, author.token, nickname="Els")
    assert {p["author"] for p in services.snapshot(board.id)["proposals"]} == {"Els"}
    services.edit_proposal(board.id, first, "Nieuwe titel", None, None, None)
    assert titles()[first] == "Nieuwe titel"
    services.set_hidden(board.id, second, True, "dubbel", None)
    assert second not in titles() and second in {
        p["id"] for p in services.snapshot(board.id, include_hidden=True)["proposals"]
    }
    report = board_io.import_csv(board.id, "title,votes\nVan papier,3\n")
    assert titles()[report.proposal_ids[0]] == "Van papier"
    services.set_phase(board.id, STEMMEN, None)
    services.vote(author.id, cid(9), first, 1)
    snap = services.snapshot(board.id, author.id)
    assert snap["board"]["phase"] == STEMMEN and {p["id"]: p["count"] for p in snap["proposals"]}[first] == 1
    assert snap["me"]["votes"] == {str(first): 1} and snap["me"]["remaining"] == 4
    services.set_timer(board.id, 120, None)
    assert 110 <= services.snapshot(board.id)["board"]["timer_remaining"] <= 120
    services.join(board.id, None)
    assert services.snapshot(board.id)["participants"] == 2


def test_a_reconnecting_phone_costs_two_queries_once_the_board_is_known(app, board):
    from sqlalchemy import event

    author = services.join(board.id, None)
    proposal(board, author, 1)
    services.snapshot(board.id, author.id)
    statements = []

    def listener(_connection, _cursor, statement, *_rest):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        snap = services.snapshot(board.id, author.id)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert len(snap["proposals"]) == 1 and snap["me"]["id"] == author.id
    assert len(statements) <= 2, statements


def test_forgetting_participants_also_empties_the_cached_snapshot(board):
    """A running server keeps each board's shared snapshot per version: forgetting must raise it."""
    from datetime import timedelta

    from sessie_app.timeutil import today_local

    author = services.join(board.id, None, nickname="Els de Vries")
    proposal(board, author)
    assert "Els de Vries" in str(services.snapshot(board.id))
    services.forget_participants(today_local() + timedelta(days=1))
    assert "Els de Vries" not in str(services.snapshot(board.id))


@pytest.mark.parametrize(
    ("votes", "per_proposal", "field", "message"),
    [
        (0, 1, "votes_per_participant", "Kies voor stemmen per deelnemer een aantal van 1 tot en met 20."),
        (21, 2, "votes_per_participant", "Kies voor stemmen per deelnemer een aantal van 1 tot en met 20."),
        (20, 11, "max_votes_per_proposal", "Kies voor stemmen op één voorstel een aantal van 1 tot en met 10."),
        (
            3,
            4,
            "max_votes_per_proposal",
            "Eén voorstel kan niet meer stemmen krijgen dan een deelnemer heeft: kies hoogstens 3.",
        ),
        ("5", 2, "votes_per_participant", "Kies voor stemmen per deelnemer een aantal van 1 tot en met 20."),
    ],
)
def test_a_board_gets_only_the_votes_the_service_allows(app, votes, per_proposal, field, message):
    from sessie_app.board.models import Board

    with pytest.raises(services.InvalidBoard) as refusal:
        services.create_board("Amsterdam", votes_per_participant=votes, max_votes_per_proposal=per_proposal)
    assert refusal.value.field == field and str(refusal.value) == message
    assert db.session.scalars(db.select(Board)).all() == []
    largest = services.create_board(
        "Amsterdam",
        votes_per_participant=services.MAX_VOTES_PER_PARTICIPANT,
        max_votes_per_proposal=services.MAX_VOTES_PER_PROPOSAL,
    )
    assert (largest.votes_per_participant, largest.max_votes_per_proposal) == (20, 10)


@pytest.mark.parametrize(
    ("votes", "per_proposal"),
    [
        (services.MIN_VOTES - 1, services.MIN_VOTES - 1),
        (services.MAX_VOTES_PER_PARTICIPANT + 1, 1),
        (services.MAX_VOTES_PER_PARTICIPANT, services.MAX_VOTES_PER_PROPOSAL + 1),
        (3, 4),
    ],
)
def test_the_database_refuses_the_votes_the_service_refuses(app, votes, per_proposal):
    """The check constraints, written by the migrations, hold the service's numbers."""
    from sqlalchemy.exc import IntegrityError

    statement = db.text(
        "INSERT INTO boards (code, title, phase, locked, votes_per_participant, max_votes_per_proposal, seq, created_at)"
        " VALUES (:code, 'Direct', 'mopperen', false, :votes, :per_proposal, 0, '2026-12-02 10:00:00')"
    )
    db.session.execute(
        statement,
        {
            "code": "ACDEFG",
            "votes": services.MAX_VOTES_PER_PARTICIPANT,
            "per_proposal": services.MAX_VOTES_PER_PROPOSAL,
        },
    )
    with pytest.raises(IntegrityError):
        db.session.execute(statement, {"code": "HJKMNP", "votes": votes, "per_proposal": per_proposal})
    db.session.rollback()
