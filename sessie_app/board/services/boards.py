"""Boards and their participants: create, look up, join, forget; the board's version."""

import re
import secrets
import tomllib
from datetime import date, datetime, time
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import and_, bindparam, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from ...choices import ROLE_LABELS, SECTOR_LABELS
from ...extensions import db
from ...limits import BOARD_FIELDS as LIMITS
from ...limits import BOARD_TITLE
from ...textclean import clean_line
from ..models import (
    MAX_VOTES_PER_PARTICIPANT,
    MAX_VOTES_PER_PROPOSAL,
    MIN_VOTES,
    Action,
    Board,
    Bottleneck,
    ModerationEntry,
    Participant,
    Proposal,
    Theme,
    Vote,
)
from .errors import BoardError, BoardFull, Invalid, InvalidBoard, JoiningClosed, NotFound

DEFAULTS_FILE = Path(__file__).resolve().parents[2] / "data" / "board_defaults.toml"
# Six characters without look-alikes (no 0/O, 1/I/L, 2/Z, 5/S, 8/B).
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 6


def load_defaults(path: Path = DEFAULTS_FILE) -> list[dict]:
    with path.open("rb") as fh:
        return tomllib.load(fh)["theme"]


def normalise_code(code: str) -> str:
    return re.sub(r"[\s-]", "", str(code or "")).upper()[: CODE_LENGTH * 2]


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_budget(votes_per_participant, max_votes_per_proposal) -> None:
    """Raise InvalidBoard, naming the field and saying why in the current language, unless a board
    may give each participant ``votes_per_participant`` votes and allow ``max_votes_per_proposal``
    of them on one proposal: MIN_VOTES to MAX_VOTES_PER_PARTICIPANT and MIN_VOTES to
    MAX_VOTES_PER_PROPOSAL, and never more on one proposal than a participant has."""
    if not _whole(votes_per_participant) or not MIN_VOTES <= votes_per_participant <= MAX_VOTES_PER_PARTICIPANT:
        raise InvalidBoard(
            "votes_per_participant",
            _(
                "Kies voor stemmen per deelnemer een aantal van %(min)d tot en met %(max)d.",
                min=MIN_VOTES,
                max=MAX_VOTES_PER_PARTICIPANT,
            ),
        )
    if not _whole(max_votes_per_proposal) or not MIN_VOTES <= max_votes_per_proposal <= MAX_VOTES_PER_PROPOSAL:
        raise InvalidBoard(
            "max_votes_per_proposal",
            _(
                "Kies voor stemmen op één voorstel een aantal van %(min)d tot en met %(max)d.",
                min=MIN_VOTES,
                max=MAX_VOTES_PER_PROPOSAL,
            ),
        )
    if max_votes_per_proposal > votes_per_participant:
        raise InvalidBoard(
            "max_votes_per_proposal",
            _(
                "Eén voorstel kan niet meer stemmen krijgen dan een deelnemer heeft: kies hoogstens %(max)d.",
                max=votes_per_participant,
            ),
        )


