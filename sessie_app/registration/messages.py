"""An organiser's message to a session's registrants: who an audience is, how many it reaches, and
queueing one mail per recipient in the outbox with the message, in one transaction.

The request that sends it only writes rows (150 recipients: one INSERT each, no rendering); the
outbox's sender renders each mail with the recipient's own manage link.
"""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..timeutil import utcnow
from . import notifications
from .meetings import meeting_by_id
from .models import CANCELLED, CONFIRMED, WAITLISTED, RegistrantMessage, Registration

EVERYONE = "all"
SEATED = "confirmed"
WAITING = "waitlisted"
PRESENT = "present"
ABSENT = "absent"
AUDIENCES = {
    EVERYONE: _l("Iedereen die is aangemeld (bevestigd en wachtlijst)"),
    SEATED: _l("Bevestigd"),
    WAITING: _l("Wachtlijst"),
    PRESENT: _l("Ingecheckt"),
    ABSENT: _l("Bevestigd en niet ingecheckt"),
}


class UnknownAudience(ValueError):
    pass


def _audience_filter(audience: str):
    if audience == EVERYONE:
        return Registration.status != CANCELLED
    if audience == SEATED:
        return Registration.status == CONFIRMED
    if audience == WAITING:
        return Registration.status == WAITLISTED
    if audience == PRESENT:
        return Registration.checked_in_at.is_not(None) & (Registration.status != CANCELLED)
    if audience == ABSENT:
        return Registration.checked_in_at.is_(None) & (Registration.status == CONFIRMED)
    raise UnknownAudience(audience)


def _recipients(meeting_id: int, audience: str):
    # Without an address (phone registrations, walk-ins, erased data) nobody can be mailed.
    return select(Registration).where(
        Registration.meeting_id == meeting_id, Registration.email.is_not(None), _audience_filter(audience)
    )


def count(meeting_id: int, audience: str) -> int:
    """How many people a message to ``audience`` reaches now. Raises UnknownAudience."""
    query = _recipients(meeting_id, audience).with_only_columns(func.count(Registration.id))
    return db.session.scalar(query)


@dataclass(frozen=True)
class Sent:
    message_id: int
    recipients: int
    again: bool = False


def send(
    meeting_id: int,
    *,
    draft: str,
    audience: str,
    subject: str,
    body: str,
    sent_by: int | None,
    now: datetime | None = None,
) -> Sent:
    """Queue the message for everyone in ``audience``, committed with the message itself; the same
    ``draft`` sent again answers the message already sent. Raises MeetingNotFound, UnknownAudience."""
    meeting_by_id(meeting_id)
    recipients = db.session.scalars(_recipients(meeting_id, audience).order_by(Registration.id)).all()
    message = RegistrantMessage(
        meeting_id=meeting_id,
        audience=audience,
        subject=subject,
        body=body,
        recipients=len(recipients),
        sent_by=sent_by,
        draft=draft,
        created_at=now or utcnow(),
    )
    db.session.add(message)
    try:
        db.session.flush()
    except IntegrityError:  # the draft's unique key: sent by the first click
        db.session.rollback()
        already = db.session.scalars(select(RegistrantMessage).where(RegistrantMessage.draft == draft)).one()
        return Sent(already.id, already.recipients, again=True)
    notifications.message_sent(message.id, recipients)
    db.session.commit()
    return Sent(message.id, len(recipients))


def sent_messages(meeting_id: int) -> list[RegistrantMessage]:
    """The messages already sent for a session, newest first."""
    return list(
        db.session.scalars(
            select(RegistrantMessage)
            .where(RegistrantMessage.meeting_id == meeting_id)
            .order_by(RegistrantMessage.created_at.desc(), RegistrantMessage.id.desc())
        )
    )


def get_message(message_id: int) -> RegistrantMessage | None:
    return db.session.get(RegistrantMessage, message_id)
