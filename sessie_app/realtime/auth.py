"""Who is on a Socket.IO connection, who may steer the board, and how often a phone may act.

The registry and the rate limiter live in this process: a connection lives on one process,
so with several instances behind Redis each one knows exactly its own connections.
"""

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from flask import current_app, request, session
from flask_login import current_user

from ..board import identity, services
from ..board.services import BoardError
from ..extensions import socketio
from ..organiser import roles

PARTICIPANT, CONSOLE, PROJECTOR = "participant", "console", "projector"
ROLES = (PARTICIPANT, CONSOLE, PROJECTOR)


class NotJoined(BoardError):
    code = "not_joined"


class Forbidden(BoardError):
    code = "forbidden"


class SignedOut(BoardError):
    """A console whose account logged out, changed its password or role, or was deactivated."""

    code = "signed_out"


class RateLimited(BoardError):
    code = "rate_limited"


class TooLarge(BoardError):
    code = "too_large"


@dataclass(frozen=True)
class Connection:
    board_id: int
    role: str
    participant_id: int | None = None
    organiser_id: int | None = None
    # The board's session, against which a console's account is checked on every control event.
    meeting_id: int | None = None
    # The participant's own token, kept in memory only: the profile service finds them by it.
    token: str | None = None


class Registry:
    """sid → Connection for this process's open connections."""

    def __init__(self):
        self._lock = threading.Lock()
        self._by_sid: dict[str, Connection] = {}

    def add(self, sid: str, connection: Connection) -> Connection | None:
        """Record who is on ``sid``; returns who was there before (a connection may join again)."""
        with self._lock:
            previous = self._by_sid.get(sid)
            self._by_sid[sid] = connection
            return previous

    def get(self, sid: str) -> Connection | None:
        with self._lock:
            return self._by_sid.get(sid)

    def remove(self, sid: str) -> Connection | None:
        with self._lock:
            return self._by_sid.pop(sid, None)

    def of_organiser(self, organiser_id: int) -> list[str]:
        with self._lock:
            return [sid for sid, conn in self._by_sid.items() if conn.organiser_id == organiser_id]

    def on_board(self, board_id: int) -> list[str]:
        with self._lock:
            return [sid for sid, conn in self._by_sid.items() if conn.board_id == board_id]


registry = Registry()


def identify(board_id: int, code: str, role: str, meeting_id: int | None = None) -> Connection:
    """Who this connection's handshake speaks for: the participant cookie, or the organiser's login.

    Raises NotJoined without a valid cookie for this board, Forbidden for a screen that needs a
    logged-in organiser who may run this board (of the session ``meeting_id``).
    """
    if role == PARTICIPANT:
        token = identity.read_token(request.cookies, code)
        if not token:
            raise NotJoined()
        try:
            participant_id = services.participant_id_by_token(board_id, token)
        except services.NotFound:
            raise NotJoined() from None
        return Connection(board_id, PARTICIPANT, participant_id=participant_id, token=token)
    require_organiser()
    if not may_run(meeting_id):
        raise Forbidden()
    return Connection(board_id, role, organiser_id=current_user.id, meeting_id=meeting_id)


def may_run(meeting_id: int | None) -> bool:
    """Whether the logged-in organiser may run the boards of this session (None: a stand-alone board)."""
    return roles.allows(
        current_user.role, roles.RUN_BOARDS, assigned=current_user.assigned, in_session=True, meeting_id=meeting_id
    )


def require_organiser() -> None:
    """Raise Forbidden unless a logged-in organiser opened this connection, SignedOut when the
    cookie still names an account whose session has ended.

    The handshake carried the session cookie; with manage_session=False Flask-Login reads it as
    for any request, and it stays as it was at connect time until the screen reconnects. The
    account behind it is loaded anew for every event (organiser.load_user): a session ended since
    (logout elsewhere, new password or role, deactivation) no longer counts, and a console that
    reconnects after it says so rather than that only an organiser may."""
    if not current_user.is_authenticated:
        raise SignedOut() if session.get("_user_id") else Forbidden()


def connection() -> Connection:
    """The connection of the event being handled. Raises NotJoined before a successful ``join``."""
    found = registry.get(request.sid)
    if found is None:
        raise NotJoined()
    return found


# --- rate limits ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rate:
    burst: int
    per_second: float


RATES = {
    # Bottlenecks, proposals and profile changes: a burst of five, then one every three seconds.
    "post": Rate(5, 1 / 3),
    # Dots go on and come off quickly while someone changes their mind.
    "vote": Rate(20, 10),
    # Asked while typing a title, debounced by the phone.
    "similar": Rate(3, 3),
    # All phones of one board together: a call costs about a millisecond at 500 proposals
    # (bench/similar.py), so however many type at once, "lijkt op" takes at most a fifth of the worker.
    # A phone refused here shows no hint for that keystroke, and the next one asks again.
    "similar-board": Rate(200, 200),
    # join and snapshot each read the whole board; a phone needs one per reconnect.
    "read": Rate(5, 1),
}


