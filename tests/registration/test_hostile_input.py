"""Hostile text in every registration field: refused or stored cleanly, always shown as text, never a 500."""

import pytest

from sessie_app.extensions import db
from sessie_app.registration.models import Registration
from tests.helpers import VALID_REGISTRATION, csrf_from, outbox
from tests.registration.test_registration_flow import manage_link

HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'; DROP TABLE registrations; --",
    "x" * 100_000,
    "\x00\x01\x02 nul en stuurtekens \x1b[31m",
    "\u202egnirts desrever\u202c",
    "🎓📚✏️ onderwijs 👩‍🏫",
    '=HYPERLINK("http://evil")',
    "line\r\nBcc: victim@example.nl",
    "",
    " ",
]
FIELDS = [
    "name",
    "email",
    "organisation",
    "role",
    "sector",
    "meal",
    "dietary",
    "accessibility",
    "privacy_consent",
    "health_consent",
]


@pytest.mark.parametrize("field", FIELDS)
def test_every_field_survives_hostile_values(app, client, meetings, field):
    token = csrf_from(client.get("/sessies/tilburg").get_data(as_text=True))
    for value in HOSTILE:
        data = {
            **VALID_REGISTRATION,
            "email": f"h{abs(hash(value)) % 10**8}@example.nl",
            "health_consent": "y",
            field: value,
        }
        response = client.post("/sessies/tilburg", data={**data, "csrf_token": token})
        assert response.status_code in (200, 302, 413), (field, value[:40], response.status_code)
        html = response.get_data(as_text=True)
        assert "<script>alert(1)</script>" not in html
        assert "<img src=x" not in html
    for registration in db.session.query(Registration):
        for text in (registration.name, registration.organisation, registration.dietary or ""):
            assert "\x00" not in text and "\u202e" not in text and len(text) <= 500


def test_stored_markup_is_shown_as_text_on_the_manage_page_and_never_mailed(app, client, meetings):
    token = csrf_from(client.get("/sessies/tilburg").get_data(as_text=True))
    client.post("/sessies/tilburg", data={**VALID_REGISTRATION, "name": "<b>Jan</b> & <i>co</i>", "csrf_token": token})
    [message] = outbox(app)
    # What a stranger types on the public form never goes into a mail, escaped or not.
    assert "Jan" not in message.as_string()
    page = client.get(manage_link(message)).get_data(as_text=True)
    assert "&lt;b&gt;Jan&lt;/b&gt; &amp; &lt;i&gt;co&lt;/i&gt;" in page


def test_header_injection_in_the_name_cannot_add_recipients(app, client, meetings):
    token = csrf_from(client.get("/sessies/tilburg").get_data(as_text=True))
    client.post(
        "/sessies/tilburg", data={**VALID_REGISTRATION, "name": "Jan\r\nBcc: victim@example.nl", "csrf_token": token}
    )
    [message] = outbox(app)
    assert message["Bcc"] is None
    assert [a.addr_spec for a in message["To"].addresses] == ["f.elamrani@example.nl"]


def test_a_huge_body_gets_a_clear_413(client, meetings):
    token = csrf_from(client.get("/sessies/tilburg").get_data(as_text=True))
    response = client.post(
        "/sessies/tilburg", data={**VALID_REGISTRATION, "dietary": "x" * 2_000_000, "csrf_token": token}
    )
    assert response.status_code == 413
    assert "te groot" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "path",
    [
        "/sessies/<script>",
        "/sessies/%00",
        "/aanmelding/" + "a" * 5000,
        "/taal/xx?next=javascript:alert(1)",
        "/?q=%ff%fe",
    ],
)
def test_hostile_urls_never_500(client, meetings, path):
    assert client.get(path).status_code in (200, 302, 404)
