"""One participant trying to count more than their budget (the fast variant).

Ten connections of one phone send 1,000 votes at once, reusing each other's client ids; a forged
cookie is refused; twenty phones behind one address all count."""

import random
import threading

from sqlalchemy import func, select

from sessie_app.board import identity, services
from sessie_app.board.models import STEMMEN, Action, Participant, Vote
from sessie_app.extensions import db
from tests.realtime.screens import Screen, add_proposals, cid, make_board, open_phone


def test_a_thousand_votes_over_ten_connections_count_within_the_budget_exactly_once(live_app, board):
    ids = add_proposals(live_app, board, ["Een", "Twee", "Drie"], then_phase=STEMMEN)
    phone = open_phone(live_app, board)
    # Nine more tabs of the same browser: the same cookie, each its own connection.
    tabs = [phone] + [Screen(live_app, http=phone.http).connect() for _ in range(9)]
    for tab in tabs[1:]:
        assert tab.join(board.code)["ok"]
    acks: list[tuple[str, int, int, dict]] = []
    lock = threading.Lock()
    start = threading.Barrier(len(tabs))

    def stuff(n: int, tab: Screen) -> None:
        rng = random.Random(n)
        start.wait()
        for _ in range(100):
            # 150 client ids shared by all tabs: most sends repeat one another tab already used.
            client_id, proposal_id, delta = cid(rng.randrange(150)), rng.choice(ids), rng.choice((1, 1, -1))
            ack = tab.emit("vote", {"client_id": client_id, "proposal_id": proposal_id, "delta": delta})
            with lock:
                acks.append((client_id, proposal_id, delta, ack))

    threads = [threading.Thread(target=stuff, args=(n, tab)) for n, tab in enumerate(tabs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(acks) == 1000
    assert not [
        a
        for *_x, a in acks
        if not a["ok"] and a["error"] not in {"budget_exceeded", "max_per_proposal", "no_vote_to_take_back"}
    ]

    participant_id = phone.emit("snapshot", {})["snapshot"]["me"]["id"]
    with live_app.app_context():
        counted = dict(
            db.session.execute(select(Vote.proposal_id, Vote.count).where(Vote.participant_id == participant_id)).all()
        )
        actions = db.session.scalar(select(func.count(Action.id)).where(Action.participant_id == participant_id))
        budget = services.get_board(board.id).votes_per_participant
    # Each client id acted at most once, whichever tab sent it first; every repeat got that answer.
    first = {}
    for client_id, _p, _d, ack in acks:
        if ack["ok"]:
            first.setdefault(client_id, ack)
            assert {k: v for k, v in ack.items() if k != "replayed"} == {
                k: v for k, v in first[client_id].items() if k != "replayed"
            }
    assert actions == len(first) <= 150
    assert sum(counted.values()) <= budget and all(0 <= c <= 2 for c in counted.values()), counted
    with live_app.app_context():
        assert services.tally(board.id)["counts"] == {str(p): counted.get(p, 0) for p in ids}


def test_a_forged_or_borrowed_signature_is_not_a_participant(live_app, board):
    phone = open_phone(live_app, board)
    cookie = next(c for c in phone.http._cookies.values() if c.key == identity.cookie_name(board.code))
    forger = Screen(live_app)
    forger.http.set_cookie(
        identity.cookie_name(board.code), cookie.value[:-2] + ("AA" if not cookie.value.endswith("AA") else "BB")
    )
    forger.connect()
    assert forger.join(board.code)["error"] == "not_joined"
    # A cookie for another board does not open this one.
    other = make_board(live_app, "Den Haag")
    stranger = Screen(live_app)
    stranger.http.set_cookie(identity.cookie_name(other.code), cookie.value)
    stranger.connect()
    assert stranger.join(board.code)["error"] == "not_joined"


def test_twenty_phones_behind_one_address_all_count(live_app, board):
    live_app.config["RATELIMIT_ENABLED"] = True  # limits are per participant, never per address
    [proposal_id] = add_proposals(live_app, board, ["Eén voorstel"], then_phase=STEMMEN)
    phones = [open_phone(live_app, board) for _ in range(20)]
    for n, phone in enumerate(phones):
        ack = phone.emit("vote", {"client_id": cid(n), "proposal_id": proposal_id, "delta": 1})
        assert ack["ok"], ack
    with live_app.app_context():
        assert services.tally(board.id)["counts"] == {str(proposal_id): 20}
        assert db.session.scalar(select(func.count(Participant.id)).where(Participant.board_id == board.id)) == 21
