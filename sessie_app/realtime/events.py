"""Every Socket.IO event of the live board (docs/realtime.md).

A handler is as thin as a view: it receives a dict, checks who sends it, calls a board service,
tells the rooms, and returns the acknowledgement. ``on`` turns every refusal into
``{"ok": false, "error": code, "message": Dutch sentence}`` and any other exception into
``{"ok": false, "error": "server"}``, so nothing a phone sends can crash a handler.
"""

import json
import logging
from functools import wraps

from flask import request
from flask_babel import gettext as _
from flask_socketio import join_room, leave_room

from ..board import services
from ..board.services import BoardError, Invalid
from ..extensions import db, socketio
from ..limits import BOARD_FIELDS as LIMITS
from . import auth, broadcast

log = logging.getLogger(__name__)

# (event, handler) pairs, bound to the server by realtime.register for every app. Not
# @socketio.on: that binds to the server of the app that exists at import time only, and each
# create_app makes a new server.
HANDLERS: list[tuple[str, object]] = []

MAX_ID = 2**31 - 1  # larger numbers are no row of ours, and overflow SQLite's INTEGER


def on(event: str):
    """Register ``handler(data)`` for ``event``; what it returns is merged into ``{"ok": True}``."""

    def decorate(handler):
        @wraps(handler)
        def handle(*args):
            try:
                return {"ok": True, **handler(_payload(args))}
            except BoardError as error:
                db.session.rollback()
                return refusal(error)
            except Exception:
                log.exception("Socket.IO event %r failed", event)
                db.session.rollback()
                return server_error()

        HANDLERS.append((event, handle))
        return handle

    return decorate


# --- payload checks (services check the rules; these check the shapes) -----------------------------


def _payload(args: tuple) -> dict:
    if len(args) != 1 or not isinstance(args[0], dict):
        raise Invalid("payload")
    data = args[0]
    try:
        encoded = json.dumps(data, ensure_ascii=False).encode()
    except UnicodeEncodeError:
        # JSON may carry a lone surrogate ("\ud83d"), e.g. from a script that cut an emoji in half.
        # Stored text must be UTF-8: it becomes U+FFFD, as werkzeug does with malformed form input.
        data = _without_lone_surrogates(data)
        encoded = json.dumps(data, ensure_ascii=False).encode()
    # Engine.IO caps a message at max_http_buffer_size; this holds for any transport and for tests.
    if len(encoded) > socketio.server.eio.max_http_buffer_size:
        raise auth.TooLarge()
    return data


