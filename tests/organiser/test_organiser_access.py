"""Who gets into the organiser area: login, logout, and no route left open (throttling: test_login_throttle.py)."""

import logging
from urllib.parse import urlsplit

import pytest

from sessie_app.organiser import PUBLIC_ENDPOINTS
from tests.helpers import LOGIN_URL, ORGANISER_EMAIL, ORGANISER_PASSWORD, csrf_from, post_form, sample_url

SAMPLE_VALUES = {"slug": "amsterdam", "registration_id": 1, "code": "een-code"}


def _protected_rules(app):
    return [
        rule
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/organisator") and rule.endpoint not in PUBLIC_ENDPOINTS
    ]


def _goes_to_login(response) -> bool:
    return response.status_code == 302 and urlsplit(response.headers["Location"]).path == LOGIN_URL


def test_every_organiser_route_sends_a_stranger_to_the_login_page(app, client, meetings):
    rules = _protected_rules(app)
    endpoints = {rule.endpoint for rule in rules}
    # The list is built from the URL map, so a route added later is checked without editing this test.
    assert {
        "organiser.dashboard",
        "organiser.registrations_csv",
        "organiser.check_in_code",
        "organiser.mark_present",
    } <= endpoints
    assert {"reports.index", "reports.report_pdf_download", "reports.report_csv", "reports.group_action"} <= endpoints
    token = csrf_from(client.get(LOGIN_URL).get_data(as_text=True))
    checked = 0
    for rule in rules:
        url = sample_url(app, rule, SAMPLE_VALUES)
        if "GET" in rule.methods:
            response = client.get(url)
            assert _goes_to_login(response), (rule.endpoint, "GET", response.status_code)
            checked += 1
        if "POST" in rule.methods:
            # With a valid CSRF token, so the refusal comes from the login check and not from CSRF.
            response = client.post(url, data={"csrf_token": token, "present": "1"})
            assert _goes_to_login(response), (rule.endpoint, "POST", response.status_code)
            checked += 1
    assert checked >= len(rules)


def test_the_login_page_itself_is_open_to_strangers(client):
    response = client.get(LOGIN_URL)
    assert response.status_code == 200
    assert "Inloggen voor organisatoren" in response.get_data(as_text=True)


def test_login_with_the_right_password_opens_the_dashboard(client, organiser, meetings):
    response = post_form(client, LOGIN_URL, {"email": ORGANISER_EMAIL.upper(), "password": ORGANISER_PASSWORD})
    assert response.status_code == 302 and response.headers["Location"].endswith("/organisator/")
    html = client.get("/organisator/").get_data(as_text=True)
    assert "Alle sessies" in html and "Amsterdam" in html


def test_login_returns_to_the_page_asked_for_but_never_off_site(client, organiser, meetings):
    response = post_form(
        client,
        LOGIN_URL + "?next=/organisator/sessies/zwolle/aanmeldingen",
        {"email": ORGANISER_EMAIL, "password": ORGANISER_PASSWORD},
    )
    assert response.headers["Location"].endswith("/organisator/sessies/zwolle/aanmeldingen")
    client.post(
        "/organisator/uitloggen", data={"csrf_token": csrf_from(client.get("/organisator/").get_data(as_text=True))}
    )
    response = post_form(
        client, LOGIN_URL + "?next=//evil.example/steal", {"email": ORGANISER_EMAIL, "password": ORGANISER_PASSWORD}
    )
    assert response.headers["Location"].endswith("/organisator/")


@pytest.mark.parametrize(
    ("email", "password"),
    [(ORGANISER_EMAIL, "verkeerd-wachtwoord"), ("onbekend@example.org", ORGANISER_PASSWORD)],
    ids=["wrong-password", "unknown-address"],
)
def test_login_with_wrong_details_is_refused_with_one_generic_message(client, organiser, email, password):
    response = post_form(client, LOGIN_URL, {"email": email, "password": password})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Deze combinatie van e-mailadres en wachtwoord kennen we niet." in html
    assert _goes_to_login(client.get("/organisator/"))


def test_a_failed_login_is_logged_without_the_password(client, organiser, caplog):
    secret = "geheim-dat-nooit-in-een-log-mag"
    with caplog.at_level(logging.INFO):
        post_form(client, LOGIN_URL, {"email": ORGANISER_EMAIL, "password": secret})
    failures = [r for r in caplog.records if "login failed" in r.getMessage()]
    assert failures, "the failed attempt was not logged"
    assert ORGANISER_EMAIL in failures[0].getMessage()
    for record in caplog.records:
        assert secret not in record.getMessage()
        assert secret not in str(record.args)


def test_empty_login_form_shows_dutch_messages_next_to_the_fields(client, organiser):
    html = post_form(client, LOGIN_URL, {"email": "", "password": ""}).get_data(as_text=True)
    assert 'id="email-error"' in html and "Vul uw e-mailadres in." in html
    assert 'id="password-error"' in html and "Vul uw wachtwoord in." in html


def test_logout_needs_the_form_and_ends_the_session(organiser_client):
    # A bare POST without the CSRF token (a cross-site form) does not log out.
    assert organiser_client.post("/organisator/uitloggen").status_code == 400
    assert organiser_client.get("/organisator/").status_code == 200
    token = csrf_from(organiser_client.get("/organisator/").get_data(as_text=True))
    response = organiser_client.post("/organisator/uitloggen", data={"csrf_token": token}, follow_redirects=True)
    assert "U bent uitgelogd." in response.get_data(as_text=True)
    assert _goes_to_login(organiser_client.get("/organisator/"))


def test_organiser_pages_are_never_cached(organiser_client, meetings):
    for url in (
        "/organisator/",
        "/organisator/sessies/amsterdam/aanmeldingen",
        "/organisator/sessies/amsterdam/aanmeldingen.csv",
    ):
        assert organiser_client.get(url).headers["Cache-Control"] == "no-store"
