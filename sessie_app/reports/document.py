"""The Plan van Aanpak as a document: HTML from ``build_report``'s Report, and its tagged PDF (docs/reports.md)."""

from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime

from flask import current_app, has_request_context, render_template, request
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from markupsafe import Markup

from .. import initiative
from ..pdf import render_pdf
from ..timeutil import AMSTERDAM
from . import charts
from .report import BottleneckEntry, Group, LabelledCount, Report, SessionChapter

PDF_OPTIONS = {"pdf_variant": "pdf/ua-1"}
DEFAULT_BASE_URL = "http://localhost"
MORE_ANSWERS = 3

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


def _report_title(report: Report) -> str:
    return f"{initiative.current().plan_title()} — {_scope_title(report)}"


def _scope_title(report: Report) -> str:
    if report.scope.kind == "session" and report.scope.city:
        return _("Synthese sessie %(city)s", city=report.scope.city)
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


def report_html(report: Report, locale: str = "nl") -> str:
    """The report as one HTML document for WeasyPrint (A4 print CSS). Build the report in the same
    locale: its labels (roles, actors, sectors, fallbacks) are words in the locale it was built in."""
    with _document_context(), force_locale(locale):
        return render_template("reports/document/report.html", **_context(report, locale))


def report_outline(report: Report, locale: str = "nl") -> dict:
    """What the document shows, worked out once for the PDF's template and the DOCX (reports/docx.py):
    chapters and their numbers, tables, the matrix, the appendix per session."""
    with _document_context(), force_locale(locale):
        return _context(report, locale)


def report_pdf(report: Report, locale: str = "nl", timeout: float | None = None) -> bytes:
    """The report as a tagged PDF/UA-1 file. Raises pdf.PdfError (PdfTimeout, PdfBusy) as render_pdf does."""
    with _document_context() as base_url:
        html = report_html(report, locale)
        return render_pdf(html, base_url=base_url, timeout=timeout, pdf_options=PDF_OPTIONS)


# ---------------------------------------------------------------------------------------------
# What the template shows, worked out here so the template holds only loops and conditions


def _css_string(text: str) -> Markup:
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
            parts.append(_css_string(piece))
    return Markup(" ").join(parts)


def _generated(report: Report) -> str:
    try:
        moment = datetime.fromisoformat(report.scope.generated_at)
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


def _crosstab(columns: list[str], series: list[list[LabelledCount]], total_column: bool) -> dict:
    """Rows by label, one column per list of counts; rows that are all zero go."""
    order: dict[str, str] = {}
    for counts in series:
        for entry in counts:
            order.setdefault(entry.key, entry.label)
    rows = []
    for key, label in order.items():
        values = [next((e.count for e in counts if e.key == key), 0) for counts in series]
        if any(values):
            rows.append({"label": label, "values": values + ([sum(values)] if total_column else [])})
    totals = [sum(row["values"][i] for row in rows) for i in range(len(columns) + (1 if total_column else 0))]
    return {"columns": columns + ([_("Totaal")] if total_column else []), "rows": rows, "totals": totals}


