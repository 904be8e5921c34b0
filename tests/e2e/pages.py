"""Helpers for the browser tests: axe, console and CSP watching, organiser login, registering directly."""

import os
import re
import tempfile
from pathlib import Path

try:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture turns this into a skip (or a failure when CI=true)
    expect = PlaywrightError = None
HAVE_PLAYWRIGHT = expect is not None

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
AXE_JS = REPO / "node_modules" / "axe-core" / "axe.min.js"
# The README's screenshots are refreshed on request only, so a test run leaves the work tree clean.
SCREENSHOTS = (
    REPO / "docs" / "screenshots"
    if os.environ.get("UPDATE_SCREENSHOTS") == "1"
    else Path(tempfile.gettempdir()) / "sessie-screenshots"
)

ORGANISER_EMAIL = "organisator@example.org"
ORGANISER_PASSWORD = "correct horse battery"

SERIOUS = ("serious", "critical")


# --- axe -------------------------------------------------------------------------------------


def axe(page) -> list[dict]:
    """Run axe-core on the page; return the serious and critical violations.

    The page must come from a context with bypass_csp=True: add_script_tag inlines the file,
    and the site's CSP (script-src 'self') blocks inline scripts.
    """
    assert AXE_JS.exists(), f"{AXE_JS} is missing: run `npm install` (make setup does)"
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v.get("impact") in SERIOUS]


def _target(target) -> str:
    # A target is a list of selectors, one per (shadow) document level.
    return " >>> ".join(t if isinstance(t, str) else " ".join(t) for t in target)


def describe_violations(url: str, violations: list[dict]) -> str:
    lines = [f"axe: {len(violations)} serious/critical violation(s) on {url}"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']} <{violation['helpUrl']}>")
        for node in violation["nodes"]:
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"    {_target(node['target'])}  —  {summary}")
    return "\n".join(lines)


def assert_accessible(page) -> None:
    violations = axe(page)
    assert not violations, describe_violations(page.url, violations)


# --- console errors and CSP violations ------------------------------------------------------

CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  const violation = {
    directive: event.violatedDirective, blocked: event.blockedURI,
    source: event.sourceFile, line: event.lineNumber, sample: event.sample,
  };
  window.__cspViolations.push(violation);
  // Also report to Python, so a violation on a page we have already left is not lost.
  if (window.__reportCspViolation) { window.__reportCspViolation(violation); }
});
"""


class PageWatch:
    """Collects console errors, uncaught exceptions and CSP violations for one page."""

    def __init__(self, page):
        self.page = page
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.csp_violations: list[dict] = []
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.page_errors.append(f"{page.url}: {error}"))
        page.expose_function("__reportCspViolation", self._on_csp_violation)
        page.add_init_script(CSP_LISTENER)

    def _on_csp_violation(self, violation: dict) -> None:
        self.csp_violations.append(violation)

    def _on_console(self, message) -> None:
        if message.type != "error":
            return
        url = (message.location or {}).get("url") or self.page.url
        self.console_errors.append(f"{url}: {message.text}")

    def assert_clean(self) -> None:
        on_page = self.page.evaluate("window.__cspViolations || []")
        assert self.page.evaluate("Array.isArray(window.__cspViolations)"), "the CSP listener was not installed"
        problems = {
            "console errors": self.console_errors,
            "uncaught exceptions": self.page_errors,
            "CSP violations": self.csp_violations or on_page,
        }
        found = {kind: items for kind, items in problems.items() if items}
        assert not found, "\n".join(f"{kind}:\n  " + "\n  ".join(map(str, items)) for kind, items in found.items())


# --- small page helpers ---------------------------------------------------------------------


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / name
    page.screenshot(path=str(path), full_page=True)
    return path


def assert_no_horizontal_scroll(page, width: int = 390) -> None:
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{page.url} scrolls sideways: {scroll_width}px wide on a {width}px screen"


def log_in_as_organiser(page) -> None:
    """Log in through the form, as an organiser would."""
    page.goto("/organisator/inloggen")
    page.get_by_label("E-mailadres").fill(ORGANISER_EMAIL)
    page.get_by_label("Wachtwoord").fill(ORGANISER_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page).to_have_url(re.compile(r"/organisator/$"))


MANAGE_LINK = re.compile(r"https?://\S+/aanmelding/\S+")


def manage_link(message) -> str:
    """The personal link from the text/plain part of a mail."""
    text = message.get_body(preferencelist=("plain",)).get_content()
    match = MANAGE_LINK.search(text)
    assert match, f"no /aanmelding/ link in the mail:\n{text}"
    return match.group(0)


def register_directly(app, slug: str = "tilburg", **overrides) -> str:
    """Register someone through the service layer; return their personal manage URL."""
    from sessie_app.extensions import db
    from sessie_app.registration import mail, services
    from sessie_app.registration.meetings import meeting_by_slug

    details = {
        "name": "Fatima el Amrani",
        "email": "f.elamrani@example.nl",
        "organisation": "Basisschool De Regenboog",
        "role": "leraar",
        "sector": "PO",
        "meal": True,
        **overrides,
    }
    with app.app_context():
        outcome = services.register(meeting_by_slug(slug).id, services.Details(**details))
        with app.test_request_context():
            url = mail.manage_url(services.get_registration(outcome.registration_id))
        db.session.remove()
    return url
