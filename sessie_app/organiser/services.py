"""Organiser accounts and what organisers look at: overviews, lists, counts, exports and check-in.

Functions take plain arguments and return plain data or ORM rows; they never touch the request.
"""

import csv
import io
import secrets
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from ..board.models import Board, Participant, Proposal
from ..choices import ROLE_LABELS, ROLES, SECTOR_LABELS, SECTORS
from ..extensions import db
from ..outbox import services as outbox_services
from ..outbox.models import OutboxMail
from ..registration import notifications
from ..registration import services as registration_services
from ..registration.meetings import meetings_in_date_order, slug_taken
from ..registration.models import CANCELLED, CONFIRMED, STATUSES, WAITLISTED, Meeting, Registration
from ..textclean import spreadsheet_safe
from ..timeutil import AMSTERDAM, utcnow
from .models import Organiser

STATUS_LABELS = {
    CONFIRMED: _l("Bevestigd"),
    WAITLISTED: _l("Wachtlijst"),
    CANCELLED: _l("Afgemeld"),
}


class OrganiserError(Exception):
    pass


class SlugTaken(OrganiserError):
    """Another session already uses this slug."""


# --- accounts ---------------------------------------------------------------------------------


def normalise_email(email: str) -> str:
    return email.strip().lower()


def create_or_update_organiser(email: str, password: str) -> Organiser:
    """Create an organiser (a beheerder, the role new accounts get here), or set a new password for
    an existing one. For `flask organiser`: the first account, or a way back in."""
    if len(password) < 10:
        raise OrganiserError("Het wachtwoord moet minstens 10 tekens hebben.")
    email = normalise_email(email)
    organiser = db.session.scalar(select(Organiser).where(Organiser.email == email))
    if organiser is None:
        organiser = Organiser(email=email)
        db.session.add(organiser)
    else:
        # A new password ends every session made with the old one (Organiser.get_id).
        organiser.session_version += 1
    organiser.set_password(password)
    organiser.password_set_at = utcnow()
    db.session.commit()
    return organiser


def organiser_count() -> int:
    return db.session.scalar(select(func.count(Organiser.id)))


def generate_password() -> str:
    return secrets.token_urlsafe(12)


_UNKNOWN_ACCOUNT_HASH = generate_password_hash(secrets.token_hex(16))


def authenticate(email: str, password: str) -> Organiser | None:
    organiser = db.session.scalar(select(Organiser).where(Organiser.email == normalise_email(email)))
    if organiser is None:
        # Spend the same time as for a known address, so timing does not reveal which accounts exist.
        check_password_hash(_UNKNOWN_ACCOUNT_HASH, password)
        return None
    if not organiser.check_password(password) or not organiser.active:
        return None
    organiser.last_login_at = utcnow()
    db.session.commit()
    return organiser


# --- sessions -----------------------------------------------------------------------------------


def create_meeting(
    *,
    slug: str,
    city: str,
    venue: str | None,
    address: str | None,
    date: date,
    starts_at: time,
    ends_at: time,
    capacity: int,
    registration_open: bool,
) -> Meeting:
    """Create a session through the registration rules. Raises SlugTaken."""
    if slug_taken(slug):
        raise SlugTaken(slug)
    try:
        return registration_services.create_meeting(
            slug=slug,
            city=city,
            venue=venue,
            address=address,
            date=date,
            starts_at=starts_at,
            ends_at=ends_at,
            capacity=capacity,
            registration_open=registration_open,
        )
    except IntegrityError:
        # Two organisers picked the same slug at the same moment.
        db.session.rollback()
        raise SlugTaken(slug) from None


def confirmed_beyond(meeting: Meeting, capacity: int) -> int | None:
    """The session's confirmed registrations when ``capacity`` lowers its seats below them, which
    the organiser must confirm; None otherwise. Nobody loses a seat over it (update_meeting never
    takes one back): new registrations wait, and the waiting list moves up again only once fewer
    than ``capacity`` are confirmed. Seats already beyond the capacity (walk-ins seated at the
    door) ask nothing as long as the capacity itself stays."""
    if capacity >= meeting.capacity:
        return None
    confirmed = registration_services.availability([meeting.id])[meeting.id].confirmed
    return confirmed if capacity < confirmed else None


@dataclass(frozen=True)
class MeetingSummary:
    meeting: Meeting
    confirmed: int
    waitlisted: int
    checked_in: int
    registration_open: bool
    mail_failed: int = 0
    # Registrations in the last REGISTRATION_BURST_WINDOW when more than REGISTRATION_BURST: see there.
    burst: int = 0


