"""What a report and the group review look at: the boards of one session or all, and their visible proposals.

The group review works on every visible proposal of every counted board at once, so one idea raised
in Amsterdam and in Zwolle ends up in one group; a report for one session shows each group with
that session's proposals only. Rehearsals, stand-alone and archived boards are not counted unless
the organiser says so (``counts_in_report``).
"""

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select

from ..board.models import Board, Participant, Proposal, Theme, Vote
from ..extensions import db
from ..registration.meetings import MeetingNotFound, meeting_by_slug, meetings_in_date_order
from ..registration.models import Meeting
from . import labels, synthesis
from .report import ProposalEntry

ALL = "alle"


class ReportError(Exception):
    """A report or review action that cannot be done; ``str()`` of it is the message for the organiser."""


class UnknownSession(ReportError):
    pass


@dataclass(slots=True)
class Item:
    """One visible proposal: what the report shows of it, and what the grouping and counting need."""

    entry: ProposalEntry
    city: str | None
    bottleneck_id: int | None
    supporters: frozenset[int]

    @property
    def id(self) -> int:
        return self.entry.id

    @property
    def title(self) -> str:
        return self.entry.title

    @property
    def votes(self) -> int:
        return self.entry.votes


@dataclass(frozen=True, slots=True)
class Chosen:
    """What the organiser chose for a group in the review; None: what its members suggest."""

    title: str | None
    theme: str | None
    actor: str | None


@dataclass
class Themes:
    """The boards' themes: id → key, key → name (the first board's wording), keys in board order."""

    keys: dict[int, str]
    names: dict[str, str]
    order: list[str]


def meeting_for(slug: str | None) -> Meeting | None:
    """The session ``slug`` names, or None for all sessions (``None`` or ``"alle"``); raises UnknownSession."""
    if slug in (None, ALL):
        return None
    try:
        return meeting_by_slug(slug)
    except MeetingNotFound:
        raise UnknownSession(slug) from None


def counts_in_report(board: Board) -> bool:
    """Whether the reports and the group review count ``board``: a board of a session that is no
    rehearsal and not archived, or any board the organiser counted in (``Board.in_report``)."""
    return board.in_report or (board.meeting_id is not None and not board.practice and board.archived_at is None)


def _boards_of(meeting: Meeting | None) -> list[Board]:
    query = select(Board).order_by(Board.id)
    if meeting is not None:
        query = query.where(Board.meeting_id == meeting.id)
    return list(db.session.scalars(query))


def scope_boards(meeting: Meeting | None) -> list[Board]:
    """The boards a report of ``meeting`` (None: all sessions) counts."""
    return [board for board in _boards_of(meeting) if counts_in_report(board)]


def left_out_boards(meeting: Meeting | None) -> list[Board]:
    """The boards in that scope it does not count, for the report to say so."""
    return [board for board in _boards_of(meeting) if not counts_in_report(board)]


def themes_of(board_ids: list[int]) -> Themes:
    themes = Themes({}, {}, [])
    rows = db.session.execute(
        select(Theme.id, Theme.key, Theme.name)
        .where(Theme.board_id.in_(board_ids))
        .order_by(Theme.position, Theme.board_id)
    )
    for theme_id, key, name in rows:
        themes.keys[theme_id] = key
        if key not in themes.names:
            themes.names[key] = name
            themes.order.append(key)
    return themes


def _visible_proposals(board_ids: list[int]) -> list[Proposal]:
    return list(
        db.session.scalars(
            select(Proposal)
            .where(Proposal.board_id.in_(board_ids), Proposal.hidden.is_(False), Proposal.merged_into_id.is_(None))
            .order_by(Proposal.id)
        )
    )


