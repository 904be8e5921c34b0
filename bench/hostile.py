"""Hostile input for sessie_app (issue 6, item 6): a corpus and a sweep over everything a stranger can send.

``corpus()`` is at least 1,000 distinct values: script and HTML injection, template and SQL
fragments, overlong strings, NUL and control characters, right-to-left marks, emoji, malformed
UTF-8, numbers, dates, addresses and URLs. A script payload that runs sets ``window.__hostile``.

``Sweep`` sends them over real HTTP and Socket.IO to a running server:
- every field of every form found on the pages a stranger, a participant and an organiser see
  (hidden fields included; forms without a method are the phone's and console's, which speak
  Socket.IO and are swept as events);
- every query parameter the app reads, on every page;
- every path argument;
- every key of every Socket.IO event, and payloads that are not objects at all;
- bodies over the size limit.

It records each answer that is a 5xx or shows a stack trace. ``render_check`` then opens the pages
in Chromium, twice: with the site's CSP (a listener counts violations) and with CSP bypassed,
so only escaping stands between a stored payload and the page (``window.__hostile`` counts).

Used by tests/e2e/test_hostile_input.py (one value of each kind per target) and
bench/hostile_input.py (more per target, or the whole corpus on every target).
"""

import html.parser
import itertools
import json
import os
import re
import shutil
import subprocess
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

import requests
from werkzeug.exceptions import HTTPException

ROOT = Path(__file__).resolve().parent.parent

RUN = "self.__hostile=1"


@dataclass(frozen=True)
class Hostile:
    kind: str
    value: str | bytes  # bytes: malformed UTF-8, sent as it is

    def text(self) -> str:
        """The value as a Python string: malformed bytes become lone surrogates, as a JSON parser sees them."""
        if isinstance(self.value, bytes):
            return self.value.decode("utf-8", "surrogateescape")
        return self.value

    def form(self) -> bytes:
        return self.value if isinstance(self.value, bytes) else self.value.encode("utf-8", "surrogatepass")


