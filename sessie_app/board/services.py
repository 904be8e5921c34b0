"""Board rules: joining, the four phases, proposals, dot voting within budget, moderation.

Every change a phone asks for carries a client-generated id and is stored as an Action in the
same transaction as its effect, so a retry returns the first answer instead of acting twice.
Functions take plain arguments, commit their own transaction and return plain dicts.
"""

import json
import re
import secrets
import threading
import tomllib
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

import snowballstemmer
from flask import current_app
from flask_babel import get_locale
from sqlalchemy import and_, bindparam, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from ..choices import ACTOR_LABELS, ROLE_LABELS, SECTOR_LABELS
from ..extensions import db
from ..limits import BOARD_FIELDS as LIMITS
from ..limits import BOARD_TITLE
from ..textclean import clean_block, clean_line
from ..timeutil import utcnow
from .models import (
    MOPPEREN,
    OPPEREN,
    PHASES,
    STEMMEN,
    Action,
    Board,
    Bottleneck,
    ModerationEntry,
    Participant,
    Proposal,
    Theme,
    Vote,
)

DEFAULTS_FILE = Path(__file__).resolve().parent.parent / "data" / "board_defaults.toml"
# Six characters without look-alikes (no 0/O, 1/I/L, 2/Z, 5/S, 8/B).
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 6
CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")

MAX_TIMER_SECONDS = 3 * 3600


class BoardError(Exception):
    """A refusal a participant or facilitator can be told about; ``code`` is stable for clients."""

    code = "invalid"

    def __init__(self, message: str = "", **details):
        super().__init__(message or self.code)
        self.details = details


class NotFound(BoardError):
    code = "not_found"


class Invalid(BoardError):
    code = "invalid"


class BoardLocked(BoardError):
    code = "locked"


class WrongPhase(BoardError):
    code = "wrong_phase"


class BudgetExceeded(BoardError):
    code = "budget_exceeded"


class TooManyOnOne(BoardError):
    code = "max_per_proposal"


class NothingToTakeBack(BoardError):
    code = "no_vote_to_take_back"


# --- boards and participants --------------------------------------------------------------------


def load_defaults(path: Path = DEFAULTS_FILE) -> list[dict]:
    with path.open("rb") as fh:
        return tomllib.load(fh)["theme"]


def normalise_code(code: str) -> str:
    return re.sub(r"[\s-]", "", str(code or "")).upper()[: CODE_LENGTH * 2]


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def create_board(
    title: str, meeting_id: int | None = None, votes_per_participant: int = 5, max_votes_per_proposal: int = 2
) -> Board:
    """A board with a fresh join code and the six default themes."""
    for _attempt in range(20):
        board = Board(
            code=_new_code(),
            title=clean_line(title)[:BOARD_TITLE] or "Bord",
            meeting_id=meeting_id,
            votes_per_participant=votes_per_participant,
            max_votes_per_proposal=max_votes_per_proposal,
        )
        db.session.add(board)
        try:
            db.session.flush()
        except IntegrityError:
            db.session.rollback()
            continue
        for position, theme in enumerate(load_defaults()):
            db.session.add(
                Theme(
                    board_id=board.id,
                    key=theme["key"],
                    name=theme["name"],
                    starter=theme.get("starter"),
                    position=position,
                )
            )
        db.session.commit()
        return board
    raise BoardError("no free join code")


def board_by_code(code: str) -> Board:
    board = db.session.scalar(select(Board).where(Board.code == normalise_code(code)))
    if board is None:
        raise NotFound("board")
    return board


def get_board(board_id: int) -> Board:
    board = db.session.get(Board, board_id)
    if board is None:
        raise NotFound("board")
    return board


def boards_for_meeting(meeting_id: int | None) -> list[Board]:
    return list(db.session.scalars(select(Board).where(Board.meeting_id == meeting_id).order_by(Board.id)))


def all_boards() -> list[Board]:
    return list(db.session.scalars(select(Board).order_by(Board.created_at.desc())))


def _choice_or_none(value, allowed: dict) -> str | None:
    return value if isinstance(value, str) and value in allowed else None


