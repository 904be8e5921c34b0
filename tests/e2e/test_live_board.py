"""The live board in a room: a projector, the organiser's console and two phones, over Socket.IO.

The phones run with the site's real Content-Security-Policy and a console/CSP watch; the join URL
comes from the QR code on the projector, read from a screenshot. The organiser works the console
page, as in the room. Phone B drops off the network for a while and must come back with the right
counts from a fresh snapshot, and its vote made offline must go through once, with the same id.
"""

import io
import json
import re

import pytest

from tests.e2e.pages import (
    PageWatch,
    assert_accessible,
    assert_no_horizontal_scroll,
    expect,
    log_in_as_organiser,
    screenshot,
)
from tests.helpers import need

TITLE = "Tilburg: niet mopperen, maar opperen"
BOTTLENECK = "Ik kan geen scholen vinden voor mijn onderzoek."
PROPOSAL = "Een makelaar die scholen en onderzoekers aan elkaar koppelt"
SIMILAR = "Makelaar koppelt scholen en onderzoekers"
SECOND = "Open access tot onderzoeksliteratuur voor alle leraren"


def decode_qr(png: bytes) -> str:
    try:
        from PIL import Image
        from pyzbar.pyzbar import decode
    except ImportError as error:  # pyzbar loads libzbar when imported
        need(False, f"pyzbar with libzbar is needed to read the QR code ({error})")
    symbols = decode(Image.open(io.BytesIO(png)))
    assert len(symbols) == 1, f"expected one QR code on the projector, found {len(symbols)}"
    return symbols[0].data.decode()


@pytest.fixture
def board(live_server):
    from sessie_app.board import services
    from sessie_app.extensions import db

    with live_server.app.app_context():
        board = services.create_board(TITLE, votes_per_participant=5, max_votes_per_proposal=2)
        code, board_id = board.code, board.id
        db.session.remove()
    return code, board_id


# --- the phone page, as a person uses it -----------------------------------------------------------


class Phone:
    def __init__(self, page):
        self.page = page

    def open(self, url):
        self.page.goto(url)
        self.expect_connected()

    def expect_connected(self):
        expect(self.page.locator("#bp-conn")).to_have_text("Verbonden")

    def expect_phase(self, name):
        expect(self.page.locator("#bp-phase-name")).to_have_text(name)
        expect(self.page.locator('.bp-steps [aria-current="step"]')).to_have_text(name)

    def card(self, title):
        return self.page.locator("#bp-proposals > li").filter(
            has=self.page.get_by_role("heading", name=title, exact=True)
        )

    def vote(self, title, delta=1):
        name = ("Stem erbij op: " if delta > 0 else "Stem terugnemen van: ") + title
        self.page.get_by_role("button", name=name, exact=True).tap()

    def expect_votes(self, title, count, dots):
        card = self.card(title)
        expect(card.locator(".bp-count")).to_have_text("1 stem" if count == 1 else f"{count} stemmen")
        expect(card.locator(".bp-dots")).to_have_text(dots)
        expect(card).not_to_have_class(re.compile(r"\bis-sending\b"))

    def expect_budget(self, text):
        expect(self.page.locator("#bp-budget")).to_have_text(text)


class Console:
    """The organiser's console page: phase buttons, the lock, a proposal's 'kansrijk' toggle."""

    def __init__(self, page):
        self.page = page

    def phase(self, key):
        button = self.page.locator(f'.phase-button[data-phase="{key}"]')
        button.click()
        expect(button).to_have_attribute("aria-pressed", "true")

    def mark_promising(self, title):
        item = self.page.locator("#proposal-list > li").filter(has_text=title)
        item.locator('[data-act="promising"]').click()
        expect(item.locator('[data-act="promising"]')).to_have_attribute("aria-pressed", "true")

    def lock(self):
        button = self.page.locator("#lock-toggle")
        expect(button).to_have_text("Bord vergrendelen")
        button.click()
        expect(button).to_have_text("Bord ontgrendelen")


def projector_count(projector, title):
    return (
        projector.locator("#pj-ranking > li")
        .filter(has=projector.locator(".pj-title", has_text=title))
        .locator(".pj-count-number")
    )


def assert_clean_but_offline(watch) -> None:
    """As PageWatch.assert_clean, but a reconnect attempt that failed while the test had taken the
    phone's network away is what a phone does then, not an error of the page."""
    watch.console_errors = [e for e in watch.console_errors if not e.endswith("net::ERR_INTERNET_DISCONNECTED")]
    watch.assert_clean()


def pending_queue(page, code) -> list:
    return json.loads(page.evaluate(f"sessionStorage.getItem('board-pending-{code}') || '[]'"))


