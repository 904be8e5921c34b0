"""Sessions of the series and the registrations for them."""

import secrets
import uuid
from datetime import date, datetime, time

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import limits
from ..extensions import db
from ..timeutil import local_datetime, utcnow

CONFIRMED = "confirmed"
WAITLISTED = "waitlisted"
CANCELLED = "cancelled"
STATUSES = (CONFIRMED, WAITLISTED, CANCELLED)


class Meeting(db.Model):
    """One regional session ("sessie"); called Meeting so it never reads as a database session."""

    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(limits.SLUG), unique=True)
    city: Mapped[str] = mapped_column(String(limits.CITY))
    venue: Mapped[str | None] = mapped_column(String(limits.VENUE))
    address: Mapped[str | None] = mapped_column(String(limits.ADDRESS))
    date: Mapped[date]
    starts_at: Mapped[time]
    ends_at: Mapped[time]
    capacity: Mapped[int]
    registration_open: Mapped[bool] = mapped_column(default=True)
    # Raised whenever date, time or place change; it is the SEQUENCE of every calendar entry.
    schedule_version: Mapped[int] = mapped_column(default=0)
    # Bumped by every seat assignment; the UPDATE doubles as the lock that serialises them.
    registrations_version: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    registrations: Mapped[list["Registration"]] = relationship(back_populates="meeting")

    __table_args__ = (CheckConstraint("capacity >= 0", name="capacity_not_negative"),)

    @property
    def starts(self) -> datetime:
        return local_datetime(self.date, self.starts_at)

    @property
    def ends(self) -> datetime:
        return local_datetime(self.date, self.ends_at)


class Registration(db.Model):
    __tablename__ = "registrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"))
    # Random and secret: the manage link, the check-in code and the calendar UID derive from it.
    # Cleared when the personal data is deleted, so old links stop working.
    token: Mapped[str | None] = mapped_column(String(64), unique=True, default=lambda: secrets.token_urlsafe(24))
    # Kept apart from the token: a calendar entry is shared more freely than a mail.
    calendar_uid: Mapped[str] = mapped_column(String(64), unique=True, default=lambda: f"{uuid.uuid4()}@sessie-app")
    # Raised when this person's entry changes (promoted, cancelled); with the session's
    # schedule_version it is the entry's SEQUENCE, so every update replaces the one they have.
    calendar_version: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(16))
    name: Mapped[str | None] = mapped_column(String(limits.NAME))
    email: Mapped[str | None] = mapped_column(String(limits.EMAIL))
    organisation: Mapped[str | None] = mapped_column(String(limits.ORGANISATION))
    role: Mapped[str] = mapped_column(String(32))
    sector: Mapped[str] = mapped_column(String(16))
    meal: Mapped[bool] = mapped_column(default=True)
    health_consent: Mapped[bool] = mapped_column(default=False)
    dietary: Mapped[str | None] = mapped_column(Text)
    accessibility: Mapped[str | None] = mapped_column(Text)
    # Mails sent later (promotion, a new venue) speak the language the person registered in.
    locale: Mapped[str] = mapped_column(String(5), default="nl")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    cancelled_at: Mapped[datetime | None]
    checked_in_at: Mapped[datetime | None]
    # "Ik kom" in the reminder: the caterer counts these apart.
    reconfirmed_at: Mapped[datetime | None]
    anonymised_at: Mapped[datetime | None]

    meeting: Mapped[Meeting] = relationship(back_populates="registrations")

    __table_args__ = (
        CheckConstraint(f"status IN {STATUSES}", name="status_known"),
        # One live registration per address per session, enforced by the database even under races.
        Index(
            "uq_registrations_active_email",
            "meeting_id",
            "email",
            unique=True,
            sqlite_where=text("status != 'cancelled' AND email IS NOT NULL"),
            postgresql_where=text("status != 'cancelled' AND email IS NOT NULL"),
        ),
        Index("ix_registrations_meeting_status_created", "meeting_id", "status", "created_at"),
    )


class RegistrantMessage(db.Model):
    """An organiser's message to (part of) a session's registrants; each recipient's mail is an
    outbox row that points here, rendered with their own manage link when it is sent."""

    __tablename__ = "registrant_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    audience: Mapped[str] = mapped_column(String(16))
    subject: Mapped[str] = mapped_column(String(limits.MESSAGE_SUBJECT))
    body: Mapped[str] = mapped_column(Text)
    recipients: Mapped[int]
    sent_by: Mapped[int | None] = mapped_column(ForeignKey("organisers.id"))
    # The key of the preview it was sent from: a second click on "Versturen" (slow Wi-Fi, a reload)
    # finds the message already sent instead of mailing everyone twice.
    draft: Mapped[str] = mapped_column(String(32), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
