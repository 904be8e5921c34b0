"""The character count under a limited field, as a person meets it: pasted text stays whole and
the page says how much is too much; the server refuses it, naming the limit."""

import re

from sessie_app import limits
from tests.e2e.pages import PageWatch, expect, log_in_as_organiser

NAME = "Fatima el Amrani van der Berg-Ouali " * 5  # 175 characters


def test_a_long_name_stays_whole_is_counted_and_is_refused_with_the_limit(new_context):
    page = new_context("phone").new_page()
    watch = PageWatch(page)
    page.goto("/sessies/tilburg")
    name = page.get_by_label("Naam")
    count = page.locator("#name ~ .char-count-status")
    expect(count).to_have_text(f"Nog {limits.NAME} tekens")
    expect(page.locator("#name-limit")).to_have_class(re.compile(r"\bvisually-hidden\b"))

    name.fill(NAME)
    assert name.input_value() == NAME, "nothing is cut off"
    over = len(NAME) - limits.NAME
    expect(count).to_have_text(f"{over} tekens te veel")
    expect(name).to_have_class(re.compile(r"\bis-over\b"))

    page.locator("#aanmelden form").get_by_role("button", name="Aanmelden").click()
    expect(page.locator("#name-error")).to_have_text(f"Gebruik hoogstens {limits.NAME} tekens.")
    expect(page.get_by_label("Naam")).to_have_value(NAME.strip())
    expect(page.locator("#name ~ .char-count-status")).to_have_text(f"{len(NAME.strip()) - limits.NAME} tekens te veel")
    watch.assert_clean()


def test_without_scripts_the_limit_is_said_and_kept_by_the_browser(new_context):
    page = new_context("phone", java_script_enabled=False).new_page()
    page.goto("/sessies/tilburg")
    expect(page.locator("#name-limit")).to_be_visible()
    expect(page.locator("#name-limit")).to_have_text(f"Hoogstens {limits.NAME} tekens.")
    page.get_by_label("Naam").fill(NAME)
    assert len(page.get_by_label("Naam").input_value()) == limits.NAME


def test_the_consoles_edit_form_counts_and_shows_the_servers_refusal(new_context, live_server):
    from sessie_app.board import services
    from sessie_app.extensions import db

    with live_server.app.test_request_context():
        board = services.create_board("Tilburg")
        author = services.join(board.id, None).id
        services.set_phase(board.id, "opperen", None)
        services.add_proposal(author, "count-proposal-1", "Kennisloket per regio")
        code = board.code
        db.session.remove()

    page = new_context("desktop").new_page()
    watch = PageWatch(page)
    log_in_as_organiser(page)
    page.goto(f"/organisator/borden/{code}")
    item = page.locator("#proposal-list > li").first
    item.get_by_role("button", name="Bewerken").click()
    title = item.get_by_label("Titel")
    expect(title).to_be_focused()
    count = item.locator(".edit-form .char-count-status").first
    expect(count).to_have_text(f"Nog {limits.PROPOSAL_TITLE - len('Kennisloket per regio')} tekens")
    described = title.get_attribute("aria-describedby")
    expect(page.locator(f"#{described}")).to_have_text(f"Hoogstens {limits.PROPOSAL_TITLE} tekens.")

    title.fill("x" * (limits.PROPOSAL_TITLE + 10))
    expect(count).to_have_text("10 tekens te veel")
    item.get_by_role("button", name="Opslaan").click()
    expect(item.locator(".item-status")).to_have_text(
        f"Geef uw voorstel een titel van hoogstens {limits.PROPOSAL_TITLE} tekens."
    )
    watch.assert_clean()