# --- the room ---------------------------------------------------------------------------------------


def test_a_room_with_a_projector_a_console_and_two_phones(new_context, live_server, board):
    code, _board_id = board

    # The projector and the console, each in its own window as in the room (a second page in one
    # context is a background tab to headless Chromium, which then renders it late).
    projector = new_context("desktop").new_page()
    log_in_as_organiser(projector)
    projector.goto(f"/organisator/borden/{code}/projector")
    qr = projector.locator("img.pj-qr")
    expect(qr).to_be_visible()
    expect(qr).to_have_js_property("complete", True)
    join_url = decode_qr(projector.screenshot())
    assert join_url == f"{live_server.url}/b/{code}", join_url

    console = Console(new_context("desktop").new_page())
    log_in_as_organiser(console.page)
    console.page.goto(f"/organisator/borden/{code}")

    # Phone A scans the QR code: the page can post at once, no sign-up, nothing to tap first.
    a = Phone(new_context("phone").new_page())
    watch_a = PageWatch(a.page)
    a.open(join_url)
    a.expect_phase("Mopperen")
    expect(a.page.locator("#bp-profile")).not_to_have_attribute("open", "")
    expect(a.page.locator("#bp-me")).to_have_text("U doet anoniem mee.")
    assert_no_horizontal_scroll(a.page)

    b_context = new_context("phone")
    b = Phone(b_context.new_page())
    watch_b = PageWatch(b.page)
    b.open(f"/b/{code}")

    # Mopperen: A posts a bottleneck; B sees it arrive.
    a.page.get_by_label("Uw knelpunt in één zin").fill(BOTTLENECK)
    a.page.get_by_role("button", name="Plaatsen", exact=True).tap()
    mine = a.page.locator("#bp-bottlenecks > li").filter(has_text=BOTTLENECK)
    expect(mine).to_have_count(1)
    expect(mine).not_to_have_class(re.compile(r"\bis-pending\b"))
    expect(a.page.locator("#bp-bottleneck-status")).to_have_text("Geplaatst.")
    expect(b.page.locator("#bp-bottlenecks > li").filter(has_text=BOTTLENECK)).to_have_count(1)

    # B fills in the optional profile.
    b.page.locator("#bp-profile summary").tap()
    b.page.get_by_label("Naam of bijnaam").fill("Joris")
    b.page.get_by_label("Rol").select_option(label="Onderzoeker")
    b.page.get_by_role("button", name="Bewaren").tap()
    expect(b.page.locator("#bp-profile-status")).to_have_text("Bewaard.")
    expect(b.page.locator("#bp-me")).to_have_text("U doet mee als Joris.")

    # Opperen: A proposes, linked to the bottleneck; B starts typing the same idea and is told.
    console.phase("opperen")
    a.expect_phase("Opperen")
    b.expect_phase("Opperen")
    a.page.get_by_label("Uw voorstel in één regel").fill(PROPOSAL)
    a.page.get_by_label("Groot denken").fill("Elke school werkt samen met onderzoek.")
    a.page.get_by_label("Klein doen").fill("Een gedeelde lijst met contactpersonen, deze maand.")
    a.page.get_by_label("Wie moet in actie komen?").select_option(label="Kennisinstelling")
    a.page.get_by_label("Bij welk knelpunt hoort het? (optioneel)").select_option(label=BOTTLENECK)
    a.page.get_by_role("button", name="Voorstel plaatsen").tap()
    expect(a.card(PROPOSAL)).to_have_count(1)
    expect(a.card(PROPOSAL)).not_to_have_class(re.compile(r"\bis-pending\b"))
    expect(a.card(PROPOSAL)).to_contain_text("Aan zet: Kennisinstelling")
    expect(b.card(PROPOSAL)).to_have_count(1)

    b.page.get_by_label("Uw voorstel in één regel").fill(SIMILAR)
    suggestion = b.page.locator("#bp-similar-box")
    expect(suggestion).to_be_visible()
    expect(suggestion).to_contain_text("Lijkt op:")
    expect(suggestion.get_by_role("link", name=PROPOSAL)).to_have_attribute("href", re.compile(r"^#voorstel-\d+$"))
    b.page.get_by_label("Uw voorstel in één regel").fill(SECOND)
    b.page.get_by_role("button", name="Voorstel plaatsen").tap()
    expect(b.card(SECOND)).not_to_have_class(re.compile(r"\bis-pending\b"))
    expect(b.card(SECOND)).to_contain_text("Door Joris")
    expect(a.card(SECOND)).to_have_count(1)

    # Stemmen: B votes for A's proposal; the projector shows it.
    console.phase("stemmen")
    b.expect_phase("Stemmen")
    a.expect_phase("Stemmen")
    b.expect_budget("Nog 5 van 5 stemmen")
    b.vote(PROPOSAL)
    b.expect_votes(PROPOSAL, 1, "●○")
    expect(projector_count(projector, PROPOSAL)).to_have_text("1")
    b.expect_budget("Nog 4 van 5 stemmen")
    a.expect_votes(PROPOSAL, 1, "○○")

    # B goes offline. A votes meanwhile; B votes too, which waits as "pending" on the phone.
    b_context.set_offline(True)
    expect(b.page.locator("#bp-conn")).to_have_text("Verbinding weg – we proberen het opnieuw…")
    a.vote(PROPOSAL)
    a.expect_votes(PROPOSAL, 2, "●○")
    expect(projector_count(projector, PROPOSAL)).to_have_text("2")
    b.vote(SECOND)
    expect(b.card(SECOND)).to_have_class(re.compile(r"\bis-sending\b"))
    expect(b.card(SECOND).locator(".bp-pending")).to_have_text("wordt verstuurd…")
    [queued] = pending_queue(b.page, code)
    assert (
        queued["ev"] == "vote" and queued["data"]["delta"] == 1 and re.fullmatch(r"[A-Za-z0-9_-]{8,64}", queued["id"])
    )
    expect(b.card(PROPOSAL).locator(".bp-count")).to_have_text("1 stem")  # B has not heard of A's vote yet
    b.expect_budget("Nog 3 van 5 stemmen")  # the pending vote is already held from the budget

    # Back online: a fresh snapshot, then the queued vote goes through once.
    b_context.set_offline(False)
    b.expect_connected()
    b.expect_votes(PROPOSAL, 2, "●○")
    b.expect_votes(SECOND, 1, "●○")
    expect(b.card(SECOND).locator(".bp-pending")).to_be_hidden()
    assert pending_queue(b.page, code) == []
    b.expect_budget("Nog 3 van 5 stemmen")
    expect(projector_count(projector, SECOND)).to_have_text("1")
    expect(projector_count(projector, PROPOSAL)).to_have_text("2")

    # At the maximum per proposal the + button is disabled, and the phone says why.
    b.vote(PROPOSAL)
    b.expect_votes(PROPOSAL, 3, "●●")
    plus = b.page.get_by_role("button", name=f"Stem erbij op: {PROPOSAL}", exact=True)
    expect(plus).to_be_disabled()
    expect(b.page.get_by_role("button", name=f"Stem terugnemen van: {PROPOSAL}", exact=True)).to_be_focused()
    expect(b.card(PROPOSAL).locator(".bp-why")).to_have_text("Maximaal 2 stemmen per voorstel.")
    b.vote(PROPOSAL, -1)
    b.expect_votes(PROPOSAL, 2, "●○")
    b.vote(PROPOSAL)
    b.expect_votes(PROPOSAL, 3, "●●")
    a.expect_votes(PROPOSAL, 3, "●○")
    expect(projector_count(projector, PROPOSAL)).to_have_text("3")
    assert_no_horizontal_scroll(b.page)
    screenshot(b.page, "board-phone-voting.png")
    screenshot(projector, "board-projector.png")

    # Oogsten: the ranking freezes; the organiser marks the winner "kansrijk".
    console.phase("oogsten")
    a.expect_phase("Oogsten")
    ranking = a.page.locator("#bp-ranking > li")
    expect(ranking).to_have_count(2)
    expect(ranking.nth(0)).to_contain_text(PROPOSAL)
    expect(ranking.nth(0)).to_contain_text("3 stemmen")
    expect(ranking.nth(1)).to_contain_text(SECOND)
    console.mark_promising(PROPOSAL)
    expect(ranking.nth(0).locator(".bp-badge-promising")).to_have_text("Kansrijk")

    # A locked board is read-only on the phones.
    console.lock()
    for phone in (a, b):
        expect(phone.page.locator("#bp-locked")).to_be_visible()

    watch_a.assert_clean()
    assert_clean_but_offline(watch_b)


