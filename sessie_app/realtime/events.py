"""Every Socket.IO event of the live board (docs/realtime.md).

A handler is as thin as a view: it checks who sends the message, reads the keys its ``@payload``
declares, calls a board service, tells the rooms, and returns the acknowledgement. ``on`` turns
every refusal into ``{"ok": false, "error": code, "message": Dutch sentence}`` and any other
exception into ``{"ok": false, "error": "server"}``, so nothing a phone sends can crash a handler.

What each event and each control action reads is declared once, as a ``Payload`` of fields, and
can be read by a program: ``HANDLERS`` holds every event with its payload, ``CONTROL`` every
action of the console with its own.
"""

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from flask import request
from flask_babel import gettext as _
from flask_socketio import join_room, leave_room

from ..board import services
from ..board.allowances import failed_codes
from ..board.services import BoardError, Invalid
from ..extensions import db, socketio
from ..limits import BOARD_FIELDS as LIMITS
from ..organiser import services as organiser_services
from . import auth, broadcast

log = logging.getLogger(__name__)

MAX_ID = 2**31 - 1  # larger numbers are no row of ours, and overflow SQLite's INTEGER


# --- payloads: the keys an event reads and their shapes (the services check the rules) -------------


class Field:
    """One key of a payload; ``parse`` returns its value from the message or raises Invalid(key)."""

    def __init__(self, key: str):
        self.key = key

    def parse(self, data: dict):
        raise NotImplementedError


class Raw(Field):
    """Handed to the service as sent; the service checks it (a client id, the timer's seconds)."""

    def parse(self, data: dict):
        return data.get(self.key)


class Text(Field):
    """An optional string of at most ``limit`` characters (whether it may be empty is the service's call)."""

    def __init__(self, key: str, limit: int):
        super().__init__(key)
        self.limit = limit

    def parse(self, data: dict) -> str | None:
        value = data.get(self.key)
        if value is None:
            return None
        if not isinstance(value, str):
            raise Invalid(self.key)
        if len(value) > self.limit:
            raise Invalid(self.key, limit=self.limit)
        return value


class Id(Field):
    """A row's id; an ``optional`` one may be missing, None or "" (then None)."""

    def __init__(self, key: str, optional: bool = False):
        super().__init__(key)
        self.optional = optional

    def parse(self, data: dict) -> int | None:
        value = data.get(self.key)
        if value in (None, "") and self.optional:
            return None
        # bool is an int in Python: True must not stand in for row 1.
        if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_ID:
            raise Invalid(self.key)
        return value


class Ids(Field):
    """A list of at most ``most`` rows' ids (missing: none)."""

    def __init__(self, key: str, most: int):
        super().__init__(key)
        self.most = most
        self._one = Id(key)

    def parse(self, data: dict) -> list[int]:
        values = data.get(self.key)
        if values is None:
            return []
        if not isinstance(values, list) or len(values) > self.most:
            raise Invalid(self.key)
        return [self._one.parse({self.key: value}) for value in values]


class Delta(Field):
    """A dot put on (1) or taken back (-1)."""

    def parse(self, data: dict) -> int:
        value = data.get(self.key)
        # 1.0 == 1 in Python; only the whole numbers 1 and -1 are a dot.
        if type(value) is not int or value not in (1, -1):
            raise Invalid(self.key)
        return value


class Flag(Field):
    """true or false, nothing that merely looks like it."""

    def parse(self, data: dict) -> bool:
        value = data.get(self.key)
        if not isinstance(value, bool):
            raise Invalid(self.key)
        return value


class Choice(Field):
    """One of ``options``; ``default`` when the key is missing."""

    def __init__(self, key: str, options: tuple, default):
        super().__init__(key)
        self.options = options
        self.default = default

    def parse(self, data: dict):
        value = data.get(self.key, self.default)
        if value not in self.options:
            raise Invalid(self.key)
        return value


class Payload:
    """The fields an event reads, parsed in the order given (the first bad one is refused)."""

    def __init__(self, *fields: Field):
        self.fields = fields

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(field.key for field in self.fields)

    def parse(self, data: dict) -> dict:
        return {field.key: field.parse(data) for field in self.fields}


def payload(*fields: Field):
    """Declare what ``handler(data, conn)`` reads: it gets the parsed values as ``data``, after the
    authorisation decorators above it have let the message through. ``on`` finds the declaration as
    ``handler.payload`` (functools.wraps carries it up through those decorators)."""
    declared = Payload(*fields)

    def decorate(handler):
        @wraps(handler)
        def parse_then_handle(data, *rest):
            return handler(declared.parse(data), *rest)

        parse_then_handle.payload = declared
        return parse_then_handle

    return decorate