def join(
    board_id: int, token: str | None, nickname: str | None = None, role: str | None = None, sector: str | None = None
) -> Participant:
    """The participant behind ``token`` on this board, or a new one. Profile fields are optional."""
    participant = None
    if token:
        participant = db.session.scalar(
            select(Participant).where(Participant.token == token, Participant.board_id == board_id)
        )
    if participant is None:
        participant = Participant(board_id=board_id)
        db.session.add(participant)
    if nickname is not None:
        nickname = clean_line(str(nickname))[: LIMITS["nickname"]] or None
        if participant.id is not None and nickname != participant.nickname:
            bump_version(board_id)  # their proposals show the nickname
        participant.nickname = nickname
    if role is not None:
        participant.role = _choice_or_none(role, ROLE_LABELS)
    if sector is not None:
        participant.sector = _choice_or_none(sector, SECTOR_LABELS)
    db.session.commit()
    return participant


def participant_by_token(board_id: int, token: str) -> Participant:
    participant = db.session.scalar(
        select(Participant).where(Participant.token == token, Participant.board_id == board_id)
    )
    if participant is None:
        raise NotFound("participant")
    return participant


def forget_participants(before: date) -> int:
    """After the privacy statement's term: on the boards of sessions held before ``before`` (and
    boards without a session made before it) participants lose their nickname and get a new
    token, so no phone's cookie leads to them any more, and the stored acknowledgements, which can
    repeat a nickname, go. Proposals, votes, role and sector stay as anonymous counts for the
    reports, as registrations keep theirs. Returns how many participants were on those boards."""
    from ..registration.models import Meeting

    old_boards = (
        select(Board.id)
        .outerjoin(Meeting, Meeting.id == Board.meeting_id)
        .where(
            or_(
                Meeting.date < before,
                and_(Board.meeting_id.is_(None), Board.created_at < datetime.combine(before, time.min)),
            )
        )
    )
    participants = db.session.scalars(select(Participant).where(Participant.board_id.in_(old_boards))).all()
    for participant in participants:
        participant.nickname = None
        participant.token = secrets.token_urlsafe(24)
    db.session.execute(delete(Action).where(Action.board_id.in_(old_boards)))
    # A new version, so no server keeps handing out its cached snapshot with the old nicknames.
    db.session.execute(update(Board).where(Board.id.in_(old_boards)).values(seq=Board.seq + 1))
    db.session.commit()
    return len(participants)


# --- reading: snapshot and tallies ---------------------------------------------------------------


def _remaining(timer_ends_at: datetime | None) -> int | None:
    if timer_ends_at is None:
        return None
    return max(int((timer_ends_at - utcnow()).total_seconds()), 0)


def board_state(board: Board) -> dict:
    return {
        "code": board.code,
        "title": board.title,
        "phase": board.phase,
        "locked": board.locked,
        "timer_ends_at": board.timer_ends_at.isoformat() + "Z" if board.timer_ends_at else None,
        "timer_remaining": _remaining(board.timer_ends_at),
        "votes_per_participant": board.votes_per_participant,
        "max_votes_per_proposal": board.max_votes_per_proposal,
    }


def tally(board_id: int) -> dict:
    """Vote counts per visible proposal and the board version that orders tallies.

    The version is read first: the counts read after it include every change up to it (and
    perhaps a few newer ones, which the next tally's higher version covers)."""
    seq = db.session.scalar(select(Board.seq).where(Board.id == board_id)) or 0
    votes = (
        select(Vote.proposal_id, func.coalesce(func.sum(Vote.count), 0))
        .where(Vote.board_id == board_id)
        .group_by(Vote.proposal_id)
    )
    counts = {proposal_id: int(total) for proposal_id, total in db.session.execute(votes)}
    paper = db.session.execute(
        select(Proposal.id, Proposal.paper_votes).where(
            Proposal.board_id == board_id, Proposal.hidden.is_(False), Proposal.merged_into_id.is_(None)
        )
    )
    result = {str(pid): counts.get(pid, 0) + paper_votes for pid, paper_votes in paper}
    return {"seq": int(seq), "counts": result}


def proposal_dict(proposal: Proposal, count: int = 0, nickname: str | None = None) -> dict:
    return {
        "id": proposal.id,
        "title": proposal.title,
        "big": proposal.big,
        "small": proposal.small,
        "actor": proposal.actor,
        "actor_label": str(ACTOR_LABELS.get(proposal.actor, "")) if proposal.actor else None,
        "theme_id": proposal.theme_id,
        "bottleneck_id": proposal.bottleneck_id,
        "pinned": proposal.pinned,
        "promising": proposal.promising,
        "hidden": proposal.hidden,
        "merged_into_id": proposal.merged_into_id,
        "author": nickname,
        "count": count,
    }


