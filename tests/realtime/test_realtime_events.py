"""Every Socket.IO event of docs/realtime.md, through Flask-SocketIO's test client, refusals included."""

import pytest
from sqlalchemy import select

from sessie_app.board import identity, services
from sessie_app.board.models import MOPPEREN, OOGSTEN, OPPEREN, STEMMEN, Participant
from sessie_app.extensions import db
from sessie_app.realtime import auth, events
from tests.helpers import create_test_app
from tests.realtime.screens import (
    Screen,
    add_proposals,
    cid,
    in_app,
    log_in_organiser,
    make_board,
    open_console,
    open_phone,
    wait_until,
)

EVENTS = ["join", "snapshot", "profile", "bottleneck", "proposal", "vote", "similar", "control"]


def refused(ack, code):
    assert ack["ok"] is False and ack["error"] == code, ack
    assert isinstance(ack["message"], str) and ack["message"], ack
    return ack


# --- join and identity -----------------------------------------------------------------------------


def test_a_phone_joins_with_its_cookie_and_gets_the_snapshot_with_its_votes(live_app, board):
    phone = open_phone(live_app, board, join=False)
    ack = phone.join(board.code.lower())
    assert ack["ok"] is True
    snap = ack["snapshot"]
    assert snap["board"]["code"] == board.code and snap["board"]["phase"] == MOPPEREN
    assert snap["me"]["remaining"] == 5 and snap["me"]["votes"] == {} and snap["participants"] == 1
    assert [t["key"] for t in snap["themes"]][:1] == ["literatuur"]
    assert auth.registry.get(phone.sid).role == auth.PARTICIPANT


def test_joining_without_a_valid_cookie_for_this_board_is_not_joined(live_app, board):
    stranger = Screen(live_app).connect()
    refused(stranger.join(board.code), "not_joined")
    forged = Screen(live_app)
    forged.http.set_cookie(identity.cookie_name(board.code), "eyJ0b2tlbiI6IngifQ.forged")
    refused(forged.connect().join(board.code), "not_joined")
    # A genuine cookie of another board names nobody on this one.
    other = make_board(live_app, "Zwolle")
    elsewhere = open_phone(live_app, other, join=False)
    signed = elsewhere.http.get_cookie(identity.cookie_name(other.code)).value
    elsewhere.http.set_cookie(identity.cookie_name(board.code), signed)
    refused(elsewhere.connect().join(board.code), "not_joined")


def test_join_refuses_an_unknown_code_and_malformed_payloads(live_app, board):
    phone = open_phone(live_app, board, join=False)
    refused(phone.join("QQQQQQ"), "not_joined")
    refused(phone.emit("join", "ABCDEF"), "invalid")
    refused(phone.emit("join", {"code": 123456}), "invalid")
    refused(phone.emit("join", {"code": board.code, "as": "admin"}), "invalid")
    refused(phone.emit("join"), "invalid")
    refused(phone.emit("join", {"code": board.code}, {"extra": 1}), "invalid")


def test_a_wrong_code_and_a_real_one_without_the_cookie_are_answered_alike(live_app, board):
    stranger = Screen(live_app).connect()
    wrong, real = stranger.join("QQQQQQ"), stranger.join(board.code)
    assert wrong == real and refused(wrong, "not_joined")
    # A screen for organisers asks for the login before it looks at the code.
    assert stranger.join("QQQQQQ", "console") == stranger.join(board.code, "console")
    refused(stranger.join(board.code, "projector"), "forbidden")


@pytest.fixture
def guessing_app(app_config):
    app = create_test_app(
        {**app_config, "RATELIMIT_ENABLED": True, "BOARD_JOIN_RATE_LIMIT": "4 per day"}  # the count decides
    )
    auth.buckets.clear()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_failed_joins_draw_on_the_allowance_of_failed_codes_over_http_and_lock_out_nobody_else(guessing_app):
    board = make_board(guessing_app)
    phone = open_phone(guessing_app, board)  # a phone with its cookie joins as often as it reconnects
    for _ in range(3):
        assert phone.join(board.code)["ok"]
    web = guessing_app.test_client()
    assert web.get("/b/QQQQQQ").status_code == 404
    for code in ("QQQQQR", board.code):  # a real code without the cookie fails too
        refused(Screen(guessing_app).connect().join(code), "not_joined")
    assert web.get("/b/QQQQQT").status_code == 404
    # The allowance of four is spent: over Socket.IO and over HTTP alike, whatever the code.
    ack = refused(Screen(guessing_app).connect().join(board.code), "rate_limited")
    assert ack["retry_after"] >= 1
    assert web.get("/b/QQQQQU").status_code == 429
    # A stranger who spent it does not lock out the hall behind the same address: a phone with its
    # cookie joins again, and a new phone with the right code gets in.
    assert phone.join(board.code)["ok"]
    newcomer = guessing_app.test_client()
    assert newcomer.get(f"/b/{board.code}").status_code == 200
    assert open_phone(guessing_app, board).join(board.code)["ok"]