def _participation(report: Report) -> dict:
    sessions = report.sessions
    names = [chapter.city for chapter in sessions]
    several = len(sessions) > 1
    joined_role = [c.joined_by_role for c in sessions]
    joined_sector = [c.joined_by_sector for c in sessions]
    if several:
        tables = [
            (_("Aangemeld per rol"), _crosstab(names, [c.registered_by_role for c in sessions], True)),
            (_("Meegedaan aan het bord per rol"), _crosstab(names, joined_role, True)),
            (_("Aangemeld per sector"), _crosstab(names, [c.registered_by_sector for c in sessions], True)),
            (_("Meegedaan aan het bord per sector"), _crosstab(names, joined_sector, True)),
        ]
    else:
        columns = [_("Aangemeld"), _("Meegedaan aan het bord")]
        by_role = [sessions[0].registered_by_role, joined_role[0]] if sessions else [[], []]
        by_sector = [sessions[0].registered_by_sector, joined_sector[0]] if sessions else [[], []]
        tables = [
            (_("Per rol"), _crosstab(columns, by_role, False)),
            (_("Per sector"), _crosstab(columns, by_sector, False)),
        ]
    series = [_("Aangemeld"), _("Ingecheckt"), _("Meegedaan aan het bord")]
    per_session = None
    if any(c.registered or c.checked_in or c.joined for c in sessions):
        alt = (
            _("Staafdiagram van de deelname per sessie.")
            + " "
            + "; ".join(
                _(
                    "%(session)s: %(registered)d aangemeld, %(checked_in)d ingecheckt, %(joined)d meegedaan aan het bord",
                    session=name,
                    registered=c.registered,
                    checked_in=c.checked_in,
                    joined=c.joined,
                )
                for name, c in zip(names, sessions, strict=True)
            )
            + "."
        )
        per_session = charts.bar_chart(
            names,
            series,
            [[c.registered, c.checked_in, c.joined] for c in sessions],
            alt,
            label_width=110,
            label_chars=18,
        )
    role_chart = None
    role_table = _crosstab(
        [_("Aangemeld"), _("Meegedaan aan het bord")],
        [_sum_counts([c.registered_by_role for c in sessions]), _sum_counts(joined_role)],
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
        role_chart = charts.bar_chart(
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
            "date": _day(c.date, "d MMMM y"),
            "registered": c.registered,
            "checked_in": c.checked_in,
            "joined": c.joined,
            "proposals": c.proposals,
            "votes": c.votes,
        }
        for name, c in zip(names, sessions, strict=True)
    ]
    return {"rows": rows, "several": several, "tables": tables, "per_session": per_session, "by_role": role_chart}


def _sum_counts(lists: list[list[LabelledCount]]) -> list[LabelledCount]:
    labels: dict[str, str] = {}
    total: dict[str, int] = defaultdict(int)
    for counts in lists:
        for entry in counts:
            labels.setdefault(entry.key, entry.label)
            total[entry.key] += entry.count
    return [LabelledCount(key, label, total[key]) for key, label in labels.items()]


def _top_chart(groups: list[Group]) -> charts.Chart | None:
    if not groups or not any(g.votes for g in groups):
        return None
    labels = [f"{g.rank}. {g.title}" for g in groups]
    alt = (
        _("Staafdiagram van de steun voor de tien grootste groepen voorstellen.")
        + " "
        + "; ".join(
            _(
                "%(rank)d. %(title)s: %(supporters)d steunbetuigers, %(votes)d stemmen",
                rank=g.rank,
                title=charts.shorten(g.title, 80),
                supporters=g.supporters,
                votes=g.votes,
            )
            for g in groups
        )
        + "."
    )
    return charts.bar_chart(
        labels,
        [_("Steunbetuigers (ieder één keer)"), _("Stemmen")],
        [[g.supporters, g.votes] for g in groups],
        alt,
        label_width=250,
        label_chars=44,
    )


def _matrix(report: Report) -> dict:
    matrix = report.matrix
    actors = []
    for index, row in enumerate(matrix.rows, start=1):
        sections = [
            {"theme": theme.name, "count": cell.count, "top": cell.top}
            for theme, cell in zip(matrix.themes, row.cells, strict=True)
            if cell.count
        ]
        actors.append(
            {
                "anchor": f"actor-{index}",
                "label": row.label,
                "header": HEADER_BREAKS.get(row.label, row.label),
                "count": sum(cell.count for cell in row.cells),
                "themes": sections,
            }
        )
    grid = []
    for position, theme in enumerate(matrix.themes):
        counts = [row.cells[position].count for row in matrix.rows]
        grid.append({"name": theme.name, "counts": counts, "total": sum(counts)})
    totals = [sum(row["counts"][i] for row in grid) for i in range(len(matrix.rows))]
    return {"actors": actors, "grid": grid, "totals": totals, "total": sum(totals)}


