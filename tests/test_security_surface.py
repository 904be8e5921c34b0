"""The whole URL map against CSRF, strangers, participants, missing headers and missing icons.

Every list is built from the URL map, so a route added later is checked without editing this file.
"""

import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from sessie_app import create_app
from sessie_app.board import services as board_services
from sessie_app.board.models import Board, Participant, Proposal
from sessie_app.extensions import db
from sessie_app.organiser import PUBLIC_ENDPOINTS
from sessie_app.organiser.models import Organiser
from sessie_app.registration.models import Meeting, Registration
from tests.helpers import LOGIN_URL, base_config, csrf_from, sample_url

ROOT = Path(__file__).resolve().parent.parent
STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
# Static files are WhiteNoise's; the rest of the map is the app's own.
SKIPPED = {"static"}


def _rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint not in SKIPPED]


def _rows() -> dict:
    return {
        model.__name__: db.session.scalar(select(func.count()).select_from(model))
        for model in (Meeting, Registration, Board, Participant, Proposal, Organiser)
    }


@pytest.fixture
def board(app, meetings):
    board = board_services.create_board("Tilburg", meeting_id=meetings["tilburg"].id)
    return board


@pytest.fixture
def values(meetings, board) -> dict:
    return {"slug": "tilburg", "code": board.code, "registration_id": 1, "token": "x", "scope": "alle", "group_id": 1}


def _refused_for_csrf(response) -> bool:
    return response.status_code == 400 and "verlopen" in response.get_data(as_text=True).lower()


def test_every_state_changing_route_refuses_a_request_without_a_valid_csrf_token(app, organiser_client, values):
    rules = [rule for rule in _rules(app) if rule.methods & STATE_CHANGING]
    endpoints = {rule.endpoint for rule in rules}
    assert {
        "registration.meeting",
        "organiser.login",
        "organiser.mark_present",
        "reports.group_action",
        "board.join",
    } <= endpoints
    before = _rows()
    for rule in rules:
        url = sample_url(app, rule, values)
        for method in sorted(rule.methods & STATE_CHANGING):
            # Logged in as organiser, so the refusal can only come from the missing token.
            missing = organiser_client.open(url, method=method, data={"email": "a@b.nl", "name": "X"})
            assert _refused_for_csrf(missing), (rule.endpoint, method, "no token", missing.status_code)
            forged = organiser_client.open(url, method=method, data={"csrf_token": "IjEyMyI.forged.token"})
            assert _refused_for_csrf(forged), (rule.endpoint, method, "forged token", forged.status_code)
    assert _rows() == before


def test_a_token_from_another_browser_does_not_count(app, client, meetings):
    other = app.test_client()
    token = csrf_from(other.get("/sessies/zwolle").get_data(as_text=True))
    client.get("/sessies/zwolle")
    response = client.post("/sessies/zwolle", data={"csrf_token": token, "name": "Els", "email": "els@example.nl"})
    assert _refused_for_csrf(response)
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 0


def test_every_organiser_route_and_export_refuses_a_participant(app, client, values):
    """A phone that joined a board carries a participant cookie; it opens nothing of the organiser's."""
    assert client.get(f"/b/{values['code']}").status_code == 200
    assert any(cookie.key.startswith("deelnemer_") for cookie in client._cookies.values())
    token = csrf_from(client.get(LOGIN_URL).get_data(as_text=True))
    rules = [r for r in _rules(app) if r.rule.startswith("/organisator") and r.endpoint not in PUBLIC_ENDPOINTS]
    assert {"reports.report_pdf_download", "organiser.registrations_csv", "organiser.board_export_csv"} <= {
        r.endpoint for r in rules
    }
    for rule in rules:
        url = sample_url(app, rule, values)
        for method in sorted(rule.methods & ({"GET"} | STATE_CHANGING)):
            response = client.open(url, method=method, data={"csrf_token": token})
            assert response.status_code == 302, (rule.endpoint, method, response.status_code)
            assert urlsplit(response.headers["Location"]).path == LOGIN_URL


def _pages(app, values, prefix_filter):
    for rule in _rules(app):
        if "GET" in rule.methods and prefix_filter(rule.rule):
            yield rule, sample_url(app, rule, values)