@dataclass(frozen=True)
class Handler:
    """A Socket.IO event, what its messages carry, and the function that answers them."""

    event: str
    payload: Payload
    handle: Callable[..., dict]

    @property
    def keys(self) -> tuple[str, ...]:
        return self.payload.keys


# Bound to the server by realtime.register for every app. Not @socketio.on: that binds to the
# server of the app that exists at import time only, and each create_app makes a new server.
HANDLERS: list[Handler] = []


def on(event: str):
    """Register ``handler(data)`` for ``event``; what it returns is merged into ``{"ok": True}``."""

    def decorate(handler):
        @wraps(handler)
        def handle(*args):
            try:
                return {"ok": True, **handler(_one_object(args))}
            except BoardError as error:
                db.session.rollback()
                return refusal(error)
            except Exception:
                log.exception("Socket.IO event %r failed", event)
                db.session.rollback()
                return server_error()

        HANDLERS.append(Handler(event, handler.payload, handle))
        return handle

    return decorate


def _one_object(args: tuple) -> dict:
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
        "author": _("Dit komt niet van een deelnemer (een startknelpunt of van papier): verberg het los."),
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
        case "signed_out":
            return _(
                "U bent niet meer ingelogd: uitgelogd, nieuw wachtwoord, andere rol of account uitgezet. Log opnieuw"
                " in om het bord te besturen."
            )
        case "locked":
            return _("Het bord staat even op slot. Wacht tot de begeleider het weer opent.")
        case "budget_exceeded":
            return _("Uw stemmen zijn op. Haal ergens een stem weg om opnieuw te stemmen.")
        case "too_many" if details.get("scope") == "participant":
            return _(
                "U heeft hier al %(max)d keer iets geplaatst; meer kan niet op dit bord.", max=details.get("max", 0)
            )
        case "too_many" if details.get("scope") == "text":
            return _("Het bord is vol: er staat al zoveel tekst op. Vraag de begeleider om ruimte.")
        case "too_many":
            return _(
                "Het bord is vol: er staan er al %(max)d. Vraag de begeleider om ruimte.", max=details.get("max", 0)
            )
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
    for key in ("limit", "phase", "max", "retry_after", "scope"):
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
    snapshot = services.snapshot(conn.board_id, conn.participant_id, include_hidden=conn.role == auth.CONSOLE)
    if conn.role == auth.CONSOLE:
        snapshot = {**snapshot, "checked_in": organiser_services.checked_in_for_board(conn.board_id)}
    return snapshot


def _participant_joining(code: str):
    """The board and the phone's identity on it. A wrong code and a real one without this phone's
    cookie are refused alike, and both count against the address's allowance of failed codes, as
    over HTTP: the answer must not tell a stranger which codes exist."""
    try:
        board = services.board_by_code(code)
        return board, auth.identify(board.id, board.code, auth.PARTICIPANT)
    except (services.NotFound, auth.NotJoined):
        wait = failed_codes.take()
        if wait:
            raise auth.RateLimited(retry_after=wait) from None
        raise auth.NotJoined() from None


@on("join")
@payload(Choice("as", auth.ROLES, default=auth.PARTICIPANT), Text("code", 20))
def join(data):
    """Every screen, on every (re)connect: a phone, the projector or the console opens a board."""
    role = data["as"]
    auth.limit(f"sid:{request.sid}", "read")
    if role == auth.PARTICIPANT:
        board, conn = _participant_joining(data["code"] or "")
    else:
        auth.require_organiser()
        board = services.board_by_code(data["code"] or "")
        conn = auth.identify(board.id, board.code, role, meeting_id=board.meeting_id)
    previous = auth.registry.add(request.sid, conn)
    if previous is not None and _room(previous) != _room(conn):
        leave_room(_room(previous))
    if previous is not None and previous.organiser_id not in (None, conn.organiser_id):
        leave_room(auth.organiser_room(previous.organiser_id))
    join_room(_room(conn))
    if conn.organiser_id is not None:
        # Where end_organiser_connections finds the account's screens on every instance.
        join_room(auth.organiser_room(conn.organiser_id))
    snapshot = _snapshot(conn)
    if role == auth.PARTICIPANT:
        broadcast.participants(board.id, snapshot["participants"])
    return {"snapshot": snapshot}


@on("snapshot")
@auth.requires_joined("read")
@payload()
def snapshot(data, conn):
    """A screen that wants to redraw from scratch; a phone asks after every reconnect."""
    return {"snapshot": _snapshot(conn)}


@on("profile")
@auth.requires_participant("post")
@payload(Text("nickname", LIMITS["nickname"]), Text("role", 32), Text("sector", 16))
def profile(data, conn):
    """A phone sets its optional nickname, role and sector."""
    services.join(conn.board_id, conn.token, nickname=data["nickname"], role=data["role"], sector=data["sector"])
    # Only the phone's own part: a whole snapshot would re-read the board for nothing.
    return {"me": services.participant_view(conn.participant_id)}


