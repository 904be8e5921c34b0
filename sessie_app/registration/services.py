"""Registration rules: seats, the waiting list, duplicates, changes and deletion.

Functions take plain arguments, commit their own transaction and return plain data. The
notifications module decides which mails follow a change; they are queued in the same transaction.
"""

from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from ..extensions import db, empty_sqlite_wal
from ..outbox import services as outbox
from ..outbox.models import OutboxMail
from ..timeutil import today_local, utcnow
from . import notifications
from .meetings import meeting_by_id
from .models import CANCELLED, CONFIRMED, WAITLISTED, Meeting, Registration


class RegistrationError(Exception):
    """Base for the rule violations a person can be told about."""


class RegistrationClosed(RegistrationError):
    """Registration is closed by the organiser, or the session has passed."""


class RegistrationNotFound(RegistrationError):
    pass


class AlreadyRegistered(RegistrationError):
    """An organiser adds someone whose address already has a live registration for the session."""


@dataclass(frozen=True)
class Details:
    """What a person fills in; e-mail is normalised by the form before it gets here."""

    name: str
    email: str | None  # None only for someone an organiser adds without an address
    organisation: str
    role: str
    sector: str
    meal: bool
    health_consent: bool = False
    dietary: str | None = None
    accessibility: str | None = None
    locale: str = "nl"

    def personal_fields(self) -> dict:
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        if not self.health_consent:
            # Health data is kept only with its own consent.
            values["dietary"] = values["accessibility"] = None
        return values


@dataclass(frozen=True)
class Outcome:
    registration_id: int
    status: str
    duplicate: bool = False
    mails: notifications.Queued = field(default_factory=notifications.Queued)


@dataclass(frozen=True)
class Change:
    """What a cancellation or an erasure did: who got a seat, and the mails it queued."""

    promoted: list[int]
    mails: notifications.Queued


@dataclass(frozen=True)
class Availability:
    confirmed: int
    waitlisted: int
    capacity: int

    @property
    def seats_left(self) -> int:
        return max(self.capacity - self.confirmed, 0)


def availability(meeting_ids: list[int] | None = None) -> dict[int, Availability]:
    """Seats taken and waiting per session, in one query."""
    counts = (
        select(
            Meeting.id,
            Meeting.capacity,
            func.count(Registration.id).filter(Registration.status == CONFIRMED),
            func.count(Registration.id).filter(Registration.status == WAITLISTED),
        )
        .outerjoin(Registration, Registration.meeting_id == Meeting.id)
        .group_by(Meeting.id, Meeting.capacity)
    )
    if meeting_ids is not None:
        counts = counts.where(Meeting.id.in_(meeting_ids))
    return {
        meeting_id: Availability(confirmed=confirmed, waitlisted=waitlisted, capacity=capacity)
        for meeting_id, capacity, confirmed, waitlisted in db.session.execute(counts)
    }


def is_open(meeting: Meeting) -> bool:
    return meeting.registration_open and meeting.date >= today_local()


def _lock_meeting(meeting_id: int) -> None:
    """Serialise seat assignment for one session until commit.

    An UPDATE takes PostgreSQL's row lock and SQLite's write lock alike, so the
    availability check that follows sees every earlier assignment (pretix's approach).
    """
    db.session.execute(
        update(Meeting).where(Meeting.id == meeting_id).values(registrations_version=Meeting.registrations_version + 1)
    )


def _count(meeting_id: int, status: str) -> int:
    return db.session.scalar(
        select(func.count(Registration.id)).where(Registration.meeting_id == meeting_id, Registration.status == status)
    )


def _active_registration(meeting_id: int, email: str) -> Registration | None:
    return db.session.scalar(
        select(Registration).where(
            Registration.meeting_id == meeting_id,
            Registration.email == email,
            Registration.status != CANCELLED,
        )
    )


