"""Registering, duplicates, waiting list and the manage link, through HTTP as a browser would."""

import re

import pytest
from icalendar import Calendar

from sessie_app.extensions import db
from sessie_app.registration.models import CONFIRMED, WAITLISTED, Registration
from tests.helpers import VALID_REGISTRATION, csrf_from, outbox, post_form


def register(client, slug="tilburg", **overrides):
    return post_form(client, f"/sessies/{slug}", {**VALID_REGISTRATION, **overrides})


def manage_link(message) -> str:
    text = message.get_body(preferencelist=("plain",)).get_content()
    return re.search(r"http://sessie\.test(/aanmelding/\S+)", text).group(1)


def ics_of(message) -> Calendar:
    part = next(p for p in message.iter_attachments() if p.get_content_type() == "text/calendar")
    return Calendar.from_ical(part.get_content())


def test_landing_page_lists_the_five_sessions_with_place_or_locatie_volgt(client, meetings):
    html = client.get("/").get_data(as_text=True)
    for city in ("Amsterdam", "Zwolle", "Tilburg", "Den Haag", "Utrecht"):
        assert city in html
    assert "Kindercampus Oculus" in html and "Universiteitsmuseum" in html
    assert html.count("Locatie volgt") == 2
    assert "Niet mopperen, maar opperen" in html and "Groot denken, klein doen" in html
    assert "Nog 120 plaatsen" in html


def test_registration_sends_confirmation_with_calendar_and_manage_link(app, client, meetings):
    response = register(client)
    assert response.status_code == 302 and response.location.endswith("/sessies/tilburg/controleer-uw-mail#main")
    page = client.get(response.location).get_data(as_text=True)
    assert "f.elamrani@example.nl" in page

    registration = db.session.query(Registration).one()
    assert registration.status == CONFIRMED and registration.meal is True
    [message] = outbox(app)
    # The bare address: nothing typed in the public form reaches a header or the text.
    assert message["To"] == "f.elamrani@example.nl" and "Fatima" not in message.as_string()
    assert message["Date"] is not None and message["Message-ID"].endswith("@sessie.local>")
    assert "Aanmelding bevestigd" in message["Subject"]
    assert message.get_body(preferencelist=("html",)) is not None
    event = ics_of(message).walk("VEVENT")[0]
    assert str(event["UID"]) == registration.calendar_uid
    assert str(event["LOCATION"]).startswith("Kindercampus Oculus")
    assert event["DTSTART"].dt.tzinfo.key == "Europe/Amsterdam"
    assert client.get(manage_link(message)).status_code == 200
    # The calendar entry, which is synced and shared, links to the public session page only.
    assert (
        str(event["URL"]) == "http://sessie.test/sessies/tilburg"
        and "/aanmelding/" not in ics_of(message).to_ical().decode()
    )


def test_errors_are_dutch_next_to_the_field_and_typed_values_stay(client, meetings):
    response = register(client, email="geen-adres", role="", privacy_consent="")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Dit lijkt geen geldig e-mailadres" in html
    assert "Kies uw rol." in html
    assert "Zonder uw akkoord kunnen wij uw aanmelding niet bewaren." in html
    assert 'value="Fatima el Amrani"' in html and 'value="geen-adres"' in html
    assert db.session.query(Registration).count() == 0


def test_health_data_needs_its_own_consent(client, meetings):
    html = register(client, dietary="Glutenvrij").get_data(as_text=True)
    assert "Vink de toestemming aan" in html
    assert db.session.query(Registration).count() == 0
    register(client, dietary="Glutenvrij", health_consent="y")
    assert db.session.query(Registration).one().dietary == "Glutenvrij"


def test_same_address_twice_gives_no_second_registration_and_the_same_page(app, client, meetings):
    first = register(client)
    second = register(client, email="F.ElAmrani@Example.nl", name="Iemand Anders")
    assert first.location == second.location
    assert db.session.query(Registration).count() == 1
    # The confirmation has just gone out: a second form within hours sends nothing more
    # (tests/registration/test_notifications.py has the link again, later).
    [mail] = outbox(app)
    assert "Aanmelding bevestigd" in mail["Subject"]


def test_full_session_wait_lists_and_cancellation_promotes_the_first_in_line(app, client, meetings):
    meetings["tilburg"].capacity = 1
    db.session.commit()
    register(client, email="een@example.nl")
    register(client, email="twee@example.nl")
    register(client, email="drie@example.nl")
    statuses = {r.email: r.status for r in db.session.query(Registration)}
    assert statuses == {"een@example.nl": CONFIRMED, "twee@example.nl": WAITLISTED, "drie@example.nl": WAITLISTED}
    assert "Vol" in client.get("/").get_data(as_text=True)

    link = manage_link(outbox(app)[0])
    response = post_form(client, link, {}, post_url=link + "/afmelden")
    assert response.status_code == 302
    db.session.expire_all()
    statuses = {r.email: r.status for r in db.session.query(Registration)}
    assert statuses["twee@example.nl"] == CONFIRMED and statuses["drie@example.nl"] == WAITLISTED
    cancel_mail, promoted_mail = outbox(app)[-2:]
    assert cancel_mail["To"].addresses[0].addr_spec == "een@example.nl"
    assert ics_of(cancel_mail).walk("VEVENT")[0]["STATUS"] == "CANCELLED"
    assert promoted_mail["To"].addresses[0].addr_spec == "twee@example.nl"
    assert "plek vrijgekomen" in promoted_mail["Subject"]