@pytest.mark.parametrize("event", EVENTS)
def test_every_event_refuses_a_payload_that_is_not_an_object(live_app, board, event):
    phone = open_phone(live_app, board)
    for payload in ("tekst", 42, ["a"], None, True):
        refused(phone.emit(event, payload), "invalid")


@pytest.mark.parametrize("event", ["snapshot", "profile", "bottleneck", "proposal", "vote", "similar"])
def test_events_before_join_are_not_joined(live_app, board, event):
    open_phone(live_app, board, join=False)  # a participant exists, but this connection never joined
    stranger = open_phone(live_app, board, join=False)
    refused(
        stranger.emit(event, {"client_id": cid(1), "text": "x", "title": "x", "proposal_id": 1, "delta": 1}),
        "not_joined",
    )


def test_console_and_projector_need_a_logged_in_organiser(live_app, board):
    phone = open_phone(live_app, board, join=False)
    refused(phone.join(board.code, "console"), "forbidden")
    refused(phone.join(board.code, "projector"), "forbidden")
    refused(Screen(live_app).connect().join(board.code, "console"), "forbidden")
    console = open_console(live_app, board)
    connection = auth.registry.get(console.sid)
    # Flask-Login's current_user came from the session cookie of the handshake.
    assert connection.role == auth.CONSOLE and connection.organiser_id is not None
    projector = open_console(live_app, board, "projector")
    assert auth.registry.get(projector.sid).role == auth.PROJECTOR


def test_a_logged_in_organiser_opening_the_phone_page_is_still_only_a_participant(live_app, board):
    organiser = log_in_organiser(live_app)
    organiser.http.get(f"/b/{board.code}")
    assert organiser.connect().join(board.code)["ok"]
    refused(organiser.emit("control", {"action": "phase", "phase": OPPEREN}), "forbidden")


def test_a_phones_join_announces_the_participant_count(live_app, board):
    console = open_console(live_app, board)
    open_phone(live_app, board)
    open_phone(live_app, board)
    assert wait_until(lambda: console.received("participants") and console.received("participants")[-1] == {"count": 2})


def test_disconnect_forgets_the_connection(live_app, board):
    phone = open_phone(live_app, board)
    sid = phone.sid
    assert auth.registry.get(sid) is not None
    phone.sock.disconnect()
    assert auth.registry.get(sid) is None


# --- phones: snapshot, profile, bottleneck, proposal, similar ----------------------------------------


def test_snapshot_redraws_the_board_for_the_screen_that_asks(live_app, board):
    phone = open_phone(live_app, board)
    ack = phone.emit("snapshot", {})
    assert ack["ok"] and ack["snapshot"]["me"]["remaining"] == 5
    console = open_console(live_app, board)
    assert console.emit("snapshot", {})["snapshot"]["me"] is None


def test_profile_sets_nickname_role_and_sector(live_app, board):
    phone = open_phone(live_app, board)
    ack = phone.emit("profile", {"nickname": "  Els  ", "role": "leraar", "sector": "PO"})
    assert (
        ack["ok"] and ack["me"]["nickname"] == "Els" and ack["me"]["role"] == "leraar" and ack["me"]["sector"] == "PO"
    )
    assert phone.emit("profile", {"role": ""})["me"]["role"] is None
    refused(phone.emit("profile", {"nickname": ["Els"]}), "invalid")
    ack = refused(phone.emit("profile", {"nickname": "x" * 41}), "invalid")
    assert ack["field"] == "nickname" and "40" in ack["message"]
    refused(phone.emit("profile", {"sector": 3}), "invalid")


def test_a_bottleneck_reaches_every_screen_at_once(live_app, board):
    phone, other = open_phone(live_app, board), open_phone(live_app, board)
    console = open_console(live_app, board)
    ack = phone.emit("bottleneck", {"client_id": cid(1), "text": "Onderzoek is niet vindbaar"})
    assert ack["ok"] and ack["bottleneck"]["text"] == "Onderzoek is niet vindbaar" and ack["seq"] > 0
    assert other.received("bottleneck") == [ack["bottleneck"]] == console.received("bottleneck")
    again = phone.emit("bottleneck", {"client_id": cid(1), "text": "Onderzoek is niet vindbaar"})
    assert again["replayed"] and again["bottleneck"]["id"] == ack["bottleneck"]["id"]
    assert len(other.received("bottleneck")) == 1  # a retry is not news
    ack = refused(phone.emit("bottleneck", {"client_id": cid(2), "text": "   "}), "invalid")
    assert ack["field"] == "text" and ack["message"] == "Schrijf eerst uw knelpunt op."
    refused(phone.emit("bottleneck", {"client_id": cid(3), "text": "x" * 301}), "invalid")
    refused(phone.emit("bottleneck", {"text": "Geen client id"}), "invalid")
    refused(phone.emit("bottleneck", {"client_id": "kort", "text": "Te kort id"}), "invalid")


