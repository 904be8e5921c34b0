"""Reading a board: the snapshot a screen draws from, the tallies, one proposal as screens show it."""

import threading
from datetime import datetime

from flask import current_app
from flask_babel import get_locale
from sqlalchemy import bindparam, func, select

from ...choices import ACTOR_LABELS
from ...extensions import db
from ...timeutil import utcnow
from ..models import Board, Bottleneck, Participant, Proposal, Theme, Vote
from .boards import get_board, proposal_on_board
from .errors import NotFound
from .themes import suggest_theme


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
        "joining_closed": board.joining_closed,
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
        # Chosen for this proposal, by its author or the facilitator; else it follows its bottleneck.
        "theme_chosen": proposal.theme_chosen,
        "bottleneck_id": proposal.bottleneck_id,
        "pinned": proposal.pinned,
        "promising": proposal.promising,
        "hidden": proposal.hidden,
        "merged_into_id": proposal.merged_into_id,
        "author": nickname,
        "count": count,
    }


def bottleneck_dict(bottleneck: Bottleneck, themes: list[Theme] | None = None) -> dict:
    """``themes``: the board's, when the caller has them at hand (read from the board otherwise)."""
    suggested = None
    if bottleneck.theme_id is None:
        # For the console to offer, and the facilitator to confirm or not.
        suggested = suggest_theme(bottleneck.text, get_board(bottleneck.board_id).themes if themes is None else themes)
    return {
        "id": bottleneck.id,
        "text": bottleneck.text,
        "theme_id": bottleneck.theme_id,
        "suggested_theme_id": suggested,
        "hidden": bottleneck.hidden,
        # One of the invitation's complaints, loaded by the facilitator rather than said in the room.
        "starter": bottleneck.participant_id is None,
    }


class PublicSnapshots:
    """The part of a snapshot that every screen of a board shares, kept per board version
    (docs/board.md, Snapshots)."""

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
        "bottlenecks": [bottleneck_dict(b, board.themes) for b in bottlenecks],
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
        "remaining": budget - sum(row.count for row in voted),
    }


def proposal_count(proposal: Proposal) -> int:
    """The proposal's dots: the phones' and those counted on paper."""
    votes = db.session.scalar(select(func.coalesce(func.sum(Vote.count), 0)).where(Vote.proposal_id == proposal.id))
    return int(votes) + proposal.paper_votes


def proposal_result(proposal: Proposal) -> dict:
    """``proposal`` as the screens show it, with its count and its author's nickname."""
    nickname = (
        db.session.scalar(select(Participant.nickname).where(Participant.id == proposal.participant_id))
        if proposal.participant_id
        else None
    )
    return proposal_dict(proposal, proposal_count(proposal), nickname)


def proposal_data(board_id: int, proposal_id: int) -> dict:
    """One proposal as the screens show it, with its current count."""
    return proposal_result(proposal_on_board(board_id, proposal_id))
