"""The hostile-input sweep: values from the corpus over real HTTP and Socket.IO to a running server.

Every field of every form a browser finds on the pages (hidden fields included; forms without a
method are the phone's and console's, which speak Socket.IO and are swept as events), every query
parameter, every path argument, every key of every Socket.IO event and payloads that are not
objects at all, and bodies over the size limit. It records each answer that is a 5xx or shows a
stack trace, and each acknowledgement that is not a refusal with a message.
"""

import html.parser
import itertools
import json
import re
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode, urlsplit

import requests

from testkit.corpus import Hostile, sample

# --- forms, as a browser finds them -----------------------------------------------------------------


@dataclass
class Form:
    action: str
    method: str
    enctype: str
    fields: list[tuple[str, str, str]] = field(default_factory=list)  # (name, type, value to send)

    @property
    def key(self) -> tuple:
        return (
            re.sub(r"/\d+(?=/|$)", "/N", urlsplit(self.action).path),
            self.method,
            tuple(sorted({f[0] for f in self.fields})),
        )


class _FormParser(html.parser.HTMLParser):
    def __init__(self, page_url: str):
        super().__init__()
        self.page_url = page_url
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._textarea: str | None = None
        self._by_id: dict[str, Form] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("button", "input") and attrs.get("formaction"):
            # A button that posts its form (its form="…" one, or the one around it) to an address of its own.
            owner = self._by_id.get(attrs["form"]) if "form" in attrs else self._form
            if owner is not None:
                self.forms.append(Form(attrs["formaction"], owner.method, owner.enctype, list(owner.fields)))
            return
        if tag == "form":
            # Forms without a method are the live board's; their scripts speak Socket.IO instead.
            self._form = (
                None
                if "method" not in attrs
                else Form(
                    attrs.get("action") or self.page_url,
                    attrs["method"].upper(),
                    attrs.get("enctype", "application/x-www-form-urlencoded"),
                )
            )
            if self._form:
                self.forms.append(self._form)
                if attrs.get("id"):
                    self._by_id[attrs["id"]] = self._form
        if self._form is None:
            return
        if tag == "option" and self._select:
            value = attrs.get("value", "")
            current = next(f for f in self._form.fields if f[0] == self._select)
            # The option the page selected, else the first real choice (not the "Maak een keuze" one).
            if (value and not current[2]) or ("selected" in attrs and value):
                self._form.fields[self._form.fields.index(current)] = (self._select, "select", value)
            return
        if not attrs.get("name"):
            return
        name = attrs["name"]
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs or not any(f[0] == name for f in self._form.fields):
                    self._form.fields = [f for f in self._form.fields if f[0] != name]
                    self._form.fields.append((name, kind, attrs.get("value", "y")))
            elif kind not in ("submit", "button", "image", "reset"):
                self._form.fields.append((name, kind, attrs.get("value", "")))
        elif tag == "select":
            self._select = name
            self._form.fields.append((name, "select", ""))
        elif tag == "textarea":
            self._textarea = name
            self._form.fields.append((name, "textarea", ""))
        elif tag == "button" and attrs.get("value"):
            self._form.fields.append((name, "button", attrs["value"]))

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            fields = self._form.fields
            fields[-1] = (fields[-1][0], "textarea", fields[-1][2] + data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def forms_on(page_html: str, page_url: str) -> list[Form]:
    parser = _FormParser(page_url)
    parser.feed(page_html)
    return parser.forms


# --- the sweep ---------------------------------------------------------------------------------------

STACK_TRACE = re.compile(
    r"Traceback \(most recent call last\)|File \"[^\"]+\.py\", line \d+|sqlalchemy\.exc\.|werkzeug\.debug|jinja2\.exceptions"
)


@dataclass
class Problem:
    where: str
    detail: str


@dataclass
class Actor:
    """One browser and its cookies."""

    name: str
    session: requests.Session


# Fields whose defaults the page does not carry but a valid submission needs.
VALID = {
    "name": lambda: "Fatima el Amrani",
    "organisation": lambda: "Basisschool De Regenboog",
    "title": lambda: "Een makelaar voor onderzoek",
    # A new address each time, so a hostile name is stored as a new registration and shown later.
    "email": lambda: f"hostile-{uuid.uuid4().hex[:12]}@example.nl",
}
# Submitting these ends the actor's own session; their only field is the CSRF token.
SESSION_ENDING = ("/organisator/uitloggen",)


class Sweep:
    def __init__(self, base_url: str, values: list[Hostile], per_kind: int | None = None):
        self.base_url = base_url.rstrip("/")
        self.values = values
        self.per_kind = per_kind
        self.sent: Counter = Counter()
        self.statuses: Counter = Counter()
        self.problems: list[Problem] = []
        self.distinct: set = set()
        self._targets = itertools.count()

    def _for_target(self) -> list[Hostile]:
        if self.per_kind is None:
            return self.values
        return sample(self.values, self.per_kind, next(self._targets))

    def record(self, where: str, response: requests.Response, value: Hostile | None = None, kind: str = "http") -> None:
        self.sent[kind] += 1
        self.statuses[response.status_code] += 1
        if value is not None:
            self.distinct.add(value.value)
        if response.status_code >= 500:
            self.problems.append(Problem(where, f"HTTP {response.status_code}"))
        if STACK_TRACE.search(response.text):
            self.problems.append(Problem(where, "stack trace in the answer"))

    # HTTP

    def get(self, actor: Actor, path: str) -> requests.Response:
        return actor.session.get(self.base_url + path, allow_redirects=False, timeout=60)

    def crawl(self, actors: list[Actor], pages: dict[str, str]) -> dict[tuple, tuple[Actor, str, Form]]:
        """Every form on every page: form key → (actor, page path, form), with the first of ``actors``
        who finds it (pass the least trusted first: a public form is a stranger's)."""
        found = {}
        for actor in actors:
            for path in pages.values():
                response = self.get(actor, path)
                self.record(f"GET {path} as {actor.name}", response)
                if response.status_code != 200 or "html" not in response.headers.get("Content-Type", ""):
                    continue
                for form in forms_on(response.text, path):
                    found.setdefault(form.key, (actor, path, form))
        return found

    def _fresh_form(self, actor: Actor, path: str, form: Form, restore) -> tuple[str, Form | None]:
        """The form as the page shows it now (a fresh CSRF token, current defaults).

        A submission may use up the page (a cancelled registration) or the login; ``restore``
        then sets the stage again and names the page to use from now on."""
        for attempt in range(2):
            response = self.get(actor, path)
            if response.status_code == 200:
                alike = [
                    f for f in forms_on(response.text, path) if f.method == form.method and f.key[0] == form.key[0]
                ]
                same = [f for f in alike if urlsplit(f.action).path == urlsplit(form.action).path]
                # On a restored page the form acts on the new row: its action names the new id.
                if same or (attempt == 1 and alike):
                    return path, (same or alike)[0]
            if attempt == 0 and restore is not None:
                path = restore(actor, path)
        return path, None

    def _submit(self, actor: Actor, form: Form, data: list[tuple[str, bytes]]) -> requests.Response:
        url = form.action if form.action.startswith("http") else self.base_url + form.action
        if form.method == "GET":
            return actor.session.get(url + "?" + urlencode(data), allow_redirects=False, timeout=60)
        if form.enctype == "multipart/form-data":
            files = {name: ("hostile.csv", value, "text/csv") for name, value in data if name == "file"}
            rest = [(name, value) for name, value in data if name != "file"]
            return actor.session.post(url, data=rest, files=files, allow_redirects=False, timeout=120)
        return actor.session.post(
            url,
            data=urlencode(data),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            allow_redirects=False,
            timeout=120,
        )

    def sweep_forms(self, forms: dict[tuple, tuple[Actor, str, Form]], restore=None) -> None:
        """Each field of each form gets the values while the other fields keep what the page fills in."""
        for actor, path, form in forms.values():
            if urlsplit(form.action).path in SESSION_ENDING:
                continue
            for name, _kind, _default in form.fields:
                if name == "csrf_token":
                    continue
                for value in self._for_target():
                    path, current = self._fresh_form(actor, path, form, restore)
                    if current is None:
                        self.problems.append(
                            Problem(f"{form.method} {form.action} as {actor.name}", f"the form is gone from {path}")
                        )
                        break
                    data = []
                    for other, other_kind, default in current.fields:
                        if other == name:
                            data.append((name, value.form()))
                        elif other_kind in ("text", "textarea", "email") and not default and other in VALID:
                            data.append((other, VALID[other]().encode()))
                        else:
                            data.append((other, default.encode()))
                    response = self._submit(actor, current, data)
                    self.record(f"{form.method} {current.action} [{name}] as {actor.name}", response, value, "form")

    def sweep_query(self, actors: list[Actor], pages: dict[str, str], names: list[str]) -> None:
        """Every query parameter the app reads, all at once, on every page, as each actor."""
        for actor in actors:
            for path in pages.values():
                for value in self._for_target():
                    query = urlencode([(name, value.form()) for name in names])
                    response = actor.session.get(f"{self.base_url}{path}?{query}", allow_redirects=False, timeout=60)
                    self.record(f"GET {path}?… as {actor.name}", response, value, "query")

    def sweep_paths(self, actor: Actor, templates: list[tuple[str, str]]) -> None:
        """Values in the URL's own arguments: ``templates`` are (method, path with ``{}`` for the argument)."""
        for method, template in templates:
            for value in self._for_target():
                if len(value.form()) > 4_000:
                    continue  # a URL that long is refused by the server's request line limit, not the app
                path = template.replace("{}", quote(value.form(), safe=""))
                response = actor.session.request(method, self.base_url + path, allow_redirects=False, timeout=60)
                self.record(f"{method} {template}", response, value, "path")

    def sweep_bodies(self, actor: Actor, paths: list[str]) -> None:
        """Bodies beyond the 1 MB limit, and bodies that are not a form at all."""
        huge = b"x=" + b"A" * (3 * 1024 * 1024)
        for path in paths:
            url = self.base_url + path
            for body, content_type in (
                (huge, "application/x-www-form-urlencoded"),
                (b"\xff\xfe\x00" * 1000, "application/x-www-form-urlencoded"),
                (b'{"email": [1, {"$ne": null}]}', "application/json"),
                (b"--x\r\nbroken", "multipart/form-data; boundary=x"),
            ):
                response = actor.session.post(
                    url, data=body, headers={"Content-Type": content_type}, allow_redirects=False, timeout=120
                )
                self.record(f"POST {path} ({len(body)} bytes of {content_type})", response, kind="body")

    # Socket.IO

    def sweep_event(self, client, event: str, valid: dict, keys: list[str], where: str) -> None:
        """Each of ``keys`` set to each value over the ``valid`` payload; and payloads that are no object."""
        for not_an_object in ("code", 1, None, ["code"], True, "x" * 20_000):
            self._emit(client, event, not_an_object, f"{where} {event} <{type(not_an_object).__name__}>")
        for key in keys:
            for odd in ODD_TYPES:
                self._emit(
                    client,
                    event,
                    {**valid, "client_id": uuid.uuid4().hex, key: odd},
                    f"{where} {event} [{key}] <{odd!r}>",
                )
            for value in self._for_target():
                payload = {**valid, "client_id": uuid.uuid4().hex, key: value.text()}
                self._emit(client, event, payload, f"{where} {event} [{key}]", value)

    def _emit(self, client, event: str, payload, where: str, value: Hostile | None = None) -> None:
        self.sent["event"] += 1
        if value is not None:
            self.distinct.add(value.value)
        # As this client sends it: python-socketio escapes non-ASCII, so "€" costs six bytes on the wire.
        oversize = len(json.dumps(payload, default=str)) > MAX_MESSAGE
        ack = client.call(event, payload, timeout=ANSWER_WITHIN_S)
        if ack is CLOSED:
            if oversize:
                # Engine.IO refuses a message over its limit by closing the connection.
                self.statuses["oversize: connection closed"] += 1
            else:
                self.problems.append(Problem(where, "connection closed instead of an acknowledgement"))
            client.reconnect()
        elif ack is TIMED_OUT:
            self.problems.append(Problem(where, f"no acknowledgement within {ANSWER_WITHIN_S} s"))
            client.reconnect()
        elif not isinstance(ack, dict) or "ok" not in ack:
            self.problems.append(Problem(where, f"acknowledgement {ack!r}"[:300]))
        elif not ack["ok"]:
            self.statuses[f"refused {ack.get('error')}"] += 1
            if ack.get("error") == "server" or not ack.get("message"):
                self.problems.append(Problem(where, f"acknowledgement {ack!r}"[:300]))
        else:
            self.statuses["accepted"] += 1

    def summary(self) -> dict:
        return {
            "corpus": len(self.values),
            "distinct_sent": len(self.distinct),
            "requests": dict(self.sent),
            "statuses": {str(k): v for k, v in sorted(self.statuses.items(), key=lambda item: str(item[0]))},
            "server_errors": sum(1 for p in self.problems if p.detail.startswith("HTTP 5")),
            "stack_traces": sum(1 for p in self.problems if "stack trace" in p.detail),
            "problems": len(self.problems),
        }


MAX_MESSAGE = 16 * 1024  # the server's max_http_buffer_size
# An event without an acknowledgement by then is a finding: a bound for a handler that hangs.
ANSWER_WITHIN_S = 60
CLOSED, TIMED_OUT = object(), object()

# JSON that is no string where a string is expected, and the other way round.
ODD_TYPES = [None, -1, 0, 2**31, 2**63, 1.5, 1e308, True, [], {}, {"$gt": ""}, ["a", "b"]]


class SocketClient:
    """A python-socketio client on an actor's cookies, from the page's own origin, joined to a board."""

    def __init__(self, base_url: str, actor: Actor, code: str, role: str = "participant"):
        self.base_url, self.actor, self.code, self.role = base_url, actor, code, role
        self._connect()

    def _connect(self):
        import socketio

        cookies = "; ".join(f"{c.name}={c.value}" for c in self.actor.session.cookies)
        # The same browser as the pages: an organiser's session holds only for the browser it logged in with.
        headers = {"Cookie": cookies, "User-Agent": self.actor.session.headers["User-Agent"]}
        self.client = socketio.Client(reconnection=False)
        self.client.connect(self.base_url, headers=headers, transports=["websocket"], wait_timeout=ANSWER_WITHIN_S)
        join = {"code": self.code} if self.role == "participant" else {"code": self.code, "as": self.role}
        ack = self.client.call("join", join, timeout=ANSWER_WITHIN_S)
        assert ack.get("ok"), ack

    @property
    def connected(self) -> bool:
        return self.client.connected

    def call(self, event, payload, timeout=ANSWER_WITHIN_S):
        """The acknowledgement, or CLOSED when the server closes the connection first, or TIMED_OUT."""
        answered, box = threading.Event(), {}

        def acknowledge(*args):
            box["ack"] = args[0] if args else None
            answered.set()

        self.client.emit(event, payload, callback=acknowledge)
        deadline = time.monotonic() + timeout
        while not answered.wait(0.02):
            if not self.client.connected:
                return CLOSED
            if time.monotonic() > deadline:
                return TIMED_OUT
        return box["ack"]

    def reconnect(self):
        self.close()
        self._connect()

    def close(self):
        self.client.disconnect()
        # After the server closed the connection, websocket-client's close() does nothing (it is no
        # longer "connected") and leaves the socket open; shutdown() closes it.
        if getattr(self.client.eio, "ws", None) is not None:
            self.client.eio.ws.shutdown()
        if self.client.eio.http is not None:
            self.client.eio.http.close()
