"""The audit log: who did what, when, in the organiser area. Beheerders read it (audit page); the
purge keeps it no longer than the privacy statement says (AUDIT_RETENTION)."""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from ..extensions import db
from ..timeutil import utcnow
from .models import AuditEntry, Organiser

log = logging.getLogger(__name__)

# The privacy statement promises this (templates/pages/privacy.html); `flask registrations purge`,
# run from cron after the series, erases older entries.
AUDIT_RETENTION = timedelta(days=365)
# The audit page shows at most this many entries, newest first; filters narrow it down.
PAGE_SIZE = 500

LOGIN_SUCCEEDED = "login-succeeded"
LOGIN_FAILED = "login-failed"
LOGGED_OUT = "logged-out"
PASSWORD_CHANGED = "password-changed"
PASSWORD_SET = "password-set"
ACCOUNT_INVITED = "account-invited"
ROLE_CHANGED = "role-changed"
SESSIONS_ASSIGNED = "sessions-assigned"
ACCOUNT_DEACTIVATED = "account-deactivated"
ACCOUNT_REACTIVATED = "account-reactivated"
REGISTRATIONS_EXPORTED = "registrations-exported"
REGISTRATION_ADDED = "registration-added"
REGISTRATION_CANCELLED = "registration-cancelled"
REGISTRATION_DELETED = "registration-deleted"
REGISTRATION_SEATED = "registration-seated"
SESSION_CREATED = "session-created"
SESSION_EDITED = "session-edited"
MESSAGE_SENT = "message-sent"
BOARD_CREATED = "board-created"
BOARD_IMPORTED = "board-imported"
BOARD_EXPORTED = "board-exported"
BOARD_ARCHIVED = "board-archived"
BOARD_RESTORED = "board-restored"
BOARD_REPORT_MARKS = "board-report-marks"
BOARD_DELETED = "board-deleted"

ACTION_LABELS = {
    LOGIN_SUCCEEDED: _l("Ingelogd"),
    LOGIN_FAILED: _l("Inloggen mislukt"),
    LOGGED_OUT: _l("Uitgelogd"),
    PASSWORD_CHANGED: _l("Wachtwoord gewijzigd"),
    PASSWORD_SET: _l("Wachtwoord ingesteld via link"),
    ACCOUNT_INVITED: _l("Account uitgenodigd"),
    ROLE_CHANGED: _l("Rol gewijzigd"),
    SESSIONS_ASSIGNED: _l("Sessies toegewezen"),
    ACCOUNT_DEACTIVATED: _l("Account gedeactiveerd"),
    ACCOUNT_REACTIVATED: _l("Account weer actief"),
    REGISTRATIONS_EXPORTED: _l("Aanmeldingen geëxporteerd (CSV)"),
    REGISTRATION_ADDED: _l("Aanmelding toegevoegd"),
    REGISTRATION_CANCELLED: _l("Aanmelding afgemeld"),
    REGISTRATION_DELETED: _l("Persoonsgegevens gewist"),
    REGISTRATION_SEATED: _l("Van wachtlijst binnengelaten"),
    SESSION_CREATED: _l("Sessie aangemaakt"),
    SESSION_EDITED: _l("Sessie bewerkt"),
    MESSAGE_SENT: _l("Bericht verstuurd"),
    BOARD_CREATED: _l("Bord aangemaakt"),
    BOARD_IMPORTED: _l("Voorstellen geïmporteerd"),
    BOARD_EXPORTED: _l("Bord geëxporteerd"),
    BOARD_ARCHIVED: _l("Bord gearchiveerd"),
    BOARD_RESTORED: _l("Bord uit het archief gehaald"),
    BOARD_REPORT_MARKS: _l("Bord: oefenbord of meetellen in het rapport gewijzigd"),
    BOARD_DELETED: _l("Bord verwijderd"),
}


def record(
    actor_id: int | None, action: str, subject: str = "", detail: str = "", *, at: datetime | None = None
) -> None:
    """Write one entry, committed at once: the act it records has been committed by its own service.
    Also logged, so the server's log tells the same story."""
    db.session.add(
        AuditEntry(at=at or utcnow(), actor_id=actor_id, action=action, subject=subject[:254], detail=detail[:500])
    )
    db.session.commit()
    log.info("Audit: organiser %s %s %s %s", actor_id, action, subject, detail)


def login_failed(email: str, remote_addr: str | None) -> None:
    """A failed login, under the account of that address if there is one (so a beheerder sees the
    attempts on an account), else under no account. The password is never passed here."""
    actor_id = db.session.scalar(select(Organiser.id).where(Organiser.email == email))
    record(actor_id, LOGIN_FAILED, email, f"from {remote_addr}")


@dataclass(frozen=True)
class Filters:
    action: str = ""
    actor_id: int | None = None
    day_from: datetime | None = None
    day_until: datetime | None = None


def entries(filters: Filters, limit: int = PAGE_SIZE) -> list[AuditEntry]:
    """Newest first, narrowed by ``filters`` (``day_until`` exclusive)."""
    query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)
    if filters.action:
        query = query.where(AuditEntry.action == filters.action)
    if filters.actor_id is not None:
        query = query.where(AuditEntry.actor_id == filters.actor_id)
    if filters.day_from is not None:
        query = query.where(AuditEntry.at >= filters.day_from)
    if filters.day_until is not None:
        query = query.where(AuditEntry.at < filters.day_until)
    return list(db.session.scalars(query))


def purge(now: datetime | None = None) -> int:
    """Erase entries older than AUDIT_RETENTION; returns how many went. Commits."""
    gone = db.session.execute(delete(AuditEntry).where(AuditEntry.at < (now or utcnow()) - AUDIT_RETENTION)).rowcount
    db.session.commit()
    return gone