def test_proposals_only_in_their_phase_and_within_their_limits(live_app, board):
    phone, other = open_phone(live_app, board), open_phone(live_app, board)
    ack = refused(phone.emit("proposal", {"client_id": cid(1), "title": "Te vroeg"}), "wrong_phase")
    assert ack["phase"] == MOPPEREN and "knelpunten" in ack["message"]
    in_app(live_app, services.set_phase, board.id, OPPEREN, None)
    ack = phone.emit(
        "proposal",
        {
            "client_id": cid(2),
            "title": "Open access voor leraren",
            "big": "Alles open",
            "small": "Begin bij de bieb",
            "actor": "overheid",
        },
    )
    assert ack["ok"] and ack["proposal"]["title"] == "Open access voor leraren" and ack["proposal"]["count"] == 0
    assert other.received("proposal") == [ack["proposal"]]
    refused(phone.emit("proposal", {"title": "Zonder id"}), "invalid")
    assert refused(phone.emit("proposal", {"client_id": cid(3), "title": "x" * 141}), "invalid")["field"] == "title"
    assert (
        refused(phone.emit("proposal", {"client_id": cid(4), "title": "Ok", "big": "x" * 601}), "invalid")["field"]
        == "big"
    )
    assert (
        refused(phone.emit("proposal", {"client_id": cid(5), "title": "Ok", "bottleneck_id": True}), "invalid")["field"]
        == "bottleneck_id"
    )
    assert (
        refused(phone.emit("proposal", {"client_id": cid(6), "title": "Ok", "theme_id": "1"}), "invalid")["field"]
        == "theme_id"
    )
    assert (
        refused(phone.emit("proposal", {"client_id": cid(7), "title": "Ok", "actor": "koning"}), "invalid")["field"]
        == "actor"
    )
    assert (
        refused(phone.emit("proposal", {"client_id": cid(8), "title": "Ok", "bottleneck_id": 10**40}), "invalid")[
            "field"
        ]
        == "bottleneck_id"
    )
    refused(phone.emit("proposal", {"client_id": cid(9), "title": "x" * 20_000}), "too_large")
    assert len(other.received("proposal")) == 1


def test_a_lone_surrogate_from_a_half_cut_emoji_is_stored_as_a_replacement_character(live_app, board):
    """JSON can carry "\\ud83d" on its own; it is no UTF-8, so it must not reach the database."""
    phone = open_phone(live_app, board)
    in_app(live_app, services.set_phase, board.id, OPPEREN, None)
    ack = phone.emit("proposal", {"client_id": cid(1), "title": "Meer onderzoekstijd \ud83d", "big": "a\udce2b"})
    assert ack["ok"], ack
    assert ack["proposal"]["title"] == "Meer onderzoekstijd \ufffd" and ack["proposal"]["big"] == "a\ufffdb"
    assert phone.emit("similar", {"text": "\ud800"})["ok"]


def test_similar_suggests_existing_proposals(live_app, board):
    add_proposals(live_app, board, ["Open access tot onderzoek voor leraren", "Meer tijd voor professionalisering"])
    phone = open_phone(live_app, board)
    ack = phone.emit("similar", {"text": "onderzoek open access leraren"})
    assert ack["ok"] and [item["title"] for item in ack["items"]] == ["Open access tot onderzoek voor leraren"]
    assert phone.emit("similar", {"text": "x"})["items"] == []
    refused(phone.emit("similar", {"text": 5}), "invalid")


# --- votes ------------------------------------------------------------------------------------------


@pytest.fixture
def voting(live_app, board):
    """A board in the voting phase with three proposals, and a phone on it."""
    ids = add_proposals(live_app, board, ["Een", "Twee", "Drie"], then_phase=STEMMEN)
    return ids, open_phone(live_app, board)


def vote(phone, n, proposal_id, delta=1):
    return phone.emit("vote", {"client_id": cid(n), "proposal_id": proposal_id, "delta": delta})


def test_a_vote_is_acknowledged_with_the_committed_count(live_app, board, voting):
    (first, _second, _third), phone = voting
    ack = vote(phone, 1, first)
    assert ack == {"ok": True, "proposal_id": first, "my_votes": 1, "remaining": 4, "count": 1, "seq": ack["seq"]}
    other = open_phone(live_app, board)
    assert vote(other, 1, first)["count"] == 2  # another phone may use the same client id
    assert in_app(live_app, services.tally, board.id)["counts"][str(first)] == 2


