"""What the audit log holds, for the tests that check an organiser's act was recorded."""

from sqlalchemy import select

from sessie_app.extensions import db
from sessie_app.organiser.models import AuditEntry


def audited(action: str, **match) -> list[AuditEntry]:
    """Entries of ``action`` whose columns equal ``match`` (actor_id, subject, detail), oldest first."""
    query = select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
    for column, value in match.items():
        query = query.where(getattr(AuditEntry, column) == value)
    return list(db.session.scalars(query))
