"""The mails a registrant receives, each with the calendar file and their personal link; rendered
by the outbox's sender when it sends them, from the registration as it is then."""

import io
from email.message import EmailMessage

import qrcode
from flask import render_template
from flask_babel import force_locale, format_date
from flask_babel import gettext as _

from .. import mailer, tokens
from ..extensions import db
from ..i18n import locale_for
from ..urls import external_url
from .ics import calendar_for, location_text
from .models import CONFIRMED, Registration
from .notifications import CANCELLED, LINK_AGAIN, NUDGE, PROMOTED, REMINDER, SCHEDULE_CHANGED


def manage_url(registration: Registration) -> str:
    return external_url("registration.manage", token=_signed(registration))


def _signed(registration: Registration) -> str:
    return tokens.sign(tokens.MANAGE, registration.token)


def check_in_url(registration: Registration) -> str:
    return external_url("organiser.check_in_code", code=tokens.sign(tokens.CHECK_IN, registration.token))


def session_url(registration: Registration) -> str:
    return external_url("registration.meeting", slug=registration.meeting.slug)


def _subject(kind: str, registration: Registration) -> str:
    city = registration.meeting.city
    if kind == CANCELLED:
        return _("Afmelding ontvangen: sessie %(city)s", city=city)
    if kind == SCHEDULE_CHANGED:
        return _("Gewijzigd: tijd of locatie van de sessie in %(city)s", city=city)
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


def _qr_png(data: str) -> bytes:
    buffer = io.BytesIO()
    qrcode.make(data, box_size=6, border=2).save(buffer, format="PNG")
    return buffer.getvalue()


def registration_mail(registration_id: int, kind: str, recipient: str) -> EmailMessage | None:
    """The mail of ``kind`` to a registrant, in the language they registered in; None when their
    data has been deleted since it was queued. Needs a request context on BASE_URL (urls.link_context).

    Nothing the registrant typed appears in it: the form is public, so a name or an organisation in
    the mail would let anyone send text of their choosing to any address from the organisers."""
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.anonymised_at is not None:
        return None
    if kind in (REMINDER, NUDGE) and registration.status != CONFIRMED:
        return None  # cancelled since the reminder was queued: nothing to remind of
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
        }
        message = mailer.new_message(recipient, _subject(kind, registration))
        message.set_content(render_template("emails/registration.txt", **context))
        message.add_alternative(render_template("emails/registration.html", **context), subtype="html")
        if show_check_in:
            html_part = message.get_payload()[1]
            html_part.add_related(
                _qr_png(check_in_url(registration)), "image", "png", cid="<check-in-qr>", filename="aanmelding-qr.png"
            )
        message.add_attachment(
            calendar_for(registration, meeting, session_url(registration)),
            maintype="text",
            subtype="calendar",
            filename=f"sessie-{meeting.slug}.ics",
            params={"method": "CANCEL" if kind == CANCELLED else "PUBLISH"},
        )
    return message
