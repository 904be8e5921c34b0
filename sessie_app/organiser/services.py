"""Organiser accounts."""

import secrets

from sqlalchemy import func, select

from ..extensions import db
from ..timeutil import utcnow
from .models import Organiser


class OrganiserError(Exception):
    pass


def normalise_email(email: str) -> str:
    return email.strip().lower()


def create_or_update_organiser(email: str, password: str) -> Organiser:
    """Create an organiser, or set a new password for an existing one."""
    if len(password) < 10:
        raise OrganiserError("Het wachtwoord moet minstens 10 tekens hebben.")
    email = normalise_email(email)
    organiser = db.session.scalar(select(Organiser).where(Organiser.email == email))
    if organiser is None:
        organiser = Organiser(email=email)
        db.session.add(organiser)
    organiser.set_password(password)
    db.session.commit()
    return organiser


def organiser_count() -> int:
    return db.session.scalar(select(func.count(Organiser.id)))


def generate_password() -> str:
    return secrets.token_urlsafe(12)


def authenticate(email: str, password: str) -> Organiser | None:
    organiser = db.session.scalar(select(Organiser).where(Organiser.email == normalise_email(email)))
    if organiser is None or not organiser.check_password(password):
        return None
    organiser.last_login_at = utcnow()
    db.session.commit()
    return organiser


def load_organiser(organiser_id: str) -> Organiser | None:
    if not organiser_id.isdigit():
        return None
    return db.session.get(Organiser, int(organiser_id))
