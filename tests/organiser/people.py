"""Organiser accounts of each role, logged in through the real login form, for the account, role
and revocation tests. Each request gets its own app context (``site``), as in production, so one
client's login can never stand in for another's."""

import re

from sessie_app.extensions import db
from sessie_app.organiser import accounts
from sessie_app.organiser import services as organiser_services
from sessie_app.organiser.roles import BEHEERDER, FACILITATOR
from sessie_app.registration.meetings import meeting_by_slug
from tests.helpers import LOGIN_URL, outbox, post_form

PASSWORD = "een-lang-geheim-wachtwoord"
BEHEERDER_EMAIL = "beheer@example.org"
TILBURG_EMAIL = "facilitator.tilburg@example.org"
ZWOLLE_EMAIL = "facilitator.zwolle@example.org"
LINK = re.compile(r"http://sessie\.test/organisator/wachtwoord-kiezen/\S+")


def make_account(app, email: str, role: str = BEHEERDER, slugs=()) -> int:
    with app.app_context():
        organiser = organiser_services.create_or_update_organiser(email, PASSWORD)
        if role != BEHEERDER or slugs:
            ids = [meeting_by_slug(slug).id for slug in slugs]
            accounts.update_account(organiser.id, role=role, meeting_ids=ids, active=True)
        db.session.remove()
        return organiser.id


def make_team(app) -> dict[str, int]:
    """A beheerder, a facilitator of Tilburg and one of Zwolle."""
    return {
        BEHEERDER: make_account(app, BEHEERDER_EMAIL),
        "tilburg": make_account(app, TILBURG_EMAIL, FACILITATOR, ["tilburg"]),
        "zwolle": make_account(app, ZWOLLE_EMAIL, FACILITATOR, ["zwolle"]),
    }


def log_in(app, email: str, password: str = PASSWORD, client=None):
    client = client or app.test_client()
    response = post_form(client, LOGIN_URL, {"email": email, "password": password})
    assert response.status_code == 302, (email, response.status_code)
    return client


def copy_of(client, app):
    """Another browser holding a copy of ``client``'s session cookie, as a thief on the Wi-Fi would."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def mailed_links(app, to: str) -> list[str]:
    """The set-password links in the mails to ``to``, oldest first (the outbox is delivered first)."""
    return [LINK.search(mail.get_body(("plain",)).get_content()).group(0) for mail in outbox(app) if mail["To"] == to]