def _check_headers(response, where) -> None:
    csp = response.headers.get("Content-Security-Policy", "")
    directives = {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()}
    assert directives.get("script-src") == ["'self'"], (where, csp)
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp, (where, csp)
    assert directives.get("frame-ancestors") == ["'none'"], (where, csp)
    assert response.headers.get("X-Content-Type-Options") == "nosniff", where
    assert response.headers.get("Referrer-Policy") == "same-origin", where


def test_every_page_public_or_organiser_carries_the_security_headers(app, organiser_client, values):
    checked = 0
    for rule, url in _pages(app, values, lambda path: True):
        response = organiser_client.get(url)
        _check_headers(response, (rule.endpoint, response.status_code))
        if rule.rule.startswith("/organisator") and response.status_code == 200:
            # Organiser pages and exports hold personal data: never kept by a browser or proxy.
            assert "no-store" in response.headers.get("Cache-Control", ""), rule.endpoint
        checked += 1
    assert checked >= 30
    # Error pages too.
    _check_headers(organiser_client.get("/bestaat-niet"), "404")


ICON_LINK = re.compile(r'<link rel="(icon|apple-touch-icon)" href="([^"]+)"')


def test_every_page_links_icons_that_exist_so_no_browser_asks_for_a_missing_one(
    app, app_config, organiser_client, values
):
    # A second app on the same database: its requests get their own app context, so nothing of the
    # organiser's login (kept in the test's open app context) reaches the stranger.
    stranger_app = create_app(app_config)
    stranger = stranger_app.test_client()
    pages = icons = 0
    linked = set()
    for who, client in (("stranger", stranger), ("organiser", organiser_client)):
        for rule, url in [*_pages(app, values, lambda path: True), (None, "/bestaat-niet")]:
            response = client.get(url)
            # A redirect's body is never shown; the page it leads to is checked on its own.
            if response.status_code in range(300, 400) or not response.content_type.startswith("text/html"):
                continue
            found = ICON_LINK.findall(response.get_data(as_text=True))
            assert {"icon", "apple-touch-icon"} <= {rel for rel, _href in found}, (who, rule and rule.endpoint, url)
            linked.update(href for _rel, href in found)
            pages += 1
    assert pages >= 30
    assert stranger.get("/organisator/").status_code == 302
    # What a browser asks for on its own when a page links nothing, and what the pages link.
    for href in sorted(linked | {"/favicon.ico", "/apple-touch-icon.png"}):
        # Closed: WhiteNoise answers with the open file.
        with stranger.get(href) as response:
            assert response.status_code == 200, href
            assert response.content_type.startswith("image/"), (href, response.content_type)
            assert "max-age" in response.headers.get("Cache-Control", ""), href
            assert response.get_data(), href
        icons += 1
    assert icons >= 5
    with stranger_app.app_context():
        db.engine.dispose()


def test_cookies_are_secure_httponly_and_samesite_in_production(tmp_path, monkeypatch, migrated_sqlite):
    import shutil

    monkeypatch.setenv("SESSIE_ENV", "production")
    database = tmp_path / "prod.sqlite"
    shutil.copy(migrated_sqlite, database)
    app = create_app({**base_config(tmp_path), "TESTING": False, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}"})
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    with app.app_context():
        code = board_services.create_board("Utrecht").code
    client = app.test_client()
    cookies = {}
    for url in (LOGIN_URL, f"/b/{code}"):
        for header in client.get(url, base_url="https://sessie.test").headers.getlist("Set-Cookie"):
            cookies[header.split("=", 1)[0]] = header.lower()
    assert {"session"} <= set(cookies) and any(name.startswith("deelnemer_") for name in cookies)
    for name, header in cookies.items():
        assert "; secure" in header and "; httponly" in header and "samesite=lax" in header, (name, header)
    with app.app_context():
        db.engine.dispose()


def test_bandit_finds_nothing_of_medium_severity_or_higher_that_is_not_explained():
    """Every `# nosec` in the code carries a comment that says why the finding does not apply."""
    done = subprocess.run(
        [sys.executable, "-m", "bandit", "-r", "sessie_app", "--severity-level", "medium", "-q", "-f", "txt"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    for path in (ROOT / "sessie_app").rglob("*.py"):
        lines = path.read_text().splitlines()
        for number, line in enumerate(lines):
            if "# nosec" in line:
                assert number > 0 and lines[number - 1].strip().startswith("#"), f"{path}:{number + 1} has no reason"
