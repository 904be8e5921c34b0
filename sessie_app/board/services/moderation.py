"""The facilitator's console: phase, timer, lock, hiding, editing, flags, themes, merging,
the starter bottlenecks and the moderation log. Every action is logged and raises the board's version."""

from datetime import timedelta

from sqlalchemy import func, select

from ...extensions import db
from ...limits import BOARD_FIELDS as LIMITS
from ...timeutil import utcnow
from ..models import PHASES, Bottleneck, ModerationEntry, Proposal, Vote
from .boards import bottleneck_on_board, bump_version, get_board, proposal_on_board, theme_on_board
from .errors import Invalid
from .fields import checked_text
from .snapshots import board_state, bottleneck_dict, proposal_result
from .themes import follow_bottleneck, settle_theme

MAX_TIMER_SECONDS = 3 * 3600


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


def set_archived(board_id: int, archived: bool, organiser_id: int | None) -> dict:
    """Put a board away after the series, or bring it back. Archiving locks it, so no phone that
    still has the page open adds to it; bringing it back leaves unlocking to the facilitator."""
    board = get_board(board_id)
    if archived and board.archived_at is None:
        board.archived_at = utcnow()
        board.locked = True
    elif not archived:
        board.archived_at = None
    _log(board_id, organiser_id, "archive" if archived else "unarchive")
    db.session.commit()
    return board_state(board)


def set_joining_closed(board_id: int, closed: bool, organiser_id: int | None) -> dict:
    board = get_board(board_id)
    board.joining_closed = bool(closed)
    _log(board_id, organiser_id, "joining:closed" if closed else "joining:open")
    db.session.commit()
    return board_state(board)


def set_hidden(board_id: int, proposal_id, hidden: bool, reason, organiser_id: int | None) -> dict:
    proposal = proposal_on_board(board_id, proposal_id)
    reason = checked_text(reason, LIMITS["reason"], required=bool(hidden), field="reason")
    proposal.hidden = bool(hidden)
    proposal.hidden_reason = reason if hidden else None
    _log(board_id, organiser_id, "hide" if hidden else "unhide", f"proposal:{proposal.id}", reason)
    db.session.commit()
    return proposal_result(proposal)


def set_bottleneck_hidden(board_id: int, bottleneck_id, hidden: bool, reason, organiser_id: int | None) -> dict:
    bottleneck = bottleneck_on_board(board_id, bottleneck_id)
    reason = checked_text(reason, LIMITS["reason"], required=bool(hidden), field="reason")
    bottleneck.hidden = bool(hidden)
    _log(board_id, organiser_id, "hide" if hidden else "unhide", f"bottleneck:{bottleneck.id}", reason)
    db.session.commit()
    return bottleneck_dict(bottleneck)


def hide_author(board_id: int, proposal_id, bottleneck_id, reason, organiser_id: int | None) -> dict:
    """Hide everything one participant posted on the board, with one reason: the facilitator points at
    one of their proposals (``proposal_id``) or bottlenecks (``bottleneck_id``), and never needs to
    know who they are. Raises Invalid("author") for an item nobody in the room posted (a starter, a
    proposal typed up from paper)."""
    item = (
        proposal_on_board(board_id, proposal_id)
        if proposal_id is not None
        else bottleneck_on_board(board_id, bottleneck_id)
    )
    reason = checked_text(reason, LIMITS["reason"], required=True, field="reason")
    if item.participant_id is None:
        raise Invalid("author")
    proposals = db.session.scalars(
        select(Proposal).where(
            Proposal.board_id == board_id,
            Proposal.participant_id == item.participant_id,
            Proposal.hidden.is_(False),
            Proposal.merged_into_id.is_(None),
        )
    ).all()
    bottlenecks = db.session.scalars(
        select(Bottleneck).where(
            Bottleneck.board_id == board_id,
            Bottleneck.participant_id == item.participant_id,
            Bottleneck.hidden.is_(False),
        )
    ).all()
    for proposal in proposals:
        proposal.hidden, proposal.hidden_reason = True, reason
    for bottleneck in bottlenecks:
        bottleneck.hidden = True
    kind = "proposal" if proposal_id is not None else "bottleneck"
    _log(board_id, organiser_id, "hide:author", f"{kind}:{item.id}", reason)
    db.session.commit()
    return {
        "proposals": [proposal_result(p) for p in proposals],
        "bottlenecks": [bottleneck_dict(b) for b in bottlenecks],
    }


def hide_selected(board_id: int, proposal_ids, bottleneck_ids, reason, organiser_id: int | None) -> dict:
    """Hide the proposals and bottlenecks the facilitator ticked, with one reason, in one go: as
    hiding each on its own would (one log entry each), but one transaction, so a flood of items goes
    away at once or not at all. Raises NotFound for an id not on this board, Invalid("selection")
    for an empty selection."""
    if not proposal_ids and not bottleneck_ids:
        raise Invalid("selection")
    reason = checked_text(reason, LIMITS["reason"], required=True, field="reason")
    proposals = [proposal_on_board(board_id, id_) for id_ in dict.fromkeys(proposal_ids)]
    bottlenecks = [bottleneck_on_board(board_id, id_) for id_ in dict.fromkeys(bottleneck_ids)]
    proposals = [p for p in proposals if not p.hidden]
    bottlenecks = [b for b in bottlenecks if not b.hidden]
    for proposal in proposals:
        proposal.hidden, proposal.hidden_reason = True, reason
        _log(board_id, organiser_id, "hide", f"proposal:{proposal.id}", reason)
    for bottleneck in bottlenecks:
        bottleneck.hidden = True
        _log(board_id, organiser_id, "hide", f"bottleneck:{bottleneck.id}", reason)
    db.session.commit()
    return {
        "proposals": [proposal_result(p) for p in proposals],
        "bottlenecks": [bottleneck_dict(b) for b in bottlenecks],
    }