def bottleneck_dict(bottleneck: Bottleneck) -> dict:
    return {"id": bottleneck.id, "text": bottleneck.text, "theme_id": bottleneck.theme_id, "hidden": bottleneck.hidden}


def _my_votes(participant_id: int) -> tuple[dict, int]:
    rows = db.session.execute(
        select(Vote.proposal_id, Vote.count, Vote.forfeited).where(Vote.participant_id == participant_id)
    ).all()
    return {str(pid): count for pid, count, _f in rows if count}, sum(
        count + forfeited for _p, count, forfeited in rows
    )


class PublicSnapshots:
    """The part of a snapshot that every screen of a board shares, kept per board version.

    A hall that reconnects at once (the venue's Wi-Fi came back) asks for a thousand snapshots of
    one board; after the first, each costs two small queries: the board's version and participant
    count, and the phone's own votes. Every change to what a snapshot shows raises the version
    (``_record`` for a phone's changes, ``_log`` for the console's, ``bump_version`` for the
    rest), so an entry for the version just read is exactly what the database holds; several
    instances each keep their own and stay right, as the version lives in the database."""

    def __init__(self):
        self._lock = threading.Lock()
        self._entries: dict[tuple, tuple[int, dict, datetime | None]] = {}

    def get(self, key: tuple, seq: int) -> tuple[dict, datetime | None] | None:
        with self._lock:
            entry = self._entries.get(key)
        if entry is None or entry[0] != seq:
            return None
        return entry[1], entry[2]

    def put(self, key: tuple, seq: int, public: dict, timer_ends_at: datetime | None) -> None:
        with self._lock:
            current = self._entries.get(key)
            # Of two builds finishing out of order, keep the newer version.
            if current is None or current[0] <= seq:
                self._entries[key] = (seq, public, timer_ends_at)


def _public_snapshots() -> PublicSnapshots:
    # Per app: tests make many apps whose boards share ids and versions.
    return current_app.extensions.setdefault("sessie_public_snapshots", PublicSnapshots())


def bump_version(board_id: int) -> int:
    """Raise the board's version in the caller's transaction, for a change that is not a phone's
    action nor logged by the console (an import from paper, a participant's new nickname)."""
    return db.session.execute(_NEXT_SEQ, {"board": board_id}).scalar_one()


_SNAPSHOT_HEAD = select(
    Board.seq,
    select(func.count(Participant.id)).where(Participant.board_id == Board.id).scalar_subquery().label("participants"),
).where(Board.id == bindparam("board"))


def _public_part(board_id: int, include_hidden: bool) -> tuple[dict, datetime | None]:
    board = get_board(board_id)
    counts = tally(board_id)
    proposals = db.session.execute(
        select(Proposal, Participant.nickname)
        .outerjoin(Participant, Participant.id == Proposal.participant_id)
        .where(Proposal.board_id == board_id, Proposal.merged_into_id.is_(None))
        .where(True if include_hidden else Proposal.hidden.is_(False))
        .order_by(Proposal.id)
    ).all()
    bottlenecks = db.session.scalars(
        select(Bottleneck)
        .where(Bottleneck.board_id == board_id)
        .where(True if include_hidden else Bottleneck.hidden.is_(False))
        .order_by(Bottleneck.id)
    ).all()
    public = {
        "board": board_state(board),
        "themes": [{"id": t.id, "key": t.key, "name": t.name} for t in board.themes],
        "bottlenecks": [bottleneck_dict(b) for b in bottlenecks],
        "proposals": [proposal_dict(p, counts["counts"].get(str(p.id), 0), nick) for p, nick in proposals],
        "seq": counts["seq"],
    }
    return public, board.timer_ends_at


