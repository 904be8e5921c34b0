"""Proposals in and out of a board: a CSV typed up from post-its, and CSV or JSON exports.

Functions take plain arguments and return plain data; they never touch the request. Reasons
for refused rows are Dutch sentences (translated when a request asks for English).
"""

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import wraps

from flask import has_request_context
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from ..choices import ACTORS
from ..extensions import db
from ..limits import BOARD_FIELDS as LIMITS
from ..registration.meetings import meeting_by_id
from ..textclean import clean_block, clean_line
from ..timeutil import AMSTERDAM, utcnow
from .models import Bottleneck, ModerationEntry, Participant, Proposal, Theme, Vote
from .services import BoardError, bump_version, get_board

MAX_IMPORT_BYTES = 256 * 1024
MAX_IMPORT_ROWS = 2000
MAX_PAPER_VOTES = 100_000

# Column names, case-insensitive; spaces and hyphens count as underscores.
COLUMNS = {
    "title": "title",
    "titel": "title",
    "groot_denken": "groot_denken",
    "klein_doen": "klein_doen",
    "actor": "actor",
    "votes": "votes",
    "stemmen": "votes",
}
DELIMITERS = (",", ";", "\t")


class ImportFileError(BoardError):
    """The file as a whole cannot be read; nothing was imported. The message is for people."""

    code = "invalid"


@dataclass
class ImportReport:
    imported: int = 0
    # (row number as a spreadsheet shows it, the header being row 1; reason in Dutch)
    rejected: list[tuple[int, str]] = field(default_factory=list)
    proposal_ids: list[int] = field(default_factory=list)

    @property
    def all_rejected(self) -> bool:
        return bool(self.rejected) and not self.imported


def _dutch_outside_requests(function):
    """Messages in the request's language, and in Dutch from the CLI or a test (no request)."""

    @wraps(function)
    def wrapper(*args, **kwargs):
        if has_request_context():
            return function(*args, **kwargs)
        with force_locale("nl"):
            return function(*args, **kwargs)

    return wrapper


# --- import ----------------------------------------------------------------------------------------


