"""The mails a registrant receives, each with the calendar file and their personal link; rendered
by the outbox's sender when it sends them, from the registration as it is then."""

from email.message import EmailMessage

from flask import render_template
from flask_babel import force_locale, format_date, format_time
from flask_babel import gettext as _

from .. import mailer, qr, tokens
from ..extensions import db
from ..i18n import locale_for
from ..urls import external_url
from . import notifications
from .ics import calendar_for, location_text
from .messages import get_message
from .models import CANCELLED as CANCELLED_STATUS
from .models import CONFIRMED, Meeting, RegistrantMessage, Registration
from .notifications import CANCELLED, LINK_AGAIN, MESSAGE, NUDGE, PROMOTED, REMINDER, SCHEDULE_CHANGED


def manage_url(registration: Registration) -> str:
    return external_url("registration.manage", token=_signed(registration))


def _signed(registration: Registration) -> str:
    return tokens.sign(tokens.MANAGE, registration.token)


def check_in_url(registration: Registration) -> str:
    return external_url("organiser.check_in_code", code=tokens.sign(tokens.CHECK_IN, registration.token))


def session_url(registration: Registration) -> str:
    return external_url("registration.meeting", slug=registration.meeting.slug)


def _schedule_subject(changes: tuple[str, ...], city: str) -> str:
    if changes == (notifications.VENUE_KNOWN,):
        return _("De locatie is bekend: sessie %(city)s", city=city)
    if changes == (notifications.VENUE_CHANGED,):
        return _("Nieuwe locatie: sessie %(city)s", city=city)
    if changes == (notifications.DATE_CHANGED,):
        return _("Nieuwe datum: sessie %(city)s", city=city)
    if changes == (notifications.TIME_CHANGED,):
        return _("Nieuwe tijden: sessie %(city)s", city=city)
    return _("Gewijzigd: tijd of locatie van de sessie in %(city)s", city=city)


def _schedule_lines(changes: tuple[str, ...], meeting: Meeting) -> list[str]:
    """What changed, said as news ("De locatie is bekend: …"), from the session as it is now."""
    sentences = {
        notifications.DATE_CHANGED: lambda: _(
            "De sessie is verplaatst naar %(date)s.", date=format_date(meeting.date, "full")
        ),
        notifications.TIME_CHANGED: lambda: _(
            "De sessie duurt nu van %(start)s tot %(end)s.",
            start=format_time(meeting.starts_at, "HH:mm", rebase=False),
            end=format_time(meeting.ends_at, "HH:mm", rebase=False),
        ),
        notifications.VENUE_KNOWN: lambda: _("De locatie is bekend: %(location)s.", location=location_text(meeting)),
        notifications.VENUE_CHANGED: lambda: _(
            "De sessie vindt op een andere plek plaats: %(location)s.", location=location_text(meeting)
        ),
    }
    return [sentences[change]() for change in changes if change in sentences]


def _changes(text: str | None) -> tuple[str, ...]:
    return tuple(change for change in (text or "").split(",") if change in notifications.SCHEDULE_CHANGES)


def paragraphs(text: str) -> list[list[str]]:
    """An organiser's text as paragraphs of lines, for the HTML part and the organiser's preview
    (autoescaped line by line)."""
    return [paragraph.split("\n") for paragraph in text.split("\n\n") if paragraph.strip()]


def _subject(kind: str, registration: Registration, changes: tuple[str, ...], message) -> str:
    city = registration.meeting.city
    if kind == MESSAGE:
        return message.subject
    if kind == CANCELLED:
        return _("Afmelding ontvangen: sessie %(city)s", city=city)
    if kind == SCHEDULE_CHANGED:
        return _schedule_subject(changes, city)
    if kind == PROMOTED:
        return _("Er is een plek vrijgekomen: u bent aangemeld voor %(city)s", city=city)
    if kind == REMINDER:
        return _(
            "Herinnering: sessie %(city)s op %(date)s", city=city, date=format_date(registration.meeting.date, "full")
        )
    if kind == NUDGE:
        return _("Komt u naar de sessie in %(city)s? Laat het ons even weten", city=city)
    if kind == LINK_AGAIN:
        return _("Uw persoonlijke link voor de sessie in %(city)s", city=city)
    if registration.status == CONFIRMED:
        return _("Aanmelding bevestigd: sessie %(city)s", city=city)
    return _("U staat op de wachtlijst: sessie %(city)s", city=city)


def registration_mail(
    registration_id: int, kind: str, recipient: str, *, message_id: int | None = None, changes: str | None = None
) -> EmailMessage | None:
    """The mail of ``kind`` to a registrant, in the language they registered in; None when their
    data has been deleted since it was queued. Needs a request context on BASE_URL (urls.link_context).
    An organiser's message (``message_id``) and what a schedule change changed (``changes``) come
    from the outbox row.

    Nothing the registrant typed appears in it: the form is public, so a name or an organisation in
    the mail would let anyone send text of their choosing to any address from the organisers."""
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.anonymised_at is not None:
        return None
    if kind in (REMINDER, NUDGE) and registration.status != CONFIRMED:
        return None  # cancelled since the reminder was queued: nothing to remind of
    message: RegistrantMessage | None = None
    if kind == MESSAGE:
        message = get_message(message_id)
        if message is None or registration.status == CANCELLED_STATUS:
            return None  # cancelled since the message was queued: it no longer concerns them
    schedule_changes = _changes(changes)
    with force_locale(locale_for(registration.locale)):
        meeting = registration.meeting
        show_check_in = registration.status == CONFIRMED and kind != CANCELLED
        context = {
            "kind": kind,
            "registration": registration,
            "meeting": meeting,
            "location": location_text(meeting),
            "manage_url": manage_url(registration),
            # Each leads to a page with one button: a mail scanner that opens links changes nothing.
            "reconfirm_url": external_url("registration.reconfirm", token=_signed(registration)),
            "cancel_url": external_url("registration.cancel", token=_signed(registration)),
            "show_check_in": show_check_in,
            "change_lines": _schedule_lines(schedule_changes, meeting),
            "message": message,
            "message_paragraphs": paragraphs(message.body) if message else [],
        }
        mail = mailer.new_message(recipient, _subject(kind, registration, schedule_changes, message))
        if kind != CANCELLED:
            # Where mail clients offer "unsubscribe": the page where they cancel or erase their data.
            mail["List-Unsubscribe"] = f"<{context['manage_url']}>"
        mail.set_content(render_template("emails/registration.txt", **context))
        mail.add_alternative(render_template("emails/registration.html", **context), subtype="html")
        if show_check_in:
            html_part = mail.get_payload()[1]
            html_part.add_related(
                qr.png(check_in_url(registration)), "image", "png", cid="<check-in-qr>", filename="aanmelding-qr.png"
            )
        if kind != MESSAGE:  # a message is news, not a change to the appointment
            mail.add_attachment(
                calendar_for(registration, meeting, session_url(registration)),
                maintype="text",
                subtype="calendar",
                filename=f"sessie-{meeting.slug}.ics",
                params={"method": "CANCEL" if kind == CANCELLED else "PUBLISH"},
            )
    return mail
