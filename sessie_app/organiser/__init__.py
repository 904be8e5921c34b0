"""Organiser area: the blueprint every organiser page registers on, and the hooks those pages share.

views.py (sessions, registrations, check-in), messages.py (messages to registrants) and boards.py
(live boards) add their routes to ``bp``;
reports borrows the hooks for its own blueprint.
"""

import logging

from flask import Blueprint, abort

from ..extensions import login_manager
from ..registration.forms import ConfirmForm
from ..registration.meetings import MeetingNotFound, meeting_by_slug
from ..registration.models import Meeting
from . import services

bp = Blueprint("organiser", __name__, url_prefix="/organisator")
log = logging.getLogger(__name__)

# Endpoints a stranger may reach; every other organiser endpoint must require login (a test enumerates them).
PUBLIC_ENDPOINTS = {"organiser.login"}


@login_manager.user_loader
def load_user(organiser_id: str):
    return services.load_organiser(organiser_id)


@bp.after_request
def no_store(response):
    # Lists of people must not linger in a shared browser's cache.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.context_processor
def organiser_context():
    # The logout button in the sub-navigation is a POST form with a CSRF token.
    # formdata=None: rendering must not parse the request body again (a refused 413 body would crash it).
    return {"logout_form": ConfirmForm(formdata=None), "status_labels": services.STATUS_LABELS}


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
from . import boards, messages, views  # noqa: E402, F401