SCRIPTS = [
    f"<script>{RUN}</script>",
    f"<img src=x onerror={RUN}>",
    f"<svg onload={RUN}>",
    f"<svg><script>{RUN}</script></svg>",
    f'"><script>{RUN}</script>',
    f"'><img src=x onerror={RUN}>",
    f"</textarea><script>{RUN}</script>",
    f"</title><script>{RUN}</script>",
    f"</script><script>{RUN}</script>",
    '<iframe srcdoc="<script>parent.__hostile=1</script>"></iframe>',
    f'<a href="javascript:{RUN}">klik</a>',
    f"javascript:{RUN}",
    f"<body onload={RUN}>",
    f"<details open ontoggle={RUN}>",
    f"<input autofocus onfocus={RUN}>",
    f"<math><mtext><table><mglyph><style><img src=x onerror={RUN}>",
    f'<meta http-equiv="refresh" content="0;url=javascript:{RUN}">',
    f'<object data="javascript:{RUN}"></object>',
    f"<video><source onerror={RUN}></video>",
    f'" onmouseover="{RUN}" x="',
    f"' onfocus='{RUN}' autofocus x='",
    f"';{RUN};//",
    f'";{RUN};//',
    f"`;{RUN};//",
    f"{{{{constructor.constructor('{RUN}')()}}}}",
    f"<scr<script>ipt>{RUN}</scr</script>ipt>",
    "<SCRIPT SRC=//127.0.0.1:9/x.js></SCRIPT>",
    f"data:text/html,<script>{RUN}</script>",
    '<base href="javascript:/">',
    f"<form action=javascript:{RUN}><button>x</button></form>",
    f"<template><script>{RUN}</script></template>",
    f'<noscript><p title="</noscript><img src=x onerror={RUN}>">',
    f"&lt;script&gt;{RUN}&lt;/script&gt;",
    f"%3Cscript%3E{RUN}%3C/script%3E",
    f"\\u003cscript\\u003e{RUN}\\u003c/script\\u003e",
    f"<div style=\"background:url('javascript:{RUN}')\">",
    "<style>@import url(http://127.0.0.1:9/x.css)</style>",
    "<link rel=stylesheet href=http://169.254.169.254/latest/meta-data/>",
    f"<!--<script>{RUN}</script>-->",
    "]]><![CDATA[",
]
TEMPLATES = [
    "{{ 7*7 }}",
    "{% raw %}",
    "${7*7}",
    "#{7*7}",
    "<%= 7*7 %>",
    "{{config}}",
    "{{ self.__init__.__globals__ }}",
]
SQL = [
    "' OR '1'='1",
    "'; DROP TABLE registrations; --",
    '" OR 1=1 --',
    "1; SELECT pg_sleep(5)",
    "' UNION SELECT email FROM registrations --",
    "%' OR name LIKE '%",
    "\\'; --",
    "1' AND sqlite_version()>'0",
    "admin'--",
    "1)) OR ((1=1",
    "'||(SELECT password_hash FROM organisers)||'",
    "; PRAGMA writable_schema=1;",
]
OVERLONG = ["x" * n for n in (81, 121, 256, 501, 1001, 2001, 4097, 10_000, 100_000)] + [
    "€" * 5_000,
    "👩🏽‍🏫" * 2_000,
    "a " * 50_000,
    "\n" * 10_000,
]
CONTROL = (
    [chr(code) for code in range(32)]
    + [f"a{chr(code)}b" for code in range(32)]
    + [
        "\x7f",
        "\x85",
        "\u2028\u2029",
        "\ufeff",
        "\ufffe",
        "\uffff",
        "\r\n\r\nSet-Cookie: x=1",
        "a\x00@example.nl",
        "\x1b[31mrood\x1b[0m",
    ]
)
RTL = [
    "\u202e",
    "\u202egnp.exe",
    "\u200f",
    "\u200e",
    "\u2066x\u2069",
    "\u061c",
    "مرحبا بالعالم",
    "שלום עולם",
    "\u200b\u200c\u200d",
    "\u034f",
    "Z̴̡̛͓a̷l̸g̵o̶",
    "\u202a\u202b\u202c\u202d",
    "abc\u202edef",
]
EMOJI = [
    "😀",
    "👩🏽‍🏫",
    "🏳️‍🌈",
    "🇳🇱",
    "👨‍👩‍👧‍👦",
    "1️⃣",
    "🧑🏿‍🔬" * 50,
    "𠜎𠜱",
    "𝐇𝐞𝐥𝐥𝐨",
    "ﷺ",
    "Ⅻ",
    "e\u0301",
    "ẞ",
    "İı",
    "ﬃ",
    "🀄🃏",
]
MALFORMED = [
    b"\xff",
    b"\xfe\xff",
    b"\xc3\x28",
    b"\xa0\xa1",
    b"\xe2\x28\xa1",
    b"\xf0\x28\x8c\x28",
    b"\xc0\xaf",
    b"\xed\xa0\x80",
    b"\xf8\xa1\xa1\xa1\xa1",
    b"\x80",
    b"caf\xe9",
    b"ok\xffok",
    b"\xef\xbb\xbf\xff",
]
MISC = [
    "%s%s%s%n",
    "{0}",
    "{__class__}",
    "%(x)s",
    "../../../../etc/passwd",
    "..%2f..%2fetc%2fpasswd",
    "/etc/passwd",
    "C:\\Windows\\win.ini",
    "file:///etc/passwd",
    "http://169.254.169.254/latest/meta-data/",
    "http://127.0.0.1:5432/",
    "//evil.example/",
    "https://evil.example",
    "\\\\evil.example\\share",
    "-1",
    "0",
    "2147483648",
    "9" * 40,
    "1e309",
    "NaN",
    "-0",
    "0x10",
    "1_000",
    "١٢٣",
    "²",
    "true",
    "null",
    "[]",
    "{}",
    '{"$ne": null}',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(1)",
    "\t=1",
    "\r=1",
    "a@b",
    "x@[127.0.0.1]",
    '"a b"@example.nl',
    "a@example.nl\r\nBcc: x@evil.example",
    "a@example.nl,b@example.nl",
    "ä@ëxample.nl",
    "2026-02-30",
    "0000-00-00",
    "9999-12-31",
    "31-12-2026",
    "25:61",
    "24:00",
    " ",
    "",
    "\t",
    "None",
    "undefined",
]

# Short values also travel in surroundings a real field would see them in.
MUTATIONS = [
    lambda v: v,
    lambda v: f"Meer tijd voor onderzoek {v}",
    lambda v: f"{v} op school",
    lambda v: f'"{v}"',
    lambda v: f"  {v}  ",
    lambda v: v.upper(),
    lambda v: v + v,
    lambda v: f"\u202e{v}\u202c",
]


def corpus() -> list[Hostile]:
    families = {
        "script": SCRIPTS,
        "template": TEMPLATES,
        "sql": SQL,
        "control": CONTROL,
        "rtl": RTL,
        "emoji": EMOJI,
        "misc": MISC,
    }
    seen, values = set(), []

    def add(kind, value):
        if value not in seen:
            seen.add(value)
            values.append(Hostile(kind, value))

    for kind, bases in families.items():
        for base in bases:
            for mutate in MUTATIONS:
                add(kind, mutate(base))
    for value in OVERLONG:
        add("overlong", value)
    for raw in MALFORMED:
        add("utf8", raw)
        add("utf8", b"Voorstel " + raw + b" einde")
    return values