def _checked_in_counts() -> dict[int, int]:
    rows = db.session.execute(
        select(Registration.meeting_id, func.count(Registration.id))
        .where(Registration.checked_in_at.is_not(None))
        .group_by(Registration.meeting_id)
    )
    return dict(rows.all())


def checked_in_for_board(board_id: int) -> int | None:
    """How many of the board's session checked in at the desk; None for a board without a session.
    Beside the number of phones on the board it shows the facilitator whether strangers joined."""
    meeting_id = db.session.scalar(select(Board.meeting_id).where(Board.id == board_id))
    if meeting_id is None:
        return None
    return db.session.scalar(
        select(func.count(Registration.id)).where(
            Registration.meeting_id == meeting_id, Registration.checked_in_at.is_not(None)
        )
    )


# Seats can be taken by a script: the form is public, and a per-address limit only slows a script
# with several addresses (120 registrations from 12 addresses filled a session in seconds). Nothing
# can tell such a wave from the invitation reaching a mailing list, so the app does not refuse it:
# it makes it impossible to miss. More than this many new registrations for one session within the
# window puts a warning on the dashboard that leads to the session's list, where each registration
# shows when it came in and can be erased (the seat goes to the waiting list).
REGISTRATION_BURST = 25
REGISTRATION_BURST_WINDOW = timedelta(hours=1)


def _recent_registrations(now: datetime) -> dict[int, int]:
    return dict(
        db.session.execute(
            select(Registration.meeting_id, func.count(Registration.id))
            .where(
                Registration.created_at >= now - REGISTRATION_BURST_WINDOW,
                Registration.anonymised_at.is_(None),
                Registration.status != CANCELLED,
            )
            .group_by(Registration.meeting_id)
        ).all()
    )


def meeting_overview(now: datetime | None = None) -> list[MeetingSummary]:
    """Every session with its numbers, in date order."""
    availability = registration_services.availability()
    checked_in = _checked_in_counts()
    failed = outbox_services.failed_counts()
    recent = _recent_registrations(now or utcnow())
    return [
        MeetingSummary(
            meeting=meeting,
            confirmed=availability[meeting.id].confirmed,
            waitlisted=availability[meeting.id].waitlisted,
            checked_in=checked_in.get(meeting.id, 0),
            registration_open=registration_services.is_open(meeting),
            mail_failed=failed.get(meeting.id, 0),
            burst=recent.get(meeting.id, 0) if recent.get(meeting.id, 0) > REGISTRATION_BURST else 0,
        )
        for meeting in meetings_in_date_order()
    ]


# --- registrations: list, counts, export ------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """What the organiser narrows the list to; empty strings mean "all"."""

    q: str = ""
    status: str = ""
    role: str = ""
    sector: str = ""

    @classmethod
    def checked(cls, q: str = "", status: str = "", role: str = "", sector: str = "") -> "Filters":
        """Unknown values are dropped rather than refused: a stale bookmark still shows a list."""
        return cls(
            q=q or "",
            status=status if status in STATUSES else "",
            role=role if role in ROLE_LABELS else "",
            sector=sector if sector in SECTOR_LABELS else "",
        )

    @property
    def active(self) -> bool:
        return bool(self.q or self.status or self.role or self.sector)


def _fold(text: str | None) -> str:
    """Case- and accent-form-insensitive key for search and grouping."""
    return " ".join(unicodedata.normalize("NFKC", text or "").casefold().split())


def _matches(registration: Registration, needle: str, attributes: tuple[str, ...]) -> bool:
    return any(needle in _fold(getattr(registration, name)) for name in attributes)


def list_registrations(meeting_id: int, filters: Filters) -> list[Registration]:
    """Registrations of a session that still carry a name, oldest first.

    The text search runs in Python with casefold, so "ÖZTÜRK" finds "Öztürk" on SQLite as well
    as PostgreSQL and no LIKE wildcard needs escaping; a session has at most a few thousand rows.
    """
    query = select(Registration).where(Registration.meeting_id == meeting_id, Registration.anonymised_at.is_(None))
    if filters.status:
        query = query.where(Registration.status == filters.status)
    if filters.role:
        query = query.where(Registration.role == filters.role)
    if filters.sector:
        query = query.where(Registration.sector == filters.sector)
    rows = db.session.scalars(query.order_by(Registration.created_at, Registration.id)).all()
    needle = _fold(filters.q)
    if needle:
        rows = [r for r in rows if _matches(r, needle, ("name", "email", "organisation"))]
    return list(rows)


