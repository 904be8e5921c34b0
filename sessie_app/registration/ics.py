"""Calendar files (RFC 5545) for a registration."""

from datetime import UTC, datetime, timedelta

from flask_babel import gettext as _
from icalendar import Calendar, Event

from .models import CANCELLED, WAITLISTED, Meeting, Registration

TIMEZONE_WINDOW = timedelta(days=366)


def location_text(meeting: Meeting) -> str:
    """Venue, address and city, the city once: an address usually ends with it ("8017 CA Zwolle")."""
    parts = [meeting.venue or _("Locatie volgt"), meeting.address]
    if not (meeting.address and meeting.city.casefold() in meeting.address.casefold()):
        parts.append(meeting.city)
    return ", ".join(p for p in parts if p)


def calendar_for(registration: Registration, meeting: Meeting, session_url: str) -> bytes:
    """The calendar entry keeps one UID per registration; its SEQUENCE is the session's schedule
    version plus the registration's own changes, so every update replaces the entry people have.
    It links to the session's public page, never to the personal manage link: a calendar entry is
    shared, synced and forwarded more freely than a mail."""
    cancelled = registration.status == CANCELLED
    calendar = Calendar()
    calendar.add("prodid", "-//sessie_app//Kennisinfrastructuur onderwijs//NL")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    event = Event()
    event.add("uid", registration.calendar_uid)
    event.add("dtstamp", datetime.now(UTC))
    event.add("dtstart", meeting.starts)
    event.add("dtend", meeting.ends)
    event.add("sequence", meeting.schedule_version + registration.calendar_version)
    event.add("summary", _("Sessie Kennisinfrastructuur onderwijs – %(city)s", city=meeting.city))
    event.add("location", location_text(meeting))
    event.add(
        "description",
        _(
            "Niet mopperen, maar opperen. Over de sessie: %(url)s – uw aanmelding wijzigen of afmelden doet u via de"
            " link in uw bevestigingsmail.",
            url=session_url,
        ),
    )
    event.add("url", session_url)
    if cancelled:
        event.add("status", "CANCELLED")
    elif registration.status == WAITLISTED:
        event.add("status", "TENTATIVE")
    else:
        event.add("status", "CONFIRMED")
    calendar.add_component(event)
    # The time zone's rules around the session only: icalendar's default window (1970-2038) makes
    # the entry four times as large and takes five times as long to build, for every mail.
    calendar.add_missing_timezones(first_date=meeting.date - TIMEZONE_WINDOW, last_date=meeting.date + TIMEZONE_WINDOW)
    return calendar.to_ical()
