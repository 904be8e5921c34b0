"""Deleting a board closes the screens still open on it: they are refused when they come back, as
for any unknown code, instead of showing proposals that no longer exist."""

from tests.helpers import post_form
from tests.realtime.screens import make_board, open_console, open_phone, wait_until


def test_deleting_a_board_closes_its_phones_and_console(live_app):
    board, other = make_board(live_app, "Oefenbord"), make_board(live_app, "Tilburg")
    phone, console = open_phone(live_app, board), open_console(live_app, board)
    bystander = open_phone(live_app, other)

    response = post_form(
        console.http,
        f"/organisator/borden/{board.code}/beheer",
        {"code": board.code},
        post_url=f"/organisator/borden/{board.code}/verwijderen",
    )
    assert response.status_code == 302
    assert wait_until(lambda: not phone.sock.is_connected() and not console.sock.is_connected(), timeout=5)
    assert bystander.sock.is_connected()

    # Coming back, the phone is refused like any stranger with a wrong code, and its page is gone.
    phone.connect()
    assert phone.join(board.code)["error"] == "not_joined"
    assert phone.http.get(f"/b/{board.code}").status_code == 404
    console.connect()
    assert console.join(board.code, "console")["error"] == "not_found"