@dataclass(frozen=True)
class TextCount:
    text: str
    count: int


@dataclass(frozen=True)
class MeetingReport:
    """Numbers for a session; anonymised registrations count, names never appear."""

    by_status: dict[str, int]
    by_role: dict[str, int]
    by_sector: dict[str, int]
    checked_in: int
    meals: int
    # After the reminder: who said "Ik kom", who cancelled since, who has not answered.
    reminded: int = 0
    reconfirmed: int = 0
    meals_reconfirmed: int = 0
    cancelled_after_reminder: int = 0
    no_answer: int = 0
    dietary: list[TextCount] = field(default_factory=list)
    accessibility: list[TextCount] = field(default_factory=list)


def group_texts(texts) -> list[TextCount]:
    """Distinct texts with how often they occur, grouped case-insensitively, most frequent first.

    Each group shows the spelling used most often (the first one on a tie).
    """
    counts: Counter[str] = Counter()
    spellings: dict[str, Counter[str]] = {}
    for text in texts:
        shown = " ".join((text or "").split())
        key = _fold(shown)
        if not key:
            continue
        counts[key] += 1
        spellings.setdefault(key, Counter())[shown] += 1
    groups = [TextCount(spellings[key].most_common(1)[0][0], count) for key, count in counts.items()]
    return sorted(groups, key=lambda g: (-g.count, _fold(g.text)))


def meeting_report(meeting_id: int) -> MeetingReport:
    """Counts by status (everyone), by role and sector (everyone not cancelled), attendance,
    meals and, for the caterer and the reception, health needs without names (confirmed people
    who gave health consent)."""
    rows = db.session.execute(
        select(
            Registration.status,
            Registration.role,
            Registration.sector,
            Registration.meal,
            Registration.checked_in_at,
            Registration.health_consent,
            Registration.dietary,
            Registration.accessibility,
            Registration.reconfirmed_at,
            Registration.id.in_(
                select(OutboxMail.registration_id).where(
                    OutboxMail.meeting_id == meeting_id, OutboxMail.kind == notifications.REMINDER
                )
            ),
        ).where(Registration.meeting_id == meeting_id)
    ).all()
    by_status = Counter(dict.fromkeys(STATUSES, 0))
    by_role: Counter[str] = Counter()
    by_sector: Counter[str] = Counter()
    checked_in = meals = reminded = reconfirmed = meals_reconfirmed = cancelled_after_reminder = no_answer = 0
    dietary, accessibility = [], []
    for status, role, sector, meal, checked_in_at, consent, diet, access, reconfirmed_at, was_reminded in rows:
        by_status[status] += 1
        if was_reminded:
            reminded += 1
            cancelled_after_reminder += status == CANCELLED
            no_answer += status == CONFIRMED and reconfirmed_at is None
        if status == CONFIRMED and reconfirmed_at is not None:
            reconfirmed += 1
            meals_reconfirmed += bool(meal)
        if checked_in_at is not None:
            checked_in += 1
        if status != CANCELLED:
            by_role[role] += 1
            by_sector[sector] += 1
        if status == CONFIRMED:
            meals += bool(meal)
            if consent:
                dietary.append(diet)
                accessibility.append(access)
    return MeetingReport(
        by_status=dict(by_status),
        by_role={code: by_role[code] for code, _label in ROLES if by_role[code]}
        | {code: n for code, n in by_role.items() if code not in ROLE_LABELS},
        by_sector={code: by_sector[code] for code, _label in SECTORS if by_sector[code]}
        | {code: n for code, n in by_sector.items() if code not in SECTOR_LABELS},
        checked_in=checked_in,
        meals=meals,
        reminded=reminded,
        reconfirmed=reconfirmed,
        meals_reconfirmed=meals_reconfirmed,
        cancelled_after_reminder=cancelled_after_reminder,
        no_answer=no_answer,
        dietary=group_texts(dietary),
        accessibility=group_texts(accessibility),
    )


