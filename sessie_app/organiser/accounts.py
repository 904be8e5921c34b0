"""Organiser accounts: invitations, password resets, roles, assigned sessions, deactivation, and the
session version that ends every session of an account at once.

Functions take plain arguments and return plain data or ORM rows; they never touch the request.
Mails go through the outbox in the same transaction; the link in an invitation or reset mail is made
when the mail is rendered (``issue_link``, called by organiser/mail.py), so no usable link is ever
stored: the account keeps only a hash of the link's secret, and using the link clears it.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from .. import tokens
from ..extensions import db
from ..outbox import services as outbox
from ..outbox.models import OutboxMail
from ..registration.models import Meeting
from ..timeutil import utcnow
from .models import Organiser
from .roles import BEHEERDER, ROLES
from .services import normalise_email

INVITE, RESET = "invite", "reset"
# Mail kinds in the outbox (outbox/sender.py hands them to organiser/mail.py).
MAIL_KINDS = {INVITE: "organiser_invite", RESET: "organiser_reset"}
# A colleague may read an invitation a few days later; a reset is asked for and used at once.
LINK_VALID = {INVITE: timedelta(days=3), RESET: timedelta(hours=1)}
# However often someone asks for a reset of one address, at most one mail per this interval: a
# stranger cannot flood an organiser's inbox, and the organiser's last mail holds a working link.
RESET_REPEAT = timedelta(minutes=2)
MIN_PASSWORD = 10


class AccountError(Exception):
    pass


class AccountNotFound(AccountError):
    pass


class EmailTaken(AccountError):
    """Another account has this address."""


class LastBeheerder(AccountError):
    """The change would leave no active beheerder to manage the accounts."""


class LinkInvalid(AccountError):
    """A link that is forged, used, replaced by a newer one, expired, or of a deactivated account."""


class WrongPassword(AccountError):
    pass


class PasswordTooShort(AccountError):
    pass


# --- who a session cookie speaks for -------------------------------------------------------------


def signed_in(user_id: str) -> Organiser | None:
    """The account behind a session's user id ("id:version", see Organiser.get_id): only while the
    account is active and its session version is the one the session was started with."""
    account_id, colon, version = user_id.partition(":")
    if not colon or not account_id.isdigit() or not version.isdigit() or len(account_id) > 9 or len(version) > 9:
        return None
    organiser = db.session.get(Organiser, int(account_id))
    if organiser is None or not organiser.active or organiser.session_version != int(version):
        return None
    return organiser


def session_expired(login_at, seen_at, now: float, lifetime: timedelta, idle: timedelta | None) -> bool:
    """Whether a session that logged in at ``login_at`` and was last used at ``seen_at`` (seconds
    since the epoch, as kept in the session) is over: past ``lifetime`` since login, or, with
    ``idle``, unused for that long. A session without these marks predates them: over."""
    if not isinstance(login_at, int | float) or now - login_at > lifetime.total_seconds():
        return True
    if idle is None:
        return False
    return not isinstance(seen_at, int | float) or now - seen_at > idle.total_seconds()


def end_sessions(organiser_id: int) -> None:
    """End every session of the account, in every browser and console (they carry the old version)."""
    organiser = _get(organiser_id)
    organiser.session_version += 1
    db.session.commit()


# --- accounts ----------------------------------------------------------------------------------------


def _get(organiser_id: int) -> Organiser:
    organiser = db.session.get(Organiser, organiser_id)
    if organiser is None:
        raise AccountNotFound(organiser_id)
    return organiser


def get_account(organiser_id: int) -> Organiser:
    """Raises AccountNotFound."""
    return _get(organiser_id)


def all_accounts() -> list[Organiser]:
    return list(db.session.scalars(select(Organiser).order_by(Organiser.active.desc(), Organiser.email)))


def _meetings(meeting_ids) -> list[Meeting]:
    ids = sorted(set(meeting_ids))
    return list(db.session.scalars(select(Meeting).where(Meeting.id.in_(ids)))) if ids else []


def invite(email: str, role: str, meeting_ids, now: datetime | None = None) -> Organiser:
    """A new account with ``role`` for the sessions ``meeting_ids``, and a mail with a link to choose
    a password. Raises EmailTaken."""
    if role not in ROLES:
        raise ValueError(role)
    email = normalise_email(email)
    if db.session.scalar(select(Organiser.id).where(Organiser.email == email)) is not None:
        raise EmailTaken(email)
    # A random password nobody knows: the account has a real hash, so logging in to it costs the
    # same time as to any other, and it opens only through the link.
    organiser = Organiser(email=email, role=role, password_hash=generate_password_hash(secrets.token_urlsafe(32)))
    organiser.meetings = _meetings(meeting_ids)
    db.session.add(organiser)
    db.session.flush()
    _queue_link_mail(organiser, INVITE, now)
    db.session.commit()
    return organiser


def invite_again(organiser_id: int, now: datetime | None = None) -> Organiser:
    """A fresh invitation mail for an account that has not chosen a password yet."""
    organiser = _get(organiser_id)
    if organiser.password_set_at is not None or not organiser.active:
        raise AccountError(organiser_id)
    _queue_link_mail(organiser, INVITE, now)
    db.session.commit()
    return organiser


def _queue_link_mail(organiser: Organiser, purpose: str, now: datetime | None) -> None:
    outbox.queue(
        meeting_id=None,
        registration_id=None,
        organiser_id=organiser.id,
        kind=MAIL_KINDS[purpose],
        recipient=organiser.email,
        now=now,
    )


def request_reset(email: str, now: datetime | None = None) -> None:
    """Queue a reset mail when ``email`` belongs to an active account. Says nothing either way: the
    caller answers the same whether or not the address has an account."""
    now = now or utcnow()
    organiser = db.session.scalar(select(Organiser).where(Organiser.email == normalise_email(email)))
    if organiser is None or not organiser.active:
        return
    recent = db.session.scalar(
        select(func.count(OutboxMail.id)).where(
            OutboxMail.organiser_id == organiser.id,
            OutboxMail.kind == MAIL_KINDS[RESET],
            OutboxMail.created_at > now - RESET_REPEAT,
        )
    )
    if recent:
        return
    _queue_link_mail(organiser, RESET, now)
    db.session.commit()


@dataclass(frozen=True)
class Link:
    url_token: str
    purpose: str
    expires_at: datetime


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_link(organiser_id: int, purpose: str, now: datetime | None = None) -> Link | None:
    """A new single-use link for the account, replacing any earlier one; None when the account is
    gone or deactivated (the mail is then dropped). Called when the mail is rendered. Commits."""
    organiser = db.session.get(Organiser, organiser_id)
    if organiser is None or not organiser.active:
        return None
    now = now or utcnow()
    secret = secrets.token_urlsafe(32)
    organiser.link_hash = _digest(secret)
    organiser.link_purpose = purpose
    organiser.link_expires_at = now + LINK_VALID[purpose]
    db.session.commit()
    return Link(tokens.sign(tokens.ORGANISER_LINK, f"{organiser.id}:{secret}"), purpose, organiser.link_expires_at)


def account_for_link(url_token: str, now: datetime | None = None) -> Organiser:
    """The account a link is for, while the link is its current one and has not expired. Raises LinkInvalid."""
    value = tokens.unsign(tokens.ORGANISER_LINK, url_token)
    account_id, _colon, secret = (value or "").partition(":")
    if not account_id.isdigit() or len(account_id) > 9 or not secret:
        raise LinkInvalid()
    organiser = db.session.get(Organiser, int(account_id))
    if (
        organiser is None
        or not organiser.active
        or organiser.link_hash is None
        or not hmac.compare_digest(organiser.link_hash, _digest(secret))
        or organiser.link_expires_at is None
        or organiser.link_expires_at <= (now or utcnow())
    ):
        raise LinkInvalid()
    return organiser


def _check_length(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise PasswordTooShort()


def _new_password(organiser: Organiser, password: str, now: datetime) -> None:
    """Set the password, close any open link and end every session made with the old one."""
    organiser.set_password(password)
    organiser.password_set_at = now
    organiser.link_hash = organiser.link_purpose = organiser.link_expires_at = None
    organiser.session_version += 1


def set_password_from_link(url_token: str, password: str, now: datetime | None = None) -> Organiser:
    """Use an invitation or reset link once. Raises LinkInvalid, PasswordTooShort."""
    now = now or utcnow()
    organiser = account_for_link(url_token, now)
    _check_length(password)
    _new_password(organiser, password, now)
    db.session.commit()
    return organiser


def change_password(organiser_id: int, current: str, new: str, now: datetime | None = None) -> Organiser:
    """Raises WrongPassword, PasswordTooShort. Every session of the account ends; the caller logs
    the browser that asked in again."""
    organiser = _get(organiser_id)
    if not organiser.check_password(current):
        raise WrongPassword()
    _check_length(new)
    _new_password(organiser, new, now or utcnow())
    db.session.commit()
    return organiser


def _active_beheerders(excluding: int) -> int:
    return db.session.scalar(
        select(func.count(Organiser.id)).where(
            Organiser.role == BEHEERDER, Organiser.active.is_(True), Organiser.id != excluding
        )
    )


@dataclass(frozen=True)
class AccountChange:
    role_changed: bool
    meetings_changed: bool
    deactivated: bool
    reactivated: bool


def update_account(organiser_id: int, *, role: str, meeting_ids, active: bool) -> AccountChange:
    """A beheerder's change to an account. A new role or a deactivation ends every session of the
    account: what it may do is read from the account on each request, but a console must not carry
    on under rules the account no longer has. Raises AccountNotFound, LastBeheerder."""
    if role not in ROLES:
        raise ValueError(role)
    organiser = _get(organiser_id)
    losing_beheerder = organiser.role == BEHEERDER and organiser.active and (role != BEHEERDER or not active)
    if losing_beheerder and not _active_beheerders(excluding=organiser.id):
        raise LastBeheerder()
    meetings = _meetings(meeting_ids)
    change = AccountChange(
        role_changed=role != organiser.role,
        meetings_changed={m.id for m in meetings} != organiser.assigned,
        deactivated=organiser.active and not active,
        reactivated=active and not organiser.active,
    )
    organiser.role = role
    organiser.meetings = meetings
    organiser.active = active
    if change.role_changed or change.deactivated:
        organiser.session_version += 1
    if change.deactivated:
        organiser.link_hash = organiser.link_purpose = organiser.link_expires_at = None
    db.session.commit()
    return change