def register(meeting_id: int, details: Details, *, lock: bool = True) -> Outcome:
    """Register someone, confirmed while seats last and wait-listed after that.

    A second registration with the same address returns the first one with
    ``duplicate=True``. Raises RegistrationClosed or MeetingNotFound.
    ``lock=False`` exists only for the control run of the overselling test.
    """
    meeting = meeting_by_id(meeting_id)
    if not is_open(meeting):
        raise RegistrationClosed(meeting.slug)
    try:
        if lock:
            _lock_meeting(meeting_id)
        existing = _active_registration(meeting_id, details.email)
        if existing is not None:
            db.session.rollback()
            return _repeated(meeting_id, details.email)
        status = CONFIRMED if _count(meeting_id, CONFIRMED) < meeting.capacity else WAITLISTED
        registration = Registration(meeting_id=meeting_id, status=status, **details.personal_fields())
        db.session.add(registration)
        db.session.flush()
        mails = notifications.registered(registration, duplicate=False)
        db.session.commit()
    except IntegrityError:
        # Lost a race for the same address: the other request's registration stands.
        db.session.rollback()
        return _repeated(meeting_id, details.email)
    return Outcome(registration.id, registration.status, mails=mails)


def _repeated(meeting_id: int, email: str) -> Outcome:
    """A second registration with an address that has one: the first stands, and hears of it."""
    existing = _active_registration(meeting_id, email)
    if existing is None:
        raise RegistrationError(email)
    mails = notifications.registered(existing, duplicate=True)
    db.session.commit()
    return Outcome(existing.id, existing.status, duplicate=True, mails=mails)


def add_by_organiser(meeting_id: int, details: Details, *, check_in_now: bool) -> Outcome:
    """A phone registration or a walk-in, added by an organiser, also when the form is closed.

    The seat follows the same rule as the form, except for a walk-in checked in at the door: they
    are in the room, so they are confirmed even when the session is full. With an address, they
    get the confirmation mail as anyone does. Raises AlreadyRegistered."""
    meeting = meeting_by_id(meeting_id)
    _lock_meeting(meeting_id)
    if details.email and _active_registration(meeting_id, details.email) is not None:
        db.session.rollback()
        raise AlreadyRegistered(details.email)
    seated = check_in_now or _count(meeting_id, CONFIRMED) < meeting.capacity
    registration = Registration(
        meeting_id=meeting_id,
        status=CONFIRMED if seated else WAITLISTED,
        checked_in_at=utcnow() if check_in_now else None,
        **details.personal_fields(),
    )
    db.session.add(registration)
    db.session.flush()
    mails = notifications.registered(registration, duplicate=False) if registration.email else notifications.Queued()
    db.session.commit()
    return Outcome(registration.id, registration.status, mails=mails)


def get_registration(registration_id: int) -> Registration:
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.anonymised_at is not None:
        raise RegistrationNotFound(registration_id)
    return registration


def find_by_token(token: str) -> Registration:
    registration = db.session.scalar(select(Registration).where(Registration.token == token))
    if registration is None:
        raise RegistrationNotFound(token)
    return registration


def update_details(registration_id: int, details: Details) -> None:
    """Change what someone filled in; the address stays the one they registered with."""
    registration = get_registration(registration_id)
    for name, value in details.personal_fields().items():
        if name != "email":
            setattr(registration, name, value)
    db.session.commit()


def _promote_waiting(meeting: Meeting) -> list[Registration]:
    """Give free seats to the longest-waiting people; caller holds the lock."""
    free = meeting.capacity - _count(meeting.id, CONFIRMED)
    if free <= 0:
        return []
    waiting = db.session.scalars(
        select(Registration)
        .where(Registration.meeting_id == meeting.id, Registration.status == WAITLISTED)
        .order_by(Registration.created_at, Registration.id)
        .limit(free)
    ).all()
    for registration in waiting:
        registration.status = CONFIRMED
        # Their calendar entry changes from tentative to confirmed: a higher SEQUENCE replaces it.
        registration.calendar_version += 1
    return list(waiting)


def cancel(registration_id: int) -> Change:
    """Cancel a registration; whoever gets the seat from the waiting list is promoted."""
    registration = get_registration(registration_id)
    if registration.status == CANCELLED:
        return Change([], notifications.Queued())
    _lock_meeting(registration.meeting_id)
    registration.status = CANCELLED
    registration.cancelled_at = utcnow()
    registration.calendar_version += 1
    db.session.flush()
    promoted = _promote_waiting(registration.meeting)
    mails = notifications.cancelled(registration, promoted)
    db.session.commit()
    return Change([r.id for r in promoted], mails)


