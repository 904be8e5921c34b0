"""The outbox: one row per mail, written in the transaction of the change that causes it."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import limits
from ..extensions import db
from ..timeutil import utcnow

WAITING = "waiting"  # due at next_attempt_at, also after a failed try
SENT = "sent"
FAILED = "failed"  # tried MAX_ATTEMPTS times; waits for an organiser's retry
STATUSES = (WAITING, SENT, FAILED)


class OutboxMail(db.Model):
    __tablename__ = "outbox_mails"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Deleting a registration's personal data deletes its mails (registration/services.py).
    registration_id: Mapped[int | None] = mapped_column(ForeignKey("registrations.id"))
    # None for a mail to an organiser (an invitation, a password reset), which concerns no session.
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"))
    organiser_id: Mapped[int | None] = mapped_column(ForeignKey("organisers.id"))
    kind: Mapped[str] = mapped_column(String(32))
    # An organiser's message (registrant_messages) for kind "message": its text is rendered when sent.
    message_id: Mapped[int | None] = mapped_column(ForeignKey("registrant_messages.id"))
    # What a schedule change changed ("date,time,venue"), so the mail can say it: the session as it
    # is at sending time no longer knows what it was.
    changes: Mapped[str | None] = mapped_column(String(64))
    # Kept apart from the registration: the organiser's outbox shows where a mail went.
    recipient: Mapped[str] = mapped_column(String(limits.EMAIL))
    status: Mapped[str] = mapped_column(String(16), default=WAITING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    # A sender that claimed the row holds it until then; one that died gives it back by expiring.
    claimed_until: Mapped[datetime | None]
    claim: Mapped[str | None] = mapped_column(String(32))
    last_error: Mapped[str | None] = mapped_column(Text)
    # The .eml written when no MAIL_SERVER is set, so deleting the person deletes the file too.
    file_name: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]

    message = relationship("RegistrantMessage", lazy="joined")

    __table_args__ = (
        Index("ix_outbox_mails_due", "status", "next_attempt_at"),
        Index("ix_outbox_mails_meeting_created", "meeting_id", "created_at"),
        Index("ix_outbox_mails_registration_kind", "registration_id", "kind"),
    )
