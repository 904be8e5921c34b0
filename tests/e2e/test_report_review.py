"""The organiser reviews the suggested groups in a real browser, then downloads the report."""

import re

from tests.e2e.pages import (
    PageWatch,
    assert_accessible,
    assert_no_horizontal_scroll,
    expect,
    log_in_as_organiser,
    screenshot,
)

# Two ideas, each said three times in other words, in two sessions; and one proposal on its own.
PROPOSALS = {
    "tilburg": [
        (
            "Open access voor leraren",
            "Alle leraren krijgen gratis toegang tot wetenschappelijke artikelen.",
            "overheid",
        ),
        (
            "Onderzoekstijd in de normjaartaak",
            "Elke leraar krijgt structureel uren voor onderzoek in de jaartaak.",
            "school",
        ),
        (
            "Gratis toegang tot artikelen voor leraren",
            "Leraren lezen wetenschappelijke artikelen zonder betaalmuur.",
            "overheid",
        ),
    ],
    "zwolle": [
        (
            "Open access voor alle leraren",
            "Alle leraren gratis toegang tot wetenschappelijke artikelen en tijdschriften.",
            "overheid",
        ),
        (
            "Uren voor onderzoek in de jaartaak",
            "Leraren krijgen uren in de normjaartaak om onderzoek te doen.",
            "school",
        ),
        ("Onderzoekstijd voor leraren", "Structureel tijd voor onderzoek in de jaartaak van elke leraar.", "school"),
        ("Schoolplein vergroenen", "Meer groen op het schoolplein zodat kinderen buiten leren.", "school"),
    ],
}


def fill_boards(app) -> None:
    from sessie_app.board import services as board_services
    from sessie_app.extensions import db
    from sessie_app.registration.models import Meeting

    with app.app_context(), app.test_request_context():
        for slug, proposals in PROPOSALS.items():
            meeting = db.session.scalar(db.select(Meeting).where(Meeting.slug == slug))
            board = board_services.create_board(f"Bord {meeting.city}", meeting_id=meeting.id)
            board_services.set_phase(board.id, "opperen", None)
            for number, (title, big, actor) in enumerate(proposals):
                participant = board_services.join(board.id, None, role="leraar" if number % 2 else "onderzoeker")
                board_services.add_proposal(
                    participant.id, f"proposal-{number:04d}", title, big, "Begin met een pilot op één school.", actor
                )
        db.session.remove()


def test_organiser_reviews_groups_and_downloads_the_report(desktop, phone_axe, live_server):
    fill_boards(live_server.app)
    page = desktop.new_page()
    watch = PageWatch(page)
    log_in_as_organiser(page)
    page.get_by_role("link", name="Rapporten").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rapporten voor het Plan van Aanpak")
    page.get_by_role("link", name="Groepen beoordelen").click()

    page.get_by_role("button", name="Nieuwe suggestie maken").click()
    expect(page.locator(".notice-success")).to_contain_text("groepen voorgesteld uit 7 voorstellen")
    cards = page.locator(".group-card")
    expect(cards).to_have_count(2)
    expect(page.locator("#los")).to_contain_text("Schoolplein vergroenen")

    open_access = cards.filter(has_text="Open access voor alle leraren")
    expect(open_access.locator(".member-list li")).to_have_count(3)
    # Enter in the title saves it (it used to press the first button, "Uit de groep halen").
    open_access.get_by_label("Titel van de groep").fill("Open access voor iedereen voor de klas")
    open_access.get_by_label("Titel van de groep").press("Enter")
    expect(page.locator(".notice-success")).to_contain_text("Opgeslagen.")
    expect(open_access.get_by_label("Titel van de groep")).to_have_value("Open access voor iedereen voor de klas")
    open_access.get_by_role("button", name="Accepteren").click()
    expect(page.locator(".notice-success")).to_contain_text(re.compile(r"Groep \d+ geaccepteerd"))
    accepted = page.locator(".group-confirmed")
    expect(accepted).to_have_count(1)
    expect(accepted.get_by_label("Titel van de groep")).to_have_value("Open access voor iedereen voor de klas")

    # Taking one proposal out of the other group leaves two; a wrong group number is refused in Dutch.
    time_group = page.locator(".group-card:not(.group-confirmed)")
    time_group.get_by_role("checkbox", name=re.compile(r"^Uren voor onderzoek in de jaartaak")).check()
    time_group.get_by_label("Naar groep nr.").fill("999")
    time_group.get_by_role("button", name="Verplaatsen").click()
    # The refusal answers on the review page itself, in the group's card, at an address that shows it.
    expect(page.locator(".group-card .notice-error")).to_contain_text("Deze groep bestaat niet meer")
    assert re.search(r"/organisator/rapport/groepen#groep-\d+$", page.url)
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Groepen beoordelen")
    time_group = page.locator(".group-card:not(.group-confirmed)")
    time_group.get_by_role("checkbox", name=re.compile(r"^Uren voor onderzoek in de jaartaak")).check()
    time_group.get_by_role("button", name="Uit de groep halen").click()
    expect(page.locator(".notice-success")).to_contain_text("1 voorstel uit de groep gehaald")
    expect(page.locator("#los")).to_contain_text("Uren voor onderzoek in de jaartaak")
    screenshot(page, "report-groups.png")
    watch.assert_clean()

    page.get_by_role("link", name="Naar de rapporten").click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile(r"^PDF alle sessies$")).click()
    download = download_info.value
    assert download.suggested_filename == "plan-van-aanpak-alle.pdf"
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    # The review page on a phone: readable without sideways scrolling, and accessible.
    phone_page = phone_axe.new_page()
    log_in_as_organiser(phone_page)
    phone_page.goto("/organisator/rapport/groepen")
    assert_no_horizontal_scroll(phone_page)
    assert_accessible(phone_page)
