"""Browser tests: the real app on a local port, driven by Debian's Chromium through Playwright.

One Chromium per test session; each test gets its own app, database copy and browser context.
The `browser` fixture gives its tests the `browser` marker (tests/conftest.py). Helpers (axe,
console/CSP watch, organiser login) live in pages.py.
"""

import threading
from pathlib import Path
from types import SimpleNamespace

import pytest
from werkzeug.serving import make_server

from sessie_app.extensions import db
from sessie_app.organiser.services import create_or_update_organiser
from sessie_app.registration import seed
from sessie_app.timeutil import today_local
from tests.e2e.pages import CHROMIUM, HAVE_PLAYWRIGHT, ORGANISER_EMAIL, ORGANISER_PASSWORD, PlaywrightError, expect
from tests.helpers import create_test_app, need

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "nl-NL",
}
DESKTOP = {"viewport": {"width": 1280, "height": 720}, "locale": "nl-NL"}
# How long an action or an expect() waits for the page: a bound for a page that never gets there,
# not a measure of how fast it gets there (on a loaded machine that is seconds).
PATIENCE_MS = 30_000
if HAVE_PLAYWRIGHT:
    expect.set_options(timeout=PATIENCE_MS)


@pytest.fixture(scope="session")
def browser():
    need(Path(CHROMIUM).exists(), "Debian's chromium is not installed (apt-get install -y chromium)")
    need(HAVE_PLAYWRIGHT, "Playwright for Python is not installed (pip install -e '.[dev]')")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
    except PlaywrightError as error:  # a broken or mismatched Chromium: report it like a missing one
        playwright.stop()
        need(False, f"Debian's chromium did not start ({error})")
    yield chromium
    chromium.close()
    playwright.stop()


@pytest.fixture
def live_server(app_config):
    """The app on 127.0.0.1 with the five sessions and one organiser, served from a daemon thread."""
    # Bind first so the port (and with it BASE_URL, used in mailed links) is known before the app exists.
    server = make_server("127.0.0.1", 0, None, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    app = create_test_app({**app_config, "BASE_URL": url})
    server.app = app
    with app.app_context():
        seed.seed(seed.load_file(seed.DEFAULT_FILE), today_local())
        create_or_update_organiser(ORGANISER_EMAIL, ORGANISER_PASSWORD)
        db.session.remove()

    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield SimpleNamespace(url=url, app=app)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        with app.app_context():
            db.engine.dispose()


def _context(browser, live_server, settings: dict, **extra):
    context = browser.new_context(base_url=live_server.url, **settings, **extra)
    context.set_default_timeout(PATIENCE_MS)
    return context


@pytest.fixture
def phone(browser, live_server):
    """A phone-sized context with the site's real Content-Security-Policy in force."""
    context = _context(browser, live_server, PHONE)
    yield context
    context.close()


@pytest.fixture
def desktop(browser, live_server):
    context = _context(browser, live_server, DESKTOP)
    yield context
    context.close()


# For axe only: add_script_tag(path=...) inlines axe.min.js into the page, which the site's
# CSP (script-src 'self') rightly blocks, so these contexts bypass CSP. The registration walk
# and the check-in test use the contexts above, where the real CSP applies.
@pytest.fixture
def phone_axe(browser, live_server):
    context = _context(browser, live_server, PHONE, bypass_csp=True)
    yield context
    context.close()


@pytest.fixture
def desktop_axe(browser, live_server):
    context = _context(browser, live_server, DESKTOP, bypass_csp=True)
    yield context
    context.close()


@pytest.fixture
def new_context(browser, live_server):
    """A factory for more screens in one test (the live board: projector, console, several phones).

    ``new_context("phone")`` or ``new_context("desktop", bypass_csp=True)``; all are closed afterwards.
    """
    opened = []

    def make(kind: str = "phone", **extra):
        context = _context(browser, live_server, PHONE if kind == "phone" else DESKTOP, **extra)
        opened.append(context)
        return context

    yield make
    for context in opened:
        context.close()