def test_budget_and_maximum_per_proposal_are_refused_in_dutch(live_app, board, voting):
    (first, second, third), phone = voting
    assert vote(phone, 1, first)["ok"] and vote(phone, 2, first)["ok"]
    ack = refused(vote(phone, 3, first), "max_per_proposal")
    assert ack["max"] == 2 and "2" in ack["message"]
    assert vote(phone, 4, second)["ok"] and vote(phone, 5, second)["ok"] and vote(phone, 6, third)["remaining"] == 0
    ack = refused(vote(phone, 7, third), "budget_exceeded")
    assert ack["message"] == "Uw stemmen zijn op. Haal ergens een stem weg om opnieuw te stemmen."
    assert vote(phone, 8, first, -1)["remaining"] == 1
    assert vote(phone, 9, third)["ok"]
    other = open_phone(live_app, board)
    refused(vote(other, 1, first, -1), "no_vote_to_take_back")


def test_votes_are_refused_outside_the_voting_phase_and_on_a_locked_board(live_app, board, voting):
    (first, *_rest), phone = voting
    in_app(live_app, services.set_locked, board.id, True, None)
    refused(vote(phone, 1, first), "locked")
    in_app(live_app, services.set_locked, board.id, False, None)
    in_app(live_app, services.set_phase, board.id, OOGSTEN, None)
    assert refused(vote(phone, 2, first), "wrong_phase")["message"] == "Dat kan niet meer: de stemming is gesloten."
    in_app(live_app, services.set_phase, board.id, STEMMEN, None)
    assert vote(phone, 3, first)["ok"]


def test_malformed_votes_are_invalid(live_app, board, voting):
    (first, *_rest), phone = voting
    for payload, field in [
        ({"client_id": cid(1), "proposal_id": True, "delta": 1}, "proposal_id"),
        ({"client_id": cid(1), "proposal_id": str(first), "delta": 1}, "proposal_id"),
        ({"client_id": cid(1), "proposal_id": first * 1.0, "delta": 1}, "proposal_id"),
        ({"client_id": cid(1), "proposal_id": -first, "delta": 1}, "proposal_id"),
        ({"client_id": cid(1), "proposal_id": first, "delta": 2}, "delta"),
        ({"client_id": cid(1), "proposal_id": first, "delta": True}, "delta"),
        ({"client_id": cid(1), "proposal_id": first, "delta": 1.0}, "delta"),
        ({"client_id": cid(1), "proposal_id": first}, "delta"),
        ({"proposal_id": first, "delta": 1}, "client_id"),
        ({"client_id": "met spaties erin", "proposal_id": first, "delta": 1}, "client_id"),
        ({"client_id": "x" * 65, "proposal_id": first, "delta": 1}, "client_id"),
    ]:
        assert refused(phone.emit("vote", payload), "invalid")["field"] == field, payload
    refused(vote(phone, 2, 999_999), "not_found")
    assert in_app(live_app, services.tally, board.id)["counts"][str(first)] == 0


def test_a_replayed_client_id_is_counted_once_and_gets_the_same_ack(live_app, board, voting):
    (first, *_rest), phone = voting
    ack = vote(phone, 1, first)
    again = vote(phone, 1, first)
    assert again.pop("replayed") is True and again == ack
    # Even after a reconnect: the retry of an action whose ack got lost.
    phone.sock.disconnect()
    phone.connect().join(board.code)
    assert vote(phone, 1, first)["seq"] == ack["seq"]
    assert in_app(live_app, services.tally, board.id)["counts"][str(first)] == 1
    assert phone.emit("snapshot", {})["snapshot"]["me"]["remaining"] == 4


def test_a_failing_service_answers_server_and_writes_nothing(live_app, board, voting, monkeypatch, caplog):
    (first, *_rest), phone = voting

    def broken(*_args, **_kwargs):
        db.session.add(Participant(board_id=board.id, nickname="half"))
        db.session.flush()  # written, not committed, when it fails
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "vote", broken)
    ack = vote(phone, 1, first)
    assert ack == {
        "ok": False,
        "error": "server",
        "message": "Er ging iets mis aan onze kant. Probeer het zo nog eens.",
    }
    assert "disk full" in caplog.text
    monkeypatch.undo()
    assert vote(phone, 2, first)["ok"]
    with live_app.app_context():
        assert db.session.scalar(select(Participant).where(Participant.nickname == "half")) is None


def test_the_default_error_handler_answers_instead_of_crashing(live_app, board):
    with live_app.test_request_context():
        assert events.on_error(RuntimeError("boom"))["error"] == "server"