def _anonymise(registration: Registration) -> None:
    registration.name = registration.email = registration.organisation = None
    registration.dietary = registration.accessibility = None
    registration.token = None
    registration.health_consent = False
    registration.anonymised_at = utcnow()


def delete_personal_data(registration_id: int, outbox_dir: Path) -> Change:
    """Cancel (when still active) and erase everything personal, the mails to them and their files
    in ``outbox_dir`` included; role, sector and meal stay as counts."""
    registration = get_registration(registration_id)
    _lock_meeting(registration.meeting_id)
    promoted: list[Registration] = []
    if registration.status != CANCELLED:
        registration.status = CANCELLED
        registration.cancelled_at = utcnow()
        db.session.flush()
        promoted = _promote_waiting(registration.meeting)
    _anonymise(registration)
    outbox.forget([registration.id], outbox_dir)
    mails = notifications.personal_data_deleted(promoted)
    db.session.commit()
    empty_sqlite_wal()
    return Change([r.id for r in promoted], mails)


def purge_past(older_than_days: int, outbox_dir: Path) -> int:
    """Erase personal data (and mails) of sessions that ended more than ``older_than_days`` ago. The
    caller empties SQLite's log (empty_sqlite_wal) once it has erased all it erases: the purge command
    forgets the boards' participants after this."""
    cutoff = today_local() - timedelta(days=older_than_days)
    registrations = db.session.scalars(
        select(Registration).join(Meeting).where(Meeting.date < cutoff, Registration.anonymised_at.is_(None))
    ).all()
    for registration in registrations:
        _anonymise(registration)
    outbox.forget([registration.id for registration in registrations], outbox_dir)
    db.session.commit()
    return len(registrations)


@dataclass(frozen=True)
class MeetingChange:
    schedule_changed: bool
    promoted: list[int]
    mails: notifications.Queued


def update_meeting(
    meeting_id: int,
    *,
    city: str,
    venue: str | None,
    address: str | None,
    date: date,
    starts_at: time,
    ends_at: time,
    capacity: int,
    registration_open: bool,
) -> MeetingChange:
    """Edit a session. A change of date, time or place raises the calendar SEQUENCE;
    more capacity promotes people from the waiting list. Raises MeetingNotFound."""
    meeting = meeting_by_id(meeting_id)
    _lock_meeting(meeting_id)
    new_values = {
        "venue": venue or None,
        "address": address or None,
        "date": date,
        "starts_at": starts_at,
        "ends_at": ends_at,
    }
    changes = notifications.schedule_changes({key: getattr(meeting, key) for key in new_values}, new_values)
    schedule_changed = bool(changes)
    for key, value in new_values.items():
        setattr(meeting, key, value)
    meeting.city = city
    meeting.capacity = capacity
    meeting.registration_open = registration_open
    if schedule_changed:
        meeting.schedule_version += 1
    db.session.flush()
    promoted = _promote_waiting(meeting)
    mails = notifications.meeting_changed(
        meeting, changes=changes, promoted=promoted, active=active_registrations(meeting_id)
    )
    db.session.commit()
    return MeetingChange(schedule_changed=schedule_changed, promoted=[r.id for r in promoted], mails=mails)


def create_meeting(
    *,
    slug: str,
    city: str,
    venue: str | None,
    address: str | None,
    date: date,
    starts_at: time,
    ends_at: time,
    capacity: int,
    registration_open: bool = True,
) -> Meeting:
    meeting = Meeting(
        slug=slug,
        city=city,
        venue=venue or None,
        address=address or None,
        date=date,
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        registration_open=registration_open,
    )
    db.session.add(meeting)
    db.session.commit()
    return meeting


def active_registrations(meeting_id: int) -> list[Registration]:
    """Everyone who should hear about a change to the session."""
    return list(
        db.session.scalars(
            select(Registration)
            .where(
                Registration.meeting_id == meeting_id,
                Registration.status != CANCELLED,
                Registration.anonymised_at.is_(None),
            )
            .order_by(Registration.id)
        )
    )