def test_without_javascript_the_phone_says_so_and_shows_the_code(new_context, board):
    code, _board_id = board
    page = new_context("phone", java_script_enabled=False).new_page()
    page.goto(f"/b/{code}")
    notice = page.locator(".notice").filter(has_text="Het live bord werkt alleen met JavaScript.")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text(code)
    expect(page.locator("#bp-app")).to_be_hidden()
    expect(page.locator("#bp-loading")).to_be_hidden()


# --- accessibility in every phase ----------------------------------------------------------------------


def test_phone_projector_and_console_pass_axe_in_every_phase(new_context, live_server, board):
    from sessie_app.board import services
    from sessie_app.extensions import db

    code, board_id = board
    app = live_server.app

    def as_organiser(change, *args):
        with app.test_request_context():
            change(board_id, *args, None)
            db.session.remove()

    with app.test_request_context():
        other = services.join(board_id, None, nickname="Els").id
        services.add_bottleneck(other, "axe-bottleneck-1", BOTTLENECK)
        db.session.remove()

    phone = new_context("phone", bypass_csp=True, reduced_motion="reduce").new_page()
    phone.goto(f"/b/{code}")
    expect(phone.locator("#bp-conn")).to_have_text("Verbonden")
    expect(phone.locator("#bp-bottlenecks > li")).to_have_count(1)
    assert_accessible(phone)

    phone.locator("#bp-profile summary").click()
    expect(phone.get_by_label("Naam of bijnaam")).to_be_visible()
    assert_accessible(phone)

    as_organiser(services.set_phase, "opperen")
    with app.test_request_context():
        services.add_proposal(other, "axe-proposal-1", PROPOSAL, big="Groot", small="Klein", actor="school")
        services.add_proposal(other, "axe-proposal-2", SECOND)
        db.session.remove()
    phone.reload()
    expect(phone.locator("#bp-proposals > li")).to_have_count(2)
    phone.get_by_label("Uw voorstel in één regel").fill(SIMILAR)
    expect(phone.locator("#bp-similar-box")).to_be_visible()
    assert_accessible(phone)

    as_organiser(services.set_phase, "stemmen")
    phone.reload()
    for _ in range(2):
        phone.get_by_role("button", name=f"Stem erbij op: {PROPOSAL}", exact=True).click()
    expect(phone.locator("#bp-budget")).to_have_text("Nog 3 van 5 stemmen")
    expect(phone.get_by_role("button", name=f"Stem erbij op: {PROPOSAL}", exact=True)).to_be_disabled()
    assert_accessible(phone)

    desktop = new_context("desktop", bypass_csp=True, reduced_motion="reduce")
    organiser = desktop.new_page()
    log_in_as_organiser(organiser)
    for path in (f"/organisator/borden/{code}/projector", f"/organisator/borden/{code}"):
        response = organiser.goto(path)
        assert response.status == 200, f"{path} answered {response.status}"
        expect(organiser.locator("#pj-ranking > li, #proposal-list > li").first).to_be_visible()
        assert_accessible(organiser)

    with app.test_request_context():
        [first] = [p for p in services.snapshot(board_id)["proposals"] if p["title"] == PROPOSAL]
        services.set_flag(board_id, first["id"], "promising", True, None)
        db.session.remove()
    as_organiser(services.set_phase, "oogsten")
    phone.reload()
    expect(phone.locator("#bp-ranking .bp-badge-promising")).to_have_text("Kansrijk")
    assert_accessible(phone)

    as_organiser(services.set_locked, True)
    phone.reload()
    expect(phone.locator("#bp-locked")).to_be_visible()
    assert_accessible(phone)


