"""Which mail follows which change: the registration services call these inside their transaction,
before they commit, and this module alone decides who hears of a change and with which mail. The
mail is a row in the outbox, committed with the change; the outbox's sender renders and sends it.

Each function is named after its event and answers the mails it queued, so the caller can tell the
organiser or the registrant.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from ..outbox import services as outbox
from ..timeutil import utcnow
from .models import Meeting, Registration

CONFIRMATION = "confirmation"
# "You were already registered; here is your link again": what a second registration with the same
# address gets, so the form never tells a stranger whether an address is known.
LINK_AGAIN = "link_again"
PROMOTED = "promoted"
SCHEDULE_CHANGED = "schedule_changed"
CANCELLED = "cancelled"
# A week before (REMINDER_DAYS_BEFORE): date, place, what to bring and "Ik kom" / "Ik kan niet meer",
# so a seat someone no longer needs goes to the waiting list and the caterer counts real people.
REMINDER = "reminder"
# Closer to the day (NUDGE_DAYS_BEFORE), once, to whoever has not answered the reminder.
NUDGE = "nudge"
# An organiser's message to (part of) a session's registrants, each with their own manage link.
MESSAGE = "message"
# A nudge needs a reminder that had time to be read, also when the sender was off for days.
NUDGE_AFTER_REMINDER = timedelta(days=1)

# However often a form is posted with someone's address, that person gets their link again at most
# once in this time: enough for someone who lost the mail, useless for flooding an inbox.
LINK_AGAIN_EVERY = timedelta(hours=12)


@dataclass(frozen=True)
class Mail:
    registration_id: int
    kind: str


@dataclass(frozen=True)
class Queued:
    """The mails one change queued, in the order they will go out."""

    mails: tuple[Mail, ...] = ()

    def count(self, kind: str) -> int:
        return sum(1 for queued in self.mails if queued.kind == kind)

    def __add__(self, other: "Queued") -> "Queued":
        return Queued(self.mails + other.mails)


# What a change of schedule can change, in the order a mail names them. A place given where there
# was none ("nog niet bekend") is news of its own: "De locatie is bekend".
DATE_CHANGED = "date"
TIME_CHANGED = "time"
VENUE_KNOWN = "venue_known"
VENUE_CHANGED = "venue"
SCHEDULE_CHANGES = (DATE_CHANGED, TIME_CHANGED, VENUE_KNOWN, VENUE_CHANGED)


def schedule_changes(before: dict, after: dict) -> tuple[str, ...]:
    """What changed between two schedules (dicts of date, starts_at, ends_at, venue, address)."""
    changed = set()
    if before["date"] != after["date"]:
        changed.add(DATE_CHANGED)
    if (before["starts_at"], before["ends_at"]) != (after["starts_at"], after["ends_at"]):
        changed.add(TIME_CHANGED)
    if (before["venue"], before["address"]) != (after["venue"], after["address"]):
        changed.add(VENUE_KNOWN if not (before["venue"] or before["address"]) else VENUE_CHANGED)
    return tuple(change for change in SCHEDULE_CHANGES if change in changed)


def _queue(registration: Registration, kind: str, now: datetime | None = None, **details) -> Queued:
    """The mail in the caller's transaction; none for a registration without an address (taken by
    phone or at the door), which the organiser informs in person."""
    if not registration.email:
        return Queued()
    outbox.queue(
        meeting_id=registration.meeting_id,
        registration_id=registration.id,
        kind=kind,
        recipient=registration.email,
        now=now,
        **details,
    )
    return Queued((Mail(registration.id, kind),))


def _each(registrations, kind: str, **details) -> Queued:
    return sum((_queue(registration, kind, **details) for registration in registrations), Queued())


def _promotions(promoted: list[Registration]) -> Queued:
    return _each(promoted, PROMOTED)


def registered(registration: Registration, *, duplicate: bool) -> Queued:
    """A new registration hears it is confirmed or wait-listed; a repeat with the same address gets
    the link of the registration that stands, at most once per LINK_AGAIN_EVERY."""
    if not duplicate:
        return _queue(registration, CONFIRMATION)
    if outbox.queued_since(registration.id, (CONFIRMATION, LINK_AGAIN), utcnow() - LINK_AGAIN_EVERY):
        return Queued()
    return _queue(registration, LINK_AGAIN)


def reminder_kinds_due(starts: datetime, now: datetime, reminder_before: timedelta, nudge_before: timedelta):
    """The reminder mails whose moment has come for a session starting at ``starts`` (both naive
    UTC): computed from the session's time whenever it is asked, so a session that moves takes its
    reminders along."""
    if now >= starts:
        return ()
    return tuple(
        kind for kind, before in ((REMINDER, reminder_before), (NUDGE, nudge_before)) if now >= starts - before
    )


def reminded(registration: Registration, kind: str, now: datetime) -> Queued:
    return _queue(registration, kind, now)


def seated_at_the_door(registration: Registration, *, promoted: bool) -> Queued:
    """Someone from the waiting list let in at the door hears of their seat as anyone promoted does
    (the calendar entry turns from tentative to confirmed)."""
    return _promotions([registration] if promoted else [])


def cancelled(registration: Registration, promoted: list[Registration]) -> Queued:
    """The person who cancelled gets the cancellation (it withdraws their calendar entry);
    whoever got their seat hears so."""
    return _queue(registration, CANCELLED) + _promotions(promoted)


def personal_data_deleted(promoted: list[Registration]) -> Queued:
    """The erased address hears nothing more; whoever got the freed seat hears so."""
    return _promotions(promoted)


def meeting_changed(meeting: Meeting, *, changes: tuple[str, ...], promoted: list[Registration], active) -> Queued:
    """One mail per person: the promoted hear of their seat (with the new schedule), everyone
    else still registered hears what changed (``changes``, from schedule_changes)."""
    promotions = _promotions(promoted)
    if not changes:
        return promotions
    seated = {registration.id for registration in promoted}
    others = [registration for registration in active if registration.id not in seated]
    return promotions + _each(others, SCHEDULE_CHANGED, changes=",".join(changes))


def message_sent(message_id: int, recipients: list[Registration]) -> Queued:
    """An organiser's message: one mail per recipient, each rendered with their own link."""
    return _each(recipients, MESSAGE, message_id=message_id)
