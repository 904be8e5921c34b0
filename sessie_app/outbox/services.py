"""The outbox's rules: queueing in the caller's transaction, claiming due mails so no two senders
deliver the same one, retrying with back-off, and forgetting a person's mails.

Queueing never commits: the mail belongs to the change that causes it and is committed with it, so
a process that dies after the commit still has the mail to send, and a change that is rolled back
sends nothing.
"""

import secrets
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, or_, select, update

from ..extensions import db
from ..timeutil import utcnow
from .models import FAILED, SENT, WAITING, OutboxMail

# 1, 2, 4, … minutes, at most an hour apart: nine tries span about four hours, long enough for a
# mail server's maintenance window, short enough that an organiser sees a real failure the same day.
MAX_ATTEMPTS = 9
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=1)
# How long a sender may take over one batch before another may try the same mails again.
CLAIM_LEASE = timedelta(minutes=5)
BATCH = 20


class MailNotFound(Exception):
    pass


def queue(
    *,
    meeting_id: int | None,
    registration_id: int | None,
    kind: str,
    recipient: str,
    now: datetime | None = None,
    message_id: int | None = None,
    changes: str | None = None,
    organiser_id: int | None = None,
) -> OutboxMail:
    """Add a mail to the caller's transaction, due at once (``now``): to a registrant about a
    session, or (``organiser_id``, no session) to an organiser."""
    now = now or utcnow()
    mail = OutboxMail(
        meeting_id=meeting_id,
        registration_id=registration_id,
        organiser_id=organiser_id,
        kind=kind,
        recipient=recipient,
        message_id=message_id,
        changes=changes,
        created_at=now,
        next_attempt_at=now,
    )
    db.session.add(mail)
    return mail


def queued_since(registration_id: int, kinds: tuple[str, ...], since: datetime) -> bool:
    """Whether such a mail to this registration was queued since ``since`` (a limit on repeats)."""
    return (
        db.session.scalar(
            select(OutboxMail.id)
            .where(
                OutboxMail.registration_id == registration_id,
                OutboxMail.kind.in_(kinds),
                OutboxMail.created_at >= since,
            )
            .limit(1)
        )
        is not None
    )


def retry_delay(attempts: int) -> timedelta:
    return min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_RETRY)


@dataclass(frozen=True)
class Claimed:
    id: int
    registration_id: int | None
    kind: str
    recipient: str
    message_id: int | None = None
    changes: str | None = None
    organiser_id: int | None = None