# --- one word per concept, and text that is too long ---------------------------------------------------


def test_a_highlighted_proposal_reads_uitgelicht_on_the_console_the_projector_and_the_phones(
    new_context, live_server, board
):
    from sessie_app.board import services
    from sessie_app.extensions import db

    code, board_id = board
    with live_server.app.test_request_context():
        author = services.join(board_id, None).id
        services.set_phase(board_id, "opperen", None)
        services.add_proposal(author, "flag-proposal-1", PROPOSAL)
        services.add_proposal(author, "flag-proposal-2", SECOND)
        db.session.remove()

    console = new_context("desktop").new_page()
    log_in_as_organiser(console)
    console.goto(f"/organisator/borden/{code}")
    projector = new_context("desktop").new_page()
    log_in_as_organiser(projector)
    projector.goto(f"/organisator/borden/{code}/projector")
    phone = Phone(new_context("phone").new_page())
    phone.open(f"/b/{code}")

    item = console.locator("#proposal-list > li").filter(has_text=SECOND)
    item.get_by_role("button", name="Uitlichten").click()
    expect(item.get_by_role("button", name="Uitlichten")).to_have_attribute("aria-pressed", "true")
    expect(item.locator(".proposal-badges")).to_have_text("Uitgelicht")
    expect(console.locator("#log-body tr").first).to_contain_text("Uitgelicht")
    expect(phone.card(SECOND).locator(".bp-badge")).to_have_text("Uitgelicht")
    expect(phone.page.locator("#bp-proposals > li").first).to_contain_text(SECOND)  # highlighted goes first
    pinned = projector.locator("#pj-ranking > li").first
    expect(pinned.locator(".pj-title")).to_have_text(SECOND)
    expect(pinned.locator(".pj-badge")).to_have_text("Uitgelicht")