def sample(values: list[Hostile], per_kind: int, offset: int = 0) -> list[Hostile]:
    """``per_kind`` values of each kind, starting at ``offset`` and wrapping: targets given different
    offsets see different values, so a sweep of many targets still sends the whole corpus."""
    by_kind: dict[str, list[Hostile]] = {}
    for value in values:
        by_kind.setdefault(value.kind, []).append(value)
    chosen = []
    for kind_values in by_kind.values():
        count = min(per_kind, len(kind_values))
        start = offset * count % len(kind_values)
        chosen += [kind_values[(start + n) % len(kind_values)] for n in range(count)]
    return chosen


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

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
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
                same = [
                    f
                    for f in forms_on(response.text, path)
                    if f.method == form.method
                    and f.key[0] == form.key[0]
                    and urlsplit(f.action).path == urlsplit(form.action).path
                ]
                if same:
                    return path, same[0]
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

    def sweep_events(self, client, targets: list[tuple[str, dict]], keys: dict, where: str) -> None:
        """Each event gets each key it reads set to each value, over valid payloads; and payloads that are no object."""
        for event, valid in targets:
            for not_an_object in ("code", 1, None, ["code"], True, "x" * 20_000):
                self._emit(client, event, not_an_object, f"{where} {event} <{type(not_an_object).__name__}>")
            for key in keys[(event, valid.get("action") if event == "control" else None)]:
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
        ack = client.call(event, payload, timeout=30)
        if ack is CLOSED:
            if oversize:
                # Engine.IO refuses a message over its limit by closing the connection.
                self.statuses["oversize: connection closed"] += 1
            else:
                self.problems.append(Problem(where, "connection closed instead of an acknowledgement"))
            client.reconnect()
        elif ack is TIMED_OUT:
            self.problems.append(Problem(where, "no acknowledgement within 30 s"))
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
        self.client = socketio.Client(reconnection=False)
        self.client.connect(self.base_url, headers={"Cookie": cookies}, transports=["websocket"], wait_timeout=10)
        join = {"code": self.code} if self.role == "participant" else {"code": self.code, "as": self.role}
        ack = self.client.call("join", join, timeout=30)
        assert ack.get("ok"), ack

    @property
    def connected(self) -> bool:
        return self.client.connected

    def call(self, event, payload, timeout=30):
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


def event_keys(
    source: Path = ROOT / "sessie_app" / "realtime" / "events.py",
) -> dict[tuple[str, str | None], list[str]]:
    """(event, control action) → the keys its handler reads, from the source: a key added later is swept too."""
    text = source.read_text()
    blocks = {}
    for block in re.split(r"\n(?=@on\(|def )", text):
        name = re.search(r"^def (\w+)", block, re.M)
        if name:
            blocks[name.group(1)] = block

    def keys(block: str) -> set[str]:
        found = set(re.findall(r"data\.get\(\"(\w+)\"", block)) | set(
            re.findall(r"_(?:text|id|flag)\(data, \"(\w+)\"", block)
        )
        found |= {"delta"} if "_delta(data)" in block else set()
        # Every payload may carry a client id, and an unknown key must be harmless too.
        return found | {"client_id", "unknown_key"}

    table = {}
    for event, function in re.findall(r'@on\("(\w+)"\)\n(?:@.*\n)*def (\w+)', text):
        if event != "control":
            table[(event, None)] = sorted(keys(blocks[function]))
    control = keys(blocks["control"])
    for action, function in re.findall(r'^    "(\w+)": (_\w+),$', text, re.M):
        table[("control", action)] = sorted(control | keys(blocks[function]))
    return table


def query_names(source: Path = ROOT / "sessie_app") -> list[str]:
    """Every query parameter the views read, from their source, and the fields of filter forms."""
    names = set()
    for path in source.rglob("*.py"):
        names |= set(re.findall(r"request\.args\.get\(\"(\w+)\"", path.read_text()))
    for path in source.rglob("forms.py"):
        text = path.read_text()
        for form in re.findall(r"class (\w*(?:Filter|Search)\w*)\(.*?\):(.*?)(?=\nclass |\Z)", text, re.S):
            names |= set(re.findall(r"^    (\w+) = \w+Field", form[1], re.M))
    return sorted(names | {"next", "q", "page"})


# --- rendering in Chromium ----------------------------------------------------------------------------

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
    html_documents=(),
    settle_ms: int = 400,
    screenshots: Path | None = None,
) -> RenderResult:
    """Open each (cookies, path) with the real CSP and with CSP bypassed, on a phone (the projector at
    1280×720); count what ran, and note pages that hostile text pushed wider than their screen.

    ``live(pages)`` is called while the last batch of pages is open, to send hostile text over
    Socket.IO that the pages' own scripts then draw. ``html_documents`` are whole documents
    (the PDF's HTML) loaded as they are. ``screenshots``: a folder for a picture of each page, to look at.
    """
    result = RenderResult()
    for bypass in (False, True):
        context = browser.new_context(base_url=base_url, bypass_csp=bypass, viewport=PHONE)
        context.add_init_script(MARKERS)
        context.set_default_timeout(20_000)
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
            opened[-1][0].wait_for_timeout(1_500)
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