def edit_proposal(board_id: int, proposal_id, title, big, small, organiser_id: int | None) -> dict:
    """Fix typos; the facilitator's edit is logged."""
    proposal = proposal_on_board(board_id, proposal_id)
    proposal.title = checked_text(title, LIMITS["title"], True, "title")
    proposal.big = checked_text(big, LIMITS["big"], field="big", multiline=True)
    proposal.small = checked_text(small, LIMITS["small"], field="small", multiline=True)
    _log(board_id, organiser_id, "edit", f"proposal:{proposal.id}")
    db.session.commit()
    return proposal_result(proposal)


def set_flag(board_id: int, proposal_id, flag: str, value: bool, organiser_id: int | None) -> dict:
    """Pin a proposal, or mark it "kansrijk" while harvesting."""
    if flag not in ("pinned", "promising"):
        raise Invalid("flag")
    proposal = proposal_on_board(board_id, proposal_id)
    setattr(proposal, flag, bool(value))
    _log(board_id, organiser_id, f"{flag}:{'on' if value else 'off'}", f"proposal:{proposal.id}")
    db.session.commit()
    return proposal_result(proposal)


def assign_theme(board_id: int, proposal_id, theme_id, organiser_id: int | None) -> dict:
    """The facilitator's theme for a proposal, which its bottleneck no longer overrides; no theme
    (None) lets it follow its bottleneck again."""
    proposal = proposal_on_board(board_id, proposal_id)
    chosen = theme_on_board(board_id, theme_id)
    if chosen is None:
        proposal.theme_chosen = False
    bottleneck = db.session.get(Bottleneck, proposal.bottleneck_id) if proposal.bottleneck_id else None
    settle_theme(proposal, bottleneck, chosen)
    _log(board_id, organiser_id, "theme", f"proposal:{proposal.id}", str(proposal.theme_id))
    db.session.commit()
    return proposal_result(proposal)


def assign_bottleneck_theme(board_id: int, bottleneck_id, theme_id, organiser_id: int | None) -> dict:
    """The facilitator's theme for a bottleneck (or a confirmed suggestion); the proposals that
    answer it follow unless theirs was chosen. Returns the bottleneck and the proposals that moved."""
    bottleneck = bottleneck_on_board(board_id, bottleneck_id)
    bottleneck.theme_id = theme_on_board(board_id, theme_id)
    moved = follow_bottleneck(bottleneck)
    _log(board_id, organiser_id, "theme", f"bottleneck:{bottleneck.id}", str(bottleneck.theme_id))
    db.session.commit()
    return {"bottleneck": bottleneck_dict(bottleneck), "proposals": [proposal_result(p) for p in moved]}


def merge(board_id: int, keep_id, merged_id, organiser_id: int | None) -> dict:
    """Fold a duplicate into the proposal that is kept. Its votes move along; someone who voted
    for both counts once (their larger number), and the dots that stop counting go back to their
    budget (``returned``: how many in all, for the console to say). A "kansrijk" mark moves along
    too: the facilitator judged the idea, which the kept proposal now carries."""
    if keep_id == merged_id:
        raise Invalid("merge")
    keep = proposal_on_board(board_id, keep_id)
    merged = proposal_on_board(board_id, merged_id)
    if keep.merged_into_id or merged.merged_into_id:
        raise Invalid("merge")
    returned = 0
    for moved in db.session.scalars(select(Vote).where(Vote.proposal_id == merged.id, Vote.count > 0)).all():
        kept = db.session.get(Vote, (moved.participant_id, keep.id))
        if kept is None:
            db.session.add(
                Vote(participant_id=moved.participant_id, proposal_id=keep.id, board_id=board_id, count=moved.count)
            )
        else:
            combined = max(kept.count, moved.count)
            returned += kept.count + moved.count - combined
            kept.count = combined
        moved.count = 0
    keep.paper_votes += merged.paper_votes
    merged.paper_votes = 0
    keep.promising = keep.promising or merged.promising
    merged.merged_into_id = keep.id
    _log(board_id, organiser_id, "merge", f"proposal:{merged.id}->{keep.id}")
    db.session.commit()
    return {"kept": proposal_result(keep), "merged_id": merged.id, "returned": returned}


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


def moderation_log(board_id: int, limit: int = 200, after: int = 0) -> list[dict]:
    """The board's log, newest first; ``after``: only entries written since ``last_logged`` said so."""
    entries = db.session.scalars(
        select(ModerationEntry)
        .where(ModerationEntry.board_id == board_id, ModerationEntry.id > after)
        .order_by(ModerationEntry.id.desc())
        .limit(limit)
    )
    return [
        {"at": e.created_at.isoformat() + "Z", "action": e.action, "target": e.target, "reason": e.reason}
        for e in entries
    ]


def last_logged(board_id: int) -> int:
    """A mark in the board's log, for ``moderation_log(after=...)``."""
    return db.session.scalar(select(func.max(ModerationEntry.id)).where(ModerationEntry.board_id == board_id)) or 0