def test_manage_page_changes_details_but_not_the_address(app, client, meetings):
    register(client)
    link = manage_link(outbox(app)[0])
    response = post_form(
        client, link, {**VALID_REGISTRATION, "name": "Fatima El Amrani-Bakker", "meal": "nee", "email": "x@y.nl"}
    )
    assert response.status_code == 302
    registration = db.session.query(Registration).one()
    db.session.refresh(registration)
    assert registration.name == "Fatima El Amrani-Bakker" and registration.meal is False
    assert registration.email == "f.elamrani@example.nl"


def test_delete_my_data_erases_it_and_kills_the_link(app, client, meetings):
    register(client, dietary="Veganistisch", health_consent="y")
    link = manage_link(outbox(app)[0])
    response = post_form(client, link, {}, post_url=link + "/verwijderen")
    assert "Uw gegevens zijn verwijderd" in response.get_data(as_text=True)
    registration = db.session.query(Registration).one()
    db.session.refresh(registration)
    assert (
        registration.name,
        registration.email,
        registration.organisation,
        registration.dietary,
        registration.token,
    ) == (None,) * 5
    assert registration.role == "leraar" and registration.status == "cancelled"
    assert client.get(link).status_code == 404


@pytest.mark.parametrize(
    "link", ["/aanmelding/nonsense", "/aanmelding/eyJ0b2tlbiI6IngifQ.forged", "/aanmelding/%00%ff"]
)
def test_forged_manage_links_are_not_found(client, meetings, link):
    # The page and every action behind it, the reminder's "Ik kom" included.
    for action in ("", "/ik-kom", "/afmelden", "/verwijderen", "/agenda.ics"):
        assert client.get(link + action).status_code == 404, action


def test_calendar_download_from_the_manage_page(app, client, meetings):
    register(client)
    link = manage_link(outbox(app)[0])
    response = client.get(link + "/agenda.ics")
    assert response.content_type.startswith("text/calendar")
    assert Calendar.from_ical(response.data).walk("VEVENT")[0]["STATUS"] == "CONFIRMED"


def test_honeypot_looks_like_success_but_stores_nothing(app, client, meetings):
    response = register(client, website="http://spam.example")
    assert response.status_code == 302
    assert db.session.query(Registration).count() == 0 and outbox(app) == []


def test_form_sent_after_registration_closed_is_refused_cleanly(client, meetings):
    token = csrf_from(client.get("/sessies/tilburg").get_data(as_text=True))
    meetings["tilburg"].registration_open = False
    db.session.commit()
    response = client.post("/sessies/tilburg", data={**VALID_REGISTRATION, "csrf_token": token})
    assert response.status_code == 200
    assert "Aanmelden voor deze sessie is gesloten." in response.get_data(as_text=True)
    assert db.session.query(Registration).count() == 0


def test_post_without_csrf_token_is_refused_with_a_dutch_page(client, meetings):
    response = client.post("/sessies/tilburg", data=VALID_REGISTRATION)
    assert response.status_code == 400
    assert "Het formulier was verlopen" in response.get_data(as_text=True)
    assert db.session.query(Registration).count() == 0


def test_registration_is_rate_limited_per_client(app_config, meetings):
    from sessie_app import create_app

    # A window of a day: the count decides, not how many fit in a minute on this machine.
    limited = create_app({**app_config, "RATELIMIT_ENABLED": True, "REGISTRATION_RATE_LIMIT": "3 per day"})
    client = limited.test_client()
    codes = [register(client, email=f"p{i}@example.nl").status_code for i in range(4)]
    assert codes[:3] == [302, 302, 302] and codes[3] == 429
    assert "Even rustig aan" in register(client, email="p9@example.nl").get_data(as_text=True)


def test_unknown_session_is_404(client, meetings):
    assert client.get("/sessies/maastricht").status_code == 404


def test_share_link_is_a_mailto_and_never_mails_from_the_server(client, meetings):
    html = client.get("/sessies/tilburg").get_data(as_text=True)
    assert 'href="mailto:?subject=' in html
    assert "http://sessie.test/sessies/tilburg" in html


def test_language_switch_to_english_and_back(client, meetings):
    response = client.get("/taal/en?next=/privacy")
    assert response.status_code == 302 and response.location == "/privacy"
    assert '<html lang="en-GB">' in client.get("/").get_data(as_text=True)
    assert client.get("/taal/nl?next=https://evil.example/").location == "/"


def test_personal_pages_are_never_cached_and_carry_security_headers(app, client, meetings):
    register(client)
    link = manage_link(outbox(app)[0])
    for path in (link, link + "/agenda.ics"):
        response = client.get(path)
        assert response.headers["Cache-Control"] == "no-store"
    headers = client.get("/").headers
    assert (
        "script-src 'self'" in headers["Content-Security-Policy"]
        and "unsafe-inline" not in headers["Content-Security-Policy"]
    )
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]


def test_cancel_and_delete_links_only_ask_first(app, client, meetings):
    register(client)
    link = manage_link(outbox(app)[0])
    assert "Weet u zeker dat u zich wilt afmelden?" in client.get(link + "/afmelden").get_data(as_text=True)
    assert "Weet u zeker dat u uw gegevens wilt verwijderen?" in client.get(link + "/verwijderen").get_data(
        as_text=True
    )
    registration = db.session.query(Registration).one()
    db.session.refresh(registration)
    assert registration.status == CONFIRMED and registration.email == "f.elamrani@example.nl"
