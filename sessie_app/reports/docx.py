"""The Plan van Aanpak as an editable Word draft (DOCX): the PDF's chapters for policy staff to write on.

Built from ``document.report_outline``, the same worked-out content the PDF's template shows, so
the two documents cannot disagree on what is in a chapter; this module only decides how Word shows
it: Heading 1/2/3 paragraphs (Word's navigation pane and a contents field that Word fills in), real
tables with a repeating header row, and plain paragraphs to edit. No charts: their figures are in
the tables beside them. The privacy rules are the report data's (reports/report.py): no names,
e-mail addresses or dietary wishes reach it, and the file's own properties name no one either.
"""

import io
import re
from datetime import UTC, datetime

from docx import Document
from docx.enum.table import WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _

from .. import initiative
from .document import report_outline
from .report import Report

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TABLE_STYLE = "Table Grid"
BLUE = RGBColor(0x0B, 0x4F, 0x8A)
GREY = RGBColor(0x5A, 0x64, 0x70)
NBSP = "\u00a0"
TEXT_WIDTH = 16.8  # cm: A4 less the margins set in _setup
NUMBER_WIDTH = 1.6
# A header this long still fits a narrowed count column lying down ("#", "Nr.").
SHORT_HEADER = 3
# How much a bold header letter takes along the line, for the height of a row of upward headers.
HEADER_CM_PER_LETTER = 0.2
# XML 1.0 has no place for most control characters; lxml refuses them. Participants' text may hold
# them (a paste from elsewhere), so they go, as a browser would not show them either.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def report_docx(report: Report, locale: str = "nl") -> bytes:
    """The report as a DOCX file (bytes). Build the report in the same locale, as for the PDF."""
    outline = report_outline(report, locale)
    with force_locale(locale):
        draft = _Draft(outline)
        draft.write()
        out = io.BytesIO()
        draft.doc.save(out)
    return out.getvalue()


def _clean(text) -> str:
    return _NOT_XML.sub("", str(text))