# --- control ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["participant", "anonymous", "projector"])
def test_control_events_are_refused_to_anyone_but_the_console(live_app, board, who):
    if who == "participant":
        screen = open_phone(live_app, board)
    elif who == "anonymous":
        screen = Screen(live_app).connect()
    else:
        screen = open_console(live_app, board, "projector")
    ack = refused(screen.emit("control", {"action": "phase", "phase": OPPEREN}), "forbidden")
    assert ack["message"] == "Alleen een ingelogde organisator kan dit doen."
    for action in ["timer", "lock", "hide", "hide_bottleneck", "edit", "flag", "theme", "merge", "starters", "log"]:
        refused(screen.emit("control", {"action": action}), "forbidden")
    assert in_app(live_app, services.get_board, board.id).phase == MOPPEREN


def test_a_console_steers_only_the_board_it_joined(live_app, board):
    phone = open_phone(live_app, board)
    elsewhere = open_console(live_app, make_board(live_app, "Elders"))
    assert elsewhere.emit("control", {"action": "phase", "phase": OPPEREN})["board"]["title"] == "Elders"
    assert in_app(live_app, services.get_board, board.id).phase == MOPPEREN
    assert phone.received("board") == []


def test_closing_joining_turns_new_phones_away_and_keeps_those_in(live_app, board):
    console, phone = open_console(live_app, board), open_phone(live_app, board)
    ack = console.emit("control", {"action": "joining", "closed": True})
    assert ack["ok"] and ack["board"]["joining_closed"] is True
    assert phone.received("board")[-1]["joining_closed"] is True
    newcomer = live_app.test_client().get(f"/b/{board.code}")
    assert newcomer.status_code == 403 and "Set-Cookie" not in newcomer.headers
    assert "Meedoen is gesloten" in newcomer.get_data(as_text=True)
    # The phone already in reloads, reconnects and posts as before.
    assert phone.http.get(f"/b/{board.code}").status_code == 200
    again = Screen(live_app, phone.http).connect()
    assert again.join(board.code)["ok"]
    assert again.emit("bottleneck", {"client_id": cid(1), "text": "Nog steeds welkom"})["ok"]
    assert console.emit("control", {"action": "joining", "closed": False})["board"]["joining_closed"] is False
    assert live_app.test_client().get(f"/b/{board.code}").status_code == 200
    assert [entry["action"] for entry in console.received("moderation")] == ["joining:closed", "joining:open"]


def test_hiding_everything_from_one_participant_takes_it_off_every_screen_and_the_tally(live_app, board):
    console, flooder, other = open_console(live_app, board), open_phone(live_app, board), open_phone(live_app, board)
    for n in range(2):
        assert flooder.emit("bottleneck", {"client_id": cid(n), "text": f"Reclame {n}"})["ok"]
    kept_bottleneck = other.emit("bottleneck", {"client_id": cid(10), "text": "Echt knelpunt"})["bottleneck"]["id"]
    in_app(live_app, services.set_phase, board.id, OPPEREN, None)
    spam = [
        flooder.emit("proposal", {"client_id": cid(20 + n), "title": f"Koop nu {n}"})["proposal"]["id"]
        for n in range(2)
    ]
    kept = other.emit("proposal", {"client_id": cid(30), "title": "Echt voorstel"})["proposal"]["id"]
    in_app(live_app, services.set_phase, board.id, STEMMEN, None)
    assert vote(flooder, 40, spam[0])["ok"] and vote(other, 41, kept)["ok"]

    refused(console.emit("control", {"action": "hide_author", "proposal_id": spam[1], "reason": ""}), "invalid")
    refused(console.emit("control", {"action": "hide_author", "reason": "Reclame"}), "invalid")
    both = {"action": "hide_author", "proposal_id": spam[1], "bottleneck_id": kept_bottleneck, "reason": "Reclame"}
    refused(console.emit("control", both), "invalid")
    ack = console.emit("control", {"action": "hide_author", "proposal_id": spam[1], "reason": "Reclame"})
    assert ack["ok"] and sorted(p["id"] for p in ack["proposals"]) == spam and len(ack["bottlenecks"]) == 2
    assert all(p["hidden"] for p in ack["proposals"] + ack["bottlenecks"])

    for phone in (flooder, other):
        assert {p["id"] for p in phone.received("proposal") if p.get("hidden")} == set(spam)
        assert len([b for b in phone.received("bottleneck") if b.get("hidden")]) == 2
    snapshot = other.emit("snapshot", {})["snapshot"]
    assert [p["id"] for p in snapshot["proposals"]] == [kept]
    assert [b["id"] for b in snapshot["bottlenecks"]] == [kept_bottleneck]
    assert in_app(live_app, services.tally, board.id)["counts"] == {str(kept): 1}
    assert console.received("moderation")[-1]["action"] == "hide:author"
    # A starter has no author: it is hidden on its own.
    starter = console.emit("control", {"action": "starters"})["bottlenecks"][0]["id"]
    ack = console.emit("control", {"action": "hide_author", "bottleneck_id": starter, "reason": "Reclame"})
    assert refused(ack, "invalid")["field"] == "author"


