"""Finding sessions: by slug, by id, and all of them in date order. Every caller asks here."""

import re

from sqlalchemy import func, select

from .. import limits
from ..extensions import db
from .models import Meeting

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class MeetingNotFound(LookupError):
    """No session has this slug or id."""


def is_valid_slug(slug: str) -> bool:
    return len(slug) <= limits.SLUG and bool(SLUG_RE.match(slug))


def meeting_by_slug(slug: str) -> Meeting:
    """The session with this slug. Raises MeetingNotFound; a malformed slug never reaches the database."""
    if not is_valid_slug(slug):
        raise MeetingNotFound(slug)
    meeting = db.session.scalar(select(Meeting).where(Meeting.slug == slug))
    if meeting is None:
        raise MeetingNotFound(slug)
    return meeting


def meeting_by_id(meeting_id: int) -> Meeting:
    """Raises MeetingNotFound."""
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        raise MeetingNotFound(meeting_id)
    return meeting


def meetings_in_date_order() -> list[Meeting]:
    """Every session, past ones included, earliest first."""
    return list(db.session.scalars(select(Meeting).order_by(Meeting.date, Meeting.starts_at, Meeting.id)))


def slug_taken(slug: str) -> bool:
    return db.session.scalar(select(func.count(Meeting.id)).where(Meeting.slug == slug)) > 0
