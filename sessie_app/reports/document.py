"""The Plan van Aanpak as a document: HTML made from ``build_report``'s plain data, and its PDF.

``report_html(report)`` renders ``templates/reports/document/report.html`` (print CSS in
``static/css/report.css``); ``report_pdf(report)`` hands that HTML to ``pdf.render_pdf``, the
app's one way to make a PDF, so the document fetches nothing but its own stylesheet and the
``data:`` URIs of its charts. Both work inside an app context alone (the CLI): without a
request they make a test request context on BASE_URL themselves, for ``url_for``.

The document is Dutch by default (``locale="nl"``). The report data carries its own labels (roles,
actors, sectors) in the locale ``build_report`` ran in, and theme names as the boards have them,
so build the report in the same locale as the document. Every word of the document itself is a
message, so a translated edition needs only the catalogue.

Safety: every text from participants (titles, *groot denken*, *klein doen*, bottlenecks,
nicknames) goes through Jinja's autoescape, in the HTML and in the SVG charts alike; nothing
from the report dict is marked safe. Hostile HTML, CSS or SVG in a proposal is printed as text.

Accessibility: real h1/h2/h3 headings, tables with header cells, ``lang`` and title metadata,
alt text on every chart. The PDF is made as **PDF/UA-1** (``pdf_variant="pdf/ua-1"``). In
WeasyPrint 70 that variant sets ``pdf_tags=True`` (a structure tree: headings, paragraphs,
lists, tables with header cells linked to their data cells, figures with alt text, links) and
PDF 1.7, and adds the PDF/UA identification to the XMP metadata; the catalogue gets the
document language and ``DisplayDocTitle``. It renders without errors or warnings (with
libharfbuzz-subset0 installed, as the Makefile asks; without it WeasyPrint warns and subsets the
fonts with fontTools, still embedding them). WeasyPrint does not validate conformance: the
running headers and footers are left out of the structure tree rather than marked as artifacts
(WeasyPrint does that only for PDF 2.0), which a strict PDF/UA checker may flag. Plain tagged
PDF (``pdf_tags=True``) would be the fallback; the PDF/UA metadata costs nothing extra, while
the tagging itself adds about a tenth to the render time.

Speed: WeasyPrint's cost grows with boxes and lines, not with pages as such, and the appendix
(every proposal) is most of both. A proposal there is one paragraph whose parts are lines of
``white-space: pre-line`` with the title bold by ``::first-line`` (each extra block or inline
box, even a ``<br>``, cost about half a second per 750 rows), in a table with a fixed layout (an
automatic one recomputes every cell's widths on every page: the first draft took 80 s), a
condensed face and no automatic hyphenation. ``report_pdf`` also lets Python's garbage collector
run less often during the render (about a sixth; see ``_fewer_collections``). A title long
enough to wrap is bold on its first line only, the price of ``::first-line``.
"""

import gc
import threading
from collections import defaultdict
from contextlib import contextmanager
from datetime import UTC, date, datetime

from flask import current_app, has_request_context, render_template, request
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from ..choices import ACTOR_LABELS
from ..pdf import render_pdf
from ..timeutil import AMSTERDAM
from . import charts

PDF_OPTIONS = {"pdf_variant": "pdf/ua-1"}
DEFAULT_BASE_URL = "http://localhost"
NO_ACTOR = "onbepaald"
MORE_ANSWERS = 3
# Python's collector during a render: see _fewer_collections.
GC_THRESHOLDS = (10_000, 10, 10)
_gc_lock = threading.Lock()
_gc_renders = 0
_gc_saved: tuple[int, int, int] | None = None

# Where the long Dutch words in narrow column headers may break (a soft hyphen); automatic
# hyphenation picks breaks like "Lera-renoplei-der". A label not listed is left as it is.
HEADER_BREAKS = {
    "Schoolleider": "School\u00adleider",
    "Onderzoeker": "Onder\u00adzoeker",
    "Lerarenopleider": "Leraren\u00adopleider",
    "Bestuurder": "Bestuur\u00adder",
    "Beleidsmaker": "Beleids\u00admaker",
    "Lerarenopleiding": "Leraren\u00adopleiding",
    "Kennisinstelling": "Kennis\u00adinstelling",
    "Sectorraad": "Sector\u00adraad",
}