@on("bottleneck")
@auth.requires_participant("post")
@payload(Raw("client_id"), Text("text", LIMITS["text"]), Id("theme_id", optional=True))
def bottleneck(data, conn):
    """A phone adds a complaint (phase mopperen), with the theme it chose, if any."""
    result = services.add_bottleneck(conn.participant_id, data["client_id"], data["text"], data["theme_id"])
    # A retry gets the first answer; sending that again could undo a moderator's hide since.
    if not result.get("replayed"):
        broadcast.bottleneck(conn.board_id, result["bottleneck"])
    return result


@on("proposal")
@auth.requires_participant("post")
@payload(
    Raw("client_id"),
    Text("title", LIMITS["title"]),
    Text("big", LIMITS["big"]),
    Text("small", LIMITS["small"]),
    Text("actor", 32),
    Id("bottleneck_id", optional=True),
    Id("theme_id", optional=True),
)
def proposal(data, conn):
    """A phone adds a proposal (phase opperen)."""
    result = services.add_proposal(
        conn.participant_id,
        data["client_id"],
        title=data["title"],
        big=data["big"],
        small=data["small"],
        actor=data["actor"],
        bottleneck_id=data["bottleneck_id"],
        theme_id=data["theme_id"],
    )
    if not result.get("replayed"):
        broadcast.proposal(conn.board_id, result["proposal"])
    return result


@on("vote")
@auth.requires_participant("vote")
@payload(Raw("client_id"), Id("proposal_id"), Delta("delta"))
def vote(data, conn):
    """A phone puts a dot on a proposal or takes one back (phase stemmen)."""
    result = services.vote(conn.participant_id, data["client_id"], data["proposal_id"], data["delta"])
    # Also after a replay: the first attempt may have committed just before its server died.
    broadcast.mark_dirty(conn.board_id)
    return result


@on("similar")
@auth.requires_joined("similar")
@payload(Text("text", LIMITS["title"] + LIMITS["big"]))
def similar(data, conn):
    """A phone typing a proposal asks which existing ones look like it."""
    auth.limit(f"board:{conn.board_id}", "similar-board")
    return {"items": services.similar_proposals(conn.board_id, data["text"] or "")}


# --- control: the facilitator's console ------------------------------------------------------------


@dataclass(frozen=True)
class ControlAction:
    """One thing the console can do: its name in ``{"action": name, ...}``, what else the message
    carries, and ``run(data, board_id, organiser_id)``, which returns the acknowledgement."""

    name: str
    payload: Payload
    run: Callable[[dict, int, int], dict]

    @property
    def keys(self) -> tuple[str, ...]:
        return self.payload.keys


CONTROL: dict[str, ControlAction] = {}


def control_action(name: str, *fields: Field):
    """Register ``run(data, board_id, organiser_id)`` as the console's action ``name``, reading ``fields``."""

    def decorate(run):
        CONTROL[name] = ControlAction(name, Payload(*fields), run)
        return run

    return decorate


class Action(Field):
    """The console's ``action``: one of CONTROL, whose own payload is read from the same message.
    Parses to (ControlAction, its parsed values)."""

    def parse(self, data: dict) -> tuple[ControlAction, dict]:
        value = data.get(self.key)
        action = CONTROL.get(value) if isinstance(value, str) else None
        if action is None:
            raise Invalid(self.key)
        return action, action.payload.parse(data)


@control_action("phase", Text("phase", 16))
def _phase(data, board_id, organiser_id):
    state = services.set_phase(board_id, data["phase"], organiser_id)
    broadcast.board(board_id, state)
    return {"board": state}


@control_action("timer", Raw("seconds"))
def _timer(data, board_id, organiser_id):
    state = services.set_timer(board_id, data["seconds"], organiser_id)
    broadcast.board(board_id, state)
    return {"board": state}


@control_action("lock", Flag("locked"))
def _lock(data, board_id, organiser_id):
    state = services.set_locked(board_id, data["locked"], organiser_id)
    broadcast.board(board_id, state)
    return {"board": state}


@control_action("joining", Flag("closed"))
def _joining(data, board_id, organiser_id):
    state = services.set_joining_closed(board_id, data["closed"], organiser_id)
    broadcast.board(board_id, state)
    return {"board": state}


@control_action("hide", Id("proposal_id"), Flag("hidden"), Text("reason", LIMITS["reason"]))
def _hide(data, board_id, organiser_id):
    item = services.set_hidden(board_id, data["proposal_id"], data["hidden"], data["reason"], organiser_id)
    broadcast.proposal(board_id, item)
    broadcast.mark_dirty(board_id)  # a hidden proposal leaves the tally
    return {"proposal": item}