def reconfirm(registration_id: int) -> bool:
    """ "Ik kom" from the reminder; False when the registration holds no seat (cancelled, waiting)."""
    registration = get_registration(registration_id)
    if registration.status != CONFIRMED:
        return False
    if registration.reconfirmed_at is None:
        registration.reconfirmed_at = utcnow()
        db.session.commit()
    return True


def _without_mail(meeting_id: int, kind: str):
    """Confirmed registrations of a session that have no mail of ``kind`` yet."""
    mailed = select(OutboxMail.registration_id).where(OutboxMail.kind == kind, OutboxMail.registration_id.is_not(None))
    return (
        select(Registration)
        .where(
            Registration.meeting_id == meeting_id,
            Registration.status == CONFIRMED,
            # Also no address: taken by phone or at the door.
            Registration.email.is_not(None),
            Registration.id.not_in(mailed),
        )
        .order_by(Registration.id)
    )


def _reminder_candidates(meeting: Meeting, kind: str, starts: datetime, reminder_before: timedelta, now: datetime):
    query = _without_mail(meeting.id, kind)
    if kind == notifications.REMINDER:
        # Who registered after the reminder's moment has the confirmation fresh in their inbox.
        return query.where(Registration.created_at < starts - reminder_before)
    reminded = select(OutboxMail.registration_id).where(
        OutboxMail.kind == notifications.REMINDER,
        OutboxMail.created_at <= now - notifications.NUDGE_AFTER_REMINDER,
    )
    return query.where(Registration.reconfirmed_at.is_(None), Registration.id.in_(reminded))


def queue_due_reminders(now: datetime, reminder_before: timedelta, nudge_before: timedelta) -> notifications.Queued:
    """Queue the reminders and nudges whose moment has come (notifications decides when), each once:
    the session is locked before its candidates are read, so two senders cannot both queue one."""
    queued = notifications.Queued()
    upcoming = db.session.scalars(select(Meeting).where(Meeting.date >= (now - timedelta(days=1)).date())).all()
    for meeting in upcoming:
        starts = meeting.starts.astimezone(UTC).replace(tzinfo=None)
        for kind in notifications.reminder_kinds_due(starts, now, reminder_before, nudge_before):
            candidates = _reminder_candidates(meeting, kind, starts, reminder_before, now)
            if db.session.scalar(candidates.limit(1)) is None:
                continue
            _lock_meeting(meeting.id)
            for registration in db.session.scalars(candidates):
                queued += notifications.reminded(registration, kind, now)
            db.session.commit()
    db.session.rollback()
    return queued


def set_checked_in(registration_id: int, present: bool) -> Registration:
    registration = get_registration(registration_id)
    registration.checked_in_at = utcnow() if present else None
    db.session.commit()
    return registration


def seat_at_the_door(registration_id: int) -> Outcome:
    """Someone on the waiting list stands at the door and the organiser lets them in: confirmed even
    when the session is full, as a walk-in is (add_by_organiser), checked in, and told of the seat
    as anyone promoted from the waiting list is. Someone already seated is only checked in; a
    cancelled registration holds no place to give and is left as it is (the answer's status says
    so). Raises RegistrationNotFound."""
    registration = get_registration(registration_id)
    _lock_meeting(registration.meeting_id)
    # Read again under the lock: a second organiser at the door may have seated them a moment ago.
    db.session.refresh(registration)
    if registration.status == CANCELLED:
        db.session.rollback()
        return Outcome(registration_id, CANCELLED)
    promoted = registration.status == WAITLISTED
    if promoted:
        registration.status = CONFIRMED
        # Their calendar entry changes from tentative to confirmed: a higher SEQUENCE replaces it.
        registration.calendar_version += 1
    if registration.checked_in_at is None:
        registration.checked_in_at = utcnow()
    mails = notifications.seated_at_the_door(registration, promoted=promoted)
    db.session.commit()
    return Outcome(registration.id, registration.status, mails=mails)
