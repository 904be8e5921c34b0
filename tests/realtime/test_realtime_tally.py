"""Vote tallies are coalesced per board; a phone that reconnects gets the true state from the snapshot."""

import io

from sessie_app.board import services
from sessie_app.board.models import STEMMEN
from tests.helpers import post_form
from tests.realtime.screens import (
    add_proposals,
    cid,
    in_app,
    log_in_organiser,
    make_board,
    open_console,
    open_phone,
    wait_until,
)


def test_quick_votes_give_one_tally_per_round_and_the_last_one_is_right(live_app, send_tallies):
    # Two voters, fifteen dots each: ten on one proposal and five on the other, within a board's limits.
    board = make_board(live_app, votes_per_participant=15, max_votes_per_proposal=10)
    first, second = add_proposals(live_app, board, ["Een", "Twee"], then_phase=STEMMEN)
    voters, watcher, elsewhere = (
        (open_phone(live_app, board), open_phone(live_app, board)),
        open_phone(live_app, board),
        open_phone(live_app, make_board(live_app)),
    )
    console = open_console(live_app, board)

    def votes(numbers):
        return [
            voters[n % 2].emit("vote", {"client_id": cid(n), "proposal_id": first if n % 3 else second, "delta": 1})
            for n in numbers
        ]

    # Thirty votes, in two rounds of the broadcaster: twenty, a round, ten, a round.
    acks = votes(range(20))
    assert watcher.received("tally") == []  # nothing is sent between rounds
    send_tallies()
    acks += votes(range(20, 30))
    send_tallies()
    assert all(ack["ok"] for ack in acks)

    tallies = watcher.received("tally")
    assert len(tallies) == 2, tallies  # one per round, however many votes fell in it
    assert tallies[0]["counts"] == {str(first): 13, str(second): 7} and tallies[0]["seq"] == acks[19]["seq"]
    assert tallies[-1]["counts"] == {str(first): 20, str(second): 10}
    assert tallies[-1]["seq"] == max(ack["seq"] for ack in acks)
    assert [t["seq"] for t in tallies] == sorted(t["seq"] for t in tallies)
    assert console.received("tally") == tallies
    assert elsewhere.received("tally") == []
    # Quiet afterwards: nothing new to say.
    send_tallies()
    assert len(watcher.received("tally")) == 2


def test_a_reconnecting_phone_gets_the_counts_and_its_own_remaining_votes(live_app):
    board = make_board(live_app)
    first, second = add_proposals(live_app, board, ["Een", "Twee"], then_phase=STEMMEN)
    phone, other = open_phone(live_app, board), open_phone(live_app, board)
    for n, pid in enumerate([first, first, second]):
        assert phone.emit("vote", {"client_id": cid(n), "proposal_id": pid, "delta": 1})["ok"]
    phone.sock.disconnect()
    # While this phone is away, someone else votes.
    assert other.emit("vote", {"client_id": cid(1), "proposal_id": second, "delta": 1})["ok"]
    phone.connect()  # same browser, same cookie, new connection
    snap = phone.join(board.code)["snapshot"]
    counts = {p["id"]: p["count"] for p in snap["proposals"]}
    assert counts == {first: 2, second: 2}
    assert snap["me"]["votes"] == {str(first): 2, str(second): 1} and snap["me"]["remaining"] == 2
    assert snap["seq"] == in_app(live_app, services.tally, board.id)["seq"]
    again = phone.emit("snapshot", {})["snapshot"]
    assert again["me"] == snap["me"] and again["seq"] == snap["seq"]


def test_proposals_imported_from_paper_appear_on_phones_at_once(live_app, board):
    phone = open_phone(live_app, board)
    organiser = log_in_organiser(live_app)
    upload = {"file": (io.BytesIO(b"title,votes\nBibliotheekpas voor elke leraar,4\n"), "postits.csv")}
    response = post_form(
        organiser.http, f"/organisator/borden/{board.code}/import", upload, content_type="multipart/form-data"
    )
    assert response.status_code == 200
    [proposal] = phone.received("proposal")
    assert proposal["title"] == "Bibliotheekpas voor elke leraar" and proposal["count"] == 4
    assert wait_until(lambda: any(t["counts"].get(str(proposal["id"])) == 4 for t in phone.received("tally")))
