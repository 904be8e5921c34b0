"""The live board: participants turn bottlenecks into proposals and vote on them."""

import secrets
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, event, inspect
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import limits
from ..extensions import db
from ..textmatch import normalise
from ..timeutil import utcnow

MOPPEREN, OPPEREN, STEMMEN, OOGSTEN = "mopperen", "opperen", "stemmen", "oogsten"
PHASES = (MOPPEREN, OPPEREN, STEMMEN, OOGSTEN)
# The votes a board may give each participant and allow on one proposal. The board service checks
# them with a message for people (services.check_budget); the check constraints are the backstop.
MIN_VOTES = 1
MAX_VOTES_PER_PARTICIPANT = 20
MAX_VOTES_PER_PROPOSAL = 10


class Board(db.Model):
    __tablename__ = "boards"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(6), unique=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"))
    title: Mapped[str] = mapped_column(String(limits.BOARD_TITLE))
    phase: Mapped[str] = mapped_column(String(16), default=MOPPEREN)
    timer_ends_at: Mapped[datetime | None]
    locked: Mapped[bool] = mapped_column(default=False)
    # No new participants (phones already in stay in): the facilitator's answer to strangers with the code.
    joining_closed: Mapped[bool] = mapped_column(default=False)
    votes_per_participant: Mapped[int] = mapped_column(default=5)
    max_votes_per_proposal: Mapped[int] = mapped_column(default=2)
    # The board's version, raised within the transaction of every change screens show (a phone's
    # action, a console action, an import, a new nickname). The raise locks the board row until
    # commit, so versions become visible in the order they were given out (ids from a sequence do
    # not: on PostgreSQL a later id can commit first).
    seq: Mapped[int] = mapped_column(default=0, server_default="0")
    # A rehearsal: played like any board, left out of the reports unless ``in_report``.
    practice: Mapped[bool] = mapped_column(default=False)
    # Put away after the series: out of the board list and the reports unless ``in_report``;
    # phones can no longer post or vote (the board is locked when archived).
    archived_at: Mapped[datetime | None]
    # The organiser's choice to count a board the reports would leave out (stand-alone, practice,
    # archived): see reports.scope.counts_in_report.
    in_report: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    themes: Mapped[list["Theme"]] = relationship(order_by="Theme.position")

    __table_args__ = (
        CheckConstraint(f"phase IN {PHASES}", name="phase_known"),
        CheckConstraint(
            f"votes_per_participant BETWEEN {MIN_VOTES} AND {MAX_VOTES_PER_PARTICIPANT}", name="budget_range"
        ),
        CheckConstraint(
            f"max_votes_per_proposal BETWEEN {MIN_VOTES} AND {MAX_VOTES_PER_PROPOSAL}", name="max_per_proposal_range"
        ),
        CheckConstraint("max_votes_per_proposal <= votes_per_participant", name="max_per_proposal_within_budget"),
    )


class Theme(db.Model):
    __tablename__ = "themes"

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("boards.id"), index=True)
    key: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(120))
    starter: Mapped[str | None] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=0)


class Participant(db.Model):
    """A phone in the room. No account: a random token in a signed cookie is the identity."""

    __tablename__ = "participants"

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("boards.id"), index=True)
    token: Mapped[str] = mapped_column(String(64), unique=True, default=lambda: secrets.token_urlsafe(24))
    nickname: Mapped[str | None] = mapped_column(String(limits.NICKNAME))
    role: Mapped[str | None] = mapped_column(String(32))
    sector: Mapped[str | None] = mapped_column(String(16))
    # Bumped by every vote; the UPDATE serialises one participant's votes so the budget holds.
    votes_version: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Bottleneck(db.Model):
    """A complaint from the "mopperen" phase, in one sentence."""

    __tablename__ = "bottlenecks"

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("boards.id"), index=True)
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participants.id"))
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("themes.id"))
    text: Mapped[str] = mapped_column(String(limits.BOTTLENECK_TEXT))
    hidden: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Proposal(db.Model):
    __tablename__ = "proposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("boards.id"))
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participants.id"))
    bottleneck_id: Mapped[int | None] = mapped_column(ForeignKey("bottlenecks.id"))
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("themes.id"))
    # Whether the theme was chosen for this proposal (by its author on the phone or by the
    # facilitator); if not, it follows the bottleneck it answers (board.services.themes).
    theme_chosen: Mapped[bool] = mapped_column(default=False)
    title: Mapped[str] = mapped_column(String(limits.PROPOSAL_TITLE))
    big: Mapped[str | None] = mapped_column(Text)  # groot denken: the ambition
    small: Mapped[str | None] = mapped_column(Text)  # klein doen: the first concrete step
    actor: Mapped[str | None] = mapped_column(String(32))
    hidden: Mapped[bool] = mapped_column(default=False)
    hidden_reason: Mapped[str | None] = mapped_column(String(limits.HIDE_REASON))
    pinned: Mapped[bool] = mapped_column(default=False)
    promising: Mapped[bool] = mapped_column(default=False)  # "kansrijk", marked while harvesting
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id"))
    # Dots counted on paper, for proposals typed up from post-its.
    paper_votes: Mapped[int] = mapped_column(default=0)
    # Title and "groot denken" through the Dutch normaliser, for the "lijkt op" hint: set whenever
    # either is written (the mapper events below), so a keystroke never normalises existing proposals.
    match_words: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_proposals_board_visible", "board_id", "hidden", "merged_into_id"),)


def proposal_match_words(title: str | None, big: str | None) -> str:
    """The distinct normalised words of a proposal's title and ambition, separated by spaces (the
    migration that added the column uses it too)."""
    return " ".join(dict.fromkeys(normalise(f"{title or ''} {big or ''}").split()))


@event.listens_for(Proposal, "before_insert")
def _match_words_of_new(_mapper, _connection, proposal: Proposal) -> None:
    proposal.match_words = proposal_match_words(proposal.title, proposal.big)


@event.listens_for(Proposal, "before_update")
def _match_words_of_changed(_mapper, _connection, proposal: Proposal) -> None:
    # Any writer counts (a phone, the console's edit, an import, a script): the flush is the one place all pass.
    attrs = inspect(proposal).attrs
    if attrs.title.history.has_changes() or attrs.big.history.has_changes():
        proposal.match_words = proposal_match_words(proposal.title, proposal.big)


class Vote(db.Model):
    """One participant's dots on one proposal; the dots on all of a board's proposals are what that
    participant has spent of the budget."""

    __tablename__ = "votes"

    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"), primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), primary_key=True, index=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("boards.id"), index=True)
    count: Mapped[int] = mapped_column(default=0)

    __table_args__ = (CheckConstraint("count >= 0", name="not_negative"),)


class Action(db.Model):
    """Every change a phone asks for, by its client-generated id: a retry finds the stored result
    instead of acting twice. ``seq`` is the board version the change made (see Board.seq)."""

    __tablename__ = "actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("boards.id"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"))
    client_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    seq: Mapped[int] = mapped_column(default=0, server_default="0")
    result: Mapped[str] = mapped_column(Text)  # JSON of the acknowledgement
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("participant_id", "client_id", name="uq_actions_participant_client"),)


class ModerationEntry(db.Model):
    __tablename__ = "moderation_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("boards.id"), index=True)
    organiser_id: Mapped[int | None] = mapped_column(ForeignKey("organisers.id"))
    action: Mapped[str] = mapped_column(String(32))
    target: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str | None] = mapped_column(String(limits.HIDE_REASON))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
