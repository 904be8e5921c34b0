"""Organiser pages for the live boards: list and create, the facilitator's console, the
projector view, the poster PDF, importing and exporting proposals, and what the reports count of
a board (rehearsal, counted in, archived) and deleting it.

Routes on the organiser blueprint, so they share its login check and no-store header; the
console and the projector are driven over Socket.IO (docs/realtime.md) by console.js and
projector.js.
"""

import json
from datetime import datetime

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user

from ..board import io as board_io
from ..board import services as board_services
from ..board.models import Board
from ..choices import ACTORS
from ..pdf import PdfError, render_pdf
from ..qr import svg_data_uri
from ..realtime import broadcast
from ..registration.meetings import meeting_by_id, meeting_by_slug, meetings_in_date_order
from ..registration.models import Meeting
from ..reports import services as report_services
from ..textclean import spreadsheet_safe
from ..urls import external_url
from ..words import phase_names, phase_texts
from . import audit, bp, download, log, may, of_board, requires, roles, services
from .forms import NO_MEETING, BoardDeleteForm, BoardForm, BoardImportForm, BoardManageForm


def _board_or_404(code: str) -> Board:
    try:
        return board_services.board_by_code(code)
    except board_services.NotFound:
        abort(404)


def join_url(board: Board) -> str:
    """The link on the QR code: the participant page of the board."""
    return external_url("board.phone", code=board.code)


def display_url(url: str) -> str:
    """A link as people type it: without the scheme."""
    return url.split("://", 1)[-1]


def _meeting_of(board: Board) -> Meeting | None:
    return meeting_by_id(board.meeting_id) if board.meeting_id else None


# --- list and create -------------------------------------------------------------------------------


@bp.route("/borden", methods=["GET", "POST"])
@requires(roles.RUN_BOARDS)
def boards():
    """Every board a beheerder may run; a facilitator sees and makes only boards of their sessions."""
    form = BoardForm()
    runs = [m for m in meetings_in_date_order() if may(roles.RUN_BOARDS, m.id, in_session=True)]
    form.set_meetings(runs, standalone=may(roles.RUN_BOARDS, None, in_session=True))
    if form.validate_on_submit():
        # The choice was validated against the listed sessions, which are never deleted.
        meeting = meeting_by_slug(form.meeting.data) if form.meeting.data != NO_MEETING else None
        board = board_services.create_board(
            form.title.data,
            meeting_id=meeting.id if meeting else None,
            votes_per_participant=form.votes_per_participant.data,
            max_votes_per_proposal=form.max_votes_per_proposal.data,
            practice=form.practice.data,
        )
        audit.record(
            current_user.id,
            audit.BOARD_CREATED,
            board.code,
            (meeting.slug if meeting else "") + (" practice" if board.practice else ""),
        )
        flash(
            _("Het bord „%(title)s” is aangemaakt met de code %(code)s.", title=board.title, code=board.code), "success"
        )
        return redirect(url_for(".board_console", code=board.code))
    overview = [
        row for row in services.board_overview() if may(roles.RUN_BOARDS, row.board.meeting_id, in_session=True)
    ]
    return render_template(
        "organiser/boards.html",
        form=form,
        current=[row for row in overview if row.board.archived_at is None],
        archived=[row for row in overview if row.board.archived_at is not None],
        phases=phase_names(),
        counts_in_report=report_services.counts_in_report,
        report_permission=roles.REPORTS,
    )


# --- console and projector -------------------------------------------------------------------------


def _live_context(board: Board) -> dict:
    url = join_url(board)
    return {
        "board": board,
        "meeting": None,  # the subnav's session links stay for the session pages
        "board_meeting": _meeting_of(board),
        "join_url": url,
        "join_display": display_url(url),
        "phases": phase_texts(board),
    }


def _moderation(board: Board) -> list[dict]:
    entries = board_services.moderation_log(board.id, limit=100)
    for entry in entries:
        entry["at_local"] = format_datetime(datetime.fromisoformat(entry["at"].removesuffix("Z")), format="HH:mm:ss")
    return entries


@bp.get("/borden/<code>")
@requires(roles.RUN_BOARDS, of_board)
def board_console(code: str):
    board = _board_or_404(code)
    return render_template(
        "organiser/board_console.html",
        **_live_context(board),
        themes=board.themes,
        moderation=_moderation(board),
        checked_in=services.checked_in_for_board(board.id),
    )


@bp.get("/borden/<code>/projector")
@requires(roles.RUN_BOARDS, of_board)
def board_projector(code: str):
    board = _board_or_404(code)
    return render_template("organiser/board_projector.html", **_live_context(board))


# --- poster --------------------------------------------------------------------------------------------


@bp.get("/borden/<code>/poster.pdf")
@requires(roles.RUN_BOARDS, of_board)
def board_poster(code: str):
    board = _board_or_404(code)
    context = _live_context(board)
    html = render_template("board/poster.html", **context, qr=svg_data_uri(context["join_url"]))
    try:
        pdf = render_pdf(html, base_url=request.url_root)
    except PdfError:
        log.exception("Poster PDF of board %s failed", board.code)
        flash(_("De poster kon nu niet worden gemaakt. Probeer het over een minuut opnieuw."), "error")
        return redirect(url_for(".board_console", code=board.code))
    return (
        pdf,
        200,
        {
            "Content-Type": "application/pdf",
            "Content-Disposition": f'inline; filename="poster-{board.code}.pdf"',
        },
    )


