"""Load the series of sessions from a data file, idempotently."""

import tomllib
from dataclasses import dataclass
from datetime import date, time
from pathlib import Path

from sqlalchemy import select

from ..extensions import db
from .models import Meeting

DEFAULT_FILE = Path(__file__).resolve().parent.parent / "data" / "sessions.toml"


@dataclass(frozen=True)
class SeedResult:
    created: list[str]
    kept: list[str]


def place_series(month_days: list[tuple[int, int]], today: date) -> list[date]:
    """Dates for the series in the first season that lies wholly ahead of ``today``.

    The series keeps its order: a date earlier in the year than the one before it falls
    in the next year (a series from November into January stays one series).
    """
    year = today.year
    while True:
        dates, current_year, previous = [], year, None
        for month, day in month_days:
            candidate = date(current_year, month, day)
            if previous is not None and candidate < previous:
                current_year += 1
                candidate = date(current_year, month, day)
            dates.append(candidate)
            previous = candidate
        if dates[0] > today:
            return dates
        year += 1


def load_file(path: Path) -> list[dict]:
    with path.open("rb") as fh:
        return tomllib.load(fh)["session"]


def seed(entries: list[dict], today: date) -> SeedResult:
    """Create the sessions that do not exist yet; existing ones (maybe edited by an organiser) stay as they are."""
    existing = set(db.session.scalars(select(Meeting.slug)))
    dates = place_series([(e["month"], e["day"]) for e in entries], today)
    created, kept = [], []
    for entry, day in zip(entries, dates, strict=True):
        if entry["slug"] in existing:
            kept.append(entry["slug"])
            continue
        db.session.add(
            Meeting(
                slug=entry["slug"],
                city=entry["city"],
                venue=entry.get("venue"),
                address=entry.get("address"),
                date=day,
                starts_at=time.fromisoformat(entry["starts_at"]),
                ends_at=time.fromisoformat(entry["ends_at"]),
                capacity=int(entry["capacity"]),
            )
        )
        created.append(entry["slug"])
    db.session.commit()
    return SeedResult(created=created, kept=kept)