def test_a_pasted_title_that_is_too_long_stays_whole_and_the_phone_says_by_how_much(new_context, live_server, board):
    from sessie_app import limits
    from sessie_app.board import services
    from sessie_app.extensions import db

    code, board_id = board
    with live_server.app.test_request_context():
        services.set_phase(board_id, "opperen", None)
        db.session.remove()
    phone = Phone(new_context("phone").new_page())
    watch = PageWatch(phone.page)
    phone.open(f"/b/{code}")
    title = phone.page.get_by_label("Uw voorstel in één regel")
    count = phone.page.locator("#bp-title ~ .char-count-status")
    expect(count).to_have_text(f"Nog {limits.PROPOSAL_TITLE} tekens")
    expect(title).not_to_have_attribute("maxlength", re.compile(".*"))

    pasted = "Onderzoekstijd voor leraren vastleggen in de cao, " * 4  # 200 characters
    title.fill(pasted)
    assert len(title.input_value()) == len(pasted) == 200, "nothing is cut off"
    expect(count).to_have_text(f"{200 - limits.PROPOSAL_TITLE} tekens te veel")
    expect(phone.page.locator("#bp-title ~ [aria-live]")).to_have_text("60 tekens te veel")
    phone.page.get_by_role("button", name="Voorstel plaatsen").tap()
    expect(phone.page.locator("#bp-proposal-status")).to_have_text(
        f"Dit is te lang: hoogstens {limits.PROPOSAL_TITLE} tekens."
    )
    expect(title).to_be_focused()
    expect(phone.page.locator("#bp-proposals > li")).to_have_count(0)
    assert pending_queue(phone.page, code) == []

    shorter = pasted[: limits.PROPOSAL_TITLE].strip()
    title.fill(shorter)
    expect(count).to_have_text(f"Nog {limits.PROPOSAL_TITLE - len(shorter)} tekens")
    phone.page.get_by_role("button", name="Voorstel plaatsen").tap()
    expect(phone.card(shorter)).not_to_have_class(re.compile(r"\bis-pending\b"))
    expect(count).to_have_text(f"Nog {limits.PROPOSAL_TITLE} tekens")  # the form was emptied
    watch.assert_clean()


def test_starters_loaded_late_leave_the_rooms_own_complaints_on_the_projector(new_context, live_server, board):
    from sessie_app.board import services
    from sessie_app.extensions import db

    code, board_id = board
    said = ["Geen tijd voor onderzoek", "Onderzoek is onvindbaar", "Te veel vakjargon"]
    with live_server.app.test_request_context():
        for n, text in enumerate(said):
            services.add_bottleneck(services.join(board_id, None).id, f"room-complaint-{n}", text)
        db.session.remove()
    projector = new_context("desktop").new_page()
    log_in_as_organiser(projector)
    projector.goto(f"/organisator/borden/{code}/projector")
    shown = projector.locator("#pj-bottlenecks .pj-bottleneck-text")
    expect(shown).to_have_text(list(reversed(said)))
    with live_server.app.test_request_context():
        assert len(services.load_starters(board_id, None)) == 6
        db.session.remove()
    projector.reload()
    expect(shown).to_have_count(6)  # the starters fill up behind what the room said
    assert shown.all_text_contents()[:3] == list(reversed(said))


