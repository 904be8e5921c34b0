"""Participant pages of the live board: the phone page behind the QR code, typing a code, the QR itself."""

from flask import Blueprint, abort, current_app, make_response, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from ..choices import ACTORS, ROLES, SECTORS
from ..qr import svg as qr_svg
from ..urls import external_url
from . import identity, services
from .allowances import failed_codes, newcomers
from .forms import JoinForm
from .models import Board

bp = Blueprint("board", __name__)


def _board(code: str) -> Board | None:
    try:
        return services.board_by_code(code)
    except services.NotFound:
        return None


def _unknown_code(code: str):
    """The friendly 404: the code as typed, marked wrong, in the form to try again; a 429 once this
    address has guessed too many."""
    wait = failed_codes.take()
    if wait:
        abort(429, retry_after=wait)
    form = JoinForm(data={"code": services.normalise_code(code)})
    form.code.errors = [_("Er is geen bord met deze code. Controleer de code op het scherm in de zaal.")]
    return render_template("board/join.html", form=form, not_found=True), 404


def _no_room(board: Board, reason: str, wait: int = 0):
    """The page for a phone that may not become a participant now, and no cookie, so a later visit
    tries again: its address brought in as many phones as it may for the moment (``busy``, 429, for
    ``wait`` seconds), the facilitator closed the board to newcomers (``closed``, 403), or the board
    is full (``full``, 409)."""
    page = render_template("board/no_room.html", board=board, reason=reason, wait=wait)
    headers = {"Cache-Control": "no-store"}
    if reason == "busy":
        headers["Retry-After"] = str(wait)
    return page, {"busy": 429, "closed": 403, "full": 409}[reason], headers


# Rendered phone pages of phones with nothing of their own on them yet, per board state and
# language; at most this many, so query strings or languages cannot grow it without end.
PHONE_PAGES_KEPT = 256


def _phone_page(board: Board, participant) -> str:
    """The phone page. Until a phone sets a nickname, role or sector, its page is the same as every
    other phone's on the board, so a hall that scans the QR code at once costs one render, not one
    each: the rendering, mostly looking up translations, was most of a newcomer's time on the server."""
    join_url = external_url("board.phone", code=board.code)

    def render() -> str:
        return render_template(
            "board/phone.html",
            board=board,
            join_url=join_url,
            participant=participant,
            roles=ROLES,
            sectors=SECTORS,
            actors=ACTORS,
        )

    # Everything the page shows besides the participant's own profile (base.html: the language
    # switch keeps the path, an organiser sees their menu, a flash message is shown once).
    if participant.nickname or participant.role or participant.sector or "_flashes" in session:
        return render()
    key = (
        board.id,
        board.code,
        board.title,
        board.phase,
        str(get_locale()),
        request.full_path,
        join_url,
        current_user.is_authenticated,
    )
    pages = current_app.extensions.setdefault("sessie_phone_pages", {})
    page = pages.get(key)
    if page is None:
        if len(pages) >= PHONE_PAGES_KEPT:
            pages.clear()
        page = pages[key] = render()
    return page


@bp.get("/b/<code>")
def phone(code: str):
    board = _board(code)
    if board is None:
        return _unknown_code(code)
    if code != board.code:
        return redirect(url_for(".phone", code=board.code))
    token = identity.read_token(request.cookies, board.code)
    participant = None
    if token:
        try:
            participant = services.participant_by_token(board.id, token)
        except services.NotFound:
            participant = None
    new_token = None
    if participant is None:
        wait = newcomers.take()
        if wait:
            return _no_room(board, "busy", wait)
        try:
            # Scanning the QR code is all it takes: the page can post at once.
            participant = services.join(board.id, None, max_participants=current_app.config["BOARD_MAX_PARTICIPANTS"])
        except services.JoiningClosed:
            return _no_room(board, "closed")
        except services.BoardFull:
            return _no_room(board, "full")
        new_token = participant.token
    response = make_response(_phone_page(board, participant))
    if new_token:
        identity.set_cookie(response, board.code, new_token)
    # The page carries the participant's state; a shared phone or proxy must not replay it.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/join", methods=["GET", "POST"])
def join():
    form = JoinForm()
    if form.validate_on_submit():
        board = _board(form.code.data)
        if board is not None:
            return redirect(url_for(".phone", code=board.code))
        wait = failed_codes.take()
        if wait:
            abort(429, retry_after=wait)
        form.code.errors.append(_("Er is geen bord met deze code. Controleer de code op het scherm in de zaal."))
    return render_template("board/join.html", form=form, not_found=False)


@bp.get("/b/<code>/qr.svg")
def qr(code: str):
    board = _board(code)
    if board is None:
        abort(404)
    response = current_app.response_class(
        qr_svg(external_url("board.phone", code=board.code)), mimetype="image/svg+xml"
    )
    # A board's code never changes, so its QR code can be cached (posters, projector reloads).
    response.cache_control.public = True
    response.cache_control.max_age = 86400
    return response