def _bottlenecks(bottlenecks: list[BottleneckEntry], order: list[str], board_names: dict[str, str]) -> list[dict]:
    """The bottlenecks per theme, in the boards' theme order, with at most MORE_ANSWERS answers each."""
    by_theme: dict[str, list[dict]] = defaultdict(list)
    names: dict[str, str] = {}
    for bottleneck in bottlenecks:
        answers = bottleneck.answered_by
        names.setdefault(bottleneck.theme, bottleneck.theme_name)
        by_theme[bottleneck.theme].append(
            {
                "text": bottleneck.text,
                "session": board_names.get(bottleneck.board),
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
                "name": names[key],
                "items": items,
                "count": len(items),
                "answered": sum(1 for item in items if item["answers"]),
                "answers": sum(len(item["answers"]) + item["more"] for item in items),
            }
        )
    return themes


def _appendix(report: Report) -> list[dict]:
    """The proposals per session, in the order of the session chapters."""
    parts: dict[str | None, list] = {}
    for item in report.appendix:
        parts.setdefault(item.session, []).append(item)
    order = [chapter.slug for chapter in report.sessions]
    keys = [key for key in order if key in parts] + [key for key in parts if key not in order]
    return [
        {"anchor": f"appendix-{index}", "name": parts[key][0].session_city, "items": parts[key]}
        for index, key in enumerate(keys, start=1)
    ]


@dataclass
class SessionPage:
    """A session's chapter as the document numbers and shows it."""

    chapter: SessionChapter
    anchor: str
    number: int
    day: str | None
    bottleneck_themes: list[dict]


def _context(report: Report, locale: str) -> dict:
    order = [theme.key for theme in report.themes]
    kansrijk_ids = {entry.id for entry in report.kansrijk}
    board_names = {board.code: chapter.city for chapter in report.sessions for board in chapter.boards}
    chapters = [
        ("summary", _("Samenvatting")),
        ("participation", _("Deelname per sessie")),
        ("bridging", _("Verbindende voorstellen")),
        ("actors", _("Wie moet aan de slag?")),
        ("bottlenecks", _("Knelpunten")),
    ]
    numbered = {anchor: number for number, (anchor, _title) in enumerate(chapters, start=1)}
    sessions = [
        SessionPage(
            chapter=chapter,
            anchor=f"session-{offset + 1}",
            number=len(chapters) + offset + 1,
            day=_day(chapter.date),
            bottleneck_themes=_bottlenecks(chapter.bottlenecks, order, board_names),
        )
        for offset, chapter in enumerate(report.sessions)
    ]
    return {
        "report": report,
        "locale": locale,
        "title": _report_title(report),
        "main_title": initiative.current().plan_title(),
        "councils": initiative.current().councils,
        "scope_title": _scope_title(report),
        "generated": _generated(report),
        "suggested": report.scope.grouping == "suggested",
        "page_label": _page_label(),
        "chapters": chapters,
        "number": numbered,
        "totals": report.totals,
        "top_groups": report.top_groups,
        "top_chart": _top_chart(report.top_groups),
        "kansrijk": report.kansrijk,
        "kansrijk_ids": kansrijk_ids,
        # A group is marked when the facilitator marked any of its proposals.
        "kansrijk_ranks": {g.rank for g in report.top_groups if any(p.id in kansrijk_ids for p in g.proposals)},
        "participation": _participation(report),
        "roles": [
            {
                "key": role.key,
                "label": role.label,
                "participants": role.participants,
                "header": HEADER_BREAKS.get(role.label, role.label),
            }
            for role in report.roles
        ],
        "bridging": report.bridging,
        "matrix": _matrix(report),
        "bottleneck_themes": _bottlenecks(report.bottlenecks, order, board_names),
        "sessions": sessions,
        "several_sessions": len(sessions) > 1,
        "appendix": _appendix(report),
    }