@_dutch_outside_requests
def decode_upload(data: bytes) -> str:
    """The text of an uploaded CSV: UTF-8, with or without BOM. Raises ImportFileError."""
    if len(data) > MAX_IMPORT_BYTES:
        raise ImportFileError(_("Het bestand is te groot: hoogstens %(kb)d kB.", kb=MAX_IMPORT_BYTES // 1024))
    if not data.strip():
        raise ImportFileError(_("Het bestand is leeg."))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(
            _("Het bestand is geen UTF-8. Sla het in Excel op als „CSV UTF-8 (door komma's gescheiden)”.")
        ) from None


def _delimiter(header_line: str) -> str:
    """The separator of the header line: Dutch Excel writes ``;``, most other tools ``,``."""
    counts = {d: header_line.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _column(name: str) -> str:
    return re.sub(r"[\s-]+", "_", clean_line(name).lower().lstrip("\ufeff"))


def _actor_lookup() -> dict[str, str]:
    """Actor keys and labels (Dutch, and the current language's) in lower case, to the key."""
    lookup = {}
    for key, label in ACTORS:
        lookup[key.lower()] = key
        lookup[str(label).casefold()] = key
        with force_locale("nl"):
            lookup[str(label).casefold()] = key
    return lookup


def _actor_names() -> str:
    return ", ".join(str(label) for _key, label in ACTORS)


def _check_row(cells: dict[str, str], actors: dict[str, str]) -> tuple[dict | None, list[str]]:
    reasons = []
    title = clean_line(cells.get("title", ""))
    if not title:
        reasons.append(_("Titel ontbreekt."))
    elif len(title) > LIMITS["title"]:
        reasons.append(_("Titel is te lang (%(num)d tekens, hoogstens %(max)d).", num=len(title), max=LIMITS["title"]))
    big = clean_block(cells.get("groot_denken", ""))
    if len(big) > LIMITS["big"]:
        reasons.append(_("Groot denken is te lang (hoogstens %(max)d tekens).", max=LIMITS["big"]))
    small = clean_block(cells.get("klein_doen", ""))
    if len(small) > LIMITS["small"]:
        reasons.append(_("Klein doen is te lang (hoogstens %(max)d tekens).", max=LIMITS["small"]))
    actor_text = clean_line(cells.get("actor", ""))
    actor = None
    if actor_text:
        actor = actors.get(actor_text.casefold())
        if actor is None:
            reasons.append(
                _("Onbekende actor „%(value)s”; kies uit: %(choices)s.", value=actor_text[:40], choices=_actor_names())
            )
    votes_text = clean_line(cells.get("votes", "")).replace(" ", "")
    votes = 0
    if votes_text:
        if re.fullmatch(r"[0-9]+", votes_text):
            votes = int(votes_text[:12])
            if votes > MAX_PAPER_VOTES:
                reasons.append(_("Stemmen is te groot (hoogstens %(max)d).", max=MAX_PAPER_VOTES))
        elif re.fullmatch(r"-[0-9]+", votes_text):
            reasons.append(_("Stemmen mag niet negatief zijn."))
        else:
            reasons.append(_("Stemmen is geen heel getal: „%(value)s”.", value=votes_text[:20]))
    if reasons:
        return None, reasons
    return {"title": title, "big": big or None, "small": small or None, "actor": actor, "paper_votes": votes}, []


@_dutch_outside_requests
def import_csv(board_id: int, text: str, organiser_id: int | None = None) -> ImportReport:
    """Add a proposal for every good row of ``text`` (CSV with a header row; ``,``, ``;`` or tab
    between cells). Columns: ``title`` (required), ``groot_denken``, ``klein_doen``, ``actor``
    (key or label) and ``votes`` (dots counted on paper). Imported proposals have no participant.
    Empty rows are skipped. Raises ImportFileError, importing nothing, when the file as a whole
    cannot be read."""
    board = get_board(board_id)
    text = text.lstrip("\ufeff").replace("\x00", "")
    if not text.strip():
        raise ImportFileError(_("Het bestand is leeg."))
    header_line = text.splitlines()[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(header_line))
    row_number = 1
    try:
        header = next(reader)
        columns = [COLUMNS.get(_column(name)) for name in header]
        if "title" not in columns:
            raise ImportFileError(
                _(
                    "De kopregel mist de kolom „title”. Verwachte kolommen: title, groot_denken, klein_doen, actor, votes."
                )
            )
        actors = _actor_lookup()
        report = ImportReport()
        proposals = []
        for row_number, row in enumerate(reader, start=2):
            if not any(cell.strip() for cell in row):
                continue
            if row_number > MAX_IMPORT_ROWS + 1:
                raise ImportFileError(_("Het bestand heeft te veel regels: hoogstens %(max)d.", max=MAX_IMPORT_ROWS))
            cells: dict[str, str] = {}
            for name, cell in zip(columns, row, strict=False):
                if name and name not in cells:
                    cells[name] = cell
            values, reasons = _check_row(cells, actors)
            if reasons:
                report.rejected.append((row_number, " ".join(reasons)))
            else:
                proposals.append(Proposal(board_id=board.id, participant_id=None, **values))
    except csv.Error:
        raise ImportFileError(
            _("Het bestand is vanaf regel %(row)d geen leesbare CSV meer.", row=row_number + 1)
        ) from None
    db.session.add_all(proposals)
    report.imported = len(proposals)
    db.session.add(
        ModerationEntry(
            board_id=board.id,
            organiser_id=organiser_id,
            action="import",
            target=str(report.imported),
            reason=f"{len(report.rejected)} rejected" if report.rejected else None,
        )
    )
    bump_version(board.id)
    db.session.commit()
    report.proposal_ids = [proposal.id for proposal in proposals]
    return report


# --- export ----------------------------------------------------------------------------------------


def _local(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return moment.replace(tzinfo=UTC).astimezone(AMSTERDAM).strftime("%Y-%m-%d %H:%M")


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") + "Z" if moment else None


def export_rows(board_id: int) -> list[dict]:
    """Every proposal of the board, also hidden (with the reason) and merged ones (with the one
    they went into): visible ones first by votes, then hidden, then merged. ``votes`` are the
    phones' dots, ``paper_votes`` the dots counted on paper, ``total`` both. The only thing about
    people is the nickname they chose."""
    get_board(board_id)
    online = dict(
        db.session.execute(
            select(Vote.proposal_id, func.coalesce(func.sum(Vote.count), 0))
            .where(Vote.board_id == board_id)
            .group_by(Vote.proposal_id)
        ).all()
    )
    themes = {t.id: t for t in db.session.scalars(select(Theme).where(Theme.board_id == board_id))}
    rows = []
    for proposal, nickname in db.session.execute(
        select(Proposal, Participant.nickname)
        .outerjoin(Participant, Participant.id == Proposal.participant_id)
        .where(Proposal.board_id == board_id)
        .order_by(Proposal.id)
    ).all():
        votes = int(online.get(proposal.id, 0))
        theme = themes.get(proposal.theme_id)
        rows.append(
            {
                "id": proposal.id,
                "status": "merged" if proposal.merged_into_id else "hidden" if proposal.hidden else "visible",
                "title": proposal.title,
                "groot_denken": proposal.big or "",
                "klein_doen": proposal.small or "",
                "actor": proposal.actor,
                "theme": theme.name if theme else None,
                "theme_key": theme.key if theme else None,
                "votes": votes,
                "paper_votes": proposal.paper_votes,
                "total": votes + proposal.paper_votes,
                "pinned": proposal.pinned,
                "promising": proposal.promising,
                "hidden_reason": proposal.hidden_reason if proposal.hidden else None,
                "merged_into_id": proposal.merged_into_id,
                "author": nickname,
                "created_at": proposal.created_at,
            }
        )
    order = {"visible": 0, "hidden": 1, "merged": 2}
    rows.sort(key=lambda r: (order[r["status"]], -r["total"] if r["status"] == "visible" else 0, r["id"]))
    return rows


CSV_COLUMNS = (
    "id",
    "status",
    "title",
    "groot_denken",
    "klein_doen",
    "actor",
    "theme",
    "votes",
    "paper_votes",
    "total",
    "kansrijk",
    "pinned",
    "hidden_reason",
    "merged_into_id",
    "author",
    "created_at",
)


@_dutch_outside_requests
def export_csv(board_id: int, cell=str) -> str:
    """The export as CSV for Excel and LibreOffice: a UTF-8 BOM, ``;`` between cells (Dutch
    Excel), the column names import_csv reads back. ``cell`` turns a value into the text of a
    cell; pass a spreadsheet-safe function so no cell starts a formula."""
    from ..choices import ACTOR_LABELS

    status = {"visible": _("zichtbaar"), "hidden": _("verborgen"), "merged": _("samengevoegd")}
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([cell(name) for name in CSV_COLUMNS])
    for row in export_rows(board_id):
        values = {
            **row,
            "status": status[row["status"]],
            "actor": ACTOR_LABELS.get(row["actor"], row["actor"]) if row["actor"] else "",
            "kansrijk": _("ja") if row["promising"] else "",
            "pinned": _("ja") if row["pinned"] else "",
            "created_at": _local(row["created_at"]),
        }
        writer.writerow([cell("" if values[name] is None else values[name]) for name in CSV_COLUMNS])
    return buffer.getvalue()


def export_data(board_id: int) -> dict:
    """The export as plain data for JSON: the board, its themes, its bottlenecks and every proposal."""
    board = get_board(board_id)
    meeting = meeting_by_id(board.meeting_id) if board.meeting_id else None
    participants = db.session.scalar(select(func.count(Participant.id)).where(Participant.board_id == board_id))
    bottlenecks = db.session.scalars(select(Bottleneck).where(Bottleneck.board_id == board_id).order_by(Bottleneck.id))
    themes = {t.id: t.key for t in board.themes}
    return {
        "board": {
            "code": board.code,
            "title": board.title,
            "phase": board.phase,
            "session": {"slug": meeting.slug, "city": meeting.city, "date": meeting.date.isoformat()}
            if meeting
            else None,
            "votes_per_participant": board.votes_per_participant,
            "max_votes_per_proposal": board.max_votes_per_proposal,
            "participants": participants,
            "created_at": _iso(board.created_at),
            "exported_at": _iso(utcnow()),
        },
        "themes": [{"id": t.id, "key": t.key, "name": t.name} for t in board.themes],
        "bottlenecks": [
            {
                "id": b.id,
                "text": b.text,
                "theme": themes.get(b.theme_id),
                "hidden": b.hidden,
                "created_at": _iso(b.created_at),
            }
            for b in bottlenecks
        ],
        "proposals": [
            {
                **{k: v for k, v in row.items() if k != "theme_key"},
                "theme": row["theme_key"],
                "theme_name": row["theme"],
                "created_at": _iso(row["created_at"]),
            }
            for row in export_rows(board_id)
        ],
    }
