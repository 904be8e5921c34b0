"""Hostile input for sessie_app: the whole sweep against a running server, then the pages in Chromium.

``run`` makes a stage through the services (a board, registrations, groups; ``Stage``), sweeps every
target the app has (testkit.targets finds them by introspection; testkit.sweep sends the corpus of
testkit.corpus), and, given a browser, opens every page with what was stored (testkit.render).

Used by tests/e2e/test_hostile_input.py (one value of each kind per target) and
bench/hostile_input.py (more per target, or the whole corpus on every target).
"""

import os
import re
import shutil
import subprocess
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import requests
from werkzeug.exceptions import HTTPException

from testkit.corpus import Hostile, corpus
from testkit.render import render_check
from testkit.sweep import Actor, Problem, SocketClient, Sweep
from testkit.targets import event_keys, query_names

# --- the stage: a board, registrations and groups to aim at, and the three browsers ----------------

CSRF = r'name="csrf_token" type="hidden" value="([^"]+)"'
PHASE_FOR = {"bottleneck": "mopperen", "proposal": "opperen", "vote": "stemmen", "similar": "opperen"}


class Stage:
    """Everything the sweep aims at, made through the services of ``app`` (same database as the server)."""

    def __init__(self, app, base_url: str, organiser_email: str, organiser_password: str):
        self.app, self.base_url = app, base_url.rstrip("/")
        self.organiser_email, self.organiser_password = organiser_email, organiser_password
        with app.app_context():
            from sessie_app.board import services as board
            from sessie_app.extensions import db
            from sessie_app.registration.meetings import meeting_by_slug
            from sessie_app.reports import services as reports

            meeting = meeting_by_slug("tilburg")
            made = board.create_board("Tilburg: niet mopperen, maar opperen", meeting_id=meeting.id)
            self.code, self.board_id = made.code, made.id
            author = board.join(made.id, None, nickname="Auteur")
            bottleneck = board.add_bottleneck(
                author.id, "stage-bottleneck-0001", "Ik vind geen scholen voor mijn onderzoek"
            )
            self.bottleneck_id = bottleneck["bottleneck"]["id"]
            board.set_phase(made.id, "opperen", None)
            titles = [
                "Een makelaar die scholen en onderzoekers koppelt",
                "Makelaar koppelt scholen aan onderzoekers",
                "Open access voor alle leraren",
                "Open access tot literatuur voor leraren",
                # In no group: the review page then shows the form for loose proposals.
                "Een gratis fietsenstalling bij elk station",
            ]
            self.proposal_ids = [
                board.add_proposal(author.id, f"stage-proposal-{n:04d}", title, big="Groot", small="Klein")["proposal"][
                    "id"
                ]
                for n, title in enumerate(titles)
            ]
            reports.suggest()
            self.group_id = reports.review().groups[0].id
            # Written after the suggestion, so loose, and like one of its groups: the review offers
            # it that group with a one-click button, a form of its own.
            board.add_proposal(author.id, "stage-proposal-late", "Open access tot tijdschriften voor leraren")
            # A second group of the open-access idea, made by hand: the smaller of the two is offered the
            # larger with a one-click merge button, a form of its own.
            reports.new_group(
                [
                    board.add_proposal(author.id, f"stage-proposal-again-{n}", title)["proposal"]["id"]
                    for n, title in enumerate(("Open access tot artikelen voor leraren", "Open access voor docenten"))
                ]
            )
            db.session.remove()
        self.manage_token = self._new_registration("Stage Aanmelder")
        self.check_in_token = self._new_registration("Stage Incheck", check_in=True)
        # The organiser's pages of one registration get their own: cancelling or erasing it there
        # must not take the check-in code's page along.
        self._new_registration("Stage Organisatie")
        # An invited organiser: their account page has "Uitnodiging opnieuw versturen", and the link
        # the invitation mail would carry opens the page where they choose a password.
        from sessie_app.organiser import accounts

        with self.app.app_context():
            self.invited_id = accounts.invite("stage-uitgenodigd@example.nl", "facilitator", []).id
            db.session.remove()
        self.organiser_link = self._new_organiser_link()

    def _new_organiser_link(self) -> str:
        from sessie_app.extensions import db
        from sessie_app.organiser import accounts

        with self.app.app_context():
            # The account page's form may have switched the account off meanwhile.
            accounts.update_account(self.invited_id, role="facilitator", meeting_ids=[], active=True)
            link = accounts.issue_link(self.invited_id, accounts.INVITE)
            db.session.remove()
        return link.url_token

    def _new_registration(self, name: str, check_in: bool = False) -> str:
        from sessie_app import tokens
        from sessie_app.extensions import db
        from sessie_app.registration import services
        from sessie_app.registration.meetings import meeting_by_slug

        with self.app.app_context():
            details = services.Details(
                name=name,
                email=f"stage-{uuid.uuid4().hex[:10]}@example.nl",
                organisation="School",
                role="leraar",
                sector="PO",
                meal=True,
            )
            outcome = services.register(meeting_by_slug("tilburg").id, details)
            registration = services.get_registration(outcome.registration_id)
            self.registration_id = registration.id
            signed = tokens.sign(tokens.CHECK_IN if check_in else tokens.MANAGE, registration.token)
            db.session.remove()
        return signed

    def values(self) -> dict:
        return {
            "slug": "tilburg",
            "code": self.code,
            "token": self.manage_token,
            "registration_id": self.registration_id,
            "scope": "alle",
            "group_id": self.group_id,
            "organiser_id": self.invited_id,
        }

    def pages(self) -> dict[str, str]:
        """endpoint → path of every page of the URL map, with arguments that name real rows."""
        from werkzeug.routing import IntegerConverter

        pages = {}
        for rule in self.app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint == "static":
                continue
            values = self.values()
            if rule.endpoint == "organiser.check_in_code":
                values["code"] = self.check_in_token
            if rule.endpoint == "organiser.password_from_link":
                values["token"] = self.organiser_link
            arguments = {
                name: values.get(name, 1 if isinstance(rule._converters[name], IntegerConverter) else "x")
                for name in rule.arguments
            }
            with self.app.test_request_context():
                pages[rule.endpoint] = self.app.url_for(rule.endpoint, **arguments)
        return pages

    def path_templates(self) -> list[tuple[str, str]]:
        """Every route with a text argument, that argument left open."""
        templates = []
        for rule in self.app.url_map.iter_rules():
            if rule.endpoint == "static":
                continue
            for name in rule.arguments:
                if type(rule._converters[name]).__name__ != "UnicodeConverter":
                    continue
                values = {**self.values(), name: "PLACEHOLDER"}
                arguments = {key: values.get(key, 1) for key in rule.arguments}
                with self.app.test_request_context():
                    path = self.app.url_for(rule.endpoint, **arguments).replace("PLACEHOLDER", "{}")
                for method in sorted(rule.methods & {"GET", "POST"}):
                    templates.append((method, path))
        return templates

    def actors(self) -> list[Actor]:
        stranger = Actor("stranger", requests.Session())
        participant = Actor("participant", requests.Session())
        participant.session.get(f"{self.base_url}/b/{self.code}", timeout=30)
        organiser = Actor("organiser", requests.Session())
        self.log_in(organiser)
        return [stranger, participant, organiser]

    def test_clients(self) -> list:
        """The three browsers again, as Flask test clients of ``app``: a stranger, a participant, the organiser."""
        stranger, participant, organiser = (self.app.test_client() for _ in range(3))
        participant.get(f"/b/{self.code}")
        page = organiser.get("/organisator/inloggen").get_data(as_text=True)
        done = organiser.post(
            "/organisator/inloggen",
            data={
                "csrf_token": re.search(CSRF, page).group(1),
                "email": self.organiser_email,
                "password": self.organiser_password,
            },
        )
        assert done.status_code == 302, f"organiser login failed: {done.status_code}"
        return [stranger, participant, organiser]

    def log_in(self, actor: Actor) -> None:
        page = actor.session.get(f"{self.base_url}/organisator/inloggen", timeout=30)
        token = re.search(CSRF, page.text).group(1)
        done = actor.session.post(
            f"{self.base_url}/organisator/inloggen",
            allow_redirects=False,
            timeout=30,
            data={"csrf_token": token, "email": self.organiser_email, "password": self.organiser_password},
        )
        assert done.status_code == 302, f"organiser login failed: {done.status_code}"

    def restore(self, actor: Actor, path: str) -> str:
        """A page the last submission used up: a new registration for a cancelled or erased one, a new
        login."""
        for old, check_in in ((self.manage_token, False), (self.check_in_token, True)):
            if old in path:
                new = self._new_registration("Stage opnieuw", check_in=check_in)
                if check_in:
                    self.check_in_token = new
                else:
                    self.manage_token = new
                return path.replace(old, new)
        if self.organiser_link in path:
            old, self.organiser_link = self.organiser_link, self._new_organiser_link()
            return path.replace(old, self.organiser_link)
        if actor.name == "organiser":
            self.log_in(actor)
        organised = re.match(r"/organisator/aanmeldingen/(\d+)", path)
        if organised:
            self._new_registration("Stage opnieuw")
            return path.replace(organised.group(0), f"/organisator/aanmeldingen/{self.registration_id}", 1)
        return path

    def socket_targets(self) -> tuple[list[tuple[str, dict]], list[tuple[str, dict]]]:
        """(event, valid payload) for a participant's phone and for the organiser's console. An event
        or action missing here is still swept (``_run``), from a payload with nothing valid in it."""
        first, second = self.proposal_ids[0], self.proposal_ids[1]
        phone = [
            ("join", {"code": self.code}),
            ("snapshot", {}),
            ("profile", {"nickname": "Els", "role": "leraar", "sector": "PO"}),
            ("bottleneck", {"text": "Te weinig tijd voor onderzoek"}),
            (
                "proposal",
                {
                    "title": "Een uur per week onderzoekstijd",
                    "big": "Groot",
                    "small": "Klein",
                    "actor": "school",
                    "bottleneck_id": self.bottleneck_id,
                },
            ),
            ("vote", {"proposal_id": first, "delta": 1}),
            ("similar", {"text": "makelaar scholen"}),
        ]
        console = [
            ("control", {"action": "phase", "phase": "opperen"}),
            ("control", {"action": "timer", "seconds": 300}),
            ("control", {"action": "lock", "locked": False}),
            ("control", {"action": "joining", "closed": False}),
            ("control", {"action": "hide", "proposal_id": second, "hidden": False, "reason": "Dubbel"}),
            (
                "control",
                {"action": "hide_bottleneck", "bottleneck_id": self.bottleneck_id, "hidden": False, "reason": "Dubbel"},
            ),
            (
                "control",
                {"action": "edit", "proposal_id": second, "title": "Bewerkt", "big": "Groot", "small": "Klein"},
            ),
            ("control", {"action": "flag", "proposal_id": second, "flag": "question", "value": True}),
            ("control", {"action": "theme", "proposal_id": second, "theme_id": None}),
            ("control", {"action": "merge", "keep_id": first, "merged_id": second}),
            ("control", {"action": "starters"}),
            ("control", {"action": "log"}),
        ]
        return phone, console