def _collect(page, path: str, bypass: bool, result: RenderResult, measure_width: bool = True) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    if measure_width and width > page.viewport_size["width"]:
        result.wide[path] = width
    shown = page.evaluate("document.body ? document.body.innerText.split('__hostile').length - 1 : 0")
    result.shown[path] = min(result.shown.get(path, shown), shown)
    if page.evaluate(
        "Boolean(window.__hostile) || Array.from(window.frames).some(f => { try { return Boolean(f.__hostile) } catch (e) { return false } })"
    ):
        result.executed.append(f"{path} (CSP {'bypassed' if bypass else 'on'})")
    if not bypass:
        result.csp_violations += [f"{path}: {v}" for v in page.evaluate("window.__cspViolations || []")]
    page.close()


# --- the stage: a board, registrations and groups to aim at, and the three browsers ----------------

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
            db.session.remove()
        self.manage_token = self._new_registration("Stage Aanmelder")
        self.check_in_token = self._new_registration("Stage Incheck", check_in=True)

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

    def log_in(self, actor: Actor) -> None:
        page = actor.session.get(f"{self.base_url}/organisator/inloggen", timeout=30)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)
        done = actor.session.post(
            f"{self.base_url}/organisator/inloggen",
            allow_redirects=False,
            timeout=30,
            data={"csrf_token": token, "email": self.organiser_email, "password": self.organiser_password},
        )
        assert done.status_code == 302, f"organiser login failed: {done.status_code}"

    def restore(self, actor: Actor, path: str) -> str:
        """A page the last submission used up: a new registration for a cancelled one, a new login."""
        for old, check_in in ((self.manage_token, False), (self.check_in_token, True)):
            if old in path:
                new = self._new_registration("Stage opnieuw", check_in=check_in)
                if check_in:
                    self.check_in_token = new
                else:
                    self.manage_token = new
                return path.replace(old, new)
        if actor.name == "organiser":
            self.log_in(actor)
        return path

    def socket_targets(self) -> tuple[list[tuple[str, dict]], list[tuple[str, dict]]]:
        """(event, valid payload) for a participant's phone and for the organiser's console."""
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
    sweep.sweep_query(actors, pages, query_names())
    lap("query")
    sweep.sweep_paths(organiser_actor, stage.path_templates())
    lap("paths")
    sweep.sweep_bodies(
        organiser_actor, sorted({urlsplit(f.action).path for _a, _p, f in forms.values() if f.method == "POST"})
    )

    lap("bodies")
    phone_events, console_events = stage.socket_targets()
    keys = event_keys()
    phone = SocketClient(base_url, participant, stage.code)
    console = SocketClient(base_url, organiser_actor, stage.code, role="console")
    try:
        for event, valid in phone_events:
            if event in PHASE_FOR:
                console.call("control", {"action": "phase", "phase": PHASE_FOR[event]})
            sweep.sweep_events(phone, [(event, valid)], keys, "phone")
        sweep.sweep_events(console, console_events, keys, "console")
    finally:
        phone.close()
        console.close()

    lap("events")
    figures = sweep.summary()
    figures["forms"] = len(forms)
    figures["post_routes_without_a_form"] = missing
    figures["events"] = sorted({event for event, _ in phone_events + console_events})
    covered = {
        (event, valid.get("action") if event == "control" else None) for event, valid in phone_events + console_events
    }
    figures["events_without_a_sweep"] = sorted(map(str, set(keys) - covered))
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
    participant, organiser = actors[1], actors[2]
    # The screens that draw live text go last, so they are open when it arrives.
    live_paths = {
        f"/b/{stage.code}",
        f"/organisator/borden/{stage.code}",
        f"/organisator/borden/{stage.code}/projector",
    }
    visits.sort(key=lambda visit: visit[1] in live_paths)
    scripts = [v.text() for v in values if v.kind == "script"]

    def live(_pages):
        phone = SocketClient(base_url, participant, stage.code)
        console = SocketClient(base_url, organiser, stage.code, role="console")
        try:
            console.call("control", {"action": "phase", "phase": "mopperen"})
            for text in scripts[:40]:
                phone.call("bottleneck", {"client_id": f"live-b-{uuid.uuid4().hex}", "text": text})
            console.call("control", {"action": "phase", "phase": "opperen"})
            proposal_ids = []
            for text in scripts[:40]:
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