def test_hiding_a_selection_takes_it_off_every_screen_and_the_tally_in_one_go(live_app, board, app):
    console, first, second = open_console(live_app, board), open_phone(live_app, board), open_phone(live_app, board)
    flood = [
        first.emit("bottleneck", {"client_id": cid(n), "text": f"Reclame {n}"})["bottleneck"]["id"] for n in (1, 2)
    ]
    kept_bottleneck = second.emit("bottleneck", {"client_id": cid(3), "text": "Echt knelpunt"})["bottleneck"]["id"]
    in_app(live_app, services.set_phase, board.id, OPPEREN, None)
    spam = [
        phone.emit("proposal", {"client_id": cid(10 + n), "title": f"Koop nu {n}"})["proposal"]["id"]
        for n, phone in enumerate((first, second))
    ]
    kept = second.emit("proposal", {"client_id": cid(20), "title": "Echt voorstel"})["proposal"]["id"]
    in_app(live_app, services.set_phase, board.id, STEMMEN, None)
    assert vote(first, 30, spam[1])["ok"] and vote(second, 31, kept)["ok"]

    def elsewhere():
        other = services.create_board("Elders")
        services.set_phase(other.id, OPPEREN, None)
        return services.add_proposal(services.join(other.id, None).id, cid(99), "Elders")["proposal"]["id"]

    foreign = in_app(live_app, elsewhere)
    selection = {"action": "hide_selected", "proposal_ids": spam, "bottleneck_ids": flood, "reason": "Reclame"}
    refused(console.emit("control", {**selection, "reason": ""}), "invalid")
    refused(console.emit("control", {"action": "hide_selected", "reason": "Reclame"}), "invalid")
    refused(console.emit("control", {**selection, "proposal_ids": spam[0]}), "invalid")
    refused(console.emit("control", {**selection, "proposal_ids": [*spam, "1"]}), "invalid")
    too_many = list(range(1, services.MOST_IN_VIEW["proposals"] + 2))
    refused(console.emit("control", {**selection, "proposal_ids": too_many}), "invalid")
    # An id from another board hides nothing at all, not even the rest of the selection.
    refused(console.emit("control", {**selection, "proposal_ids": [*spam, foreign]}), "not_found")
    refused(console.emit("control", {**selection, "bottleneck_ids": [*flood, 10**6]}), "not_found")
    assert not any(p.get("hidden") for p in second.received("proposal"))

    ack = console.emit("control", {**selection, "proposal_ids": [*spam, spam[0]]})
    assert ack["ok"] and sorted(p["id"] for p in ack["proposals"]) == sorted(spam)
    assert sorted(b["id"] for b in ack["bottlenecks"]) == sorted(flood)
    for phone in (first, second):
        assert {p["id"] for p in phone.received("proposal") if p.get("hidden")} == set(spam)
        assert {b["id"] for b in phone.received("bottleneck") if b.get("hidden")} == set(flood)
    snapshot = second.emit("snapshot", {})["snapshot"]
    assert [p["id"] for p in snapshot["proposals"]] == [kept]
    assert [b["id"] for b in snapshot["bottlenecks"]] == [kept_bottleneck]
    assert in_app(live_app, services.tally, board.id)["counts"] == {str(kept): 1}
    log = console.received("moderation")[-4:]
    assert [(e["action"], e["reason"]) for e in log] == [("hide", "Reclame")] * 4
    # Hiding them again changes nothing and logs nothing.
    assert console.emit("control", selection)["proposals"] == []


def test_a_phone_past_its_ceiling_is_told_in_dutch(live_app, board, monkeypatch):
    from sessie_app.board.models import Proposal
    from sessie_app.board.services import actions

    monkeypatch.setitem(actions.CEILINGS, Proposal, (1, 300))
    in_app(live_app, services.set_phase, board.id, OPPEREN, None)
    phone = open_phone(live_app, board)
    assert phone.emit("proposal", {"client_id": cid(1), "title": "Eerste"})["ok"]
    ack = refused(phone.emit("proposal", {"client_id": cid(2), "title": "Tweede"}), "too_many")
    assert ack["scope"] == "participant" and ack["max"] == 1
    assert ack["message"] == "U heeft hier al 1 keer iets geplaatst; meer kan niet op dit bord."
    monkeypatch.setattr(actions, "BOARD_TEXT_BUDGET", len("Eerste"))
    ack = refused(open_phone(live_app, board).emit("proposal", {"client_id": cid(3), "title": "Derde"}), "too_many")
    assert ack["scope"] == "text"
    assert ack["message"] == "Het bord is vol: er staat al zoveel tekst op. Vraag de begeleider om ruimte."