def snapshot(board_id: int, participant_id: int | None = None, include_hidden: bool = False) -> dict:
    """Everything a screen needs to draw the board from scratch (phones ask for it on every reconnect).

    The shared part comes from PublicSnapshots when the board's version has not moved; the
    caller must not change what it gets."""
    head = db.session.execute(_SNAPSHOT_HEAD, {"board": board_id}).one_or_none()
    if head is None:
        raise NotFound("board")
    cache = _public_snapshots()
    # The actor labels are translated: one entry per language.
    key = (board_id, include_hidden, str(get_locale()))
    cached = cache.get(key, head.seq)
    if cached is None:
        cached = _public_part(board_id, include_hidden)
        cache.put(key, head.seq, *cached)
    public, timer_ends_at = cached
    state = {
        **public,
        # The only part that changes without a new version: the clock.
        "board": {**public["board"], "timer_remaining": _remaining(timer_ends_at)},
        "participants": head.participants,
        "me": None,
    }
    if participant_id is not None:
        state["me"] = participant_view(participant_id, budget=public["board"]["votes_per_participant"])
    return state


_ME = (
    select(
        Participant.id,
        Participant.board_id,
        Participant.nickname,
        Participant.role,
        Participant.sector,
        Vote.proposal_id,
        Vote.count,
        Vote.forfeited,
    )
    .outerjoin(Vote, Vote.participant_id == Participant.id)
    .where(Participant.id == bindparam("participant"))
)


def participant_view(participant_id: int, budget: int | None = None) -> dict:
    """A phone's own profile, its dots per proposal and the votes it has left (``budget``: the
    board's votes per participant, read from the board when not given)."""
    rows = db.session.execute(_ME, {"participant": participant_id}).all()
    if not rows:
        raise NotFound("participant")
    first = rows[0]
    if budget is None:
        budget = get_board(first.board_id).votes_per_participant
    voted = [row for row in rows if row.proposal_id is not None]
    return {
        "id": first.id,
        "nickname": first.nickname,
        "role": first.role,
        "sector": first.sector,
        "votes": {str(row.proposal_id): row.count for row in voted if row.count},
        "remaining": budget - sum(row.count + row.forfeited for row in voted),
    }


# --- changes a phone asks for ---------------------------------------------------------------------


def _check_client_id(client_id) -> str:
    if not isinstance(client_id, str) or not CLIENT_ID.match(client_id):
        raise Invalid("client_id")
    return client_id


_REPLAYED = select(Action.result).where(
    Action.participant_id == bindparam("participant"), Action.client_id == bindparam("client_id")
)


def _replayed(participant_id: int, client_id: str) -> dict | None:
    result = db.session.execute(_REPLAYED, {"participant": participant_id, "client_id": client_id}).scalar_one_or_none()
    if result is None:
        return None
    return {**json.loads(result), "replayed": True}


_NEXT_SEQ = update(Board).where(Board.id == bindparam("board")).values(seq=Board.seq + 1).returning(Board.seq)
_RECORD = insert(Action)


def _record(board_id: int, participant_id: int, client_id: str, kind: str, result: dict) -> dict:
    # Last in the transaction, so the board row stays locked only for the commit.
    seq = db.session.execute(_NEXT_SEQ, {"board": board_id}).scalar_one()
    result = {**result, "seq": seq}
    db.session.execute(
        _RECORD,
        {
            "board_id": board_id,
            "participant_id": participant_id,
            "client_id": client_id,
            "kind": kind,
            "seq": seq,
            "result": json.dumps(result),
            "created_at": utcnow(),
        },
    )
    return result


def _text(value, limit: int, required: bool = False, field: str = "text", multiline: bool = False) -> str | None:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise Invalid(field)
    value = (clean_block if multiline else clean_line)(value)
    if len(value) > limit:
        raise Invalid(field, limit=limit)
    if required and not value:
        raise Invalid(field)
    return value or None


def _check_open(board: Board, phases: tuple[str, ...]) -> None:
    if board.locked:
        raise BoardLocked()
    if board.phase not in phases:
        raise WrongPhase(phase=board.phase)


def _open_board(participant: Participant, phases: tuple[str, ...]) -> Board:
    board = get_board(participant.board_id)
    _check_open(board, phases)
    return board


def _participant(participant_id: int) -> Participant:
    participant = db.session.get(Participant, participant_id)
    if participant is None:
        raise NotFound("participant")
    return participant


