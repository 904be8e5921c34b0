"""The caterer's page: one A4 with the session, the numbers and the needs, never a name or an address."""

from datetime import time

import pytest

from sessie_app.extensions import db
from sessie_app.registration import notifications
from sessie_app.registration import services as registration_services
from sessie_app.timeutil import utcnow
from tests.helpers import LOGIN_URL, ORGANISER_EMAIL, ORGANISER_PASSWORD, post_form

CATERING_URL = "/organisator/sessies/zwolle/catering"
LIST_URL = "/organisator/sessies/zwolle/aanmeldingen"


@pytest.fixture
def zwolle(meetings, add_registration):
    """Zwolle with three seats: three confirmed (two vegetarians, one of them without health consent,
    and a wheelchair), one who does not eat, one waiting (halal) and one cancelled (nut allergy)."""
    meeting = meetings["zwolle"]
    meeting.venue, meeting.address = "Stadsschouwburg De Spiegel", "Spinhuisplein 1, 8011 ZZ Zwolle"
    meeting.starts_at, meeting.ends_at = time(15, 0), time(20, 30)
    meeting.capacity = 4
    db.session.commit()
    people = {
        "ans": add_registration(
            meeting, name="Ans Vegter", email="ans@school.nl", health_consent=True, dietary="Vegetarisch"
        ),
        "bo": add_registration(
            meeting,
            name="Bo Rolstoel",
            email="bo@school.nl",
            health_consent=True,
            dietary="  vegetarisch ",
            accessibility="Rolstoeltoegankelijke plek",
        ),
        "cas": add_registration(meeting, name="Cas Zonder", email="cas@school.nl", dietary="Notenvrij"),
        "dee": add_registration(meeting, name="Dee Niet-eter", email="dee@school.nl", meal=False),
        "eva": add_registration(meeting, name="Eva Wacht", email="eva@school.nl", health_consent=True, dietary="Halal"),
        "fer": add_registration(
            meeting, name="Fer Afgemeld", email="fer@school.nl", health_consent=True, dietary="Notenallergie"
        ),
    }
    registration_services.cancel(people["fer"].id)
    return people


def test_the_caterer_page_shows_session_place_numbers_and_needs(organiser_client, zwolle):
    response = organiser_client.get(CATERING_URL)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Catering en ontvangst – sessie Zwolle" in html
    # The address ends with the city: it is not said twice.
    assert "Stadsschouwburg De Spiegel, Spinhuisplein 1, 8011 ZZ Zwolle</dd>" in html
    assert "15:00–20:30" in html
    assert "<strong>4</strong> deelnemers verwacht (bevestigd)" in html
    assert "<strong>3</strong> maaltijden" in html  # Dee does not eat; Eva waits
    assert '<span class="count">2×</span> Vegetarisch' in html
    assert '<span class="count">1×</span> Rolstoeltoegankelijke plek' in html
    assert "Druk deze pagina af met Ctrl+P" in html and "<script>" not in html
    # Before any reminder, there is no 'zeker' yet.
    assert "zeker" not in html


def test_the_caterer_page_has_no_names_no_addresses_and_only_consented_seated_needs(organiser_client, zwolle):
    html = organiser_client.get(CATERING_URL).get_data(as_text=True)
    for person in zwolle.values():
        assert person.name not in html and person.email not in html
    assert "Notenvrij" not in html  # Cas gave no consent: never stored
    assert "Halal" not in html  # Eva is on the waiting list
    assert "Notenallergie" not in html  # Fer cancelled


def test_after_the_reminder_the_page_says_how_many_are_sure(organiser_client, zwolle):
    for key in ("ans", "bo", "dee"):
        notifications.reminded(zwolle[key], notifications.REMINDER, utcnow())
    db.session.commit()
    registration_services.reconfirm(zwolle["ans"].id)
    registration_services.reconfirm(zwolle["dee"].id)
    html = organiser_client.get(CATERING_URL).get_data(as_text=True)
    assert "<strong>2</strong> deelnemers zeker" in html
    assert "<strong>1</strong> maaltijden zeker" in html  # Dee said 'Ik kom' but does not eat


def test_the_registrations_page_sums_up_and_links_to_the_caterer_page(organiser_client, zwolle):
    html = organiser_client.get(LIST_URL).get_data(as_text=True)
    summary = html.split('id="caterer-title"')[1].split("</section>")[0]
    assert 'href="/organisator/sessies/zwolle/catering"' in summary
    assert "3 bevestigde deelnemers eten mee." in summary
    assert "Dieetwensen en allergieën: 2; wensen voor toegankelijkheid: 1." in summary


def test_the_caterer_page_escapes_what_people_typed(organiser_client, meetings, add_registration):
    add_registration(meetings["zwolle"], health_consent=True, dietary="<script>alert(1)</script>")
    html = organiser_client.get(CATERING_URL).get_data(as_text=True)
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_caterer_page_needs_a_login_and_a_real_session(client, meetings, organiser):
    # Logging in is checked for every organiser route in tests/test_security_surface.py as well.
    response = client.get(CATERING_URL)
    assert response.status_code == 302 and "/organisator/inloggen" in response.headers["Location"]
    post_form(client, LOGIN_URL, {"email": ORGANISER_EMAIL, "password": ORGANISER_PASSWORD})
    assert client.get(CATERING_URL).status_code == 200
    assert client.get("/organisator/sessies/bestaat-niet/catering").status_code == 404