def items_of(
    boards: list[Board], meetings: dict[int, Meeting], themes: Themes
) -> tuple[list[Item], dict[int, Participant]]:
    """The visible proposals of ``boards`` with their votes and supporters, and the boards' participants by id."""
    board_ids = [board.id for board in boards]
    if not board_ids:
        return [], {}
    proposals = _visible_proposals(board_ids)
    participants = {p.id: p for p in db.session.scalars(select(Participant).where(Participant.board_id.in_(board_ids)))}
    votes: dict[int, int] = defaultdict(int)
    supporters: dict[int, set] = defaultdict(set)
    rows = db.session.execute(
        select(Vote.proposal_id, Vote.participant_id, Vote.count).where(Vote.board_id.in_(board_ids), Vote.count > 0)
    )
    for proposal_id, participant_id, count in rows:
        votes[proposal_id] += count
        supporters[proposal_id].add(participant_id)
    by_board = {board.id: board for board in boards}
    items = []
    for proposal in proposals:
        board = by_board[proposal.board_id]
        meeting = meetings.get(board.meeting_id)
        author = participants.get(proposal.participant_id)
        theme = themes.keys.get(proposal.theme_id, labels.NO_THEME)
        city = meeting.city if meeting else None
        entry = ProposalEntry(
            id=proposal.id,
            title=proposal.title,
            groot_denken=proposal.big or "",
            klein_doen=proposal.small or "",
            actor=proposal.actor or labels.NO_ACTOR,
            actor_label=labels.actor_label(proposal.actor),
            theme=theme,
            theme_name=labels.theme_name(themes.names, theme),
            board=board.code,
            session=meeting.slug if meeting else None,
            session_city=labels.session_name(city),
            author=author.nickname if author and author.nickname else None,
            votes=votes[proposal.id] + proposal.paper_votes,
            supporters=len(supporters[proposal.id]),
        )
        items.append(Item(entry, city, proposal.bottleneck_id, frozenset(supporters[proposal.id])))
    return items, participants


def all_items() -> list[Item]:
    """Every visible proposal of every board: what the group review works on."""
    boards = scope_boards(None)
    meetings = {m.id: m for m in meetings_in_date_order()}
    return items_of(boards, meetings, themes_of([b.id for b in boards]))[0]


def majority(values: Iterable[str | None], unknown: str) -> str:
    """What most of a group's members say (their theme, or who must act), for a group nobody chose
    one for: ``values`` in the members' order of support, so a tie goes to the best supported.
    Members that say nothing (``unknown`` or None) count only when none says anything."""
    said = [value for value in values if value and value != unknown]
    if not said:
        return unknown
    counts = Counter(said)
    return max(said, key=lambda value: (counts[value], -said.index(value)))


def group_title(chosen: str | None, members: list[Item]) -> str:
    """A group's title: the organiser's, or else that of its best supported member now, so the
    title follows the members until someone writes one, and a member taken out takes its title along."""
    if chosen:
        return chosen
    lead = min(members, key=lambda item: (-len(item.supporters), -item.votes, item.id))
    return lead.title


def _comparable(item: Item) -> synthesis.Comparable:
    # The ambition decides whether two proposals are the same idea; the first step may differ.
    theme = None if item.entry.theme == labels.NO_THEME else item.entry.theme
    return synthesis.Comparable(item.id, f"{item.title} {item.entry.groot_denken}", theme)


def suggested_partition(items: list[Item]) -> list[list[Item]]:
    """The automatic grouping of ``items``: every item in exactly one group, singletons included."""
    by_id = {item.id: item for item in items}
    ids = synthesis.suggest_groups(_comparable(item) for item in items)
    return [[by_id[i] for i in group] for group in ids]


def offers(
    loose: list[Item], groups: dict[int, list[Item]], among: list[int]
) -> tuple[dict[int, list[int]], dict[int, list[int]]]:
    """What the review offers, from one comparison of ``loose`` and every group's members: for each
    loose item's id the groups it resembles most (at most ``synthesis.CLOSEST``), and for each group
    id in ``among`` the groups at least as large it resembles most (``synthesis.CLOSEST_MERGES``)."""
    members = {item.id: item for item in loose}
    members.update((item.id, item) for group in groups.values() for item in group)
    ids = {group_id: [item.id for item in group] for group_id, group in groups.items()}
    resemblance = synthesis.Resemblance([_comparable(item) for item in members.values()])
    return (
        resemblance.closest_groups(ids, [item.id for item in loose]),
        resemblance.closest_group_pairs(ids, among),
    )
