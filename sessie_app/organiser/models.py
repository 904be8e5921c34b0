"""Organiser accounts (the only people who log in), the sessions assigned to them, and the audit log
of what they did."""

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Column, ForeignKey, Index, String, Table, true
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from .. import limits
from ..extensions import db
from ..timeutil import utcnow
from .roles import BEHEERDER

# Which sessions a facilitator runs: their boards and their check-in desk.
organiser_meetings = Table(
    "organiser_meetings",
    db.metadata,
    Column("organiser_id", ForeignKey("organisers.id"), primary_key=True),
    Column("meeting_id", ForeignKey("meetings.id"), primary_key=True),
)


class Organiser(UserMixin, db.Model):
    __tablename__ = "organisers"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(limits.EMAIL), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    # Accounts made before roles existed, and the first one from `flask organiser`, manage the rest.
    role: Mapped[str] = mapped_column(String(16), default=BEHEERDER, server_default=BEHEERDER)
    active: Mapped[bool] = mapped_column(default=True, server_default=true())
    # Part of the id in every session cookie (get_id): raising it ends every session of the account.
    session_version: Mapped[int] = mapped_column(default=1, server_default="1")
    # The one link (invitation or reset) that may set the password: a hash of its secret, so the
    # database never holds a usable link; cleared when used.
    link_hash: Mapped[str | None] = mapped_column(String(64))
    link_purpose: Mapped[str | None] = mapped_column(String(16))
    link_expires_at: Mapped[datetime | None]
    # Set with the first password of an invited account; until then the invitation is open.
    password_set_at: Mapped[datetime | None]

    meetings = relationship("Meeting", secondary=organiser_meetings, lazy="selectin", order_by="Meeting.date")

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def assigned(self) -> frozenset[int]:
        return frozenset(meeting.id for meeting in self.meetings)


class AuditEntry(db.Model):
    """Who did what, when: kept as long as the privacy statement says (see audit.purge)."""

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    # None for a failed login with an address that has no account.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("organisers.id"))
    action: Mapped[str] = mapped_column(String(32))
    # What the act was about: a session's slug, "registration 12", an account's address.
    subject: Mapped[str] = mapped_column(String(limits.EMAIL), default="")
    detail: Mapped[str] = mapped_column(String(500), default="")

    actor = relationship("Organiser", lazy="joined")

    __table_args__ = (
        Index("ix_audit_entries_at", "at"),
        Index("ix_audit_entries_actor_at", "actor_id", "at"),
        Index("ix_audit_entries_action_at", "action", "at"),
    )