def test_a_merge_gives_back_the_dots_that_no_longer_count_and_the_phone_says_so(new_context, live_server, board):
    from sessie_app.board import services
    from sessie_app.extensions import db

    code, board_id = board
    keep, duplicate = "Onderzoekstijd voor leraren", "Tijd voor onderzoek voor docenten"
    with live_server.app.test_request_context():
        author = services.join(board_id, None).id
        services.set_phase(board_id, "opperen", None)
        ids = {
            title: services.add_proposal(author, f"merge-proposal-{n}", title)["proposal"]["id"]
            for n, title in enumerate((keep, duplicate))
        }
        services.set_phase(board_id, "stemmen", None)
        db.session.remove()

    phone = Phone(new_context("phone").new_page())
    watch = PageWatch(phone.page)
    phone.open(f"/b/{code}")
    phone.vote(keep)
    phone.expect_votes(keep, 1, "●○")
    for _dot in range(2):
        phone.vote(duplicate)
    phone.expect_votes(duplicate, 2, "●●")
    phone.expect_budget("Nog 2 van 5 stemmen")

    console = new_context("desktop").new_page()
    log_in_as_organiser(console)
    console.goto(f"/organisator/borden/{code}")
    expect(console.locator("#connection")).to_have_text("Verbonden")
    console.locator("#merge-box summary").click()
    console.locator("#merge-duplicate").select_option(str(ids[duplicate]))
    console.locator("#merge-keep").select_option(str(ids[keep]))
    console.once("dialog", lambda dialog: dialog.accept())
    console.locator("#merge-form button[type=submit]").click()
    expect(console.locator("#console-status")).to_have_text(
        "Samengevoegd. 1 stem die dubbel stond, is terug bij wie hem gaf."
    )

    # Three dots on the two became two on the one: the third is back, and the phone says why.
    expect(phone.card(duplicate)).to_have_count(0)
    phone.expect_votes(keep, 2, "●●")
    phone.expect_budget("Nog 3 van 5 stemmen")
    expect(phone.page.locator("#bp-toast")).to_contain_text("Twee voorstellen zijn samengevoegd.")
    expect(phone.page.locator("#bp-toast")).to_contain_text("1 stem telt nu niet dubbel en is terug")
    watch.assert_clean()


def test_the_console_hides_everything_from_one_participant_at_once(new_context, live_server, board):
    from sessie_app.board import services
    from sessie_app.extensions import db

    code, board_id = board
    spam, real = ["Koop nu goedkoop", "Klik op deze link", "Gratis prijs"], "Onderzoekstijd voor leraren"
    with live_server.app.test_request_context():
        services.set_phase(board_id, "opperen", None)
        flooder, honest = services.join(board_id, None).id, services.join(board_id, None).id
        for n, title in enumerate(spam):
            services.add_proposal(flooder, f"spam-proposal-{n}", title)
        services.add_proposal(honest, "real-proposal-1", real)
        db.session.remove()

    phone = Phone(new_context("phone").new_page())
    phone.open(f"/b/{code}")
    expect(phone.page.locator("#bp-proposals > li")).to_have_count(4)
    console = new_context("desktop").new_page()
    log_in_as_organiser(console)
    console.goto(f"/organisator/borden/{code}")
    item = console.locator("#proposal-list > li").filter(has_text=spam[0])
    item.locator('[data-act="hide"]').click()
    form = item.locator(".hide-form")
    form.get_by_label("Waarom verbergen? (verplicht, komt in het log)").fill("Reclame")
    form.get_by_label("Alles van deze deelnemer verbergen, met deze reden").check()
    form.get_by_role("button", name="Verbergen").click()
    expect(
        console.locator("#console-status, .item-status").filter(has_text="3 bijdragen van deze deelnemer verborgen.")
    ).to_have_count(1)
    expect(phone.page.locator("#bp-proposals > li")).to_have_count(1)
    expect(phone.card(real)).to_have_count(1)
    expect(console.locator("#proposal-count")).to_have_text("1")


def test_the_console_hides_a_selection_with_one_reason_while_the_bar_stays_in_sight(new_context, live_server, board):
    from sessie_app.board import services
    from sessie_app.extensions import db

    code, board_id = board
    spam, real = [f"Koop nu goedkoop {n}" for n in range(8)], "Onderzoekstijd voor leraren"
    with live_server.app.test_request_context():
        services.set_phase(board_id, "opperen", None)
        honest = services.join(board_id, None).id
        services.add_proposal(honest, "real-proposal-1", real)
        for n, title in enumerate(spam):  # each from a phone of its own, as a script with the code does
            services.add_proposal(services.join(board_id, None).id, f"spam-proposal-{n}", title, big="Klik hier " * 20)
        db.session.remove()

    phone = Phone(new_context("phone").new_page())
    phone.open(f"/b/{code}")
    expect(phone.page.locator("#bp-proposals > li")).to_have_count(9)
    console = new_context("desktop").new_page()
    log_in_as_organiser(console)
    console.goto(f"/organisator/borden/{code}")
    bar = console.locator("#selection-form")
    expect(bar).to_be_hidden()
    for title in spam:
        console.locator("#proposal-list > li").filter(has_text=title).get_by_label("Kiezen").check()
    expect(bar.locator("#selection-count")).to_have_text("8 bijdragen gekozen")
    # Ticking the last of a long list leaves the bar on screen.
    expect(bar).to_be_in_viewport()
    bar.get_by_role("button", name="Gekozen verbergen").click()
    expect(bar.locator("#selection-status")).to_have_text("Vul een reden in: die komt in het moderatielog.")
    bar.get_by_label("Waarom verbergen? (verplicht, komt in het log)").fill("Reclame")
    screenshot(console, "console-selection-1366.png")
    bar.get_by_role("button", name="Gekozen verbergen").click()
    expect(console.locator("#console-status")).to_have_text("8 bijdragen verborgen.")
    expect(bar).to_be_hidden()
    expect(phone.page.locator("#bp-proposals > li")).to_have_count(1)
    expect(phone.card(real)).to_have_count(1)
    expect(console.locator("#proposal-count")).to_have_text("1")
    expect(console.locator("#log-body tr").filter(has_text="Reclame")).to_have_count(8)
    hidden_box = console.locator("#proposal-list > li").filter(has_text=spam[0]).get_by_label("Kiezen")
    expect(hidden_box).to_be_disabled()


