"""Who may do what in the organiser area: the one table of roles and permissions.

Every organiser endpoint and the console's socket events name one permission (see ``requires`` in
``organiser/__init__.py`` and ``realtime/auth.py``); this module alone says which role holds it and
whether a role is limited to the sessions assigned to the account.
"""

from flask_babel import lazy_gettext as _l

BEHEERDER = "beheerder"
FACILITATOR = "facilitator"
ROLES = (BEHEERDER, FACILITATOR)
ROLE_LABELS = {BEHEERDER: _l("Beheerder"), FACILITATOR: _l("Facilitator")}

# What an account can do. A facilitator runs a session on the day; everything that shows or exports
# personal data beyond the check-in desk, mails registrants or changes a session is a beheerder's.
SIGNED_IN = "signed-in"  # the home page, logging out, changing one's own password
RUN_BOARDS = "run-boards"  # the boards list, console, projector, poster, import and export of proposals
CHECK_IN = "check-in"  # the check-in desk: search, scan, present/absent, a walk-in at the door
REGISTRATIONS = "registrations"  # lists, details, cancel and erase, the outbox, catering figures
EXPORT_PERSONAL_DATA = "export-personal-data"  # the registrations CSV
MESSAGE_REGISTRANTS = "message-registrants"
EDIT_SESSIONS = "edit-sessions"
REPORTS = "reports"
MANAGE_ACCOUNTS = "manage-accounts"
READ_AUDIT = "read-audit"

PERMISSIONS = {
    BEHEERDER: frozenset(
        {
            SIGNED_IN,
            RUN_BOARDS,
            CHECK_IN,
            REGISTRATIONS,
            EXPORT_PERSONAL_DATA,
            MESSAGE_REGISTRANTS,
            EDIT_SESSIONS,
            REPORTS,
            MANAGE_ACCOUNTS,
            READ_AUDIT,
        }
    ),
    FACILITATOR: frozenset({SIGNED_IN, RUN_BOARDS, CHECK_IN}),
}

# Roles that reach only the sessions assigned to the account (and the boards of those sessions).
LIMITED_TO_ASSIGNED = frozenset({FACILITATOR})


def allows(
    role: str,
    permission: str,
    *,
    assigned: frozenset[int] = frozenset(),
    in_session: bool = False,
    meeting_id: int | None = None,
) -> bool:
    """Whether ``role`` holds ``permission``; with ``in_session``, for the session ``meeting_id``.

    Without ``in_session`` the act concerns no session in particular (the boards list, the
    dashboard), and the view shows a limited role only its assigned sessions. With it, ``meeting_id``
    None is something outside every session (a stand-alone board), which only unlimited roles reach."""
    if permission not in PERMISSIONS.get(role, frozenset()):
        return False
    if not in_session or role not in LIMITED_TO_ASSIGNED:
        return True
    return meeting_id is not None and meeting_id in assigned
