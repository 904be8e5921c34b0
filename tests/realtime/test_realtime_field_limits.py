"""Over-long text over the socket is refused whole, with a Dutch sentence that names the limit."""

import pytest

from sessie_app import limits
from sessie_app.board import services
from sessie_app.board.models import OPPEREN
from tests.realtime.screens import add_proposals, cid, in_app, open_console, open_phone


def refusal_of(ack) -> tuple[str, str, int]:
    assert ack["ok"] is False and ack["error"] == "invalid", ack
    return ack["field"], ack["message"], ack["limit"]


@pytest.mark.parametrize(
    ("event", "payload", "field", "limit"),
    [
        ("proposal", {"title": "x" * (limits.PROPOSAL_TITLE + 1)}, "title", limits.PROPOSAL_TITLE),
        ("proposal", {"title": "Kort", "big": "x" * (limits.PROPOSAL_BIG + 1)}, "big", limits.PROPOSAL_BIG),
        ("proposal", {"title": "Kort", "small": "x" * (limits.PROPOSAL_SMALL + 1)}, "small", limits.PROPOSAL_SMALL),
        ("bottleneck", {"text": "x" * (limits.BOTTLENECK_TEXT + 1)}, "text", limits.BOTTLENECK_TEXT),
        ("profile", {"nickname": "x" * (limits.NICKNAME + 1)}, "nickname", limits.NICKNAME),
    ],
    ids=["title", "big", "small", "bottleneck", "nickname"],
)
def test_a_phone_is_told_the_limit_of_the_field_it_overfilled(live_app, board, event, payload, field, limit):
    if event == "proposal":
        in_app(live_app, services.set_phase, board.id, OPPEREN, None)
    phone = open_phone(live_app, board)
    refused = refusal_of(phone.emit(event, {"client_id": cid(1), **payload}))
    assert refused[0] == field and refused[2] == limit
    assert f"hoogstens {limit} tekens" in refused[1]


def test_the_console_is_told_the_limit_when_editing_or_hiding(live_app, board):
    [proposal_id] = add_proposals(live_app, board, ["Een makelaar voor scholen en onderzoekers"])
    console = open_console(live_app, board)
    title = "x" * (limits.PROPOSAL_TITLE + 1)
    ack = console.emit(
        "control", {"action": "edit", "proposal_id": proposal_id, "title": title, "big": "", "small": ""}
    )
    assert refusal_of(ack)[1:] == (
        f"Geef uw voorstel een titel van hoogstens {limits.PROPOSAL_TITLE} tekens.",
        limits.PROPOSAL_TITLE,
    )
    reason = "x" * (limits.HIDE_REASON + 1)
    ack = console.emit("control", {"action": "hide", "proposal_id": proposal_id, "hidden": True, "reason": reason})
    assert refusal_of(ack)[1:] == (f"Houd de reden korter: hoogstens {limits.HIDE_REASON} tekens.", limits.HIDE_REASON)
