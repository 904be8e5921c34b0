"""'Toch weer aanmelden' after cancelling: the session's form, filled in by the server with what the
person gave before, never with their data in a URL; sending it registers them through the form's
own route."""

import html.parser
import re
from urllib.parse import unquote, urlsplit

import pytest
from sqlalchemy import select

from sessie_app.extensions import db
from sessie_app.registration.models import CANCELLED, CONFIRMED, Registration
from tests.helpers import VALID_REGISTRATION, outbox, post_form

PERSON = {
    **VALID_REGISTRATION,
    "name": "Joke van Dijk-Öztürk",
    "email": "joke.vandijk@example.nl",
    "organisation": "Stichting Kennisbrug",
    "role": "onderzoeker",
    "sector": "HBO",
    "meal": "nee",
    "health_consent": "y",
    "dietary": "Geen noten",
    "accessibility": "Ringleiding",
}
AGAIN_LINK = re.compile(r'href="(/aanmelding/[^"]+/opnieuw)"')


class _BrowserForm(html.parser.HTMLParser):
    """What a browser would send from the page's registration form, as it stands."""

    def __init__(self):
        super().__init__()
        self.action = None
        self.data: dict[str, str] = {}
        self._in_form = False
        self._select = self._textarea = None
        self._first_option: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and "/sessies/" in attrs.get("action", ""):
            self._in_form, self.action = True, attrs["action"]
        if not self._in_form:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind not in ("checkbox", "radio") or "checked" in attrs:
                self.data[name] = attrs.get("value", "on")
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select:
            self._first_option.setdefault(self._select, attrs.get("value", ""))
            if "selected" in attrs:
                self.data[self._select] = attrs.get("value", "")
        elif tag == "textarea":
            self._textarea = name
            self.data[name] = ""

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "select":
            self.data.setdefault(self._select, self._first_option.get(self._select, ""))
            self._select = None
        elif tag == "textarea":
            # As a browser reads it: the newline right after <textarea> is not part of the text.
            text = self.data[self._textarea]
            self.data[self._textarea] = text[2:] if text.startswith("\r\n") else text.removeprefix("\n")
            self._textarea = None


def browser_form(page: str) -> _BrowserForm:
    form = _BrowserForm()
    form.feed(page)
    return form


def link_in(message) -> str:
    text = message.get_body(preferencelist=("plain",)).get_content()
    return re.search(r"http://sessie\.test(/aanmelding/\S+)", text).group(1)


def manage_link(app, address: str) -> str:
    """The link in the first mail to ``address``: the confirmation of their first registration."""
    return link_in(next(m for m in outbox(app) if m["To"].addresses[0].addr_spec == address))


def registered_and_cancelled(app, client, person: dict) -> str:
    """The manage link of someone who registered and then cancelled."""
    assert post_form(client, "/sessies/tilburg", person).status_code == 302
    link = manage_link(app, person["email"])
    assert post_form(client, link, {}, post_url=link + "/afmelden").status_code == 302
    return link


def test_register_again_opens_the_form_filled_in_and_sending_it_registers_anew(app, client, meetings):
    link = registered_and_cancelled(app, client, PERSON)
    mails_before = len(outbox(app))
    manage_page = client.get(link).get_data(as_text=True)
    again = AGAIN_LINK.search(manage_page).group(1)
    # Only the signed link: nothing the person typed, and no query string.
    assert again == link + "/opnieuw" and not urlsplit(again).query
    assert not any(value.lower() in unquote(again).lower() for value in (PERSON["email"], "joke", "dijk", "kennisbrug"))

    response = client.get(again)
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]
    page = response.get_data(as_text=True)
    assert "Uw gegevens van de vorige keer staan al ingevuld" in page
    form = browser_form(page)
    assert form.action == "/sessies/tilburg#aanmelden"
    expected = {key: value for key, value in PERSON.items() if key != "privacy_consent"}
    assert {key: form.data.get(key) for key in expected} == expected
    # The privacy statement is agreed to for each registration anew.
    assert "privacy_consent" not in form.data

    sent = client.post(form.action, data={**form.data, "privacy_consent": "y"})
    assert sent.status_code == 302 and sent.location.endswith("/sessies/tilburg/controleer-uw-mail#main")
    registrations = db.session.scalars(select(Registration).order_by(Registration.id)).all()
    assert [r.status for r in registrations] == [CANCELLED, CONFIRMED]
    new = registrations[1]
    assert (new.name, new.email, new.organisation, new.role, new.sector, new.meal) == (
        PERSON["name"],
        PERSON["email"],
        PERSON["organisation"],
        "onderzoeker",
        "HBO",
        False,
    )
    assert (new.health_consent, new.dietary, new.accessibility) == (True, "Geen noten", "Ringleiding")
    [confirmation] = outbox(app)[mails_before:]
    assert confirmation["To"].addresses[0].addr_spec == PERSON["email"]
    assert "Aanmelding bevestigd" in confirmation["Subject"]
    assert link_in(confirmation) != link


def test_health_data_is_not_filled_in_without_its_consent(app, client, meetings):
    person = {**PERSON, "email": "zonder.toestemming@example.nl", "dietary": "", "accessibility": ""}
    del person["health_consent"]
    link = registered_and_cancelled(app, client, person)
    form = browser_form(client.get(link + "/opnieuw").get_data(as_text=True))
    assert form.data["name"] == person["name"]
    assert "health_consent" not in form.data and form.data["dietary"] == form.data["accessibility"] == ""


def test_someone_still_registered_is_sent_to_their_page(app, client, meetings):
    assert post_form(client, "/sessies/tilburg", PERSON).status_code == 302
    link = manage_link(app, PERSON["email"])
    response = client.get(link + "/opnieuw")
    assert response.status_code == 302 and response.location.endswith(link)
    assert "Toch weer aanmelden" not in client.get(link).get_data(as_text=True)


def test_no_register_again_when_the_session_is_closed(app, client, meetings):
    link = registered_and_cancelled(app, client, PERSON)
    meetings["tilburg"].registration_open = False
    db.session.commit()
    assert "Toch weer aanmelden" not in client.get(link).get_data(as_text=True)
    page = client.get(link + "/opnieuw").get_data(as_text=True)
    assert "Aanmelden voor deze sessie is gesloten." in page and 'name="name"' not in page


@pytest.mark.parametrize("token", ["nonsense", "eyJ0b2tlbiI6IngifQ.forged", "%00%ff"])
def test_a_forged_link_is_not_found(client, meetings, token):
    assert client.get(f"/aanmelding/{token}/opnieuw").status_code == 404


def test_nothing_to_fill_in_after_the_data_was_deleted(app, client, meetings):
    link = registered_and_cancelled(app, client, PERSON)
    assert "Uw gegevens zijn verwijderd" in post_form(client, link + "/verwijderen", {}).get_data(as_text=True)
    assert client.get(link + "/opnieuw").status_code == 404