class _Draft:
    """One document being written, chapter by chapter, in the order of the PDF."""

    def __init__(self, outline: dict):
        self.o = outline
        self.doc = Document()
        self._style_ids: dict[str, str] = {}
        self._setup()

    # --- the document's frame --------------------------------------------------------------------

    def _setup(self) -> None:
        doc = self.doc
        section = doc.sections[0]
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
        section.top_margin, section.bottom_margin = Cm(2.4), Cm(2.0)
        section.left_margin, section.right_margin = Cm(2.2), Cm(2.0)
        normal = doc.styles["Normal"]
        normal.font.size = Pt(10)
        normal.paragraph_format.space_after = Pt(4)
        doc.styles[TABLE_STYLE].font.size = Pt(9)
        for level in (1, 2, 3):
            doc.styles[f"Heading {level}"].font.color.rgb = BLUE
        # Every chapter on a new page, as in the PDF, and a writer who adds one gets the same.
        doc.styles["Heading 1"].paragraph_format.page_break_before = True
        report = self.o["report"]
        props = doc.core_properties
        props.title = _clean(self.o["title"])
        props.subject = _clean(self.o["scope_title"])
        props.language = self.o["locale"]
        # The template's defaults name python-docx; the draft names the app, never a person.
        props.author = props.last_modified_by = "sessie_app"
        props.comments = props.keywords = props.category = ""
        props.revision = 1
        created = _moment(report.scope.generated_at)
        props.created = props.modified = created
        # Ask Word to fill in the contents field when the draft is opened.
        settings = doc.settings.element
        update = OxmlElement("w:updateFields")
        update.set(qn("w:val"), "true")
        settings.append(update)

    # --- building blocks ---------------------------------------------------------------------------

    def _style_id(self, name: str) -> str:
        # Given a style by name, python-docx looks it up and then finds the default style with an
        # XPath query over every style, for each paragraph: a fifth of the draft's time. Once here.
        if name not in self._style_ids:
            self._style_ids[name] = self.doc.styles[name].style_id
        return self._style_ids[name]

    def heading(self, text: str, level: int) -> None:
        self.doc.add_paragraph(_clean(text))._p.style = self._style_id(f"Heading {level}")

    def para(self, text: str = "", style: str | None = None, italic: bool = False, muted: bool = False):
        paragraph = self.doc.add_paragraph()
        if style:
            paragraph._p.style = self._style_id(style)
        if text:
            run = paragraph.add_run(_clean(text))
            run.italic = italic
            if muted:
                run.font.color.rgb = GREY
        return paragraph

    def table(self, header: list[str], rows: list[list], numeric: set[int] = frozenset(), footer=None, widths=None):
        """A table with a header row that repeats on every page; cells are text, or a list of
        (text, bold) pieces on lines of their own. ``numeric`` columns align right."""
        table = self.doc.add_table(rows=1, cols=len(header))
        table._tbl.tblStyle_val = self._style_id(TABLE_STYLE)
        table.alignment = WD_TABLE_ALIGNMENT.LEFT
        # Word reads the cells' widths, LibreOffice the table's grid: both are set (a row added
        # later takes the grid's). Without them both editors share the line evenly, and an idea's
        # title gets as little room as a count.
        table.autofit = False
        head = table.rows[0]
        widths = widths or _widths(len(header), numeric)
        for column, cell, width in zip(table.columns, head.cells, widths, strict=True):
            column.width = cell.width = Cm(width)
        _repeat_header(head)
        upwards = [index for index in numeric if widths[index] < NUMBER_WIDTH and len(header[index]) > SHORT_HEADER]
        for index, (cell, text) in enumerate(zip(head.cells, header, strict=True)):
            # Upwards, the start of the line is the bottom of the cell, next to the counts.
            _fill(cell, [(text, True)], right=index in numeric and index not in upwards)
            if index in upwards:
                # "Lerarenopleider" above a count narrowed to make room for six roles would
                # break mid-word; read upwards it fits, as in a printed table.
                _upwards(cell)
        if upwards:
            # LibreOffice does not grow a row for text that runs upwards: the row says how tall.
            head.height = Cm(HEADER_CM_PER_LETTER * max(len(header[index]) for index in upwards) + 0.4)
            head.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
        for values in rows:
            self._row(table, values, numeric)
        if footer:
            self._row(table, footer, numeric, bold=True)
        self.doc.add_paragraph()  # room after the table, and a place to write
        return table

    def _row(self, table, values: list, numeric, bold: bool = False) -> None:
        row = table.add_row()
        for index, (cell, value) in enumerate(zip(row.cells, values, strict=True)):
            pieces = value if isinstance(value, list) else [(value, bold)]
            _fill(cell, pieces, right=index in numeric)

    def page_break(self) -> None:
        self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def number(self, anchor: str) -> str:
        return f"{self.o['number'][anchor]}{NBSP}{NBSP}"

    # --- the chapters --------------------------------------------------------------------------------

    def write(self) -> None:
        self.cover()
        self.contents()
        self.summary()
        self.participation()
        self.bridging()
        self.actors()
        self.bottlenecks()
        for session in self.o["sessions"]:
            self.session(session)
        self.appendix()

    def cover(self) -> None:
        o = self.o
        self.para(_("Samen bouwen aan kennis voor onderwijs"), muted=True)
        self.doc.add_paragraph(_clean(o["main_title"]), style="Title")
        self.doc.add_paragraph(_clean(o["scope_title"]), style="Subtitle")
        for motto in (_("Niet mopperen, maar opperen"), _("Groot denken, klein doen")):
            self.para(motto, italic=True)
        self.para(_("Gemaakt op %(when)s", when=o["generated"]))
        if o["suggested"]:
            self.para(self._suggested_note(), italic=True)
        self.para(_("Een initiatief van de sectorraden"), muted=True)
        self.para(" · ".join(initiative.current().councils))
        self.para(
            _(
                "Dit is een bewerkbare versie van het rapport, om het Plan van Aanpak op te schrijven. "
                "De PDF met dezelfde gegevens is het vastgelegde verslag."
            ),
            italic=True,
            muted=True,
        )

    def _suggested_note(self) -> str:
        return _(
            "Let op: de groepering van gelijke voorstellen in dit rapport is een automatische suggestie "
            "die de organisatie nog niet heeft nagekeken."
        )

    def contents(self) -> None:
        self.page_break()
        self.doc.add_paragraph(_("Inhoud"), style="TOC Heading")
        _toc_field(
            self.doc.add_paragraph(),
            _("De inhoudsopgave vult Word in bij het openen (of: rechtsklik, Veld bijwerken)."),
        )

    def summary(self) -> None:
        o, totals = self.o, self.o["totals"]
        self.heading(self.number("summary") + _("Samenvatting"), 1)
        if o["suggested"]:
            self.para(self._suggested_note(), italic=True)
        self.heading(_("Kerncijfers"), 2)
        figures = [
            (totals.sessions, ngettext("sessie", "sessies", totals.sessions)),
            (totals.registered, ngettext("aanmelding", "aanmeldingen", totals.registered)),
            (totals.checked_in, _("ingecheckt")),
            (totals.participants, _("meegedaan aan het bord")),
            (totals.proposals, ngettext("voorstel", "voorstellen", totals.proposals)),
            (totals.votes, _("stem") if totals.votes == 1 else _("stemmen")),
            (totals.groups, ngettext("verschillend idee", "verschillende ideeën", totals.groups)),
            (totals.bottlenecks, ngettext("knelpunt", "knelpunten", totals.bottlenecks)),
        ]
        self.table([_("Aantal"), _("Wat")], [[str(n), label] for n, label in figures], numeric={0}, widths=[2.5, 8])
        sentences = []
        if totals.groups_of_several:
            sentences.append(
                ngettext(
                    "Gelijke voorstellen zijn samengenomen tot één idee: %(num)d idee bestaat uit meer dan één voorstel.",
                    "Gelijke voorstellen zijn samengenomen tot één idee: %(num)d ideeën bestaan uit meer dan één voorstel.",
                    totals.groups_of_several,
                )
            )
        elif totals.proposals:
            sentences.append(
                _("Er zijn (nog) geen gelijke voorstellen samengenomen: elk voorstel telt als een eigen idee.")
            )
        if totals.bottlenecks:
            sentences.append(
                _(
                    "Op %(answered)d van de %(total)d knelpunten kwam minstens één voorstel als antwoord.",
                    answered=totals.bottlenecks_answered,
                    total=totals.bottlenecks,
                )
            )
        if sentences:
            self.para(" ".join(sentences))

        self.heading(_("De tien ideeën met de meeste steun"), 2)
        if not totals.proposals:
            self.para(_("Er zijn nog geen voorstellen gedaan."), italic=True)
        elif not o["top_groups"]:
            self.para(_("Er is nog niet gestemd; de ranglijst volgt na de stemronde."), italic=True)
        else:
            self.para(
                _(
                    "Steun telt iedere deelnemer één keer, hoeveel stemmen die ook gaf; de stemmen staan ernaast. "
                    "Een idee kan uit meerdere voorstellen bestaan, ook uit verschillende sessies."
                )
            )
            marked = o["kansrijk_ranks"]
            rows = []
            for group in o["top_groups"]:
                meta = [ngettext("%(num)d voorstel", "%(num)d voorstellen", len(group.proposals))]
                if group.sessions:
                    meta.append(", ".join(group.sessions))
                if group.has_theme:
                    meta.append(group.theme_name)
                if group.rank in marked:
                    meta.append(_("kansrijk (begeleider)"))
                rows.append(
                    [
                        str(group.rank),
                        [(group.title, True), (" · ".join(meta), False)],
                        str(group.supporters),
                        str(group.votes),
                    ]
                )
            self.table(["#", _("Idee"), _("Steun"), _("Stemmen")], rows, numeric={0, 2, 3}, widths=[1, 12.2, 1.8, 1.8])

        self.heading(_("Kansrijk volgens de begeleiders"), 2)
        if not o["kansrijk"]:
            self.para(_("De begeleiders hebben (nog) geen voorstellen als kansrijk gemarkeerd."), italic=True)
        else:
            self.para(
                _(
                    "Tijdens het oogsten markeerden de begeleiders deze voorstellen als kansrijk. Dat is hun eigen "
                    "oordeel, naast de stemmen van de deelnemers en los daarvan."
                )
            )
            self.kansrijk_table(o["kansrijk"], o["several_sessions"])

    def kansrijk_table(self, items, with_session: bool) -> None:
        rows = []
        for item in items:
            cell = [(item.title, True)]
            if item.klein_doen:
                cell.append((f"{_('Klein doen:')} {item.klein_doen}", False))
            cell.append((item.actor_label + (f" · {item.session_city}" if with_session else ""), False))
            rows.append([cell, str(item.votes), str(item.supporters)])
        self.table(
            [_("Voorstel en eerste stap"), _("Stemmen"), _("Steun")], rows, numeric={1, 2}, widths=[13.2, 1.8, 1.8]
        )

    def participation(self) -> None:
        part, totals = self.o["participation"], self.o["totals"]
        self.heading(self.number("participation") + _("Deelname per sessie"), 1)
        self.para(
            _(
                "Aangemeld telt de bevestigde aanmeldingen, ingecheckt wie bij de deur is binnengekomen, en meegedaan "
                "wie met een telefoon aan het bord deelnam. Dat laatste kan zonder aanmelding, dus het kan hoger zijn "
                "dan het aantal ingecheckten."
            )
        )
        if not part["rows"]:
            self.para(_("Er zijn nog geen sessies."), italic=True)
            return
        rows = [
            [
                r["name"],
                r["date"] or "",
                *(str(r[k]) for k in ("registered", "checked_in", "joined", "proposals", "votes")),
            ]
            for r in part["rows"]
        ]
        footer = None
        if part["several"]:
            footer = [
                _("Totaal"),
                "",
                *(
                    str(n)
                    for n in (totals.registered, totals.checked_in, totals.participants, totals.proposals, totals.votes)
                ),
            ]
        self.table(
            [_("Sessie"), _("Datum"), _("Aangemeld"), _("Ingecheckt"), _("Meegedaan"), _("Voorstellen"), _("Stemmen")],
            rows,
            numeric={2, 3, 4, 5, 6},
            footer=footer,
        )
        half = len(part["tables"]) // 2
        for index, (caption, table) in enumerate(part["tables"]):
            if index == 0:
                self.heading(_("Naar rol"), 2)
            elif index == half:
                self.heading(_("Naar sector"), 2)
            if not table["rows"]:
                self.para(_("%(caption)s: nog geen gegevens.", caption=caption), italic=True)
                continue
            self.heading(caption, 3)
            first = _("Rol") if index < half else _("Sector")
            self.table(
                [first, *table["columns"]],
                [[row["label"], *(str(v) for v in row["values"])] for row in table["rows"]],
                numeric=set(range(1, len(table["columns"]) + 1)),
                footer=[_("Totaal"), *(str(v) for v in table["totals"])],
            )

    def bridging(self) -> None:
        o = self.o
        self.heading(self.number("bridging") + _("Verbindende voorstellen"), 1)
        self.para(
            _(
                "Een plan van aanpak werkt alleen als de mensen die het moeten dragen het samen willen. Daarom staan "
                "hier de ideeën met steun uit zoveel mogelijk rollen, niet alleen uit de grootste groep."
            )
        )
        self.para(
            _(
                "Zo is de volgorde bepaald: voor elke rol die aanwezig was delen we het aantal steunbetuigers uit die "
                "rol plus één door het aantal deelnemers met die rol plus twee, en vermenigvuldigen die uitkomsten; "
                "een voorstel dat maar door één groep geliefd is, komt daardoor niet bovenaan."
            ),
            muted=True,
        )
        roles = o["roles"]
        if roles:
            listed = ", ".join(f"{role['label']} ({role['participants']})" for role in roles)
            self.para(
                f"{_('Rollen die meetellen, met het aantal deelnemers:')} {listed}. "
                + _("Studenten en deelnemers met de rol „anders” stemmen mee, maar tellen hier niet als aparte rol."),
                muted=True,
            )
        if not roles:
            self.para(
                _("Geen enkele deelnemer heeft een rol opgegeven, dus er is geen verbindende ranglijst."), italic=True
            )
            return
        if not o["bridging"]:
            self.para(_("Nog geen idee heeft steun uit minstens twee rollen."), italic=True)
            return
        rows = []
        for position, group in enumerate(o["bridging"], start=1):
            meta = [
                ngettext("steun uit %(num)d rol", "steun uit %(num)d rollen", group.roles_supporting),
                _("plaats %(rank)d op steun", rank=group.rank),
            ]
            if group.sessions:
                meta.append(", ".join(group.sessions))
            rows.append(
                [
                    str(position),
                    [(group.title, True), (" · ".join(meta), False)],
                    *(str(group.supporters_by_role.get(role["key"], 0)) for role in roles),
                    str(group.supporters),
                ]
            )
        self.table(
            ["#", _("Idee"), *(role["label"] for role in roles), _("Steun")],
            rows,
            numeric={0, *range(2, len(roles) + 3)},
        )
        self.para(
            _(
                "De getallen per rol zijn steunbetuigers uit die rol; de laatste kolom telt alle steunbetuigers, ook "
                "studenten en „anders”."
            ),
            muted=True,
        )

    def actors(self) -> None:
        matrix = self.o["matrix"]
        self.heading(self.number("actors") + _("Wie moet aan de slag?"), 1)
        self.para(
            _(
                "Elk idee noemt wie de eerste stap moet zetten. Hieronder eerst het overzicht: hoeveel ideeën er per "
                "thema bij elke partij liggen. Daarna per partij de ideeën met de meeste steun in elk thema, met hun "
                "eerste stap: groot denken, klein doen."
            )
        )
        if not matrix["actors"]:
            self.para(_("Er zijn nog geen voorstellen, dus ook nog geen taken."), italic=True)
            return
        self.para(_("Aantal ideeën per thema en per partij"), style="Caption")
        self.table(
            [_("Thema"), *(actor["label"] for actor in matrix["actors"]), _("Totaal")],
            [
                [row["name"], *(str(n) if n else "–" for n in row["counts"]), str(row["total"])]
                for row in matrix["grid"]
            ],
            numeric=set(range(1, len(matrix["actors"]) + 2)),
            footer=[_("Totaal"), *(str(n) for n in matrix["totals"]), str(matrix["total"])],
        )
        self.para(
            _("Gelijke voorstellen tellen samen als één idee. Per thema staan hieronder hoogstens drie ideeën."),
            muted=True,
        )
        for index, actor in enumerate(matrix["actors"], start=1):
            self.heading(f"{self.o['number']['actors']}.{index}{NBSP}{NBSP}{actor['label']}", 2)
            self.para(
                ngettext("%(num)d idee", "%(num)d ideeën", actor["count"])
                + " · "
                + ngettext("in %(num)d thema", "in %(num)d thema's", len(actor["themes"])),
                muted=True,
            )
            for theme in actor["themes"]:
                self.heading(f"{theme['theme']} ({ngettext('%(num)d idee', '%(num)d ideeën', theme['count'])})", 3)
                rows = [
                    [
                        item.title,
                        item.klein_doen or _("Nog geen eerste stap genoemd."),
                        str(item.supporters),
                    ]
                    for item in theme["top"]
                ]
                self.table(
                    [_("Idee"), _("Eerste stap (klein doen)"), _("Steun")], rows, numeric={2}, widths=[7, 8, 1.7]
                )

    def bottlenecks(self) -> None:
        o = self.o
        self.heading(self.number("bottlenecks") + _("Knelpunten"), 1)
        self.para(
            _(
                "Niet mopperen, maar opperen: elke sessie begon met knelpunten in één zin. Hier staan ze per thema, "
                "met de voorstellen die er een antwoord op geven."
            )
        )
        themes = o["bottleneck_themes"]
        if not themes:
            self.para(_("Er zijn (nog) geen knelpunten genoemd."), italic=True)
            return
        totals = o["totals"]
        self.para(_("Knelpunten per thema"), style="Caption")
        self.table(
            [_("Thema"), _("Knelpunten"), _("Met antwoord"), _("Voorstellen als antwoord")],
            [[t["name"], str(t["count"]), str(t["answered"]), str(t["answers"])] for t in themes],
            numeric={1, 2, 3},
            footer=[
                _("Totaal"),
                str(totals.bottlenecks),
                str(totals.bottlenecks_answered),
                str(sum(t["answers"] for t in themes)),
            ],
        )
        for theme in themes:
            self.heading(theme["name"], 2)
            for item in theme["items"]:
                text = item["text"]
                if o["several_sessions"] and item["session"]:
                    text += f" ({item['session']})"
                self.para(text, style="List Bullet")
                if item["answers"]:
                    answers = "; ".join(
                        f"{a.title} ({ngettext('%(num)d stem', '%(num)d stemmen', a.votes)})" for a in item["answers"]
                    )
                    if item["more"]:
                        answers += "; " + ngettext(
                            "en nog %(num)d voorstel", "en nog %(num)d voorstellen", item["more"]
                        )
                    self.para(f"{_('Antwoord:')} {answers}", style="List Continue")
                else:
                    self.para(_("Nog geen voorstel geeft hier antwoord op."), style="List Continue", italic=True)

    def session(self, session) -> None:
        o, chapter = self.o, session.chapter
        title = _("Sessie %(city)s", city=chapter.city) if chapter.slug else chapter.city
        self.heading(f"{session.number}{NBSP}{NBSP}{title}", 1)
        where = " · ".join(part for part in (session.day, chapter.venue) if part)
        if where:
            self.para(where, muted=True)
        if chapter.boards:
            boards = ", ".join(f"{b.title} ({b.code})" for b in chapter.boards)
            self.para(f"{ngettext('Bord:', 'Borden:', len(chapter.boards))} {boards}", muted=True)
        self.table(
            [
                _("aangemeld"),
                _("ingecheckt"),
                _("meegedaan aan het bord"),
                ngettext("voorstel", "voorstellen", chapter.proposals),
                _("stem") if chapter.votes == 1 else _("stemmen"),
            ],
            [
                [
                    str(n)
                    for n in (chapter.registered, chapter.checked_in, chapter.joined, chapter.proposals, chapter.votes)
                ]
            ],
            numeric=set(range(5)),
        )
        self.heading(_("Voorstellen met de meeste stemmen"), 2)
        if not chapter.proposals:
            self.para(_("In deze sessie zijn (nog) geen voorstellen gedaan."), italic=True)
        elif not chapter.top_proposals:
            self.para(_("In deze sessie is nog niet gestemd."), italic=True)
        else:
            marked = o["kansrijk_ids"]
            rows = []
            for position, item in enumerate(chapter.top_proposals, start=1):
                cell = [(item.title, True)]
                if item.klein_doen:
                    cell.append((f"{_('Klein doen:')} {item.klein_doen}", False))
                meta = item.actor_label
                if item.author:
                    meta += " · " + _("ingediend door %(name)s", name=item.author)
                if item.id in marked:
                    meta += " · " + _("kansrijk (begeleider)")
                cell.append((meta, False))
                rows.append([str(position), cell, str(item.votes), str(item.supporters)])
            self.table(
                ["#", _("Voorstel en eerste stap"), _("Stemmen"), _("Steun")],
                rows,
                numeric={0, 2, 3},
                widths=[1, 12.2, 1.8, 1.8],
            )
        self.heading(_("Kansrijk volgens de begeleider"), 2)
        if not chapter.kansrijk:
            self.para(
                _("De begeleider heeft in deze sessie (nog) geen voorstellen als kansrijk gemarkeerd."), italic=True
            )
        else:
            self.kansrijk_table(chapter.kansrijk, False)
        self.heading(_("Knelpunten"), 2)
        if not session.bottleneck_themes:
            self.para(_("In deze sessie zijn geen knelpunten genoemd."), italic=True)
        else:
            self.para(_("Knelpunten uit deze sessie per thema"), style="Caption")
            self.table(
                [_("Thema"), _("Knelpunten"), _("Met antwoord")],
                [[t["name"], str(t["count"]), str(t["answered"])] for t in session.bottleneck_themes],
                numeric={1, 2},
            )
            self.para(
                _(
                    "De knelpunten zelf, met de voorstellen die er een antwoord op geven, staan in hoofdstuk %(number)d.",
                    number=o["number"]["bottlenecks"],
                ),
                muted=True,
            )
        self.heading(_("Moderatie"), 2)
        if not chapter.moderation:
            self.para(_("Er is niets gemodereerd."), italic=True)
        else:
            self.para(_("Wat de begeleiders op het bord deden, geteld"), style="Caption")
            self.table(
                [_("Handeling"), _("Aantal keer")],
                [[entry.label, str(entry.count)] for entry in chapter.moderation],
                numeric={1},
            )

    def appendix(self) -> None:
        o = self.o
        self.heading(_("Bijlage: alle voorstellen"), 1)
        self.para(
            _(
                "Alle zichtbare voorstellen, per sessie en op volgorde van stemmen, en wie volgens de indiener aan de "
                "slag moet. In de laatste kolom staat eerst het aantal stemmen en daarna de steun: hoeveel "
                "verschillende deelnemers op het voorstel stemden. Verborgen voorstellen en voorstellen die zijn "
                "samengevoegd met een ander staan er niet in."
            )
        )
        if not o["appendix"]:
            self.para(_("Er zijn nog geen voorstellen."), italic=True)
        marked = o["kansrijk_ids"]
        for part in o["appendix"]:
            items = part["items"]
            if o["several_sessions"]:
                self.heading(f"{part['name']} ({ngettext('%(num)d voorstel', '%(num)d voorstellen', len(items))})", 2)
            rows = []
            for item in items:
                cell = [(item.title, True)]
                if item.groot_denken:
                    cell.append((f"{_('Groot denken:')} {item.groot_denken}", False))
                if item.klein_doen:
                    cell.append((f"{_('Klein doen:')} {item.klein_doen}", False))
                who = f"{_('Aan de slag:')} {item.actor_label}"
                if item.author:
                    who += " · " + _("ingediend door %(name)s", name=item.author)
                if item.id in marked:
                    who += " · " + _("kansrijk (begeleider)")
                cell.append((who, False))
                rows.append([cell, f"{item.votes} / {item.supporters}"])
            self.table([_("Voorstel"), _("Stemmen / steun")], rows, numeric={1}, widths=[14, 2.7])