def cookies_for(actor: Actor, base_url: str) -> list[dict]:
    return [{"name": c.name, "value": c.value, "url": base_url} for c in actor.session.cookies]


def run(app, base_url: str, organiser: tuple[str, str], per_kind: int | None, browser=None) -> dict:
    """The whole sweep against a running server on ``app``'s database; returns figures and problems."""
    values = corpus()
    stage = Stage(app, base_url, *organiser)
    sweep = Sweep(base_url, values, per_kind)
    actors = stage.actors()
    try:
        return _run(app, base_url, stage, sweep, values, actors, browser)
    finally:
        for actor in actors:
            actor.session.close()


def _run(app, base_url, stage, sweep, values, actors, browser) -> dict:
    _stranger, participant, organiser_actor = actors
    pages = stage.pages()

    started = time.monotonic()
    seconds = {}

    def lap(name):
        nonlocal started
        now = time.monotonic()
        seconds[name] = round(now - started, 1)
        started = now

    forms = sweep.crawl(actors, pages)
    query = query_names(app, stage.test_clients(), pages.values())
    # The organiser's forms first: a changed venue mails every registrant from inside the request,
    # so editing the session after hundreds of hostile registrations would cost minutes per value.
    forms = dict(sorted(forms.items(), key=lambda item: item[1][0].name != "organiser"))
    post_endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in rule.methods}
    found_endpoints = set()
    for _actor, _path, form in forms.values():
        with app.test_request_context():
            adapter = app.url_map.bind("localhost")
            try:
                found_endpoints.add(adapter.match(urlsplit(form.action).path, method=form.method)[0])
            except HTTPException:  # an action outside the URL map is itself a finding
                sweep.problems.append(Problem(form.action, "form posts to no route"))
    missing = sorted(post_endpoints - found_endpoints)
    if missing:
        sweep.problems.append(Problem("crawl", f"no form found for {missing}"))

    lap("crawl")
    sweep.sweep_forms(forms, stage.restore)
    lap("forms")
    sweep.sweep_query(actors, pages, query)
    lap("query")
    sweep.sweep_paths(organiser_actor, stage.path_templates())
    lap("paths")
    sweep.sweep_bodies(
        organiser_actor, sorted({urlsplit(f.action).path for _a, _p, f in forms.values() if f.method == "POST"})
    )

    lap("bodies")
    phone_events, console_events = stage.socket_targets()
    # (event, console action or None) → the keys it reads, from the payloads the app declares.
    keys = event_keys()
    prepared = {(event, valid.get("action")) for event, valid in phone_events + console_events}
    unprepared = sorted((target for target in keys if target not in prepared), key=str)
    phone = SocketClient(base_url, participant, stage.code)
    console = SocketClient(base_url, organiser_actor, stage.code, role="console")
    try:
        for event, valid in phone_events:
            if event in PHASE_FOR:
                console.call("control", {"action": "phase", "phase": PHASE_FOR[event]})
            sweep.sweep_event(phone, event, valid, keys[(event, None)], "phone")
        for event, valid in console_events:
            sweep.sweep_event(console, event, valid, keys[(event, valid["action"])], "console")
        for event, action in unprepared:
            bare = {} if action is None else {"action": action}
            for client, where in ((phone, "phone"), (console, "console")):
                sweep.sweep_event(client, event, bare, keys[(event, action)], where)
        # A true that got through closed the board or locked it: the live screens below need it open.
        console.call("control", {"action": "joining", "closed": False})
        console.call("control", {"action": "lock", "locked": False})
    finally:
        phone.close()
        console.close()

    lap("events")
    figures = sweep.summary()
    figures["forms"] = len(forms)
    figures["post_routes_without_a_form"] = missing
    figures["events"] = sorted({event for event, _action in keys})
    figures["events_without_a_valid_payload"] = [str(target) for target in unprepared]
    if browser is not None:
        figures.update(render(app, browser, base_url, stage, actors, sweep, values))
        lap("render")
    figures["seconds"] = seconds
    figures["problem_list"] = [f"{p.where}: {p.detail}" for p in sweep.problems[:50]]
    return figures


