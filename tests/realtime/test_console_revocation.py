"""An open console is refused its next control event once its account's session has ended, and a
facilitator's console runs only the boards of their sessions."""

from sessie_app.board.models import OPPEREN
from sessie_app.extensions import db
from sessie_app.organiser import accounts
from sessie_app.organiser.roles import FACILITATOR
from sessie_app.registration import seed
from sessie_app.registration.meetings import meeting_by_slug
from sessie_app.timeutil import today_local
from tests.helpers import post_form
from tests.organiser.people import BEHEERDER_EMAIL, TILBURG_EMAIL, ZWOLLE_EMAIL, log_in, make_team
from tests.realtime.screens import Screen, make_board, wait_until

PHASE = {"action": "phase", "phase": OPPEREN}


def _team_and_board(app):
    with app.app_context():
        seed.seed(seed.load_file(seed.DEFAULT_FILE), today_local())
        tilburg = meeting_by_slug("tilburg").id
        db.session.remove()
    return make_team(app), make_board(app, "Tilburg", meeting_id=tilburg)


def _console(app, email, board, role="console"):
    screen = Screen(app, log_in(app, email)).connect()
    return screen, screen.join(board.code, role)


def test_a_deactivated_facilitators_open_console_is_refused_its_next_control_event(live_app):
    team, board = _team_and_board(live_app)
    console, joined = _console(live_app, TILBURG_EMAIL, board)
    assert joined["ok"] and console.emit("control", PHASE)["ok"]
    # Deactivated by the service alone: no HTTP request tells this socket anything.
    with live_app.app_context():
        accounts.update_account(team["tilburg"], role=FACILITATOR, meeting_ids=[], active=False)
    ack = console.emit("control", {"action": "lock", "locked": True})
    assert ack["ok"] is False and ack["error"] == "signed_out"
    assert "Log opnieuw in" in ack["message"]
    # Nor does it get a snapshot with the hidden texts any more.
    assert console.emit("snapshot", {})["error"] == "signed_out"


def test_deactivation_by_a_beheerder_closes_the_console_and_tells_its_screen(live_app):
    team, board = _team_and_board(live_app)
    console, joined = _console(live_app, TILBURG_EMAIL, board)
    assert joined["ok"]
    beheerder = log_in(live_app, BEHEERDER_EMAIL)
    response = post_form(beheerder, f"/organisator/accounts/{team['tilburg']}", {"role": FACILITATOR})
    assert response.status_code == 302
    assert wait_until(lambda: console.received("signed_out") or not console.sock.is_connected(), timeout=5)
    assert not console.sock.is_connected()
    # Opening it again with the same browser's cookie is refused, saying why.
    again = Screen(live_app, console.http).connect()
    refused = again.join(board.code, "console")
    assert refused["error"] == "signed_out" and "Log opnieuw in" in refused["message"]


def test_logging_out_in_another_tab_ends_the_console(live_app):
    _team, board = _team_and_board(live_app)
    console, _joined = _console(live_app, BEHEERDER_EMAIL, board)
    other_tab = log_in(live_app, BEHEERDER_EMAIL)
    page = other_tab.get("/organisator/").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    other_tab.post("/organisator/uitloggen", data={"csrf_token": token})
    # This process held the console's connection: it is closed at once.
    assert wait_until(lambda: not console.sock.is_connected(), timeout=5)


def test_a_facilitator_cannot_open_the_console_of_another_sessions_board(live_app):
    _team, board = _team_and_board(live_app)
    _screen, joined = _console(live_app, ZWOLLE_EMAIL, board)
    assert joined["ok"] is False and joined["error"] == "forbidden"
    _screen, joined = _console(live_app, ZWOLLE_EMAIL, board, "projector")
    assert joined["error"] == "forbidden"
    loose = make_board(live_app, "Los bord")
    _screen, joined = _console(live_app, TILBURG_EMAIL, loose)
    assert joined["error"] == "forbidden"


def test_losing_the_session_refuses_the_console_without_ending_the_login(live_app):
    team, board = _team_and_board(live_app)
    console, _joined = _console(live_app, TILBURG_EMAIL, board)
    with live_app.app_context():
        accounts.update_account(team["tilburg"], role=FACILITATOR, meeting_ids=[], active=True)
    assert console.emit("control", PHASE)["error"] == "forbidden"
