"""The hostile-input corpus: at least 1,000 distinct values a stranger might type or send.

Script and HTML injection, template and SQL fragments, overlong strings, NUL and control characters,
right-to-left marks, emoji, malformed UTF-8, numbers, dates, addresses and URLs. A script payload
that runs sets ``window.__hostile``.
"""

from dataclasses import dataclass

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