def claim_due(now: datetime | None = None, limit: int = BATCH) -> list[Claimed]:
    """Take up to ``limit`` due mails for this sender, committed, so another sender skips them.

    PostgreSQL: the rows are locked with SKIP LOCKED while claimed, so a second instance takes the
    next ones instead of waiting. SQLite: one writer at a time. On both, the UPDATE checks again
    that nobody holds the row, so a claim is taken once.
    """
    now = now or utcnow()
    free = or_(OutboxMail.claimed_until.is_(None), OutboxMail.claimed_until < now)
    due = (
        select(OutboxMail.id)
        .where(OutboxMail.status == WAITING, OutboxMail.next_attempt_at <= now, free)
        .order_by(OutboxMail.next_attempt_at, OutboxMail.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    ids = list(db.session.scalars(due))
    if not ids:
        db.session.rollback()
        return []
    token = secrets.token_hex(8)
    db.session.execute(
        update(OutboxMail)
        .where(OutboxMail.id.in_(ids), OutboxMail.status == WAITING, free)
        .values(claim=token, claimed_until=now + CLAIM_LEASE)
    )
    db.session.commit()
    rows = db.session.execute(
        select(
            OutboxMail.id,
            OutboxMail.registration_id,
            OutboxMail.kind,
            OutboxMail.recipient,
            OutboxMail.message_id,
            OutboxMail.changes,
            OutboxMail.organiser_id,
        )
        .where(OutboxMail.claim == token)
        .order_by(OutboxMail.id)
    )
    return [Claimed(*row) for row in rows]


def mark_sent(mail_id: int, outbox_dir: Path, now: datetime | None = None, file_name: str | None = None) -> None:
    """Record a mail as sent. A mail whose person was erased while it was being sent is no longer
    there to record: its file goes too, so no address outlives the erasure."""
    recorded = db.session.execute(
        update(OutboxMail)
        .where(OutboxMail.id == mail_id)
        .values(status=SENT, sent_at=now or utcnow(), claim=None, claimed_until=None, file_name=file_name)
    ).rowcount
    db.session.commit()
    if not recorded and file_name:
        (outbox_dir / file_name).unlink(missing_ok=True)


def mark_failed(mail_id: int, error: str, now: datetime | None = None) -> str:
    """One failed try: due again after a growing delay, or FAILED after MAX_ATTEMPTS. Returns the status."""
    now = now or utcnow()
    mail = db.session.get(OutboxMail, mail_id)
    if mail is None:  # the person's data was deleted meanwhile
        return SENT
    mail.attempts += 1
    mail.last_error = error[:500]
    mail.claim = mail.claimed_until = None
    if mail.attempts >= MAX_ATTEMPTS:
        mail.status = FAILED
    else:
        mail.next_attempt_at = now + retry_delay(mail.attempts)
    db.session.commit()
    return mail.status


def drop(mail_id: int) -> None:
    """A mail whose registration is gone: nothing left to send it about."""
    db.session.execute(delete(OutboxMail).where(OutboxMail.id == mail_id))
    db.session.commit()


def retry(meeting_id: int, mail_id: int, now: datetime | None = None) -> None:
    """An organiser's retry of a failed (or waiting) mail: due at once, with a fresh set of tries."""
    mail = db.session.get(OutboxMail, mail_id)
    if mail is None or mail.meeting_id != meeting_id or mail.status == SENT:
        raise MailNotFound(mail_id)
    mail.status = WAITING
    mail.attempts = 0
    mail.next_attempt_at = now or utcnow()
    mail.claim = mail.claimed_until = None
    db.session.commit()


@dataclass(frozen=True)
class MeetingOutbox:
    counts: dict[str, int]
    mails: list[OutboxMail]


def for_meeting(meeting_id: int, most: int = 200) -> MeetingOutbox:
    """What was sent, what waits and what failed for one session: failed first, then newest."""
    counts = Counter(
        dict(
            db.session.execute(
                select(OutboxMail.status, db.func.count(OutboxMail.id))
                .where(OutboxMail.meeting_id == meeting_id)
                .group_by(OutboxMail.status)
            ).all()
        )
    )
    order = db.case({FAILED: 0, WAITING: 1}, value=OutboxMail.status, else_=2)
    mails = db.session.scalars(
        select(OutboxMail)
        .where(OutboxMail.meeting_id == meeting_id)
        .order_by(order, OutboxMail.created_at.desc(), OutboxMail.id.desc())
        .limit(most)
    ).all()
    return MeetingOutbox({status: counts.get(status, 0) for status in (FAILED, WAITING, SENT)}, list(mails))


def failed_counts() -> dict[int, int]:
    """Failed mails per session, for the organiser's overview."""
    return dict(
        db.session.execute(
            select(OutboxMail.meeting_id, db.func.count(OutboxMail.id))
            .where(OutboxMail.status == FAILED)
            .group_by(OutboxMail.meeting_id)
        ).all()
    )


def forget(registration_ids: list[int], outbox_dir: Path) -> int:
    """Delete the mails of these registrations and the files written for them, in the caller's
    transaction (the files at once: a rolled-back erasure leaves a mail unreadable, never a person
    readable)."""
    if not registration_ids:
        return 0
    files = db.session.scalars(
        select(OutboxMail.file_name).where(
            OutboxMail.registration_id.in_(registration_ids), OutboxMail.file_name.is_not(None)
        )
    ).all()
    for name in files:
        (outbox_dir / name).unlink(missing_ok=True)
    return db.session.execute(delete(OutboxMail).where(OutboxMail.registration_id.in_(registration_ids))).rowcount