# The moderation log, in words. An action that is not listed shows as it is stored.
ACTION_WORDS = {
    "phase": _l("Fase gewisseld"),
    "timer": _l("Timer gezet of gestopt"),
    "lock": _l("Bord vergrendeld"),
    "unlock": _l("Bord ontgrendeld"),
    "hide": _l("Verborgen"),
    "unhide": _l("Weer zichtbaar gemaakt"),
    "edit": _l("Voorstel bewerkt"),
    "pinned:on": _l("Uitgelicht"),
    "pinned:off": _l("Niet meer uitgelicht"),
    "promising:on": _l("Als kansrijk gemarkeerd"),
    "promising:off": _l("Markering kansrijk weggehaald"),
    "theme": _l("Thema toegekend"),
    "merge": _l("Voorstellen samengevoegd"),
    "starters": _l("Startknelpunten geladen"),
    "import": _l("Voorstellen van papier ingevoerd"),
}


def report_title(report: dict) -> str:
    return f"{_('Plan van Aanpak Kennisinfrastructuur voor het onderwijs')} — {_scope_title(report)}"


def _scope_title(report: dict) -> str:
    city = report["scope"].get("city")
    if report["scope"].get("kind") == "session" and city:
        return _("Synthese sessie %(city)s", city=city)
    return _("Synthese van alle sessies")


@contextmanager
def _document_context():
    """The base URL of the document; a test request context on BASE_URL when there is no request."""
    if has_request_context():
        yield request.url_root
        return
    base = (current_app.config.get("BASE_URL") or DEFAULT_BASE_URL).rstrip("/") + "/"
    with current_app.test_request_context("/", base_url=base):
        yield request.url_root


def report_html(report: dict, locale: str = "nl") -> str:
    """The report as one HTML document for WeasyPrint (A4 print CSS)."""
    with _document_context(), force_locale(locale):
        return render_template("reports/document/report.html", **_context(report, locale))


def report_pdf(report: dict, locale: str = "nl", timeout: float | None = None) -> bytes:
    """The report as a tagged PDF/UA-1 file. Raises pdf.PdfError (PdfTimeout, PdfBusy) as render_pdf does."""
    with _document_context() as base_url:
        html = report_html(report, locale)
        with _fewer_collections():
            return render_pdf(html, base_url=base_url, timeout=timeout, pdf_options=PDF_OPTIONS)


@contextmanager
def _fewer_collections():
    """Raise the garbage collector's thresholds while a report renders.

    WeasyPrint makes millions of objects, most of which live until the PDF is written. At the
    default thresholds (700, 10, 10) the collector runs thousands of times during one render and
    its full passes walk the whole heap again and again: a fifth of the render time for the
    750-proposal report, more in a process that holds much else. With GC_THRESHOLDS it runs
    far less often and peak memory stays the same (measured). The thresholds are process-wide,
    so they are set when the first concurrent render starts and restored after the last ends.
    """
    global _gc_renders, _gc_saved
    with _gc_lock:
        if _gc_renders == 0:
            _gc_saved = gc.get_threshold()
            gc.set_threshold(*(max(mine, theirs) for mine, theirs in zip(GC_THRESHOLDS, _gc_saved, strict=True)))
        _gc_renders += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_renders -= 1
            if _gc_renders == 0 and _gc_saved is not None:
                gc.set_threshold(*_gc_saved)
                _gc_saved = None


# ---------------------------------------------------------------------------------------------
# What the template shows, worked out here so the template holds only loops and conditions


def css_string(text: str) -> Markup:
    """``text`` as a quoted CSS string that is safe inside a <style> element."""
    out = []
    for char in str(text):
        if char in '"\\<>&':
            out.append(f"\\{ord(char):x} ")
        elif char in "\n\r\f":
            out.append("\\a ")
        elif ord(char) >= 32:
            out.append(char)
    # Every character that could end the string or the <style> element is escaped above.
    return Markup('"' + "".join(out) + '"')  # nosec B704