def _widths(columns: int, numeric: set[int]) -> list[float]:
    """Column widths in cm: a count gets NUMBER_WIDTH, the text columns share the rest of the line
    (a table of counts only shares it evenly)."""
    text = columns - len(numeric)
    if not text:
        return [TEXT_WIDTH / columns] * columns
    # Many counts (a column per role or actor) get narrower, so the text keeps 40 % of the line.
    number = min(NUMBER_WIDTH, TEXT_WIDTH * 0.6 / len(numeric)) if numeric else 0
    share = (TEXT_WIDTH - number * len(numeric)) / text
    return [number if index in numeric else share for index in range(columns)]


def _moment(iso: str) -> datetime:
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return datetime.now(UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _fill(cell, pieces: list[tuple[str, bool]], right: bool = False) -> None:
    """``pieces`` as the cell's lines: the first in the cell's own paragraph, each next one in a new
    paragraph, so a writer can edit or delete a line on its own."""
    paragraph = cell.paragraphs[0]
    for index, (text, bold) in enumerate(pieces):
        if index:
            paragraph = cell.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(0)
        if right:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        run = paragraph.add_run(_clean(text))
        if bold:
            run.bold = True
        elif index:
            run.font.color.rgb = GREY


def _upwards(cell) -> None:
    """The cell's text runs from bottom to top; the row grows to its length in Word and LibreOffice."""
    direction = OxmlElement("w:textDirection")
    direction.set(qn("w:val"), "btLr")
    cell._tc.get_or_add_tcPr().append(direction)


def _repeat_header(row) -> None:
    """Mark ``row`` as the table's header: Word repeats it on every page and reads it as a header."""
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _toc_field(paragraph, placeholder: str) -> None:
    """A contents field over Heading 1–3, with hyperlinks; Word computes its page numbers."""
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    code = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = 'TOC \\o "1-3" \\h \\z \\u'
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    run._r.append(begin)
    run._r.append(code)
    run._r.append(separate)
    paragraph.add_run(placeholder).italic = True
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    paragraph.add_run()._r.append(end)
