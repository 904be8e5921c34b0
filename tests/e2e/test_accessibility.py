"""axe-core finds no serious or critical problems on the pages people and organisers use.

Public pages are checked on the phone viewport, organiser pages on the desktop one. These
contexts bypass CSP so axe can be injected (see conftest.py); the CSP itself is exercised by
the registration walk-through.
"""

import re

import pytest

from tests.e2e.pages import assert_accessible, axe, expect, log_in_as_organiser, register_directly

PUBLIC_PAGES = {
    "landing": "/",
    "tilburg-form": "/sessies/tilburg",
    "privacy": "/privacy",
    "organiser-login": "/organisator/inloggen",
}

ORGANISER_PAGES = {
    "dashboard": "/organisator/",
    "registrations": "/organisator/sessies/tilburg/aanmeldingen",
    "check-in": "/organisator/sessies/tilburg/inchecken",
    "edit-session": "/organisator/sessies/tilburg/bewerken",
    "new-session": "/organisator/sessies/nieuw",
    "scanner": "/organisator/sessies/tilburg/scannen",
}


def open_page(context, path):
    page = context.new_page()
    response = page.goto(path)
    assert response.status == 200, f"{path} answered {response.status}"
    return page


def test_the_axe_helper_reports_what_it_finds(phone_axe, live_server):
    """Proof that the checks below can fail: an unlabelled field on the real page is reported."""
    page = open_page(phone_axe, "/privacy")
    page.evaluate(
        "() => { const i = document.createElement('input'); i.id = 'unlabelled'; document.querySelector('main').append(i); }"
    )
    violations = axe(page)
    assert [v["id"] for v in violations] == ["label"]
    with pytest.raises(AssertionError, match=r"label \(critical\).*\n.*#unlabelled"):
        assert_accessible(page)


@pytest.mark.parametrize("path", PUBLIC_PAGES.values(), ids=PUBLIC_PAGES.keys())
def test_public_page(phone_axe, path):
    assert_accessible(open_page(phone_axe, path))


def test_form_with_errors_shown(phone_axe):
    page = open_page(phone_axe, "/sessies/tilburg")
    page.locator("#aanmelden form").get_by_role("button", name="Aanmelden").click()
    expect(page.locator("#form-errors")).to_be_visible()
    expect(page.locator("#name-error")).to_be_visible()
    assert_accessible(page)


def test_check_mail_page(phone_axe, live_server):
    page = open_page(phone_axe, "/sessies/tilburg")
    page.get_by_label("Naam").fill("Fatima el Amrani")
    page.get_by_label("E-mailadres").fill("f.elamrani@example.nl")
    page.get_by_label("Organisatie").fill("Basisschool De Regenboog")
    page.get_by_label("Uw rol").select_option(label="Leraar")
    page.get_by_label("Sector").select_option(label="PO (primair onderwijs)")
    page.get_by_label("Nee, ik eet niet mee").check()
    page.get_by_label(re.compile(r"^Ik heb de privacyverklaring gelezen")).check()
    page.locator("#aanmelden form").get_by_role("button", name="Aanmelden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bedankt! Controleer uw mail")
    assert_accessible(page)


def test_manage_page_before_and_after_cancelling(phone_axe, live_server):
    page = open_page(phone_axe, register_directly(live_server.app))
    expect(page.locator(".status")).to_contain_text("U bent aangemeld")
    assert_accessible(page)

    page.get_by_role("link", name="Afmelden voor deze sessie").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Weet u zeker dat u zich wilt afmelden?")
    assert_accessible(page)
    page.get_by_role("button", name="Ja, meld mij af").click()
    expect(page.locator(".status")).to_contain_text("U bent afgemeld")
    assert_accessible(page)


def test_english_landing_page(phone_axe):
    page = open_page(phone_axe, "/")
    page.get_by_role("link", name="English").click()
    # Translations may be incomplete; the language of the page is what must be right.
    expect(page.locator("html")).to_have_attribute("lang", "en-GB")
    expect(page.get_by_role("link", name="Nederlands")).to_be_visible()
    assert_accessible(page)


@pytest.mark.parametrize("path", ORGANISER_PAGES.values(), ids=ORGANISER_PAGES.keys())
def test_organiser_page(desktop_axe, live_server, path):
    register_directly(live_server.app)  # so lists and counts are not empty
    page = desktop_axe.new_page()
    log_in_as_organiser(page)
    response = page.goto(path)
    assert response.status == 200, f"{path} answered {response.status} (organiser page not built yet?)"
    assert_accessible(page)