def _without_lone_surrogates(value):
    if isinstance(value, str):
        return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    if isinstance(value, dict):
        return {_without_lone_surrogates(key): _without_lone_surrogates(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_without_lone_surrogates(item) for item in value]
    return value


def _text(data: dict, key: str, limit: int) -> str | None:
    """An optional string of at most ``limit`` characters (whether it may be empty is the service's call)."""
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise Invalid(key)
    if len(value) > limit:
        raise Invalid(key, limit=limit)
    return value


def _id(data: dict, key: str, required: bool = True) -> int | None:
    value = data.get(key)
    if value in (None, "") and not required:
        return None
    # bool is an int in Python: True must not stand in for row 1.
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_ID:
        raise Invalid(key)
    return value


def _delta(data: dict) -> int:
    value = data.get("delta")
    # 1.0 == 1 in Python; only the whole numbers 1 and -1 are a dot.
    if type(value) is not int or value not in (1, -1):
        raise Invalid("delta")
    return value


def _flag(data: dict, key: str) -> bool:
    value = data.get(key)
    if not isinstance(value, bool):
        raise Invalid(key)
    return value


# --- acknowledgements -------------------------------------------------------------------------------


def _field_message(field: str, limit: int | None) -> str:
    if limit is not None:
        return {
            "title": _("Geef uw voorstel een titel van hoogstens %(limit)d tekens.", limit=limit),
            "text": _("Schrijf het knelpunt in één zin van hoogstens %(limit)d tekens.", limit=limit),
            "big": _("Houd ‘groot denken’ korter: hoogstens %(limit)d tekens.", limit=limit),
            "small": _("Houd ‘klein doen’ korter: hoogstens %(limit)d tekens.", limit=limit),
            "nickname": _("Kies een naam van hoogstens %(limit)d tekens.", limit=limit),
            "reason": _("Houd de reden korter: hoogstens %(limit)d tekens.", limit=limit),
        }.get(field, _("Dat is te lang: hoogstens %(limit)d tekens.", limit=limit))
    return {
        "title": _("Geef uw voorstel eerst een titel."),
        "text": _("Schrijf eerst uw knelpunt op."),
        "reason": _("Geef een reden op; die komt in het logboek."),
        "bottleneck_id": _("Dat knelpunt bestaat niet (meer). Kies een ander of laat het leeg."),
        "actor": _("Kies wie er aan zet is uit de lijst."),
    }.get(field, _("Dat konden we niet verwerken. Vernieuw de pagina en probeer het opnieuw."))


def _phase_message(phase: str | None) -> str:
    return {
        "mopperen": _("Dat kan nog niet: we verzamelen nu eerst knelpunten."),
        "opperen": _("Dat kan nu niet: we verzamelen nu voorstellen."),
        "stemmen": _("Dat kan nu niet: er wordt nu gestemd."),
        "oogsten": _("Dat kan niet meer: de stemming is gesloten."),
    }.get(phase, _("Dat kan in deze fase van het bord niet."))


def _message(error: BoardError) -> str:
    details = error.details
    match error.code:
        case "invalid":
            return _field_message(str(error), details.get("limit"))
        case "wrong_phase":
            return _phase_message(details.get("phase"))
        case "not_joined":
            return _("U bent niet (meer) aangemeld bij dit bord. Vernieuw de pagina.")
        case "not_found":
            return _("Dat staat niet (meer) op het bord. Misschien is het samengevoegd of verborgen.")
        case "forbidden":
            return _("Alleen een ingelogde organisator kan dit doen.")
        case "locked":
            return _("Het bord staat even op slot. Wacht tot de begeleider het weer opent.")
        case "budget_exceeded":
            return _("Uw stemmen zijn op. Haal ergens een stem weg om opnieuw te stemmen.")
        case "max_per_proposal":
            return _("Meer dan %(max)d stemmen op één voorstel kan niet.", max=details.get("max", 0))
        case "no_vote_to_take_back":
            return _("U heeft op dit voorstel geen stem om terug te nemen.")
        case "rate_limited":
            return _("Even rustig aan: wacht een paar seconden en probeer het dan opnieuw.")
        case "too_large":
            return _("Dat bericht is te groot. Maak uw tekst korter.")
    return _("Dat ging niet. Probeer het opnieuw.")


def refusal(error: BoardError) -> dict:
    ack = {"ok": False, "error": error.code, "message": _message(error)}
    if error.code == "invalid":
        ack["field"] = str(error)
    for key in ("limit", "phase", "max", "retry_after"):
        if key in error.details:
            ack[key] = error.details[key]
    return ack


def server_error() -> dict:
    return {"ok": False, "error": "server", "message": _("Er ging iets mis aan onze kant. Probeer het zo nog eens.")}


def on_error(error: Exception) -> dict:
    """Socket.IO itself, for an exception no handler caught: log it and answer, never crash."""
    log.error("Unhandled Socket.IO error", exc_info=error)
    db.session.rollback()
    return server_error()


# --- events ---------------------------------------------------------------------------------------


def _room(conn: auth.Connection) -> str:
    if conn.role == auth.CONSOLE:
        return broadcast.console_room(conn.board_id)
    return broadcast.board_room(conn.board_id)


def _snapshot(conn: auth.Connection) -> dict:
    return services.snapshot(conn.board_id, conn.participant_id, include_hidden=conn.role == auth.CONSOLE)


@on("join")
def join(data):
    """Every screen, on every (re)connect: a phone, the projector or the console opens a board."""
    role = data.get("as", auth.PARTICIPANT)
    if role not in auth.ROLES:
        raise Invalid("as")
    code = _text(data, "code", 20)
    auth.limit(f"sid:{request.sid}", "read")
    board = services.board_by_code(code or "")
    conn = auth.identify(board.id, board.code, role)
    previous = auth.registry.add(request.sid, conn)
    if previous is not None and _room(previous) != _room(conn):
        leave_room(_room(previous))
    join_room(_room(conn))
    snapshot = _snapshot(conn)
    if role == auth.PARTICIPANT:
        broadcast.participants(board.id, snapshot["participants"])
    return {"snapshot": snapshot}


@on("snapshot")
@auth.requires_joined("read")
def snapshot(data, conn):
    """A screen that wants to redraw from scratch; a phone asks after every reconnect."""
    return {"snapshot": _snapshot(conn)}


@on("profile")
@auth.requires_participant("post")
def profile(data, conn):
    """A phone sets its optional nickname, role and sector."""
    services.join(
        conn.board_id,
        conn.token,
        nickname=_text(data, "nickname", LIMITS["nickname"]),
        role=_text(data, "role", 32),
        sector=_text(data, "sector", 16),
    )
    # Only the phone's own part: a whole snapshot would re-read the board for nothing.
    return {"me": services.participant_view(conn.participant_id)}


@on("bottleneck")
@auth.requires_participant("post")
def bottleneck(data, conn):
    """A phone adds a complaint (phase mopperen)."""
    result = services.add_bottleneck(conn.participant_id, data.get("client_id"), _text(data, "text", LIMITS["text"]))
    # A retry gets the first answer; sending that again could undo a moderator's hide since.
    if not result.get("replayed"):
        broadcast.bottleneck(conn.board_id, result["bottleneck"])
    return result


@on("proposal")
@auth.requires_participant("post")
def proposal(data, conn):
    """A phone adds a proposal (phase opperen)."""
    result = services.add_proposal(
        conn.participant_id,
        data.get("client_id"),
        title=_text(data, "title", LIMITS["title"]),
        big=_text(data, "big", LIMITS["big"]),
        small=_text(data, "small", LIMITS["small"]),
        actor=_text(data, "actor", 32),
        bottleneck_id=_id(data, "bottleneck_id", required=False),
        theme_id=_id(data, "theme_id", required=False),
    )
    if not result.get("replayed"):
        broadcast.proposal(conn.board_id, result["proposal"])
    return result


@on("vote")
@auth.requires_participant("vote")
def vote(data, conn):
    """A phone puts a dot on a proposal or takes one back (phase stemmen)."""
    result = services.vote(conn.participant_id, data.get("client_id"), _id(data, "proposal_id"), _delta(data))
    # Also after a replay: the first attempt may have committed just before its server died.
    broadcast.mark_dirty(conn.board_id)
    return result


@on("similar")
@auth.requires_joined("similar")
def similar(data, conn):
    """A phone typing a proposal asks which existing ones look like it."""
    text = _text(data, "text", LIMITS["title"] + LIMITS["big"]) or ""
    return {"items": services.similar_proposals(conn.board_id, text)}


# --- control: the facilitator's console ------------------------------------------------------------


def _phase(data, board_id, organiser_id):
    state = services.set_phase(board_id, _text(data, "phase", 16), organiser_id)
    broadcast.board(board_id, state)
    return {"board": state}


def _timer(data, board_id, organiser_id):
    state = services.set_timer(board_id, data.get("seconds"), organiser_id)
    broadcast.board(board_id, state)
    return {"board": state}


def _lock(data, board_id, organiser_id):
    state = services.set_locked(board_id, _flag(data, "locked"), organiser_id)
    broadcast.board(board_id, state)
    return {"board": state}


def _hide(data, board_id, organiser_id):
    item = services.set_hidden(
        board_id, _id(data, "proposal_id"), _flag(data, "hidden"), _text(data, "reason", LIMITS["reason"]), organiser_id
    )
    broadcast.proposal(board_id, item)
    broadcast.mark_dirty(board_id)  # a hidden proposal leaves the tally
    return {"proposal": item}


def _hide_bottleneck(data, board_id, organiser_id):
    item = services.set_bottleneck_hidden(
        board_id,
        _id(data, "bottleneck_id"),
        _flag(data, "hidden"),
        _text(data, "reason", LIMITS["reason"]),
        organiser_id,
    )
    broadcast.bottleneck(board_id, item)
    return {"bottleneck": item}


def _edit(data, board_id, organiser_id):
    item = services.edit_proposal(
        board_id,
        _id(data, "proposal_id"),
        _text(data, "title", LIMITS["title"]),
        _text(data, "big", LIMITS["big"]),
        _text(data, "small", LIMITS["small"]),
        organiser_id,
    )
    broadcast.proposal(board_id, item)
    return {"proposal": item}


def _flag_proposal(data, board_id, organiser_id):
    item = services.set_flag(
        board_id, _id(data, "proposal_id"), _text(data, "flag", 16), _flag(data, "value"), organiser_id
    )
    broadcast.proposal(board_id, item)
    return {"proposal": item}


def _theme(data, board_id, organiser_id):
    item = services.assign_theme(
        board_id, _id(data, "proposal_id"), _id(data, "theme_id", required=False), organiser_id
    )
    broadcast.proposal(board_id, item)
    return {"proposal": item}


def _merge(data, board_id, organiser_id):
    result = services.merge(board_id, _id(data, "keep_id"), _id(data, "merged_id"), organiser_id)
    broadcast.merged(board_id, result)
    return result


def _starters(data, board_id, organiser_id):
    added = services.load_starters(board_id, organiser_id)
    for item in added:
        broadcast.bottleneck(board_id, item)
    return {"bottlenecks": added}


def _log(data, board_id, organiser_id):
    return {"log": services.moderation_log(board_id)}


CONTROL = {
    "phase": _phase,
    "timer": _timer,
    "lock": _lock,
    "hide": _hide,
    "hide_bottleneck": _hide_bottleneck,
    "edit": _edit,
    "flag": _flag_proposal,
    "theme": _theme,
    "merge": _merge,
    "starters": _starters,
    "log": _log,
}


@on("control")
@auth.requires_organiser
def control(data, conn):
    """The facilitator's console steers the board: phase, timer, lock, moderation, merge, starters, log."""
    action = data.get("action")
    run = CONTROL.get(action) if isinstance(action, str) else None
    if run is None:
        raise Invalid("action")
    result = run(data, conn.board_id, conn.organiser_id)
    if action != "log":
        # Every other action wrote one entry to the log; consoles show it as it happens.
        broadcast.moderation(conn.board_id, services.moderation_log(conn.board_id, limit=1)[0])
    return result


def disconnect(*_reason):
    """Socket.IO itself, when a screen goes away: forget who was on the connection."""
    auth.registry.remove(request.sid)