def _idempotent(participant_id: int, client_id, kind: str, act) -> dict:
    """Run ``act()``, which returns ``(board_id, result)``, once per client id; a retry, even a
    concurrent one, gets the first answer."""
    client_id = _check_client_id(client_id)
    previous = _replayed(participant_id, client_id)
    if previous is not None:
        return previous
    try:
        board_id, result = act()
        result = _record(board_id, participant_id, client_id, kind, result)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        previous = _replayed(participant_id, client_id)
        if previous is None:
            raise
        return previous
    except BoardError:
        db.session.rollback()
        raise
    return result


def add_bottleneck(participant_id: int, client_id, text) -> dict:
    def act():
        participant = _participant(participant_id)
        _open_board(participant, (MOPPEREN,))
        bottleneck = Bottleneck(
            board_id=participant.board_id, participant_id=participant.id, text=_text(text, LIMITS["text"], True)
        )
        db.session.add(bottleneck)
        db.session.flush()
        return participant.board_id, {"bottleneck": bottleneck_dict(bottleneck)}

    return _idempotent(participant_id, client_id, "bottleneck", act)


def _theme_on_board(board_id: int, theme_id) -> int | None:
    if theme_id in (None, ""):
        return None
    theme = db.session.get(Theme, theme_id) if isinstance(theme_id, int) else None
    if theme is None or theme.board_id != board_id:
        raise Invalid("theme_id")
    return theme.id


def add_proposal(
    participant_id: int, client_id, title, big=None, small=None, actor=None, bottleneck_id=None, theme_id=None
) -> dict:
    """A proposal answers a bottleneck when linked to one, and takes its theme from it."""

    def act():
        participant = _participant(participant_id)
        board = _open_board(participant, (OPPEREN,))
        bottleneck = None
        if bottleneck_id not in (None, ""):
            bottleneck = db.session.get(Bottleneck, bottleneck_id) if isinstance(bottleneck_id, int) else None
            if bottleneck is None or bottleneck.board_id != board.id or bottleneck.hidden:
                raise Invalid("bottleneck_id")
        if actor not in (None, "") and actor not in ACTOR_LABELS:
            raise Invalid("actor")
        proposal = Proposal(
            board_id=board.id,
            participant_id=participant.id,
            title=_text(title, LIMITS["title"], True, "title"),
            big=_text(big, LIMITS["big"], field="big", multiline=True),
            small=_text(small, LIMITS["small"], field="small", multiline=True),
            actor=actor or None,
            bottleneck_id=bottleneck.id if bottleneck else None,
            theme_id=(
                bottleneck.theme_id if bottleneck and bottleneck.theme_id else _theme_on_board(board.id, theme_id)
            ),
        )
        db.session.add(proposal)
        db.session.flush()
        return board.id, {"proposal": proposal_dict(proposal, 0, participant.nickname)}

    return _idempotent(participant_id, client_id, "proposal", act)


def _proposal_count(proposal: Proposal) -> int:
    votes = db.session.scalar(select(func.coalesce(func.sum(Vote.count), 0)).where(Vote.proposal_id == proposal.id))
    return int(votes) + proposal.paper_votes


# The statements of a vote, built once: building a statement costs as much as running it.
_VOTE_LOCK_PARTICIPANT = (
    # Raising the participant's version locks its row: one participant's votes from several
    # phones or tabs run one after the other, so the budget holds.
    update(Participant)
    .where(Participant.id == bindparam("participant"))
    .values(votes_version=Participant.votes_version + 1)
    .returning(Participant.board_id)
)
_VOTE_BOARD_AND_PROPOSAL = (
    select(
        Board.phase,
        Board.locked,
        Board.votes_per_participant,
        Board.max_votes_per_proposal,
        Proposal.board_id.label("proposal_board_id"),
        Proposal.hidden,
        Proposal.merged_into_id,
        Proposal.paper_votes,
    )
    .select_from(Board)
    .outerjoin(Proposal, Proposal.id == bindparam("proposal"))
    .where(Board.id == bindparam("board"))
)
_VOTE_MINE = select(Vote.proposal_id, Vote.count, Vote.forfeited).where(Vote.participant_id == bindparam("participant"))
_VOTE_ADD = insert(Vote).values(
    participant_id=bindparam("participant"),
    proposal_id=bindparam("proposal"),
    board_id=bindparam("board"),
    count=1,
    forfeited=0,
)
_VOTE_CHANGE = (
    update(Vote)
    .where(Vote.participant_id == bindparam("participant"), Vote.proposal_id == bindparam("proposal"))
    .values(count=Vote.count + bindparam("delta"))
)
_VOTE_TOTAL = select(func.coalesce(func.sum(Vote.count), 0)).where(Vote.proposal_id == bindparam("proposal"))