def test_a_half_typed_text_survives_a_reload_and_a_locked_form_looks_locked(new_context, live_server, board):
    from sessie_app.board import services
    from sessie_app.extensions import db

    code, board_id = board
    phone = Phone(new_context("phone").new_page())
    watch = PageWatch(phone.page)
    phone.open(f"/b/{code}")
    complaint = phone.page.get_by_label("Uw knelpunt in één zin")
    complaint.fill("Onderzoek is achter een betaalmuur")
    phone.page.reload()
    phone.expect_connected()
    expect(complaint).to_have_value("Onderzoek is achter een betaalmuur")
    phone.page.get_by_role("button", name="Plaatsen").tap()
    expect(phone.page.locator("#bp-bottlenecks")).to_contain_text("Onderzoek is achter een betaalmuur")
    phone.page.reload()
    phone.expect_connected()
    expect(complaint).to_have_value("")  # posted, so no longer a draft

    with live_server.app.test_request_context():
        services.set_phase(board_id, "opperen", None)
        db.session.remove()
    phone.page.reload()
    phone.expect_phase("Opperen")
    phone.page.get_by_label("Uw voorstel in één regel").fill("Open access voor leraren")
    phone.page.get_by_label("Groot denken").fill("Elke leraar leest mee")
    phone.page.reload()
    phone.expect_phase("Opperen")
    expect(phone.page.get_by_label("Uw voorstel in één regel")).to_have_value("Open access voor leraren")
    expect(phone.page.get_by_label("Groot denken")).to_have_value("Elke leraar leest mee")

    with live_server.app.test_request_context():
        services.set_locked(board_id, True, None)
        db.session.remove()
    phone.page.reload()
    expect(phone.page.locator("#bp-locked")).to_be_visible()
    title = phone.page.get_by_label("Uw voorstel in één regel")
    expect(title).to_be_disabled()
    expect(title).to_have_value("Open access voor leraren")
    expect(title).to_have_css("cursor", "not-allowed")
    expect(phone.page.get_by_role("button", name="Voorstel plaatsen")).to_be_disabled()
    watch.assert_clean()


def test_a_spent_budget_is_said_once_at_the_bottom_not_under_every_card(new_context, live_server):
    from sessie_app.board import services
    from sessie_app.extensions import db

    titles = ["Eerste voorstel", "Tweede voorstel", "Derde voorstel"]
    with live_server.app.test_request_context():
        board = services.create_board("Budget", votes_per_participant=2, max_votes_per_proposal=1)
        code = board.code
        author = services.join(board.id, None).id
        services.set_phase(board.id, "opperen", None)
        for n, title in enumerate(titles):
            services.add_proposal(author, f"budget-proposal-{n}", title)
        services.set_phase(board.id, "stemmen", None)
        db.session.remove()

    phone = Phone(new_context("phone").new_page())
    watch = PageWatch(phone.page)
    phone.open(f"/b/{code}")
    phone.vote(titles[0])
    phone.expect_votes(titles[0], 1, "●")
    phone.vote(titles[1])
    phone.expect_votes(titles[1], 1, "●")
    phone.expect_budget("Alle 2 stemmen gebruikt. Neem er een terug om te verschuiven.")
    # The cards at their own maximum say so; the third says nothing, and its + points at the one line.
    expect(phone.page.locator(".bp-why:visible")).to_have_count(2)
    expect(phone.card(titles[0]).locator(".bp-why")).to_have_text("Maximaal 1 stem per voorstel.")
    expect(phone.card(titles[2]).locator(".bp-why")).to_be_hidden()
    plus = phone.page.get_by_role("button", name=f"Stem erbij op: {titles[2]}", exact=True)
    expect(plus).to_be_disabled()
    expect(plus).to_have_attribute("aria-describedby", "bp-budget")
    watch.assert_clean()


# --- the pending queue survives a reload; a lost identity reloads the page -------------------------------