class TokenBuckets:
    """A token bucket per (key, kind): ``burst`` actions at once, then ``per_second`` on average."""

    MAX_ENTRIES = 20_000

    def __init__(self, rates: dict[str, Rate], clock: Callable[[], float] = time.monotonic):
        self.rates = rates
        self.clock = clock
        self._lock = threading.Lock()
        self._buckets: dict[tuple[str, str], tuple[float, float]] = {}

    def take(self, key: str, kind: str) -> float:
        """Spend one token: 0.0 when allowed, otherwise the seconds until the next token."""
        rate = self.rates[kind]
        now = self.clock()
        with self._lock:
            tokens, stamp = self._buckets.get((key, kind), (float(rate.burst), now))
            tokens = min(float(rate.burst), tokens + (now - stamp) * rate.per_second)
            if tokens >= 1:
                self._buckets[(key, kind)] = (tokens - 1, now)
                if len(self._buckets) > self.MAX_ENTRIES:
                    self._forget_full(now)
                return 0.0
            self._buckets[(key, kind)] = (tokens, now)
            return (1 - tokens) / rate.per_second

    def _forget_full(self, now: float) -> None:
        # A bucket that has refilled is the same as no bucket: drop those, so memory stays bounded.
        for (key, kind), (tokens, stamp) in list(self._buckets.items()):
            rate = self.rates[kind]
            if tokens + (now - stamp) * rate.per_second >= rate.burst:
                del self._buckets[(key, kind)]

    def clear(self) -> None:
        with self._lock:
            self._buckets.clear()


buckets = TokenBuckets(RATES)


def limit(key: str, kind: str) -> None:
    """Raise RateLimited when ``key`` (a participant or a connection) acts too often.

    Off when RATELIMIT_ENABLED is false, the same switch as the HTTP limits."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return
    wait = buckets.take(key, kind)
    if wait:
        raise RateLimited(retry_after=math.ceil(wait * 10) / 10)


def _key(conn: Connection) -> str:
    return f"participant:{conn.participant_id}" if conn.participant_id else f"sid:{request.sid}"


# --- decorators for event handlers: they receive (data) and pass on (data, connection) ----------


def requires_joined(kind: str | None = None):
    """Any joined screen; optionally rate-limited under ``kind``."""

    def decorate(handler):
        @wraps(handler)
        def wrapper(data):
            conn = connection()
            if conn.organiser_id is not None:
                # A console's snapshot holds hidden texts: only for an account still signed in.
                check_account(conn)
            if kind:
                limit(_key(conn), kind)
            return handler(data, conn)

        return wrapper

    return decorate


def requires_participant(kind: str):
    """A phone that joined as participant, rate-limited under ``kind``."""

    def decorate(handler):
        @wraps(handler)
        def wrapper(data):
            conn = connection()
            if conn.role != PARTICIPANT:
                raise Forbidden()
            limit(_key(conn), kind)
            return handler(data, conn)

        return wrapper

    return decorate


def requires_organiser(handler):
    """Control events: only a connection that joined as console, whose account is still signed in
    with the session it joined with and may still run this board's session. Checked on every event,
    not only at join: the account may have logged out, changed its password or role, or been
    deactivated since (SignedOut), or lost the session (Forbidden)."""

    @wraps(handler)
    def wrapper(data):
        conn = registry.get(request.sid)
        if conn is None or conn.role != CONSOLE:
            raise Forbidden()
        check_account(conn)
        return handler(data, conn)

    return wrapper


def check_account(conn: Connection) -> None:
    """For a console or projector: raise SignedOut when its account's session has ended since it
    joined, Forbidden when the account may no longer run this board's session."""
    if not current_user.is_authenticated or current_user.id != conn.organiser_id:
        raise SignedOut()
    if not may_run(conn.meeting_id):
        raise Forbidden()


# --- ending an account's screens -----------------------------------------------------------------


def organiser_room(organiser_id: int) -> str:
    return f"organiser:{organiser_id}"


def end_organiser_connections(organiser_id: int) -> None:
    """The account's sessions have just ended: its consoles and projectors hear ``signed_out`` (on
    every instance, through the message queue) and this process closes the ones it holds, so they
    stop hearing the console room at once. A screen on another instance that ignores the event is
    still refused its next control event (requires_organiser)."""
    socketio.emit("signed_out", {}, to=organiser_room(organiser_id), namespace="/")
    for sid in registry.of_organiser(organiser_id):
        socketio.server.disconnect(sid, namespace="/")
