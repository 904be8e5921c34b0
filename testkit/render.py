"""Pages in Chromium, with the site's CSP and with CSP bypassed: did any hostile value run, or push
a page wider than the phone's screen?"""

import contextlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import requests

# How many payloads the page shows as text, and whether it shows one yet.
PAYLOADS_SHOWN = "() => document.body ? document.body.innerText.split('__hostile').length - 1 : 0"
SHOWS_A_PAYLOAD = f"() => ({PAYLOADS_SHOWN})() > 0"
# Bounds the wait for live text that never arrives; it arrives within moments.
LIVE_PATIENCE_MS = 60_000
PHONE = {"width": 390, "height": 844}
PROJECTOR = {"width": 1280, "height": 720}

MARKERS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__cspViolations.push(event.violatedDirective + ' ' + event.blockedURI);
});
"""


@dataclass
class RenderResult:
    pages: int = 0
    executed: list = field(default_factory=list)
    csp_violations: list = field(default_factory=list)
    dialogs: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    # path → how many script payloads the page shows as text: proof the hostile text got there at all.
    shown: dict = field(default_factory=dict)
    # path → page width where hostile text pushed it wider than the phone's screen.
    wide: dict = field(default_factory=dict)

    def summary(self) -> dict:
        return {
            "pages_rendered": self.pages,
            "scripts_executed": len(self.executed) + len(self.dialogs),
            "csp_violations": len(self.csp_violations),
            "page_errors": len(self.errors),
        }


def launch_chromium():
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(
        executable_path="/usr/bin/chromium",
        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    )
    return playwright, browser


def render_check(
    browser,
    base_url: str,
    visits: list[tuple[list, str]],
    live=None,
    live_paths=(),
    html_documents=(),
    settle_ms: int = 400,
    screenshots: Path | None = None,
) -> RenderResult:
    """Open each (cookies, path) with the real CSP and with CSP bypassed, on a phone (the projector at
    1280×720); count what ran, and note pages that hostile text pushed wider than their screen.

    ``live(pages)`` is called while the last batch of pages is open, to send hostile text over
    Socket.IO that the pages' own scripts then draw; the pages of ``live_paths`` are then given until
    their text holds a payload (at most LIVE_PATIENCE_MS; one that shows none is counted as such).
    ``html_documents`` are whole documents
    (the PDF's HTML) loaded as they are. ``screenshots``: a folder for a picture of each page, to look at.
    """
    result = RenderResult()
    for bypass in (False, True):
        # The cookies come from the sweep's requests sessions; an organiser's session holds only for
        # the browser it logged in with, so the pages are opened as that same browser.
        context = browser.new_context(
            base_url=base_url, bypass_csp=bypass, viewport=PHONE, user_agent=requests.utils.default_user_agent()
        )
        context.add_init_script(MARKERS)
        context.set_default_timeout(60_000)
        opened = []
        for cookies, path in visits:
            context.clear_cookies()
            if cookies:
                context.add_cookies(cookies)
            page = context.new_page()
            if path.endswith("/projector"):
                page.set_viewport_size(PROJECTOR)
            page.on("dialog", lambda dialog: (result.dialogs.append(dialog.message), dialog.dismiss()))
            page.on("pageerror", lambda error, path=path: result.errors.append(f"{path}: {error}"))
            response = page.goto(path, wait_until="load")
            page.wait_for_timeout(settle_ms)
            result.pages += 1
            opened.append((page, path, response.status if response else None))
        if live is not None:
            live([page for page, _path, _status in opened])
            for page, path, _status in opened:
                if path in live_paths:
                    _wait_for_payload(page)
        for page, path, _status in opened:
            if screenshots and not bypass:
                screenshots.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(screenshots / (re.sub(r"\W+", "_", path).strip("_") + ".png")), full_page=True)
            _collect(page, path, bypass, result)
        for document in html_documents:
            page = context.new_page()
            page.on("dialog", lambda dialog: (result.dialogs.append(dialog.message), dialog.dismiss()))
            page.set_content(document, wait_until="load")
            page.wait_for_timeout(settle_ms)
            result.pages += 1
            # An A4 document for WeasyPrint, laid out in millimetres: its width is no finding.
            _collect(page, "report HTML", bypass, result, measure_width=False)
        context.close()
    return result


def _wait_for_payload(page) -> None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    with contextlib.suppress(PlaywrightTimeout):  # then the page shows no payload, and says so
        page.wait_for_function(SHOWS_A_PAYLOAD, timeout=LIVE_PATIENCE_MS)


def _collect(page, path: str, bypass: bool, result: RenderResult, measure_width: bool = True) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    if measure_width and width > page.viewport_size["width"]:
        result.wide[path] = width
    shown = page.evaluate(f"({PAYLOADS_SHOWN})()")
    result.shown[path] = min(result.shown.get(path, shown), shown)
    if page.evaluate(
        "Boolean(window.__hostile) || Array.from(window.frames).some(f => { try { return Boolean(f.__hostile) } catch (e) { return false } })"
    ):
        result.executed.append(f"{path} (CSP {'bypassed' if bypass else 'on'})")
    if not bypass:
        result.csp_violations += [f"{path}: {v}" for v in page.evaluate("window.__cspViolations || []")]
    page.close()
