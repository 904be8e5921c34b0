"""Hostile text in organiser forms, query strings and stored data: never a 500, always escaped."""

from urllib.parse import quote

import pytest

from tests.helpers import meeting_form_data, page_csrf, post_form

SCRIPT = "<script>alert(1)</script>"
HOSTILE = [
    SCRIPT,
    "x" * 10_000,
    "😀🎉 Ünïcødé ẞ",
    "a\x00b\x01c\x1b[31m\u202eevil\r\n=cmd",
    "'; DROP TABLE registrations; --",
    "%00%2e%2e/%2f",
    "{{ 7*7 }}",
]
IDS = ["script", "10kB", "emoji", "control", "sql", "encoded", "template"]


def assert_safe(response, allowed=(200, 302, 400, 404)):
    assert response.status_code in allowed, response.status_code
    html = response.get_data(as_text=True)
    assert SCRIPT not in html
    return html


@pytest.mark.parametrize("value", HOSTILE, ids=IDS)
def test_hostile_text_in_the_new_session_form(organiser_client, meetings, value):
    data = {
        "slug": value,
        "city": value,
        "venue": value,
        "address": value,
        "date": value,
        "starts_at": value,
        "ends_at": value,
        "capacity": value,
        "registration_open": value,
    }
    response = post_form(organiser_client, "/organisator/sessies/nieuw", data)
    html = assert_safe(response, allowed=(200,))
    assert "Controleer de gemarkeerde velden." in html


@pytest.mark.parametrize("value", HOSTILE, ids=IDS)
def test_hostile_text_stored_as_a_venue_is_escaped_everywhere(organiser_client, meetings, value):
    meeting = meetings["amsterdam"]
    response = post_form(
        organiser_client,
        "/organisator/sessies/amsterdam/bewerken",
        meeting_form_data(meeting, city=value[:80] or "x", venue=value[:200]),
    )
    assert_safe(response)
    for url in (
        "/organisator/",
        "/organisator/sessies/amsterdam/bewerken",
        "/organisator/sessies/amsterdam/aanmeldingen",
        "/organisator/sessies/amsterdam/inchecken",
        "/organisator/sessies/amsterdam/scannen",
        "/sessies/amsterdam",
    ):
        assert_safe(organiser_client.get(url), allowed=(200,))


def test_a_script_or_template_as_venue_is_shown_as_text(organiser_client, meetings):
    post_form(
        organiser_client,
        "/organisator/sessies/amsterdam/bewerken",
        meeting_form_data(meetings["amsterdam"], venue=SCRIPT),
    )
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in organiser_client.get("/organisator/").get_data(as_text=True)
    post_form(
        organiser_client,
        "/organisator/sessies/amsterdam/bewerken",
        meeting_form_data(meetings["amsterdam"], venue="{{ 7*7 }}"),
    )
    assert "<td>{{ 7*7 }}</td>" in organiser_client.get("/organisator/").get_data(as_text=True)


@pytest.mark.parametrize("value", HOSTILE, ids=IDS)
def test_hostile_query_parameters_on_the_lists(organiser_client, meetings, value):
    encoded = quote(value, safe="")
    for url in (
        f"/organisator/sessies/amsterdam/aanmeldingen?q={encoded}&status={encoded}&role={encoded}&sector={encoded}",
        f"/organisator/sessies/amsterdam/aanmeldingen?status=confirmed&status={encoded}&q=&q={encoded}",
        f"/organisator/sessies/amsterdam/aanmeldingen.csv?q={encoded}&status={encoded}&role={encoded}&sector={encoded}",
        f"/organisator/sessies/amsterdam/inchecken?q={encoded}",
        f"/organisator/inchecken/code/{encoded}?sessie={encoded}",
        f"/organisator/sessies/{encoded}/aanmeldingen",
        f"/organisator/sessies/{encoded}/bewerken",
        f"/organisator/sessies/{encoded}/scannen",
        f"/organisator/?next={encoded}",
    ):
        assert_safe(organiser_client.get(url), allowed=(200, 404))


def test_a_10kb_search_shows_a_message_next_to_the_field(organiser_client, meetings):
    html = organiser_client.get("/organisator/sessies/amsterdam/inchecken?q=" + "x" * 10_000).get_data(as_text=True)
    assert 'id="q-error"' in html and "Gebruik hoogstens 200 tekens." in html


@pytest.mark.parametrize("value", HOSTILE, ids=IDS)
def test_hostile_values_posted_to_the_check_in_buttons(app, organiser_client, meetings, add_registration, value):
    guest = add_registration(meetings["amsterdam"], name="Gast")
    token = page_csrf(organiser_client, "/organisator/sessies/amsterdam/inchecken")
    response = organiser_client.post(
        f"/organisator/aanmeldingen/{guest.id}/aanwezig", data={"csrf_token": token, "present": value, "q": value}
    )
    assert response.status_code == 400
    response = organiser_client.post(
        f"/organisator/aanmeldingen/{guest.id}/aanwezig", data={"csrf_token": token, "present": "1", "q": value}
    )
    assert response.status_code == 302
    assert_safe(organiser_client.get(response.headers["Location"]), allowed=(200,))


@pytest.mark.parametrize("value", HOSTILE, ids=IDS)
def test_hostile_text_in_the_login_form(client, organiser, value):
    response = post_form(client, "/organisator/inloggen", {"email": value, "password": value})
    assert_safe(response, allowed=(200,))


@pytest.mark.parametrize("value", [SCRIPT, "😀 Zoë 👩‍🏫", '=HYPERLINK("http://x")'], ids=["script", "emoji", "formula"])
def test_hostile_names_of_registrants_are_escaped_on_every_organiser_page(
    app, organiser_client, meetings, add_registration, value
):
    guest = add_registration(
        meetings["amsterdam"], name=value, organisation=value, health_consent=True, dietary=value, accessibility=value
    )
    from sessie_app.registration import mail

    with app.test_request_context():
        code = mail.check_in_url(guest).split("/organisator", 1)[1]
    for url in (
        "/organisator/sessies/amsterdam/aanmeldingen",
        f"/organisator/sessies/amsterdam/inchecken?q={quote(value)}",
        "/organisator" + code,
        "/organisator/sessies/amsterdam/aanmeldingen.csv",
    ):
        response = organiser_client.get(url)
        assert response.status_code == 200, url
        body = response.get_data(as_text=True)
        assert SCRIPT not in body or url.endswith(".csv")  # the CSV is a download, not HTML
