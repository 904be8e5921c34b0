"""Seat squatting: a script with several addresses fills a session through the public form. The
per-address limit holds each address to 10 a minute; what gets through cannot go unnoticed."""

import pytest

from sessie_app import create_app
from sessie_app.extensions import db
from sessie_app.registration import seed
from sessie_app.registration.models import Registration
from sessie_app.timeutil import today_local
from tests.helpers import LOGIN_URL, ORGANISER_EMAIL, ORGANISER_PASSWORD, VALID_REGISTRATION, csrf_from, post_form


@pytest.fixture
def guarded_app(app_config, organiser):
    """The app as it runs behind nginx: rate limits on, the client's address from X-Forwarded-For.
    After ``organiser``: the limiter is shared, and the last app bound to it decides whether it runs."""
    # Ten per address as by default, in a window of a day: the count decides, not the machine's speed.
    config = {**app_config, "RATELIMIT_ENABLED": True, "TRUSTED_PROXIES": 1, "REGISTRATION_RATE_LIMIT": "10 per day"}
    app = create_app(config)
    with app.app_context():
        seed.seed(seed.load_file(seed.DEFAULT_FILE), today_local())
    # No app context stays pushed: requests would share its `g`, and with it one CSRF token.
    yield app
    with app.app_context():
        db.engine.dispose()


def test_a_hundred_and_twenty_scripted_registrations_put_a_warning_on_the_dashboard(guarded_app):
    answers = []
    for address in range(12):
        script = guarded_app.test_client()
        headers = {"X-Forwarded-For": f"203.0.113.{address}"}
        for number in range(11):
            page = script.get("/sessies/tilburg", headers=headers).get_data(as_text=True)
            response = script.post(
                "/sessies/tilburg",
                data={
                    **VALID_REGISTRATION,
                    "email": f"nep{address}-{number}@example.nl",
                    "csrf_token": csrf_from(page),
                },
                headers=headers,
            )
            answers.append(response.status_code)
    # Each address gets its 10; the eleventh is refused.
    assert answers.count(302) == 120 and answers.count(429) == 12
    with guarded_app.app_context():
        assert db.session.query(Registration).count() == 120

    organiser = guarded_app.test_client()
    post_form(organiser, LOGIN_URL, {"email": ORGANISER_EMAIL, "password": ORGANISER_PASSWORD})
    dashboard = organiser.get("/organisator/").get_data(as_text=True)
    assert "Tilburg: 120 nieuwe aanmeldingen in het afgelopen uur" in dashboard
    assert dashboard.count('role="alert"') == 1  # only the session that got them


def test_an_ordinary_morning_of_registrations_gives_no_warning(organiser_client, meetings, add_registration):
    for _ in range(25):
        add_registration(meetings["tilburg"])
    assert "nieuwe aanmeldingen in het afgelopen uur" not in organiser_client.get("/organisator/").get_data(
        as_text=True
    )
