"""Which mail follows which change: views and commands report the event after the service has
committed it, and this module alone decides who hears of it and with which mail.

Each function is named after its event, takes ids rather than request state, and answers what
it sent, so the caller can tell the organiser or the registrant.
"""

from dataclasses import dataclass

from . import mail, services
from .models import Registration
from .services import MeetingChange, Outcome


@dataclass(frozen=True)
class Mail:
    registration_id: int
    kind: str


@dataclass(frozen=True)
class Sent:
    """The mails one event caused, in the order they went out."""

    mails: tuple[Mail, ...] = ()

    def count(self, kind: str) -> int:
        return sum(1 for sent in self.mails if sent.kind == kind)


def _send(registration: Registration, kind: str) -> Mail:
    mail.send_registration_mail(registration, kind)
    return Mail(registration.id, kind)


def _promotions(promoted: list[int]) -> list[Mail]:
    return [_send(services.get_registration(registration_id), mail.PROMOTED) for registration_id in promoted]


def registered(outcome: Outcome) -> Sent:
    """A new registration hears it is confirmed or wait-listed; a repeat with the same address
    gets a reminder of the registration that stands."""
    kind = mail.REMINDER if outcome.duplicate else mail.CONFIRMATION
    return Sent((_send(services.get_registration(outcome.registration_id), kind),))


def cancelled(registration_id: int, promoted: list[int]) -> Sent:
    """The person who cancelled gets the cancellation (it withdraws their calendar entry);
    whoever got their seat hears so."""
    own = _send(services.get_registration(registration_id), mail.CANCELLED)
    return Sent((own, *_promotions(promoted)))


def personal_data_deleted(promoted: list[int]) -> Sent:
    """The erased address hears nothing more; whoever got the freed seat hears so."""
    return Sent(tuple(_promotions(promoted)))


def meeting_changed(meeting_id: int, change: MeetingChange) -> Sent:
    """One mail per person: the promoted hear of their seat (with the new schedule), everyone
    else still registered hears of the new date, time or place."""
    promotions = _promotions(change.promoted)
    schedule_mails = []
    if change.schedule_changed:
        promoted = set(change.promoted)
        schedule_mails = [
            _send(registration, mail.SCHEDULE_CHANGED)
            for registration in services.active_registrations(meeting_id)
            if registration.id not in promoted
        ]
    return Sent((*promotions, *schedule_mails))
