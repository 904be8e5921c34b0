"""The changes a phone asks for: a bottleneck, a proposal, a dot. Each is recorded by its client
id in the transaction of its effect, so a retry gets the first answer instead of acting twice."""

import json

from sqlalchemy import Integer, bindparam, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from ...choices import ACTOR_LABELS
from ...extensions import db
from ...limits import BOARD_FIELDS as LIMITS
from ...timeutil import utcnow
from ..models import MOPPEREN, OPPEREN, STEMMEN, Action, Board, Bottleneck, Participant, Proposal, Vote
from .boards import bump_version, get_board, theme_on_board
from .errors import (
    BoardError,
    BoardLocked,
    BudgetExceeded,
    Invalid,
    NotFound,
    NothingToTakeBack,
    TooManyOnOne,
    TooManyPosts,
    WrongPhase,
)
from .fields import check_client_id, checked_text
from .snapshots import bottleneck_dict, proposal_dict
from .themes import settle_theme

_REPLAYED = select(Action.result).where(
    Action.participant_id == bindparam("participant"), Action.client_id == bindparam("client_id")
)


def _replayed(participant_id: int, client_id: str) -> dict | None:
    result = db.session.execute(_REPLAYED, {"participant": participant_id, "client_id": client_id}).scalar_one_or_none()
    if result is None:
        return None
    return {**json.loads(result), "replayed": True}


_RECORD = insert(Action)


def _record(board_id: int, participant_id: int, client_id: str, kind: str, result: dict) -> dict:
    # Last in the transaction, so the board row stays locked only for the commit.
    seq = bump_version(board_id)
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


def _check_open(board, phases: tuple[str, ...]) -> None:
    # ``board``: a Board, or the vote's row with the board's ``locked`` and ``phase``.
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
    client_id = check_client_id(client_id)
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


# How many bottlenecks and proposals one participant may post on a board, and how many a board holds
# in view (hidden and merged ones do not count there, so a facilitator who hides a flood makes room):
# a person says a handful of things in a session, a hall a few hundred; a script with the code gets
# no further.
CEILINGS = {Bottleneck: (20, 300), Proposal: (20, 500)}
# What a facilitator can select at once on the console: everything a board holds in view.
MOST_IN_VIEW = {"proposals": CEILINGS[Proposal][1], "bottlenecks": CEILINGS[Bottleneck][1]}
# The UTF-8 bytes of every bottleneck and proposal in view together. A room's texts are short (a
# real proposal has two or three hundred characters: 500 of them fit twice over); a script that
# posts only maximum-length texts, or emoji, meets this before the count. It is what bounds the
# snapshot every phone downloads (README, Who gets on a board).
BOARD_TEXT_BUDGET = 250_000


class Utf8Bytes(FunctionElement):
    """A text's length in UTF-8 bytes: what it weighs in a snapshot (a character may take four)."""

    type = Integer()
    inherit_cache = True


@compiles(Utf8Bytes)
def _octet_length(element, compiler, **kw):
    return f"coalesce(octet_length({compiler.process(element.clauses, **kw)}), 0)"


@compiles(Utf8Bytes, "sqlite")
def _blob_length(element, compiler, **kw):
    # SQLite before 3.43 has no octet_length; a TEXT cast to BLOB is its UTF-8 bytes.
    return f"coalesce(length(CAST({compiler.process(element.clauses, **kw)} AS BLOB)), 0)"


def _text_in_view(board_id: int) -> int:
    proposals = select(func.sum(Utf8Bytes(Proposal.title) + Utf8Bytes(Proposal.big) + Utf8Bytes(Proposal.small))).where(
        Proposal.board_id == board_id, Proposal.hidden.is_(False), Proposal.merged_into_id.is_(None)
    )
    bottlenecks = select(func.sum(Utf8Bytes(Bottleneck.text))).where(
        Bottleneck.board_id == board_id, Bottleneck.hidden.is_(False)
    )
    return (db.session.scalar(proposals) or 0) + (db.session.scalar(bottlenecks) or 0)


def _check_ceilings(model, board_id: int, participant_id: int, *texts: str | None) -> None:
    per_participant, per_board = CEILINGS[model]
    mine = select(func.count(model.id)).where(model.board_id == board_id, model.participant_id == participant_id)
    if db.session.scalar(mine) >= per_participant:
        raise TooManyPosts(scope="participant", max=per_participant)
    in_view = select(func.count(model.id)).where(model.board_id == board_id, model.hidden.is_(False))
    if model is Proposal:
        in_view = in_view.where(Proposal.merged_into_id.is_(None))
    if db.session.scalar(in_view) >= per_board:
        raise TooManyPosts(scope="board", max=per_board)
    if _text_in_view(board_id) + sum(len((text or "").encode()) for text in texts) > BOARD_TEXT_BUDGET:
        raise TooManyPosts(scope="text", max=BOARD_TEXT_BUDGET)


def add_bottleneck(participant_id: int, client_id, text, theme_id=None) -> dict:
    """A complaint, under the theme the phone chose for it (optional)."""

    def act():
        participant = _participant(participant_id)
        _open_board(participant, (MOPPEREN,))
        cleaned = checked_text(text, LIMITS["text"], True)
        theme = theme_on_board(participant.board_id, theme_id)
        _check_ceilings(Bottleneck, participant.board_id, participant.id, cleaned)
        bottleneck = Bottleneck(
            board_id=participant.board_id, participant_id=participant.id, text=cleaned, theme_id=theme
        )
        db.session.add(bottleneck)
        db.session.flush()
        return participant.board_id, {"bottleneck": bottleneck_dict(bottleneck)}

    return _idempotent(participant_id, client_id, "bottleneck", act)


def add_proposal(
    participant_id: int, client_id, title, big=None, small=None, actor=None, bottleneck_id=None, theme_id=None
) -> dict:
    """A proposal answers a bottleneck when linked to one, and takes its theme from it unless the
    author chose one (``theme_id``)."""

    def act():
        participant = _participant(participant_id)
        board = _open_board(participant, (OPPEREN,))
        texts = {
            "title": checked_text(title, LIMITS["title"], True, "title"),
            "big": checked_text(big, LIMITS["big"], field="big", multiline=True),
            "small": checked_text(small, LIMITS["small"], field="small", multiline=True),
        }
        _check_ceilings(Proposal, board.id, participant.id, *texts.values())
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
            **texts,
            actor=actor or None,
            bottleneck_id=bottleneck.id if bottleneck else None,
            theme_chosen=False,
        )
        settle_theme(proposal, bottleneck, theme_on_board(board.id, theme_id))
        db.session.add(proposal)
        db.session.flush()
        return board.id, {"proposal": proposal_dict(proposal, 0, participant.nickname)}

    return _idempotent(participant_id, client_id, "proposal", act)


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
_VOTE_MINE = select(Vote.proposal_id, Vote.count).where(Vote.participant_id == bindparam("participant"))
_VOTE_ADD = insert(Vote).values(
    participant_id=bindparam("participant"),
    proposal_id=bindparam("proposal"),
    board_id=bindparam("board"),
    count=1,
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
        spent = sum(count for _pid, count in rows)
        mine = next((count for pid, count in rows if pid == proposal_id), None)
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
