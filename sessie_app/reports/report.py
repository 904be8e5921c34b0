"""What ``build_report`` returns: the report as typed, plain data, read by the document, the exports and the tests.

Every text is a ``str`` in the locale the report was built in (no lazy strings), every number an
int or float, so ``Report.to_json()`` is JSON as it is. Field order is the key order of the JSON.
No personal data: registrations only as counts, participants only by role and sector, a proposal's
author only by the nickname the participant chose to show.
"""

from dataclasses import asdict, dataclass

from .labels import NO_THEME


@dataclass(frozen=True, slots=True)
class ProposalEntry:
    """One visible proposal: a member of a group, a session's top proposal, a row of the appendix."""

    id: int
    title: str
    groot_denken: str
    klein_doen: str
    actor: str
    actor_label: str
    theme: str
    theme_name: str
    board: str
    session: str | None
    session_city: str  # the session's city, or the label for a board without session
    author: str | None
    votes: int
    supporters: int


@dataclass(frozen=True, slots=True)
class Group:
    """Proposals that say the same thing (a confirmed group, a suggestion, or one proposal alone)."""

    id: int | None
    title: str
    confirmed: bool
    votes: int
    supporters: int
    supporters_by_role: dict[str, int]
    roles_supporting: int
    consensus: float
    actor: str
    actor_label: str
    theme: str
    theme_name: str
    groot_denken: str
    klein_doen: str
    sessions: list[str]
    proposals: list[ProposalEntry]
    rank: int

    @property
    def has_theme(self) -> bool:
        return self.theme != NO_THEME


@dataclass(frozen=True, slots=True)
class Scope:
    kind: str  # "session" or "all"
    slug: str
    city: str | None
    grouping: str  # "confirmed" or "suggested"
    generated_at: str  # UTC, ISO 8601 with a Z
    boards: "list[BoardRef]"  # the boards the report counts
    left_out: "list[BoardRef]"  # boards of the scope it does not count: rehearsals, stand-alone, archived


@dataclass(frozen=True, slots=True)
class Totals:
    sessions: int
    registered: int
    checked_in: int
    participants: int
    proposals: int
    votes: int
    groups: int
    groups_of_several: int
    bottlenecks: int
    bottlenecks_answered: int


@dataclass(frozen=True, slots=True)
class BridgingRole:
    """A role whose support makes an idea bridging, with how many participants had it."""

    key: str
    label: str
    participants: int


@dataclass(frozen=True, slots=True)
class ThemeName:
    key: str
    name: str


@dataclass(frozen=True, slots=True)
class CellIdea:
    title: str
    klein_doen: str
    supporters: int
    votes: int


@dataclass(frozen=True, slots=True)
class MatrixCell:
    theme: str
    count: int
    top: list[CellIdea]


@dataclass(frozen=True, slots=True)
class MatrixRow:
    actor: str
    label: str
    cells: list[MatrixCell]


@dataclass(frozen=True, slots=True)
class Matrix:
    """Actor × theme: the groups per cell, rows and columns that hold none left out."""

    themes: list[ThemeName]
    rows: list[MatrixRow]


@dataclass(frozen=True, slots=True)
class Answer:
    id: int
    title: str
    votes: int


@dataclass(frozen=True, slots=True)
class BottleneckEntry:
    id: int
    text: str
    board: str
    theme: str
    theme_name: str
    answered_by: list[Answer]


@dataclass(frozen=True, slots=True)
class LabelledCount:
    key: str
    label: str
    count: int


@dataclass(frozen=True, slots=True)
class BoardRef:
    code: str
    title: str
    phase: str
    practice: bool
    archived: bool


@dataclass(frozen=True, slots=True)
class ModerationCount:
    action: str
    label: str
    count: int


@dataclass(frozen=True, slots=True)
class SessionChapter:
    slug: str | None
    city: str  # the session's city, or the label for the boards without session
    date: str | None
    venue: str | None
    boards: list[BoardRef]
    registered: int
    checked_in: int
    joined: int
    registered_by_role: list[LabelledCount]
    registered_by_sector: list[LabelledCount]
    joined_by_role: list[LabelledCount]
    joined_by_sector: list[LabelledCount]
    proposals: int
    votes: int
    top_proposals: list[ProposalEntry]  # with at least one vote, most votes first
    kansrijk: list[ProposalEntry]  # marked "kansrijk" by the facilitator while harvesting, most votes first
    bottlenecks: list[BottleneckEntry]
    moderation: list[ModerationCount]


@dataclass(frozen=True, slots=True)
class Report:
    scope: Scope
    totals: Totals
    roles: list[BridgingRole]
    groups: list[Group]
    top_groups: list[Group]  # with at least one vote
    kansrijk: list[ProposalEntry]  # every proposal the facilitators marked "kansrijk", most votes first
    bridging: list[Group]
    themes: list[ThemeName]
    matrix: Matrix
    bottlenecks: list[BottleneckEntry]
    sessions: list[SessionChapter]
    appendix: list[ProposalEntry]  # in the order of the session chapters, then by votes

    def to_json(self) -> dict:
        """The report as JSON-ready dicts and lists, keys in field order."""
        return asdict(self)