def test_phase_timer_and_lock_reach_every_screen(live_app, board):
    console, phone = open_console(live_app, board), open_phone(live_app, board)
    projector = open_console(live_app, board, "projector")
    ack = console.emit("control", {"action": "phase", "phase": OPPEREN})
    assert ack["ok"] and ack["board"]["phase"] == OPPEREN
    assert phone.received("board")[-1]["phase"] == OPPEREN == projector.received("board")[-1]["phase"]
    ack = console.emit("control", {"action": "timer", "seconds": 300})
    assert 298 <= ack["board"]["timer_remaining"] <= 300 and phone.received("board")[-1]["timer_ends_at"].endswith("Z")
    assert console.emit("control", {"action": "timer", "seconds": None})["board"]["timer_remaining"] is None
    assert console.emit("control", {"action": "lock", "locked": True})["board"]["locked"] is True
    assert phone.received("board")[-1]["locked"] is True
    refused(phone.emit("proposal", {"client_id": cid(1), "title": "Op slot"}), "locked")
    assert [entry["action"] for entry in console.received("moderation")] == ["phase", "timer", "timer", "lock"]
    assert phone.received("moderation") == [] == projector.received("moderation")


def test_hiding_a_proposal_sends_its_text_only_to_the_console(live_app, board):
    (pid,) = add_proposals(live_app, board, ["Geheime tekst die weg moet"], then_phase=STEMMEN)
    console, phone = open_console(live_app, board), open_phone(live_app, board)
    projector = open_console(live_app, board, "projector")
    vote(phone, 1, pid)
    ack = console.emit(
        "control", {"action": "hide", "proposal_id": pid, "hidden": True, "reason": "Persoonlijke gegevens"}
    )
    assert ack["ok"] and ack["proposal"]["hidden"] is True and ack["proposal"]["title"] == "Geheime tekst die weg moet"
    assert phone.received("proposal") == [{"id": pid, "hidden": True}] == projector.received("proposal")
    assert console.received("proposal")[-1]["title"] == "Geheime tekst die weg moet"
    assert console.received("moderation")[-1] == {
        **console.received("moderation")[-1],
        "action": "hide",
        "reason": "Persoonlijke gegevens",
    }
    # Gone from the tally, from the phone's snapshot, but not from the console's.
    assert wait_until(lambda: phone.received("tally") and str(pid) not in phone.received("tally")[-1]["counts"])
    assert phone.emit("snapshot", {})["snapshot"]["proposals"] == []
    assert [p["id"] for p in console.emit("snapshot", {})["snapshot"]["proposals"]] == [pid]
    refused(
        console.emit("control", {"action": "hide", "proposal_id": pid, "hidden": True}), "invalid"
    )  # a reason is required
    ack = console.emit("control", {"action": "hide", "proposal_id": pid, "hidden": False})
    assert ack["ok"] and phone.received("proposal")[-1]["title"] == "Geheime tekst die weg moet"


def test_hiding_a_bottleneck_sends_its_text_only_to_the_console(live_app, board):
    console, phone = open_console(live_app, board), open_phone(live_app, board)
    bid = phone.emit("bottleneck", {"client_id": cid(1), "text": "Naam van een collega"})["bottleneck"]["id"]
    ack = console.emit("control", {"action": "hide_bottleneck", "bottleneck_id": bid, "hidden": True, "reason": "Naam"})
    assert ack["ok"] and ack["bottleneck"]["hidden"] is True
    assert phone.received("bottleneck")[-1] == {"id": bid, "hidden": True}
    assert console.received("bottleneck")[-1]["text"] == "Naam van een collega"
    refused(
        console.emit("control", {"action": "hide_bottleneck", "bottleneck_id": True, "hidden": True, "reason": "x"}),
        "invalid",
    )


def test_edit_flag_and_theme_reach_every_screen(live_app, board):
    (pid,) = add_proposals(live_app, board, ["Tikfout"])
    console, phone = open_console(live_app, board), open_phone(live_app, board)
    theme_id = console.emit("snapshot", {})["snapshot"]["themes"][2]["id"]
    ack = console.emit(
        "control", {"action": "edit", "proposal_id": pid, "title": "Geen tikfout", "big": "Groot", "small": None}
    )
    assert ack["proposal"]["title"] == "Geen tikfout" and phone.received("proposal")[-1]["title"] == "Geen tikfout"
    assert console.emit("control", {"action": "flag", "proposal_id": pid, "flag": "promising", "value": True})[
        "proposal"
    ]["promising"]
    refused(console.emit("control", {"action": "flag", "proposal_id": pid, "flag": "hidden", "value": True}), "invalid")
    refused(console.emit("control", {"action": "flag", "proposal_id": pid, "flag": "pinned", "value": "ja"}), "invalid")
    assert (
        console.emit("control", {"action": "theme", "proposal_id": pid, "theme_id": theme_id})["proposal"]["theme_id"]
        == theme_id
    )
    assert phone.received("proposal")[-1]["theme_id"] == theme_id
    assert (
        console.emit("control", {"action": "theme", "proposal_id": pid, "theme_id": None})["proposal"]["theme_id"]
        is None
    )
    refused(console.emit("control", {"action": "edit", "proposal_id": 999_999, "title": "x"}), "not_found")


