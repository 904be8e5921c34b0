"""Groups of proposals across boards and sessions, reviewed by the organiser before the report."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from .. import limits
from ..extensions import db
from ..timeutil import utcnow


class ProposalGroup(db.Model):
    """Proposals that say the same thing in different words. Suggested by the text comparison,
    ``confirmed`` once the organiser has looked at it; only confirmed groups reach the report.

    Title, theme and actor are the organiser's choice when set; None means the group shows what its
    members suggest (scope.group_title, scope.majority), so it follows them as they come and go."""

    __tablename__ = "proposal_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str | None] = mapped_column(String(limits.GROUP_TITLE))
    theme: Mapped[str | None] = mapped_column(String(40))  # a theme key, as boards share keys
    actor: Mapped[str | None] = mapped_column(String(32))
    confirmed: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class GroupMember(db.Model):
    """A proposal's place in a group; the primary key keeps every proposal in one group at most."""

    __tablename__ = "proposal_group_members"

    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("proposal_groups.id"), index=True)