def vote(participant_id: int, client_id, proposal_id, delta) -> dict:
    """Add (+1) or take back (-1) one dot. Refuses beyond the budget or the maximum per proposal.

    The hot path of a full hall: prebuilt statements rather than ORM objects, seven of them and
    a commit."""
    if delta not in (1, -1) or isinstance(delta, bool):
        raise Invalid("delta")
    if not isinstance(proposal_id, int) or isinstance(proposal_id, bool):
        raise Invalid("proposal_id")
    ids = {"participant": participant_id, "proposal": proposal_id}

    def act():
        board_id = db.session.execute(_VOTE_LOCK_PARTICIPANT, ids).scalar_one_or_none()
        if board_id is None:
            raise NotFound("participant")
        ids["board"] = board_id
        row = db.session.execute(_VOTE_BOARD_AND_PROPOSAL, ids).one()
        _check_open(row, (STEMMEN,))
        if row.proposal_board_id != board_id or row.hidden or row.merged_into_id:
            raise NotFound("proposal")
        rows = db.session.execute(_VOTE_MINE, ids).all()
        spent = sum(count + forfeited for _pid, count, forfeited in rows)
        mine = next((count for pid, count, _f in rows if pid == proposal_id), None)
        if delta == 1:
            if spent >= row.votes_per_participant:
                raise BudgetExceeded(remaining=0)
            if (mine or 0) >= row.max_votes_per_proposal:
                raise TooManyOnOne(max=row.max_votes_per_proposal)
        elif not mine:
            raise NothingToTakeBack()
        if mine is None:
            db.session.execute(_VOTE_ADD, ids)
        else:
            db.session.execute(_VOTE_CHANGE, {**ids, "delta": delta})
        total = db.session.execute(_VOTE_TOTAL, ids).scalar_one()
        return board_id, {
            "proposal_id": proposal_id,
            "my_votes": (mine or 0) + delta,
            "remaining": row.votes_per_participant - spent - delta,
            "count": int(total) + row.paper_votes,
        }

    return _idempotent(participant_id, client_id, "vote", act)


def similar_proposals(board_id: int, text: str, limit: int = 3) -> list[dict]:
    """Proposals that look like ``text``, so people can join one instead of writing a duplicate."""
    wanted = _words(text)
    if len(wanted) < 2:
        return []
    scored = []
    for proposal in db.session.scalars(
        select(Proposal).where(
            Proposal.board_id == board_id, Proposal.hidden.is_(False), Proposal.merged_into_id.is_(None)
        )
    ):
        theirs = _words(f"{proposal.title} {proposal.big or ''}")
        shared = len(wanted & theirs)
        # Two shared stems at least: one common word ("onderzoek") says little in this room.
        if shared >= 2 and shared / len(wanted | theirs) >= 0.25:
            scored.append((shared / len(wanted | theirs), proposal))
    scored.sort(key=lambda pair: (-pair[0], pair[1].id))
    return [{"id": p.id, "title": p.title} for _score, p in scored[:limit]]


STOP_WORDS = {
    "de",
    "het",
    "een",
    "en",
    "of",
    "van",
    "voor",
    "met",
    "op",
    "in",
    "aan",
    "te",
    "bij",
    "als",
    "dat",
    "die",
    "dit",
    "er",
    "is",
    "zijn",
    "wordt",
    "worden",
    "om",
    "uit",
    "naar",
    "door",
    "over",
    "ook",
    "niet",
    "geen",
    "meer",
    "we",
    "wij",
    "je",
    "jij",
    "u",
    "ze",
    "zij",
    "hun",
    "ons",
    "onze",
    "mijn",
    "moet",
    "moeten",
    "kan",
    "kunnen",
    "zou",
    "hebben",
    "heeft",
    "tot",
    "alle",
    "elke",
    "iedere",
    "veel",
    "heel",
    "zo",
    "dan",
    "nog",
    "wel",
    "maar",
    "the",
    "a",
    "an",
    "to",
}