def _local(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return moment.replace(tzinfo=UTC).astimezone(AMSTERDAM).strftime("%Y-%m-%d %H:%M")


CSV_HEADER = (
    _l("Naam"),
    _l("E-mailadres"),
    _l("Organisatie"),
    _l("Rol"),
    _l("Sector"),
    _l("Status"),
    _l("Eet mee"),
    _l("Aangemeld op"),
    _l("Aanwezig sinds"),
)


def registrations_csv(registrations: list[Registration]) -> str:
    """The list as CSV text for Excel and LibreOffice: a UTF-8 BOM, ``;`` between cells (what
    Dutch Excel expects, since the comma is its decimal sign), every cell through
    spreadsheet_safe. Dietary and accessibility needs are health data and stay out."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([spreadsheet_safe(header) for header in CSV_HEADER])
    for r in registrations:
        writer.writerow(
            spreadsheet_safe(cell)
            for cell in (
                r.name,
                r.email,
                r.organisation,
                ROLE_LABELS.get(r.role, r.role),
                SECTOR_LABELS.get(r.sector, r.sector),
                STATUS_LABELS.get(r.status, r.status),
                _l("ja") if r.meal else _l("nee"),
                _local(r.created_at),
                _local(r.checked_in_at),
            )
        )
    return buffer.getvalue()


# --- check-in -------------------------------------------------------------------------------------


def check_in_candidates(meeting_id: int, q: str) -> list[Registration]:
    """Active registrations of a session whose name or organisation contains ``q``, by name;
    everyone active when ``q`` is empty."""
    rows = db.session.scalars(
        select(Registration).where(
            Registration.meeting_id == meeting_id,
            Registration.status != CANCELLED,
            Registration.anonymised_at.is_(None),
        )
    ).all()
    needle = _fold(q)
    if needle:
        rows = [r for r in rows if _matches(r, needle, ("name", "organisation"))]
    return sorted(rows, key=lambda r: (_fold(r.name), r.id))


@dataclass(frozen=True)
class DoorCheckIn:
    """What the check-in desk did with one person."""

    registration: Registration
    # Given a seat from the waiting list at the door (seat_at_the_door), and mailed about it.
    seated: bool = False
    mailed: bool = False
    # Not checked in, because their status holds no seat: WAITLISTED without ``seat``, or CANCELLED.
    refused: str | None = None


def check_in_at_the_door(registration_id: int, *, present: bool, seat: bool = False) -> DoorCheckIn:
    """Mark someone present, or undo it. Only a seat lets someone in: a wait-listed person is checked
    in only when the organiser gives them one (``seat``), never by a plain check-in, so a full room
    does not overfill unnoticed; someone who cancelled is not checked in at all (the organiser adds
    them as a walk-in, who gets a seat). Undoing always works. Raises RegistrationNotFound."""
    registration = registration_services.get_registration(registration_id)
    if not present:
        return DoorCheckIn(registration_services.set_checked_in(registration.id, False))
    if registration.status == WAITLISTED and seat:
        outcome = registration_services.seat_at_the_door(registration.id)
        registration = registration_services.get_registration(registration.id)
        if outcome.status == CANCELLED:
            return DoorCheckIn(registration, refused=CANCELLED)
        return DoorCheckIn(registration, seated=True, mailed=outcome.mails.count(notifications.PROMOTED) > 0)
    if registration.status != CONFIRMED:
        return DoorCheckIn(registration, refused=registration.status)
    return DoorCheckIn(registration_services.set_checked_in(registration.id, True))


@dataclass(frozen=True)
class Attendance:
    checked_in: int
    confirmed: int


def attendance(meeting_id: int) -> Attendance:
    checked_in, confirmed = db.session.execute(
        select(
            func.count(Registration.id).filter(Registration.checked_in_at.is_not(None)),
            func.count(Registration.id).filter(Registration.status == CONFIRMED),
        ).where(Registration.meeting_id == meeting_id)
    ).one()
    return Attendance(checked_in=checked_in, confirmed=confirmed)


# --- live boards ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BoardSummary:
    board: Board
    meeting: Meeting | None
    participants: int
    proposals: int


def board_overview() -> list[BoardSummary]:
    """Every board, newest first, with its session and how many phones and proposals it has.
    Hidden and merged proposals do not count."""
    participants = dict(
        db.session.execute(
            select(Participant.board_id, func.count(Participant.id)).group_by(Participant.board_id)
        ).all()
    )
    proposals = dict(
        db.session.execute(
            select(Proposal.board_id, func.count(Proposal.id))
            .where(Proposal.hidden.is_(False), Proposal.merged_into_id.is_(None))
            .group_by(Proposal.board_id)
        ).all()
    )
    rows = db.session.execute(
        select(Board, Meeting)
        .outerjoin(Meeting, Meeting.id == Board.meeting_id)
        .order_by(Board.created_at.desc(), Board.id.desc())
    ).all()
    return [
        BoardSummary(board, meeting, participants.get(board.id, 0), proposals.get(board.id, 0))
        for board, meeting in rows
    ]