# --- import and export ---------------------------------------------------------------------------------


@bp.route("/borden/<code>/import", methods=["GET", "POST"])
@requires(roles.RUN_BOARDS, of_board)
def board_import(code: str):
    board = _board_or_404(code)
    form = BoardImportForm()
    report = file_error = None
    if form.validate_on_submit():
        data = form.file.data.stream.read(board_io.MAX_IMPORT_BYTES + 1)
        try:
            report = board_io.import_csv(board.id, board_io.decode_upload(data), organiser_id=current_user.id)
        except board_io.ImportFileError as error:
            file_error = str(error)
        else:
            audit.record(
                current_user.id,
                audit.BOARD_IMPORTED,
                board.code,
                f"{report.imported} proposals, {len(report.rejected)} rows refused",
            )
            # Phones and the projector show typed-up post-its at once, with their paper votes.
            for proposal_id in report.proposal_ids:
                broadcast.proposal(board.id, board_services.proposal_data(board.id, proposal_id))
            broadcast.mark_dirty(board.id)
    status = 400 if file_error or form.errors else 200
    return render_template(
        "organiser/board_import.html",
        board=board,
        meeting=None,
        form=form,
        report=report,
        file_error=file_error,
        max_kb=board_io.MAX_IMPORT_BYTES // 1024,
        max_rows=board_io.MAX_IMPORT_ROWS,
        actor_choices=", ".join(f"{key} ({label})" for key, label in ACTORS),
    ), status


@bp.get("/borden/<code>/export.csv")
@requires(roles.RUN_BOARDS, of_board)
def board_export_csv(code: str):
    board = _board_or_404(code)
    body = board_io.export_csv(board.id, cell=spreadsheet_safe)
    audit.record(current_user.id, audit.BOARD_EXPORTED, board.code, "CSV")
    return download(body, f"bord-{board.code}.csv", "text/csv")


@bp.get("/borden/<code>/export.json")
@requires(roles.RUN_BOARDS, of_board)
def board_export_json(code: str):
    board = _board_or_404(code)
    body = json.dumps(board_io.export_data(board.id), ensure_ascii=False, indent=2)
    audit.record(current_user.id, audit.BOARD_EXPORTED, board.code, "JSON")
    return download(body, f"bord-{board.code}.json", "application/json")


# --- what the reports count, archive and delete -----------------------------------------------------
# A beheerder's: these decide what the ministry's report counts, and a deletion cannot be undone.


def _manage_page(board: Board, manage_form=None, delete_form=None, status: int = 200):
    return render_template(
        "organiser/board_manage.html",
        board=board,
        meeting=None,
        board_meeting=_meeting_of(board),
        counted=report_services.counts_in_report(board),
        summary=next(row for row in services.board_overview() if row.board.id == board.id),
        manage_form=manage_form or BoardManageForm(formdata=None, practice=board.practice, in_report=board.in_report),
        delete_form=delete_form or BoardDeleteForm(formdata=None),
    ), status


@bp.route("/borden/<code>/beheer", methods=["GET", "POST"])
@requires(roles.REPORTS)
def board_manage(code: str):
    board = _board_or_404(code)
    if request.method == "GET":
        return _manage_page(board)
    form = BoardManageForm()
    if not form.validate_on_submit():
        return _manage_page(board, manage_form=form, status=400)
    if form.archive.data or form.restore.data:
        # Open phones see the lock at once.
        broadcast.board(board.id, board_services.set_archived(board.id, form.archive.data, current_user.id))
        audit.record(current_user.id, audit.BOARD_ARCHIVED if form.archive.data else audit.BOARD_RESTORED, board.code)
        flash(
            _("Het bord is gearchiveerd en vergrendeld.")
            if form.archive.data
            else _("Het bord is uit het archief gehaald. Het is nog vergrendeld; ontgrendel het in de console."),
            "success",
        )
    else:
        board_services.set_report_marks(board.id, form.practice.data, form.in_report.data)
        audit.record(
            current_user.id,
            audit.BOARD_REPORT_MARKS,
            board.code,
            f"practice={board.practice} in_report={board.in_report}",
        )
        flash(_("Opgeslagen."), "success")
    return redirect(url_for(".board_manage", code=board.code))


@bp.post("/borden/<code>/verwijderen")
@requires(roles.REPORTS)
def board_delete(code: str):
    board = _board_or_404(code)
    form = BoardDeleteForm()
    if form.validate_on_submit() and form.code.data != board.code:
        form.code.errors.append(_("Dat is niet de code van dit bord."))
    elif form.validate_on_submit():
        title = board.title
        board_id = board.id
        counts = report_services.delete_board(board_id)
        broadcast.deleted(board_id)
        audit.record(
            current_user.id,
            audit.BOARD_DELETED,
            code,
            f"{title}: {counts['participants']} participants, {counts['proposals']} proposals",
        )
        flash(_("Het bord „%(title)s” (%(code)s) is verwijderd.", title=title, code=code), "success")
        return redirect(url_for(".boards"))
    return _manage_page(board, delete_form=form, status=400)
