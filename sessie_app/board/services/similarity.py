"""The "lijkt op" hint: proposals on the board that look like what a phone is typing."""

from sqlalchemy import select

from ...extensions import db
from ...textmatch import normalise
from ..models import Proposal


def similar_proposals(board_id: int, text: str, limit: int = 3) -> list[dict]:
    """Proposals that look like ``text``, so people can join one instead of writing a duplicate."""
    wanted = set(normalise(text).split())
    if len(wanted) < 2:
        return []
    scored = []
    for proposal in db.session.scalars(
        select(Proposal).where(
            Proposal.board_id == board_id, Proposal.hidden.is_(False), Proposal.merged_into_id.is_(None)
        )
    ):
        theirs = set(normalise(f"{proposal.title} {proposal.big or ''}").split())
        shared = len(wanted & theirs)
        # Two shared words at least: one common word ("onderzoek") says little in this room.
        if shared >= 2 and shared / len(wanted | theirs) >= 0.25:
            scored.append((shared / len(wanted | theirs), proposal))
    scored.sort(key=lambda pair: (-pair[0], pair[1].id))
    return [{"id": p.id, "title": p.title} for _score, p in scored[:limit]]