def test_a_vote_queued_offline_survives_a_reload_and_counts_once(new_context, live_server, board):
    from playwright.sync_api import Error as PlaywrightError

    from sessie_app.board import services
    from sessie_app.board.models import Participant
    from sessie_app.extensions import db

    code, board_id = board
    app = live_server.app
    with app.test_request_context():
        author = services.join(board_id, None).id
        services.set_phase(board_id, "opperen", None)
        services.add_proposal(author, "reload-proposal-1", PROPOSAL)
        services.set_phase(board_id, "stemmen", None)
        db.session.remove()

    context = new_context("phone")
    phone = Phone(context.new_page())
    watch = PageWatch(phone.page)
    phone.open(f"/b/{code}")
    phone.expect_votes(PROPOSAL, 0, "○○")

    context.set_offline(True)
    expect(phone.page.locator("#bp-conn")).to_have_text("Verbinding weg – we proberen het opnieuw…")
    phone.vote(PROPOSAL)
    expect(phone.card(PROPOSAL).locator(".bp-pending")).to_have_text("wordt verstuurd…")
    [queued] = pending_queue(phone.page, code)

    # The phone reloads while still offline (an error page), then comes back to the board.
    with pytest.raises(PlaywrightError, match="ERR_INTERNET_DISCONNECTED"):
        phone.page.reload()
    context.set_offline(False)
    phone.open(f"/b/{code}")
    phone.expect_votes(PROPOSAL, 1, "●○")
    phone.expect_budget("Nog 4 van 5 stemmen")
    assert pending_queue(phone.page, code) == []
    with app.app_context():
        participants = db.session.scalars(db.select(Participant).where(Participant.board_id == board_id)).all()
        placed = sorted(sum(services.participant_view(p.id)["votes"].values()) for p in participants)
        assert placed == [0, 1], "the queued vote counted once"
        db.session.remove()
    assert queued["id"]

    # Taken back and given twice while offline: sent in order once back, or the last "+" would
    # hit the maximum of two per proposal.
    context.set_offline(True)
    expect(phone.page.locator("#bp-conn")).to_have_text("Verbinding weg – we proberen het opnieuw…")
    phone.vote(PROPOSAL, -1)
    phone.vote(PROPOSAL)
    phone.vote(PROPOSAL)
    assert [(item["ev"], item["data"]["delta"]) for item in pending_queue(phone.page, code)] == [
        ("vote", -1),
        ("vote", 1),
        ("vote", 1),
    ]
    context.set_offline(False)
    phone.expect_connected()
    phone.expect_votes(PROPOSAL, 2, "●●")
    phone.expect_budget("Nog 3 van 5 stemmen")
    expect(phone.page.locator("#bp-toast")).to_be_empty()
    assert pending_queue(phone.page, code) == []

    # The identity cookie is gone (cleared by the phone): the next join answers not_joined and the
    # page reloads itself, which makes a new participant with a fresh budget.
    context.clear_cookies(name=f"deelnemer_{code}")
    with phone.page.expect_navigation():
        context.set_offline(True)
        context.set_offline(False)
    phone.expect_connected()
    phone.expect_votes(PROPOSAL, 2, "○○")
    phone.expect_budget("Nog 5 van 5 stemmen")
    assert_clean_but_offline(watch)


def test_the_phone_page_stays_small(live_server, board):
    """HTML + CSS + JS, compressed, including the Socket.IO client: at most 60 kB on a cheap phone."""
    import gzip

    code, _board_id = board
    client = live_server.app.test_client()

    def fetch(url: str) -> bytes:
        response = client.get(url)
        assert response.status_code == 200, f"{url} answered {response.status_code}"
        data = response.get_data()
        response.close()
        return data

    html = fetch(f"/b/{code}")
    # The page's scripts, and the modules they import, which it preloads (tests/serving/test_phone_weight.py).
    scripts = re.findall(rb'<script[^>]* src="([^"]+)"', html) + re.findall(
        rb'<link rel="modulepreload" href="([^"]+)"', html
    )
    styles = re.findall(rb'<link rel="stylesheet" href="([^"]+)"', html)
    assert b"/static/js/board.js" in scripts and b"/static/vendor/socket.io.min.js" in scripts
    assert {b"/static/js/live.js", b"/static/js/pending.js", b"/static/js/words.js"} <= set(scripts)
    parts = [html] + [fetch(url.decode()) for url in scripts + styles]
    total = sum(len(gzip.compress(part, 9)) for part in parts)
    assert total <= 60 * 1024, f"the phone page weighs {total / 1024:.1f} kB compressed"