def test_merging_moves_the_votes_and_tells_every_screen(live_app, board):
    keep, dup = add_proposals(live_app, board, ["Open access", "Open toegang"], then_phase=STEMMEN)
    console, phone = open_console(live_app, board), open_phone(live_app, board)
    vote(phone, 1, keep)
    vote(phone, 2, dup)
    ack = console.emit("control", {"action": "merge", "keep_id": keep, "merged_id": dup})
    assert ack["ok"] and ack["kept"]["count"] == 1 and ack["merged_id"] == dup
    assert phone.received("merged") == [{"kept": ack["kept"], "merged_id": dup}]
    assert wait_until(lambda: phone.received("tally") and phone.received("tally")[-1]["counts"] == {str(keep): 1})
    refused(console.emit("control", {"action": "merge", "keep_id": keep, "merged_id": keep}), "invalid")
    refused(console.emit("control", {"action": "merge", "keep_id": keep}), "invalid")


def test_starters_and_the_moderation_log(live_app, board):
    console, phone = open_console(live_app, board), open_phone(live_app, board)
    ack = console.emit("control", {"action": "starters"})
    assert ack["ok"] and len(ack["bottlenecks"]) == 6 and len(phone.received("bottleneck")) == 6
    assert console.emit("control", {"action": "starters"})["bottlenecks"] == []  # loaded once
    log = console.emit("control", {"action": "log"})["log"]
    assert [entry["action"] for entry in log] == ["starters", "starters"]


def test_malformed_control_events_are_invalid(live_app, board):
    console = open_console(live_app, board)
    for payload in [
        {},
        {"action": "reboot"},
        {"action": ["phase"]},
        {"action": "phase", "phase": "slapen"},
        {"action": "phase"},
        {"action": "timer", "seconds": "300"},
        {"action": "timer", "seconds": -5},
        {"action": "timer", "seconds": 10**9},
        {"action": "lock", "locked": "ja"},
        {"action": "hide", "proposal_id": True, "hidden": True, "reason": "x"},
        {"action": "hide", "proposal_id": 1, "hidden": True, "reason": "x" * 301},
    ]:
        refused(console.emit("control", payload), "invalid")
    assert console.received("moderation") == []


# --- rate limits -----------------------------------------------------------------------------------


@pytest.fixture
def limited(live_app, monkeypatch):
    """Rate limits on, and time standing still, so no token refills while a slow test runs."""
    live_app.config["RATELIMIT_ENABLED"] = True
    monkeypatch.setattr(auth.buckets, "clock", lambda: 1000.0)
    return live_app


def test_posting_is_rate_limited_after_a_burst(limited, board):
    phone = open_phone(limited, board)
    acks = [phone.emit("bottleneck", {"client_id": cid(n), "text": f"Knelpunt {n}"}) for n in range(7)]
    assert [a["ok"] for a in acks] == [True] * 5 + [False] * 2
    ack = refused(acks[5], "rate_limited")
    assert 0 < ack["retry_after"] <= 3
    # Another phone has its own allowance.
    assert open_phone(limited, board).emit("bottleneck", {"client_id": cid(1), "text": "Ander knelpunt"})["ok"]


def test_similar_has_a_ceiling_per_board_whatever_the_number_of_phones(limited, board, monkeypatch):
    monkeypatch.setitem(auth.RATES, "similar-board", auth.Rate(6, 200))  # a small board's worth
    add_proposals(limited, board, ["Open access voor leraren"])
    phones = [open_phone(limited, board) for _ in range(3)]
    answers = [phone.emit("similar", {"text": "open access"}) for phone in phones for _n in range(3)]
    # Each phone stays within its own three; the board's six are spent by the first two phones.
    assert [a["ok"] for a in answers] == [True] * 6 + [False] * 3
    refused(answers[6], "rate_limited")
    elsewhere = make_board(limited, "Zwolle")
    assert open_phone(limited, elsewhere).emit("similar", {"text": "open access"})["ok"]


def test_votes_and_similar_are_rate_limited(limited, board):
    pids = add_proposals(limited, board, ["Een", "Twee"], then_phase=STEMMEN)
    phone = open_phone(limited, board)
    # Up and down on one proposal, so neither the budget nor the maximum gets in the way.
    acks = [vote(phone, n, pids[0], 1 if n % 2 == 0 else -1) for n in range(22)]
    assert [a["ok"] for a in acks[:20]] == [True] * 20
    refused(acks[20], "rate_limited")
    answers = [phone.emit("similar", {"text": "open access leraren"}) for _n in range(4)]
    assert [a["ok"] for a in answers] == [True, True, True, False] and answers[3]["error"] == "rate_limited"
