"""Calendar files (RFC 5545) for a registration."""

from datetime import UTC, datetime, timedelta

from flask_babel import gettext as _
from icalendar import Calendar, Event

from .models import CANCELLED, WAITLISTED, Meeting, Registration

TIMEZONE_WINDOW = timedelta(days=366)


def location_text(meeting: Meeting) -> str:
    parts = [meeting.venue or _("Locatie volgt"), meeting.address, meeting.city]
    return ", ".join(p for p in parts if p)


def calendar_for(registration: Registration, meeting: Meeting, manage_url: str) -> bytes:
    """The calendar entry keeps one UID per registration and takes the session's schedule
    version as SEQUENCE, so an update replaces the entry people already have."""
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
    # A cancellation must outrank the last schedule update the person received.
    event.add("sequence", meeting.schedule_version + (1 if cancelled else 0))
    event.add("summary", _("Sessie Kennisinfrastructuur onderwijs – %(city)s", city=meeting.city))
    event.add("location", location_text(meeting))
    event.add(
        "description", _("Niet mopperen, maar opperen. Uw aanmelding bekijken of wijzigen: %(url)s", url=manage_url)
    )
    event.add("url", manage_url)
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
