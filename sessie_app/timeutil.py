"""Time helpers: the database keeps naive UTC; people see Europe/Amsterdam."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def local_datetime(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=AMSTERDAM)


def today_local() -> date:
    return datetime.now(AMSTERDAM).date()
