"""The calendar file every confirmation carries: its size and the time to build it, with the time zone's
rules for the year around the session (what the app does) beside icalendar's default window
(1970-2038), and print one JSON line.

    .venv/bin/python bench/calendar_file.py [--builds 50]
"""

import argparse
import datetime as dt
import json
import time

from icalendar import Calendar

from sessie_app import create_app
from sessie_app.registration import ics
from sessie_app.registration.models import Meeting, Registration

WHOLE_RANGE = Calendar.add_missing_timezones


def measure(registration: Registration, meeting: Meeting, builds: int) -> dict:
    sizes, best = set(), float("inf")
    for _ in range(builds):
        start = time.perf_counter()
        sizes.add(len(ics.calendar_for(registration, meeting, "https://sessie.example/m/token")))
        best = min(best, time.perf_counter() - start)
    return {"bytes": max(sizes), "best_ms": round(best * 1000, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--builds", type=int, default=50)
    args = parser.parse_args()
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "bench-calendar-file"})
    meeting = Meeting(
        slug="zwolle",
        city="Zwolle",
        venue="Hanzehogeschool",
        address="Zernikeplein 7",
        date=dt.date(2027, 11, 7),
        starts_at=dt.time(13),
        ends_at=dt.time(17),
        capacity=80,
        registration_open=True,
        schedule_version=1,
    )
    registration = Registration(id=1, name="Anna de Vries", email="anna@example.org", status="confirmed")
    with app.test_request_context():
        around_the_session = measure(registration, meeting, args.builds)
        Calendar.add_missing_timezones = lambda calendar, **_window: WHOLE_RANGE(calendar)
        default_window = measure(registration, meeting, args.builds)
    print(json.dumps({"around_the_session": around_the_session, "icalendar_default": default_window}))


if __name__ == "__main__":
    main()