_DUTCH = snowballstemmer.stemmer("dutch")


def _words(text: str) -> set[str]:
    """Content words reduced to their Dutch stem, so "leraren" meets "leraar"."""
    text = unicodedata.normalize("NFKD", str(text or "").lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return {_DUTCH.stemWord(w) for w in re.findall(r"[a-z0-9]+", text) if len(w) > 2 and w not in STOP_WORDS}


# --- facilitator ---------------------------------------------------------------------------------


def _log(
    board_id: int, organiser_id: int | None, action: str, target: str | None = None, reason: str | None = None
) -> None:
    """Log a console action; every one changes what screens show, so it raises the board's version too."""
    db.session.add(
        ModerationEntry(board_id=board_id, organiser_id=organiser_id, action=action, target=target, reason=reason)
    )
    bump_version(board_id)


def set_phase(board_id: int, phase: str, organiser_id: int | None) -> dict:
    if phase not in PHASES:
        raise Invalid("phase")
    board = get_board(board_id)
    board.phase = phase
    board.timer_ends_at = None
    _log(board_id, organiser_id, "phase", phase)
    db.session.commit()
    return board_state(board)


def set_timer(board_id: int, seconds, organiser_id: int | None) -> dict:
    """Start a countdown of ``seconds`` (None or 0 stops it)."""
    if seconds is not None and (
        not isinstance(seconds, int) or isinstance(seconds, bool) or not 0 <= seconds <= MAX_TIMER_SECONDS
    ):
        raise Invalid("seconds")
    board = get_board(board_id)
    board.timer_ends_at = utcnow() + timedelta(seconds=seconds) if seconds else None
    _log(board_id, organiser_id, "timer", str(seconds or 0))
    db.session.commit()
    return board_state(board)


def set_locked(board_id: int, locked: bool, organiser_id: int | None) -> dict:
    board = get_board(board_id)
    board.locked = bool(locked)
    _log(board_id, organiser_id, "lock" if locked else "unlock")
    db.session.commit()
    return board_state(board)


def _proposal_on_board(board_id: int, proposal_id) -> Proposal:
    proposal = (
        db.session.get(Proposal, proposal_id)
        if isinstance(proposal_id, int) and not isinstance(proposal_id, bool)
        else None
    )
    if proposal is None or proposal.board_id != board_id:
        raise NotFound("proposal")
    return proposal


def _proposal_result(proposal: Proposal) -> dict:
    nickname = (
        db.session.scalar(select(Participant.nickname).where(Participant.id == proposal.participant_id))
        if proposal.participant_id
        else None
    )
    return proposal_dict(proposal, _proposal_count(proposal), nickname)


def proposal_data(board_id: int, proposal_id: int) -> dict:
    """One proposal as the screens show it, with its current count."""
    return _proposal_result(_proposal_on_board(board_id, proposal_id))


def set_hidden(board_id: int, proposal_id, hidden: bool, reason, organiser_id: int | None) -> dict:
    proposal = _proposal_on_board(board_id, proposal_id)
    reason = _text(reason, LIMITS["reason"], required=bool(hidden), field="reason")
    proposal.hidden = bool(hidden)
    proposal.hidden_reason = reason if hidden else None
    _log(board_id, organiser_id, "hide" if hidden else "unhide", f"proposal:{proposal.id}", reason)
    db.session.commit()
    return _proposal_result(proposal)


def set_bottleneck_hidden(board_id: int, bottleneck_id, hidden: bool, reason, organiser_id: int | None) -> dict:
    bottleneck = db.session.get(Bottleneck, bottleneck_id) if isinstance(bottleneck_id, int) else None
    if bottleneck is None or bottleneck.board_id != board_id:
        raise NotFound("bottleneck")
    reason = _text(reason, LIMITS["reason"], required=bool(hidden), field="reason")
    bottleneck.hidden = bool(hidden)
    _log(board_id, organiser_id, "hide" if hidden else "unhide", f"bottleneck:{bottleneck.id}", reason)
    db.session.commit()
    return bottleneck_dict(bottleneck)


def edit_proposal(board_id: int, proposal_id, title, big, small, organiser_id: int | None) -> dict:
    """Fix typos; the facilitator's edit is logged."""
    proposal = _proposal_on_board(board_id, proposal_id)
    proposal.title = _text(title, LIMITS["title"], True, "title")
    proposal.big = _text(big, LIMITS["big"], field="big", multiline=True)
    proposal.small = _text(small, LIMITS["small"], field="small", multiline=True)
    _log(board_id, organiser_id, "edit", f"proposal:{proposal.id}")
    db.session.commit()
    return _proposal_result(proposal)


def set_flag(board_id: int, proposal_id, flag: str, value: bool, organiser_id: int | None) -> dict:
    """Pin a proposal, or mark it "kansrijk" while harvesting."""
    if flag not in ("pinned", "promising"):
        raise Invalid("flag")
    proposal = _proposal_on_board(board_id, proposal_id)
    setattr(proposal, flag, bool(value))
    _log(board_id, organiser_id, f"{flag}:{'on' if value else 'off'}", f"proposal:{proposal.id}")
    db.session.commit()
    return _proposal_result(proposal)


def assign_theme(board_id: int, proposal_id, theme_id, organiser_id: int | None) -> dict:
    proposal = _proposal_on_board(board_id, proposal_id)
    proposal.theme_id = _theme_on_board(board_id, theme_id)
    _log(board_id, organiser_id, "theme", f"proposal:{proposal.id}", str(proposal.theme_id))
    db.session.commit()
    return _proposal_result(proposal)


def merge(board_id: int, keep_id, merged_id, organiser_id: int | None) -> dict:
    """Fold a duplicate into the proposal that is kept. Its votes move along; someone who voted
    for both counts once (their larger number) and keeps the budget they spent."""
    if keep_id == merged_id:
        raise Invalid("merge")
    keep = _proposal_on_board(board_id, keep_id)
    merged = _proposal_on_board(board_id, merged_id)
    if keep.merged_into_id or merged.merged_into_id:
        raise Invalid("merge")
    for moved in db.session.scalars(select(Vote).where(Vote.proposal_id == merged.id)).all():
        kept = db.session.get(Vote, (moved.participant_id, keep.id))
        if kept is None:
            db.session.add(
                Vote(
                    participant_id=moved.participant_id,
                    proposal_id=keep.id,
                    board_id=board_id,
                    count=moved.count,
                    forfeited=0,
                )
            )
            moved.count = 0
        else:
            combined = max(kept.count, moved.count)
            moved.forfeited += kept.count + moved.count - combined
            kept.count = combined
            moved.count = 0
    keep.paper_votes += merged.paper_votes
    merged.paper_votes = 0
    merged.merged_into_id = keep.id
    _log(board_id, organiser_id, "merge", f"proposal:{merged.id}->{keep.id}")
    db.session.commit()
    return {"kept": _proposal_result(keep), "merged_id": merged.id}


def load_starters(board_id: int, organiser_id: int | None) -> list[dict]:
    """The six complaints of the invitation as bottlenecks, each under its theme; loaded once."""
    board = get_board(board_id)
    existing = set(db.session.scalars(select(Bottleneck.text).where(Bottleneck.board_id == board_id)))
    added = []
    for theme in board.themes:
        if theme.starter and theme.starter not in existing:
            bottleneck = Bottleneck(board_id=board_id, theme_id=theme.id, text=theme.starter)
            db.session.add(bottleneck)
            added.append(bottleneck)
    _log(board_id, organiser_id, "starters", str(len(added)))
    db.session.commit()
    return [bottleneck_dict(b) for b in added]


def moderation_log(board_id: int, limit: int = 200) -> list[dict]:
    entries = db.session.scalars(
        select(ModerationEntry)
        .where(ModerationEntry.board_id == board_id)
        .order_by(ModerationEntry.id.desc())
        .limit(limit)
    )
    return [
        {"at": e.created_at.isoformat() + "Z", "action": e.action, "target": e.target, "reason": e.reason}
        for e in entries
    ]


@dataclass(frozen=True)
class Votes:
    """What the budget rules allow a participant right now (for tests and the console)."""

    spent: int
    remaining: int


def votes_of(participant_id: int) -> Votes:
    participant = db.session.get(Participant, participant_id)
    board = get_board(participant.board_id)
    _mine, spent = _my_votes(participant_id)
    return Votes(spent=spent, remaining=board.votes_per_participant - spent)
