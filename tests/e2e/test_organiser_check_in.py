"""At the door: the organiser finds a person by name and marks them present.

What it relies on (templates/organiser/check_in.html):
- a search box labelled "Zoeken", submitted with Enter;
- one row (<li>, or <tr>) per person, with a button "Aanwezig" (its accessible name ends in
  " – <name>") that becomes "Ongedaan maken" once the person is present;
- the tally in a `.stats` item or role="status" region: "0 / 2 aanwezig ..." or "0 van 2 aanwezig".
Runs with the real CSP.
"""

import re

from tests.e2e.pages import PageWatch, expect, log_in_as_organiser, register_directly

NAME = "Fatima el Amrani"
PRESENT_BUTTON = re.compile(r"^Aanwezig( – .*)?$")
OTHER = "Jan de Vries"


def checked_in_at(app, name):
    from sqlalchemy import select

    from sessie_app.extensions import db
    from sessie_app.registration.models import Registration

    with app.app_context():
        value = db.session.scalar(select(Registration.checked_in_at).where(Registration.name == name))
        db.session.remove()
    return value


def test_organiser_marks_a_person_present(desktop, live_server):
    register_directly(live_server.app, name=NAME, email="f.elamrani@example.nl")
    register_directly(live_server.app, name=OTHER, email="j.devries@example.nl", role="onderzoeker", sector="WO")
    page = desktop.new_page()
    watch = PageWatch(page)
    log_in_as_organiser(page)

    response = page.goto("/organisator/sessies/tilburg/inchecken")
    assert response.status == 200, f"check-in page answered {response.status} (not built yet?)"

    # The tally ("0 / 2 aanwezig van bevestigd"), not the flash message ("... is aanwezig.").
    present = (
        page.locator(".stats li, [role=status]").filter(has_text=re.compile(r"\d+ ?(/|van) ?\d+.*aanwezig", re.I)).first
    )
    expect(present).to_contain_text(re.compile(r"\b0 ?(/|van) ?2\b"))

    search = page.get_by_label(re.compile("zoek", re.I))
    search.fill("Fatima")
    search.press("Enter")
    rows = page.locator("tr, li")
    row = rows.filter(has_text=NAME).first
    expect(row).to_be_visible()
    expect(rows.filter(has_text=OTHER).first).to_be_hidden()

    row.get_by_role("button", name=PRESENT_BUTTON).click()

    expect(present).to_contain_text(re.compile(r"\b1 ?(/|van) ?2\b"))
    row = page.locator("tr, li").filter(has_text=NAME).first
    expect(row.get_by_role("button", name=PRESENT_BUTTON)).to_have_count(0)
    expect(row.get_by_role("button", name=re.compile(r"^Ongedaan maken"))).to_be_visible()
    expect(row).to_contain_text(re.compile("aanwezig", re.I))
    assert checked_in_at(live_server.app, NAME) is not None
    assert checked_in_at(live_server.app, OTHER) is None

    watch.assert_clean()


def test_the_desk_types_sees_results_at_once_and_finds_the_field_ready_after_a_check_in(desktop, live_server):
    register_directly(live_server.app, name=NAME, email="f.elamrani@example.nl")
    register_directly(live_server.app, name=OTHER, email="j.devries@example.nl", role="onderzoeker", sector="WO")
    page = desktop.new_page()
    watch = PageWatch(page)
    log_in_as_organiser(page)
    page.goto("/organisator/sessies/tilburg/inchecken")

    # Focus on load: the desk types a name without reaching for the mouse, and never presses Enter.
    search = page.get_by_label(re.compile("zoek", re.I))
    expect(search).to_be_focused()
    page.keyboard.type("Fati")
    rows = page.locator("li")
    expect(rows.filter(has_text=OTHER)).to_have_count(0)
    row = rows.filter(has_text=NAME).first
    expect(row).to_be_visible()
    assert page.url.endswith("inchecken?q=Fati"), page.url

    row.get_by_role("button", name=PRESENT_BUTTON).click()
    # After the check-in the person's row (with its undo) stays, and the field is empty and ready.
    row = page.locator("li").filter(has_text=NAME).first
    expect(row.get_by_role("button", name=re.compile(r"^Ongedaan maken"))).to_be_visible()
    search = page.get_by_label(re.compile("zoek", re.I))
    expect(search).to_have_value("")
    expect(search).to_be_focused()
    page.keyboard.type("Jan")
    expect(page.locator("li").filter(has_text=OTHER).first).to_be_visible()
    expect(page.locator("li").filter(has_text=NAME)).to_have_count(0)
    assert checked_in_at(live_server.app, NAME) is not None
    watch.assert_clean()