@control_action("hide_bottleneck", Id("bottleneck_id"), Flag("hidden"), Text("reason", LIMITS["reason"]))
def _hide_bottleneck(data, board_id, organiser_id):
    item = services.set_bottleneck_hidden(board_id, data["bottleneck_id"], data["hidden"], data["reason"], organiser_id)
    broadcast.bottleneck(board_id, item)
    return {"bottleneck": item}


@control_action(
    "hide_author",
    Id("proposal_id", optional=True),
    Id("bottleneck_id", optional=True),
    Text("reason", LIMITS["reason"]),
)
def _hide_author(data, board_id, organiser_id):
    if (data["proposal_id"] is None) == (data["bottleneck_id"] is None):
        raise Invalid("proposal_id")
    return _announce_hidden(
        board_id,
        services.hide_author(board_id, data["proposal_id"], data["bottleneck_id"], data["reason"], organiser_id),
    )


def _announce_hidden(board_id: int, hidden: dict) -> dict:
    """Every screen learns of each item hidden at once; the tally follows (hidden proposals leave it)."""
    for item in hidden["proposals"]:
        broadcast.proposal(board_id, item)
    for item in hidden["bottlenecks"]:
        broadcast.bottleneck(board_id, item)
    broadcast.mark_dirty(board_id)
    return hidden


@control_action(
    "hide_selected",
    Ids("proposal_ids", services.MOST_IN_VIEW["proposals"]),
    Ids("bottleneck_ids", services.MOST_IN_VIEW["bottlenecks"]),
    Text("reason", LIMITS["reason"]),
)
def _hide_selected(data, board_id, organiser_id):
    return _announce_hidden(
        board_id,
        services.hide_selected(board_id, data["proposal_ids"], data["bottleneck_ids"], data["reason"], organiser_id),
    )


@control_action(
    "edit",
    Id("proposal_id"),
    Text("title", LIMITS["title"]),
    Text("big", LIMITS["big"]),
    Text("small", LIMITS["small"]),
)
def _edit(data, board_id, organiser_id):
    item = services.edit_proposal(
        board_id, data["proposal_id"], data["title"], data["big"], data["small"], organiser_id
    )
    broadcast.proposal(board_id, item)
    return {"proposal": item}


@control_action("flag", Id("proposal_id"), Text("flag", 16), Flag("value"))
def _flag_proposal(data, board_id, organiser_id):
    item = services.set_flag(board_id, data["proposal_id"], data["flag"], data["value"], organiser_id)
    broadcast.proposal(board_id, item)
    return {"proposal": item}


@control_action("theme", Id("proposal_id"), Id("theme_id", optional=True))
def _theme(data, board_id, organiser_id):
    item = services.assign_theme(board_id, data["proposal_id"], data["theme_id"], organiser_id)
    broadcast.proposal(board_id, item)
    return {"proposal": item}


@control_action("bottleneck_theme", Id("bottleneck_id"), Id("theme_id", optional=True))
def _bottleneck_theme(data, board_id, organiser_id):
    result = services.assign_bottleneck_theme(board_id, data["bottleneck_id"], data["theme_id"], organiser_id)
    broadcast.bottleneck(board_id, result["bottleneck"])
    # The proposals that answer it and follow its theme moved along.
    for item in result["proposals"]:
        broadcast.proposal(board_id, item)
    return result


@control_action("merge", Id("keep_id"), Id("merged_id"))
def _merge(data, board_id, organiser_id):
    result = services.merge(board_id, data["keep_id"], data["merged_id"], organiser_id)
    broadcast.merged(board_id, result)
    return result


@control_action("starters")
def _starters(data, board_id, organiser_id):
    added = services.load_starters(board_id, organiser_id)
    for item in added:
        broadcast.bottleneck(board_id, item)
    return {"bottlenecks": added}


@control_action("log")
def _log(data, board_id, organiser_id):
    return {"log": services.moderation_log(board_id)}


@on("control")
@auth.requires_organiser
@payload(Action("action"))
def control(data, conn):
    """The facilitator's console steers the board: phase, timer, lock, moderation, merge, starters, log."""
    action, values = data["action"]
    mark = services.last_logged(conn.board_id)
    result = action.run(values, conn.board_id, conn.organiser_id)
    # What the action wrote to the log (one entry, one per item hidden, or none); consoles show it as it happens.
    for entry in reversed(services.moderation_log(conn.board_id, after=mark)):
        broadcast.moderation(conn.board_id, entry)
    return result


def disconnect(*_reason):
    """Socket.IO itself, when a screen goes away: forget who was on the connection."""
    auth.registry.remove(request.sid)
