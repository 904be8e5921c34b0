"""Organiser area: the blueprint every organiser page registers on, and the hooks those pages share:
who is logged in (and until when), and ``requires``, which every organiser endpoint names.

views.py (sessions, registrations, check-in), messages.py (messages to registrants), boards.py
(live boards) and account_views.py (accounts, passwords, the audit log) add their routes to ``bp``;
reports borrows the hooks for its own blueprint.
"""

import hashlib
import logging
import time
from datetime import timedelta
from functools import wraps

from flask import Blueprint, abort, current_app, request, session
from flask_login import current_user, logout_user, user_logged_in

from .. import tokens
from ..board import services as board_services
from ..extensions import login_manager
from ..registration import services as registration_services
from ..registration.forms import ConfirmForm
from ..registration.meetings import MeetingNotFound, meeting_by_slug
from ..registration.models import Meeting
from . import accounts, audit, roles, services

bp = Blueprint("organiser", __name__, url_prefix="/organisator")
log = logging.getLogger(__name__)

# Endpoints a stranger may reach; every other organiser endpoint must require login (a test enumerates them).
PUBLIC_ENDPOINTS = {"organiser.login", "organiser.forgot_password", "organiser.password_from_link"}

# In the session: when the organiser logged in and last asked for a page (seconds since the epoch).
LOGIN_AT, SEEN_AT = "login_at", "seen_at"

# A session cookie copied to another address or browser stops working there. Flask-Login's own
# "strong" protection does not do this for a permanent session (it only marks it not fresh), so the
# session keeps a fingerprint of the address and User-Agent it logged in from. At the venue the
# laptop and the door's phone keep their address on the hall's network; elsewhere a new network
# means logging in again.
BOUND_TO = "bound_to"


def _client_fingerprint() -> str:
    client = f"{request.remote_addr}|{request.user_agent.string}"
    return hashlib.sha256(client.encode()).hexdigest()[:32]


@login_manager.user_loader
def load_user(user_id: str):
    """On every request and every Socket.IO event: the account, if it is still active, still on the
    session version this session began with, the session is within its working day, and it comes
    from the address and browser it logged in from."""
    lifetime = current_app.permanent_session_lifetime
    if accounts.session_expired(session.get(LOGIN_AT), None, time.time(), lifetime, None):
        return None
    if session.get(BOUND_TO) != _client_fingerprint():
        return None
    return accounts.signed_in(user_id)


@user_logged_in.connect
def _logged_in(app, user, **_extra):
    now = time.time()
    session.permanent = True
    session[LOGIN_AT] = session[SEEN_AT] = now
    session[BOUND_TO] = _client_fingerprint()
    audit.record(user.id, audit.LOGIN_SUCCEEDED, user.email, f"from {request.remote_addr}")


def forget_login() -> None:
    """Log this browser out and drop the session's marks."""
    logout_user()
    for key in (LOGIN_AT, SEEN_AT, BOUND_TO):
        session.pop(key, None)


@bp.before_app_request
def end_idle_sessions():
    # Over HTTP only: a console's socket keeps the cookie of its handshake, and a facilitator
    # steering a board for hours is not idle (load_user still ends it after the working day).
    if LOGIN_AT not in session:
        return
    now = time.time()
    idle = timedelta(minutes=current_app.config["ORGANISER_IDLE_MINUTES"])
    lifetime = current_app.permanent_session_lifetime
    if accounts.session_expired(session.get(LOGIN_AT), session.get(SEEN_AT), now, lifetime, idle):
        forget_login()
    else:
        session[SEEN_AT] = now


@bp.after_request
def no_store(response):
    # Lists of people must not linger in a shared browser's cache.
    response.headers["Cache-Control"] = "no-store"
    return response


def may(permission: str, meeting_id: int | None = None, *, in_session: bool = False) -> bool:
    """Whether the logged-in organiser may; for pages and templates (which hide what they may not)."""
    return current_user.is_authenticated and roles.allows(
        current_user.role, permission, assigned=current_user.assigned, in_session=in_session, meeting_id=meeting_id
    )


@bp.context_processor
def organiser_context():
    # The logout button in the sub-navigation is a POST form with a CSRF token.
    # formdata=None: rendering must not parse the request body again (a refused 413 body would crash it).
    return {
        "logout_form": ConfirmForm(formdata=None),
        "status_labels": services.STATUS_LABELS,
        "may": may,
        "roles": roles,
    }


# --- which session a request is about, for ``requires`` --------------------------------------------

# A resolver's answer when what the URL names does not exist: the view answers 404 as for anyone.
UNKNOWN = object()


def of_session(slug: str, **_values):
    try:
        return meeting_by_slug(slug).id
    except MeetingNotFound:
        return UNKNOWN


def of_board(code: str, **_values):
    """A board's session; None for a stand-alone board, which belongs to no facilitator."""
    try:
        return board_services.board_by_code(code).meeting_id
    except board_services.NotFound:
        return UNKNOWN


def of_registration(registration_id: int, **_values):
    try:
        return registration_services.get_registration(registration_id).meeting_id
    except registration_services.RegistrationNotFound:
        return UNKNOWN


def of_check_in_code(code: str, **_values):
    token = tokens.unsign(tokens.CHECK_IN, code)
    if token is None:
        return UNKNOWN
    try:
        return registration_services.find_by_token(token).meeting_id
    except registration_services.RegistrationNotFound:
        return UNKNOWN


def requires(permission: str, scope=None):
    """The view needs a logged-in organiser whose role holds ``permission`` (roles.py); with
    ``scope`` (one of the ``of_*`` above, given the view's URL values) for the session the URL names.
    A stranger goes to the login page; an organiser without the permission gets 403."""

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            meeting_id = scope(**kwargs) if scope else None
            if meeting_id is not UNKNOWN and not may(permission, meeting_id, in_session=scope is not None):
                abort(403)
            return view(*args, **kwargs)

        # For the tests that walk the URL map: what each endpoint needs.
        wrapper.required_permission = permission
        return wrapper

    return decorate


def meeting_or_404(slug: str) -> Meeting:
    try:
        return meeting_by_slug(slug)
    except MeetingNotFound:
        abort(404)


def download(body: str, filename: str, content_type: str):
    """A UTF-8 text file the browser saves rather than shows."""
    return (
        body.encode("utf-8"),
        200,
        {
            "Content-Type": f"{content_type}; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{filename}"',
        },
    )


# Last, so that the routes find `bp` and the hooks above when they register on it.
from . import account_views, boards, messages, views  # noqa: E402, F401