def _page_label() -> Markup:
    """CSS ``content`` for "pagina X van Y", from one message so translators see the sentence."""
    marker = "\x00"
    text = _("pagina %(page)s van %(pages)s", page=f"{marker}page{marker}", pages=f"{marker}pages{marker}")
    parts = []
    for index, piece in enumerate(text.split(marker)):
        if index % 2:
            # One of two fixed literals; the translated text never gets here.
            parts.append(Markup(f"counter({'pages' if piece == 'pages' else 'page'})"))  # nosec B704
        elif piece:
            parts.append(css_string(piece))
    return Markup(" ").join(parts)


def _generated(report: dict) -> str:
    stamp = report["scope"].get("generated_at") or ""
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        moment = datetime.now(UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    local = moment.astimezone(AMSTERDAM)
    return _("%(date)s om %(time)s uur", date=format_date(local.date(), "long"), time=local.strftime("%H:%M"))


def _day(iso: str | None, pattern: str = "EEEE d MMMM y") -> str | None:
    if not iso:
        return None
    try:
        return format_date(date.fromisoformat(iso), pattern)
    except ValueError:
        return iso


def _labels(report: dict) -> dict:
    names = {theme["key"]: theme["name"] for theme in report["themes"]}
    actors = {key: str(label) for key, label in ACTOR_LABELS.items()}
    actors[NO_ACTOR] = _("Nog niet bepaald")
    return {"theme": names, "actor": actors, "no_theme": _("Zonder thema")}


def _session_name(chapter: dict) -> str:
    return chapter["city"] if chapter.get("slug") else _("Zonder sessie")


def _crosstab(columns: list[str], series: list[list[dict]], total_column: bool) -> dict:
    """Rows by label, one column per list of {key, label, count}; rows that are all zero go."""
    order: dict[str, str] = {}
    for counts in series:
        for entry in counts:
            order.setdefault(entry["key"], entry["label"])
    rows = []
    for key, label in order.items():
        values = [next((e["count"] for e in counts if e["key"] == key), 0) for counts in series]
        if any(values):
            rows.append({"label": label, "values": values + ([sum(values)] if total_column else [])})
    totals = [sum(row["values"][i] for row in rows) for i in range(len(columns) + (1 if total_column else 0))]
    return {"columns": columns + ([_("Totaal")] if total_column else []), "rows": rows, "totals": totals}


def _participation(report: dict) -> dict:
    sessions = report["sessions"]
    names = [_session_name(chapter) for chapter in sessions]
    several = len(sessions) > 1
    joined_role = [c["joined_by_role"] for c in sessions]
    joined_sector = [c["joined_by_sector"] for c in sessions]
    if several:
        tables = [
            (_("Aangemeld per rol"), _crosstab(names, [c["registered_by_role"] for c in sessions], True)),
            (_("Meegedaan aan het bord per rol"), _crosstab(names, joined_role, True)),
            (_("Aangemeld per sector"), _crosstab(names, [c["registered_by_sector"] for c in sessions], True)),
            (_("Meegedaan aan het bord per sector"), _crosstab(names, joined_sector, True)),
        ]
    else:
        columns = [_("Aangemeld"), _("Meegedaan aan het bord")]
        chapter = sessions[0] if sessions else {"registered_by_role": [], "registered_by_sector": []}
        tables = [
            (
                _("Per rol"),
                _crosstab(columns, [chapter["registered_by_role"], joined_role[0] if sessions else []], False),
            ),
            (
                _("Per sector"),
                _crosstab(columns, [chapter["registered_by_sector"], joined_sector[0] if sessions else []], False),
            ),
        ]
    series = [_("Aangemeld"), _("Ingecheckt"), _("Meegedaan aan het bord")]
    per_session = None
    if any(c["registered"] or c["checked_in"] or c["joined"] for c in sessions):
        alt = (
            _("Staafdiagram van de deelname per sessie.")
            + " "
            + "; ".join(
                _(
                    "%(session)s: %(registered)d aangemeld, %(checked_in)d ingecheckt, %(joined)d meegedaan aan het bord",
                    session=name,
                    registered=c["registered"],
                    checked_in=c["checked_in"],
                    joined=c["joined"],
                )
                for name, c in zip(names, sessions, strict=True)
            )
            + "."
        )
        per_session = charts.bar_chart(
            names,
            series,
            [[c["registered"], c["checked_in"], c["joined"]] for c in sessions],
            alt,
            label_width=110,
            label_chars=18,
        )
    by_role = None
    role_table = _crosstab(
        [_("Aangemeld"), _("Meegedaan aan het bord")],
        [_sum_counts([c["registered_by_role"] for c in sessions]), _sum_counts(joined_role)],
        False,
    )
    if role_table["rows"]:
        alt = (
            _("Staafdiagram van de deelnemers per rol.")
            + " "
            + "; ".join(
                _(
                    "%(role)s: %(registered)d aangemeld, %(joined)d meegedaan aan het bord",
                    role=row["label"],
                    registered=row["values"][0],
                    joined=row["values"][1],
                )
                for row in role_table["rows"]
            )
            + "."
        )
        by_role = charts.bar_chart(
            [row["label"] for row in role_table["rows"]],
            [_("Aangemeld"), _("Meegedaan aan het bord")],
            [row["values"] for row in role_table["rows"]],
            alt,
            label_width=110,
            label_chars=18,
        )
    rows = [
        {
            "name": name,
            "date": _day(c.get("date"), "d MMMM y"),
            "registered": c["registered"],
            "checked_in": c["checked_in"],
            "joined": c["joined"],
            "proposals": c["proposals"],
            "votes": c["votes"],
        }
        for name, c in zip(names, sessions, strict=True)
    ]
    return {"rows": rows, "several": several, "tables": tables, "per_session": per_session, "by_role": by_role}


def _sum_counts(lists: list[list[dict]]) -> list[dict]:
    total: dict[str, dict] = {}
    for counts in lists:
        for entry in counts:
            slot = total.setdefault(entry["key"], {"key": entry["key"], "label": entry["label"], "count": 0})
            slot["count"] += entry["count"]
    return list(total.values())


def _top_chart(groups: list[dict]) -> charts.Chart | None:
    if not groups or not any(g["votes"] for g in groups):
        return None
    labels = [f"{g['rank']}. {g['title']}" for g in groups]
    alt = (
        _("Staafdiagram van de steun voor de tien grootste groepen voorstellen.")
        + " "
        + "; ".join(
            _(
                "%(rank)d. %(title)s: %(supporters)d steunbetuigers, %(votes)d stemmen",
                rank=g["rank"],
                title=charts.shorten(g["title"], 80),
                supporters=g["supporters"],
                votes=g["votes"],
            )
            for g in groups
        )
        + "."
    )
    return charts.bar_chart(
        labels,
        [_("Steunbetuigers (ieder één keer)"), _("Stemmen")],
        [[g["supporters"], g["votes"]] for g in groups],
        alt,
        label_width=250,
        label_chars=44,
    )


def _matrix(report: dict, labels: dict) -> dict:
    matrix = report["matrix"]
    themes = [{"key": t["key"], "name": t["name"] or labels["no_theme"]} for t in matrix["themes"]]
    actors = []
    for index, row in enumerate(matrix["rows"], start=1):
        sections = []
        for theme, cell in zip(themes, row["cells"], strict=True):
            if cell["count"]:
                sections.append({"theme": theme["name"], "count": cell["count"], "top": cell["top"]})
        actors.append(
            {
                "anchor": f"actor-{index}",
                "label": row["label"],
                "header": HEADER_BREAKS.get(row["label"], row["label"]),
                "count": sum(cell["count"] for cell in row["cells"]),
                "themes": sections,
            }
        )
    grid = []
    for position, theme in enumerate(themes):
        counts = [row["cells"][position]["count"] for row in matrix["rows"]]
        grid.append({"name": theme["name"], "counts": counts, "total": sum(counts)})
    totals = [sum(row["counts"][i] for row in grid) for i in range(len(matrix["rows"]))]
    return {"actors": actors, "grid": grid, "totals": totals, "total": sum(totals)}


def _bottlenecks(bottlenecks: list[dict], labels: dict, order: list[str], board_names: dict[str, str]) -> list[dict]:
    by_theme: dict[str, list[dict]] = defaultdict(list)
    for bottleneck in bottlenecks:
        answers = bottleneck["answered_by"]
        by_theme[bottleneck["theme"]].append(
            {
                "text": bottleneck["text"],
                "session": board_names.get(bottleneck["board"]),
                "answers": answers[:MORE_ANSWERS],
                "more": max(len(answers) - MORE_ANSWERS, 0),
            }
        )
    themes = []
    for key in [*order, *(k for k in by_theme if k not in order)]:
        items = by_theme.get(key)
        if not items:
            continue
        themes.append(
            {
                "name": labels["theme"].get(key) or labels["no_theme"],
                "items": items,
                "count": len(items),
                "answered": sum(1 for item in items if item["answers"]),
                "answers": sum(len(item["answers"]) + item["more"] for item in items),
            }
        )
    return themes


def _moderation(entries: list[dict]) -> list[dict]:
    return [
        {"action": str(ACTION_WORDS.get(entry["action"], entry["action"])), "count": entry["count"]}
        for entry in entries
    ]


def _appendix(report: dict) -> list[dict]:
    """The proposals per session, in the order of the session chapters."""
    parts: dict[str | None, list[dict]] = {}
    for item in report["appendix"]:
        parts.setdefault(item.get("session"), []).append(item)
    order = [chapter.get("slug") for chapter in report["sessions"]]
    keys = [key for key in order if key in parts] + [key for key in parts if key not in order]
    result = []
    for index, key in enumerate(keys, start=1):
        items = parts[key]
        name = items[0].get("session_city") if key else None
        result.append({"anchor": f"appendix-{index}", "name": name or _("Zonder sessie"), "items": items})
    return result


def _context(report: dict, locale: str) -> dict:
    labels = _labels(report)
    order = [theme["key"] for theme in report["themes"]]
    board_names = {
        board["code"]: _session_name(chapter) for chapter in report["sessions"] for board in chapter["boards"]
    }
    sessions = []
    for chapter in report["sessions"]:
        sessions.append(
            {
                **chapter,
                "name": _session_name(chapter),
                "day": _day(chapter.get("date")),
                "moderation_words": _moderation(chapter["moderation"]),
                "bottleneck_themes": _bottlenecks(chapter["bottlenecks"], labels, order, board_names),
            }
        )
    chapters = [
        ("summary", _("Samenvatting")),
        ("participation", _("Deelname per sessie")),
        ("bridging", _("Verbindende voorstellen")),
        ("actors", _("Wie moet aan de slag?")),
        ("bottlenecks", _("Knelpunten")),
    ]
    numbered = {anchor: number for number, (anchor, _title) in enumerate(chapters, start=1)}
    for offset, session in enumerate(sessions):
        session["anchor"] = f"session-{offset + 1}"
        session["number"] = len(chapters) + offset + 1
    matrix = _matrix(report, labels)
    top_groups = report["top_groups"]
    return {
        "report": report,
        "locale": locale,
        "title": report_title(report),
        "main_title": _("Plan van Aanpak Kennisinfrastructuur voor het onderwijs"),
        "scope_title": _scope_title(report),
        "generated": _generated(report),
        "suggested": report["scope"].get("grouping") == "suggested",
        "page_label": _page_label(),
        "chapters": chapters,
        "number": numbered,
        "labels": labels,
        "totals": report["totals"],
        "top_groups": top_groups,
        "top_chart": _top_chart(top_groups),
        "participation": _participation(report),
        "roles": [{**role, "header": HEADER_BREAKS.get(role["label"], role["label"])} for role in report["roles"]],
        "bridging": report["bridging"],
        "matrix": matrix,
        "bottleneck_themes": _bottlenecks(report["bottlenecks"], labels, order, board_names),
        "sessions": sessions,
        "several_sessions": len(sessions) > 1,
        "appendix": _appendix(report),
    }