def create_board(
    title: str,
    meeting_id: int | None = None,
    votes_per_participant: int = 5,
    max_votes_per_proposal: int = 2,
    practice: bool = False,
) -> Board:
    """A board with a fresh join code and the six default themes; ``practice``: a rehearsal, which
    the reports leave out. Raises InvalidBoard for a title longer than BOARD_TITLE and for votes a
    board may not have (check_budget)."""
    title = clean_line(title)
    if len(title) > BOARD_TITLE:
        raise InvalidBoard("title", _("Kies een titel van hoogstens %(max)d tekens.", max=BOARD_TITLE))
    check_budget(votes_per_participant, max_votes_per_proposal)
    for _attempt in range(20):
        board = Board(
            code=_new_code(),
            title=title or "Bord",
            meeting_id=meeting_id,
            votes_per_participant=votes_per_participant,
            max_votes_per_proposal=max_votes_per_proposal,
            practice=bool(practice),
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


# Built once: a hall joining at once runs these for every phone, and building a statement cost as
# much as running it.
_BOARD_BY_CODE = select(Board).where(Board.code == bindparam("code"))
_PARTICIPANT_BY_TOKEN = select(Participant).where(
    Participant.token == bindparam("token"), Participant.board_id == bindparam("board")
)
_PARTICIPANT_ID_BY_TOKEN = select(Participant.id).where(
    Participant.token == bindparam("token"), Participant.board_id == bindparam("board")
)


def board_by_code(code: str) -> Board:
    board = db.session.scalar(_BOARD_BY_CODE, {"code": normalise_code(code)})
    if board is None:
        raise NotFound("board")
    return board


def get_board(board_id: int) -> Board:
    board = db.session.get(Board, board_id)
    if board is None:
        raise NotFound("board")
    return board


def theme_on_board(board_id: int, theme_id) -> int | None:
    """The id of theme ``theme_id`` of this board, None for no theme; raises Invalid("theme_id")."""
    if theme_id in (None, ""):
        return None
    theme = db.session.get(Theme, theme_id) if isinstance(theme_id, int) else None
    if theme is None or theme.board_id != board_id:
        raise Invalid("theme_id")
    return theme.id


def bottleneck_on_board(board_id: int, bottleneck_id) -> Bottleneck:
    bottleneck = (
        db.session.get(Bottleneck, bottleneck_id)
        if isinstance(bottleneck_id, int) and not isinstance(bottleneck_id, bool)
        else None
    )
    if bottleneck is None or bottleneck.board_id != board_id:
        raise NotFound("bottleneck")
    return bottleneck


def proposal_on_board(board_id: int, proposal_id) -> Proposal:
    proposal = (
        db.session.get(Proposal, proposal_id)
        if isinstance(proposal_id, int) and not isinstance(proposal_id, bool)
        else None
    )
    if proposal is None or proposal.board_id != board_id:
        raise NotFound("proposal")
    return proposal


_NEXT_SEQ = update(Board).where(Board.id == bindparam("board")).values(seq=Board.seq + 1).returning(Board.seq)


def bump_version(board_id: int) -> int:
    """Raise the board's version in the caller's transaction and return it. Every change screens
    show does (see Board.seq): a phone's action, a console action, an import, a new nickname."""
    return db.session.execute(_NEXT_SEQ, {"board": board_id}).scalar_one()


def _choice_or_none(value, allowed: dict) -> str | None:
    return value if isinstance(value, str) and value in allowed else None


def join(
    board_id: int,
    token: str | None,
    nickname: str | None = None,
    role: str | None = None,
    sector: str | None = None,
    max_participants: int | None = None,
) -> Participant:
    """The participant behind ``token`` on this board, or a new one. Profile fields are optional.
    Raises JoiningClosed for a new one while the facilitator has closed the board to newcomers, and
    BoardFull on a board that already has ``max_participants``."""
    participant = None
    if token:
        participant = db.session.scalar(_PARTICIPANT_BY_TOKEN, {"token": token, "board": board_id})
    if participant is None:
        if db.session.scalar(select(Board.joining_closed).where(Board.id == board_id)):
            raise JoiningClosed()
        if max_participants is not None and participant_count(board_id) >= max_participants:
            raise BoardFull()
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


def participant_count(board_id: int) -> int:
    return db.session.scalar(select(func.count(Participant.id)).where(Participant.board_id == board_id))


def participant_by_token(board_id: int, token: str) -> Participant:
    participant = db.session.scalar(_PARTICIPANT_BY_TOKEN, {"token": token, "board": board_id})
    if participant is None:
        raise NotFound("participant")
    return participant


def participant_id_by_token(board_id: int, token: str) -> int:
    """As participant_by_token, for a caller that needs only who it is (every phone's join)."""
    participant_id = db.session.scalar(_PARTICIPANT_ID_BY_TOKEN, {"token": token, "board": board_id})
    if participant_id is None:
        raise NotFound("participant")
    return participant_id


def forget_participants(before: date) -> int:
    """After the privacy statement's term: on the boards of sessions held before ``before`` (and
    boards without a session made before it) participants lose their nickname and get a new
    token, so no phone's cookie leads to them any more, and the stored acknowledgements, which can
    repeat a nickname, go. Proposals, votes, role and sector stay as anonymous counts for the
    reports, as registrations keep theirs. Returns how many participants were on those boards."""
    from ...registration.models import Meeting

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


def set_report_marks(board_id: int, practice: bool, in_report: bool) -> Board:
    """Whether a board is a rehearsal, and whether the reports count it even so (or stand-alone,
    or archived): reports.scope.counts_in_report reads both."""
    board = get_board(board_id)
    board.practice, board.in_report = bool(practice), bool(in_report)
    db.session.commit()
    return board


def delete_board(board_id: int) -> dict[str, int]:
    """Delete a board and everything on it: participants, bottlenecks, proposals, votes, the
    moderation log, in one transaction with whatever the caller changed before (reports.review.
    delete_board takes the proposals out of their groups first). Returns how many participants and
    proposals went."""
    board = get_board(board_id)
    counts = {
        "participants": participant_count(board_id),
        "proposals": db.session.scalar(select(func.count(Proposal.id)).where(Proposal.board_id == board_id)),
    }
    db.session.execute(delete(Vote).where(Vote.board_id == board_id))
    db.session.execute(delete(Action).where(Action.board_id == board_id))
    db.session.execute(delete(ModerationEntry).where(ModerationEntry.board_id == board_id))
    # Merged proposals point at the one kept, and proposals at bottlenecks: the links go first.
    db.session.execute(
        update(Proposal).where(Proposal.board_id == board_id).values(merged_into_id=None, bottleneck_id=None)
    )
    db.session.execute(delete(Proposal).where(Proposal.board_id == board_id))
    db.session.execute(delete(Bottleneck).where(Bottleneck.board_id == board_id))
    db.session.execute(delete(Participant).where(Participant.board_id == board_id))
    db.session.execute(delete(Theme).where(Theme.board_id == board_id))
    db.session.delete(board)
    db.session.commit()
    return counts