def render(app, browser, base_url, stage: Stage, actors: list[Actor], sweep: Sweep, values: list[Hostile]) -> dict:
    """Every HTML page each actor may open, then live hostile text on the board, then the report."""
    visits = []
    for actor in actors:
        for path in stage.pages().values():
            response = sweep.get(actor, path)
            if response.status_code == 200 and "text/html" in response.headers.get("Content-Type", ""):
                visits.append((cookies_for(actor, base_url), path))
    organiser = actors[2]
    # The screens that draw live text go last, so they are open when it arrives.
    live_paths = {
        f"/b/{stage.code}",
        f"/organisator/borden/{stage.code}",
        f"/organisator/borden/{stage.code}/projector",
    }
    visits.sort(key=lambda visit: visit[1] in live_paths)
    scripts = [v.text() for v in values if v.kind == "script"]

    def live(_pages):
        # A phone of its own writes the live text: the participant's phone has used up what one
        # participant may post during the sweep (board/services/actions.py, CEILINGS).
        writer = Actor("writer", requests.Session())
        writer.session.get(f"{base_url}/b/{stage.code}", timeout=30)
        phone = SocketClient(base_url, writer, stage.code)
        console = SocketClient(base_url, organiser, stage.code, role="console")
        try:
            console.call("control", {"action": "phase", "phase": "mopperen"})
            for text in scripts[:20]:
                phone.call("bottleneck", {"client_id": f"live-b-{uuid.uuid4().hex}", "text": text})
            console.call("control", {"action": "phase", "phase": "opperen"})
            proposal_ids = []
            for text in scripts[:20]:
                ack = phone.call(
                    "proposal",
                    {"client_id": f"live-p-{uuid.uuid4().hex}", "title": text[:120], "big": text, "small": text},
                )
                if isinstance(ack, dict) and ack.get("ok"):
                    proposal_ids.append(ack["proposal"]["id"])
            phone.call("profile", {"nickname": scripts[0][:40]})
            console.call("control", {"action": "phase", "phase": "stemmen"})
            # A newcomer's votes put hostile titles at the top of the projector's ranking.
            voter = Actor("voter", requests.Session())
            voter.session.get(f"{base_url}/b/{stage.code}", timeout=30)
            phone_of_voter = SocketClient(base_url, voter, stage.code)
            for proposal_id in proposal_ids[-5:]:
                phone_of_voter.call("vote", {"client_id": uuid.uuid4().hex, "proposal_id": proposal_id, "delta": 1})
            phone_of_voter.close()
            voter.session.close()
        finally:
            phone.close()
            console.close()
            writer.session.close()

    report = organiser.session.get(f"{base_url}/organisator/rapport/alle.pdf", timeout=300)
    pdf = {"report_pdf_status": report.status_code, "report_pdf_bytes": len(report.content)}
    pdf["report_pdf_active_content"] = sorted(
        {
            name
            for name in (b"/JavaScript", b"/JS ", b"/Launch", b"/OpenAction", b"/AA ", b"/SubmitForm")
            if name in report.content
        }
    )
    if shutil.which("pdftotext") and report.status_code == 200:
        # Proof that hostile text reached the document at all, printed as the letters it is.
        text = subprocess.run(
            ["pdftotext", "-", "-"], input=report.content, capture_output=True, timeout=120
        ).stdout.decode()
        pdf["report_pdf_payloads_as_text"] = text.count("__hostile")
    with app.app_context():
        from sessie_app.reports import services
        from sessie_app.reports.document import report_html

        with app.test_request_context():
            documents = [report_html(services.build_report(None)), report_html(services.build_report("tilburg"))]
    result = render_check(
        browser,
        base_url,
        visits,
        live=live,
        live_paths=live_paths,
        html_documents=documents,
        settle_ms=150,
        screenshots=Path(os.environ["HOSTILE_SCREENSHOTS"]) if os.environ.get("HOSTILE_SCREENSHOTS") else None,
    )
    return {
        **result.summary(),
        **pdf,
        "rendered": [path for _cookies, path in visits],
        "executed_on": result.executed[:20],
        "csp_violation_list": result.csp_violations[:20],
        "dialogs": result.dialogs[:20],
        "page_error_list": result.errors[:20],
        "script_text_shown_live": {path: result.shown.get(path, 0) for path in sorted(live_paths)},
        "wider_than_the_phone": result.wide,
    }
