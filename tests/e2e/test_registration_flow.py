"""A person on a phone registers for Tilburg, reads the mail, opens their link and cancels.

Runs with the site's real Content-Security-Policy (no bypass_csp): a blocked script or style
shows up as a CSP violation or console error and fails the test.
"""

import re

import pytest

from tests.e2e.pages import PageWatch, assert_no_horizontal_scroll, expect, manage_link, screenshot
from tests.helpers import VALID_REGISTRATION, outbox

CITIES = ("Amsterdam", "Zwolle", "Tilburg", "Den Haag", "Utrecht")
PRIVACY_LABEL = re.compile(r"^Ik heb de privacyverklaring gelezen")


def card(page, city):
    return page.locator(".card").filter(has=page.get_by_role("heading", name=city, exact=True))


def submit(page):
    page.locator("#aanmelden form").get_by_role("button", name="Aanmelden").tap()


def test_phone_registration_walk_through(phone, live_server):
    page = phone.new_page()
    watch = PageWatch(page)

    # The landing page: five sessions, two still without a venue.
    page.goto("/")
    expect(page.locator(".card")).to_have_count(5)
    for city in CITIES:
        expect(card(page, city)).to_be_visible()
    for city in ("Zwolle", "Den Haag"):
        expect(card(page, city)).to_contain_text("Locatie volgt")
    for city in ("Amsterdam", "Tilburg", "Utrecht"):
        expect(card(page, city)).not_to_contain_text("Locatie volgt")
    assert_no_horizontal_scroll(page)
    screenshot(page, "landing-phone.png")

    card(page, "Tilburg").get_by_role("link", name=re.compile(r"^Aanmelden")).tap()
    expect(page).to_have_url(re.compile(r"/sessies/tilburg#aanmelden$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sessie Tilburg")
    assert_no_horizontal_scroll(page)
    screenshot(page, "form-phone.png")

    # The honeypot is there for bots only: not seen, not announced, not reachable by Tab.
    honeypot = page.locator("#website")
    expect(honeypot).to_be_attached()
    expect(honeypot).to_have_attribute("tabindex", "-1")
    expect(page.get_by_role("textbox", name="Laat dit veld leeg")).to_have_count(0)
    box = page.locator(".hp").bounding_box()
    assert box["width"] <= 1 and box["height"] <= 1, f"honeypot wrapper is {box['width']}×{box['height']} px"
    assert page.locator(".hp").evaluate("el => getComputedStyle(el).overflow") == "hidden"

    # An empty form: Dutch errors next to the fields, tied to them for screen readers.
    submit(page)
    expect(page.locator("#form-errors")).to_contain_text("Controleer de gemarkeerde velden.")
    for field_id, message in [
        ("name", "Vul uw naam in."),
        ("email", "Vul uw e-mailadres in."),
        ("organisation", "Vul uw school, instelling of organisatie in."),
        ("role", "Kies uw rol."),
        ("sector", "Kies uw sector."),
        ("meal", "Laat weten of u mee-eet."),
        ("privacy_consent", "Zonder uw akkoord kunnen wij uw aanmelding niet bewaren."),
    ]:
        expect(page.locator(f"#{field_id}-error")).to_have_text(message)
    name = page.get_by_label("Naam")
    expect(name).to_have_attribute("aria-invalid", "true")
    # The error is among what describes the field (its character limit is the other).
    expect(name).to_have_attribute("aria-describedby", re.compile(r"(^|\s)name-error(\s|$)"))
    assert_no_horizontal_scroll(page)
    screenshot(page, "form-errors-phone.png")

    # A second try with a name and a mistyped address: what was typed stays.
    name.fill(VALID_REGISTRATION["name"])
    email = page.get_by_label("E-mailadres")
    email.fill("fatima.example.nl")
    submit(page)
    expect(page.locator("#email-error")).to_have_text("Dit lijkt geen geldig e-mailadres. Controleer het nog eens.")
    expect(page.locator("#name-error")).to_have_count(0)
    expect(name).to_have_value(VALID_REGISTRATION["name"])
    expect(email).to_have_value("fatima.example.nl")

    # Filled in properly, by label, as a person would.
    email.fill(VALID_REGISTRATION["email"])
    page.get_by_label("Organisatie").fill(VALID_REGISTRATION["organisation"])
    page.get_by_label("Uw rol").select_option(label="Leraar")
    page.get_by_label("Sector").select_option(label="PO (primair onderwijs)")
    page.get_by_label("Ja, ik eet mee").check()
    page.get_by_label(PRIVACY_LABEL).check()
    submit(page)

    expect(page).to_have_url(re.compile(r"/sessies/tilburg/controleer-uw-mail#main$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Bedankt! Controleer uw mail")
    expect(page.get_by_role("status")).to_contain_text(VALID_REGISTRATION["email"])
    assert_no_horizontal_scroll(page)

    # The mail: to the person, with a calendar file and their personal link.
    mails = outbox(live_server.app)
    assert len(mails) == 1
    message = mails[0]
    assert VALID_REGISTRATION["email"] in message["To"]
    attachments = [(p.get_filename(), p.get_content_type()) for p in message.iter_attachments()]
    assert ("sessie-tilburg.ics", "text/calendar") in attachments, attachments
    link = manage_link(message)
    assert link.startswith(live_server.url + "/aanmelding/"), link

    page.goto(link)
    expect(page.locator(".status")).to_contain_text("U bent aangemeld")
    expect(page.get_by_label("Naam")).to_have_value(VALID_REGISTRATION["name"])
    assert_no_horizontal_scroll(page)
    screenshot(page, "manage-phone.png")

    page.get_by_role("link", name="Afmelden voor deze sessie").tap()
    # A stray tap changes nothing: the first tap only asks.
    expect(page.get_by_role("heading", level=1)).to_have_text("Weet u zeker dat u zich wilt afmelden?")
    page.get_by_role("button", name="Ja, meld mij af").tap()
    expect(page.locator(".status")).to_contain_text("U bent afgemeld")
    expect(page.get_by_role("link", name="Afmelden voor deze sessie")).to_have_count(0)
    expect(page.get_by_role("link", name="Toch weer aanmelden")).to_be_visible()
    assert_no_horizontal_scroll(page)

    watch.assert_clean()


def test_the_watch_catches_a_script_the_csp_blocks(phone, live_server):
    """Proof that the walk-through above could fail: an inline script is refused and reported."""
    page = phone.new_page()
    watch = PageWatch(page)
    page.goto("/")
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.ran = 1'; document.body.append(s); }"
    )
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    assert page.evaluate("window.ran") is None
    assert page.evaluate("window.__cspViolations.length") == 1
    assert watch.csp_violations and watch.csp_violations[0]["directive"].startswith("script-src")
    with pytest.raises(AssertionError, match="CSP violations"):
        watch.assert_clean()
