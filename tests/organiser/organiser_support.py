"""Fixtures and helpers for the organiser tests.

Not a conftest.py: a second non-package conftest would take over the module name `conftest`
that test modules import helpers from. Test modules import the fixtures they use from here.
"""

import itertools

import pytest
from conftest import csrf_from, post_form

from sessie_app.organiser import services as organiser_services
from sessie_app.registration import services as registration_services

ORGANISER_EMAIL = "organisator@example.org"
ORGANISER_PASSWORD = "een-lang-geheim-wachtwoord"
LOGIN_URL = "/organisator/inloggen"

_numbers = itertools.count(1)


@pytest.fixture
def organiser(app):
    return organiser_services.create_or_update_organiser(ORGANISER_EMAIL, ORGANISER_PASSWORD)


@pytest.fixture
def organiser_client(client, organiser):
    """A test client logged in through the real login form, CSRF token and all."""
    response = post_form(client, LOGIN_URL, {"email": ORGANISER_EMAIL, "password": ORGANISER_PASSWORD})
    assert response.status_code == 302, response.status_code
    assert response.headers["Location"].endswith("/organisator/")
    return client


@pytest.fixture
def add_registration(app):
    """Register someone directly through the registration rules; returns the Registration row."""

    def add(meeting, **overrides):
        n = next(_numbers)
        values = {
            "name": f"Deelnemer {n}",
            "email": f"deelnemer{n}@example.nl",
            "organisation": f"School {n}",
            "role": "leraar",
            "sector": "PO",
            "meal": True,
        }
        values.update(overrides)
        outcome = registration_services.register(meeting.id, registration_services.Details(**values))
        return registration_services.get_registration(outcome.registration_id)

    return add


def page_csrf(client, url: str) -> str:
    """Open a page like a browser and return the CSRF token its forms carry."""
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return csrf_from(response.get_data(as_text=True))


def meeting_form_data(meeting, **changes) -> dict:
    """What the edit form of a session holds, with some fields changed."""
    data = {
        "city": meeting.city,
        "venue": meeting.venue or "",
        "address": meeting.address or "",
        "date": meeting.date.isoformat(),
        "starts_at": meeting.starts_at.strftime("%H:%M"),
        "ends_at": meeting.ends_at.strftime("%H:%M"),
        "capacity": str(meeting.capacity),
        "registration_open": "y" if meeting.registration_open else "",
    }
    data.update(changes)
    if not data["registration_open"]:
        del data["registration_open"]
    return data
