"""The report data: groups with their support and bridging score, who must act, bottlenecks, participation per session."""

from collections import Counter, defaultdict
from dataclasses import replace

from sqlalchemy import func, select

from ..board.models import Board, Bottleneck, ModerationEntry, Participant, Proposal
from ..choices import ACTORS, ROLE_LABELS, SECTOR_LABELS
from ..extensions import db
from ..registration.meetings import meetings_in_date_order
from ..registration.models import CONFIRMED, Meeting, Registration
from ..timeutil import utcnow
from . import labels
from .models import GroupMember, ProposalGroup
from .report import (
    Answer,
    BoardRef,
    BottleneckEntry,
    BridgingRole,
    CellIdea,
    Group,
    LabelledCount,
    Matrix,
    MatrixCell,
    MatrixRow,
    ModerationCount,
    ProposalEntry,
    Report,
    Scope,
    SessionChapter,
    ThemeName,
    Totals,
)
from .scope import (
    ALL,
    Chosen,
    Item,
    Themes,
    group_title,
    items_of,
    left_out_boards,
    majority,
    meeting_for,
    scope_boards,
    suggested_partition,
    themes_of,
)

# The roles whose agreement makes a proposal "bridging": the people who must carry the plan.
# Students and "anders" take part and vote, but a consensus across them is not what is asked.
BRIDGING_ROLES = ("leraar", "schoolleider", "onderzoeker", "lerarenopleider", "bestuurder", "beleidsmaker")
TOP_GROUPS = 10
TOP_PER_CELL = 3
TOP_PER_SESSION = 10


# ---------------------------------------------------------------------------------------------
# Groups, their support and their bridging score


def _confirmed_membership() -> tuple[dict[int, int], dict[int, Chosen]]:
    """proposal id → confirmed group id, and confirmed group id → what the organiser chose for it."""
    rows = db.session.execute(
        select(GroupMember.proposal_id, ProposalGroup.id, ProposalGroup.title, ProposalGroup.theme, ProposalGroup.actor)
        .join(ProposalGroup, ProposalGroup.id == GroupMember.group_id)
        .where(ProposalGroup.confirmed.is_(True))
    )
    membership, titles = {}, {}
    for proposal_id, group_id, title, theme, actor in rows:
        membership[proposal_id] = group_id
        titles[group_id] = Chosen(title, theme, actor)
    return membership, titles


def _partition(items: list[Item], suggest: bool) -> list[tuple[int | None, Chosen | None, bool, list[Item]]]:
    """(group id, what the organiser chose for it, confirmed, members) for every group in scope; a
    proposal outside a confirmed group is a group of its own."""
    if suggest:
        return [(None, None, False, members) for members in suggested_partition(items)]
    membership, titles = _confirmed_membership()
    grouped: dict[int, list[Item]] = defaultdict(list)
    alone = []
    for item in items:
        group_id = membership.get(item.id)
        if group_id is None:
            alone.append((None, None, False, [item]))
        else:
            grouped[group_id].append(item)
    return [(gid, titles[gid], True, members) for gid, members in grouped.items()] + alone


def _consensus(
    supporter_ids: set, participants: dict[int, Participant], role_sizes: dict[str, int]
) -> tuple[float, dict[str, int]]:
    """(score, role → supporters): for every bridging role present, (supporters + 1)/(members + 2),
    multiplied. A role that is absent from the room does not count against anyone."""
    by_role = Counter(participants[pid].role for pid in supporter_ids if pid in participants)
    score = 1.0
    for role, size in role_sizes.items():
        score *= (by_role.get(role, 0) + 1) / (size + 2)
    return score, {role: by_role.get(role, 0) for role in role_sizes}


def _group(gid, chosen: Chosen | None, confirmed, members: list[Item], participants, role_sizes, theme_names) -> Group:
    """The group unranked (rank 0): ``_ranked`` numbers them. Title, theme and actor are the
    organiser's where chosen, else what the members say (scope.group_title, scope.majority)."""
    members = sorted(members, key=lambda item: (-len(item.supporters), -item.votes, item.id))
    lead = members[0].entry
    chosen = chosen or Chosen(None, None, None)
    actor = chosen.actor or majority((item.entry.actor for item in members), labels.NO_ACTOR)
    theme = chosen.theme or majority((item.entry.theme for item in members), labels.NO_THEME)
    supporter_ids = set().union(*(item.supporters for item in members))
    score, by_role = _consensus(supporter_ids, participants, role_sizes)
    return Group(
        id=gid,
        title=group_title(chosen.title, members),
        confirmed=confirmed,
        votes=sum(item.votes for item in members),
        supporters=len(supporter_ids),
        supporters_by_role=by_role,
        roles_supporting=sum(1 for n in by_role.values() if n),
        consensus=score,
        actor=actor,
        actor_label=labels.actor_label(actor),
        theme=theme,
        theme_name=labels.theme_name(theme_names, theme),
        groot_denken=lead.groot_denken,
        klein_doen=next((item.entry.klein_doen for item in members if item.entry.klein_doen), ""),
        sessions=sorted({item.city for item in members if item.city}),
        proposals=[item.entry for item in members],
        rank=0,
    )


def _supported(ranked: list) -> list:
    """What a top list may show: ideas with at least one dot, on a phone or on paper. Without any
    they are ranked by chance, and a top list of them says the room liked them."""
    return [entry for entry in ranked if entry.votes]


def _ranked(groups: list[Group]) -> list[Group]:
    ordered = sorted(groups, key=lambda g: (-g.supporters, -g.votes, g.title.casefold(), g.proposals[0].id))
    return [replace(group, rank=position) for position, group in enumerate(ordered, start=1)]


# ---------------------------------------------------------------------------------------------
# Participation, bottlenecks and the session chapters


def _registration_counts(meeting_ids: list[int]) -> dict[int, dict]:
    counts: dict[int, dict] = {
        mid: {
            "registered": 0,
            "checked_in": 0,
            "by_role": Counter(),
            "by_sector": Counter(),
            "checked_in_by_role": Counter(),
        }
        for mid in meeting_ids
    }
    rows = db.session.execute(
        select(Registration.meeting_id, Registration.role, Registration.sector, Registration.checked_in_at).where(
            Registration.meeting_id.in_(meeting_ids), Registration.status == CONFIRMED
        )
    )
    for meeting_id, role, sector, checked_in_at in rows:
        entry = counts[meeting_id]
        entry["registered"] += 1
        entry["by_role"][role] += 1
        entry["by_sector"][sector] += 1
        if checked_in_at is not None:
            entry["checked_in"] += 1
            entry["checked_in_by_role"][role] += 1
    return counts


def _labelled(counter: Counter, known: dict) -> list[LabelledCount]:
    counts = [LabelledCount(key, str(label), counter.get(key, 0)) for key, label in known.items()]
    other = sum(n for key, n in counter.items() if key not in known)
    if other:
        counts.append(LabelledCount(labels.NOT_GIVEN, str(labels.NOT_GIVEN_LABEL), other))
    return counts


def _moderation_counts(board_ids: list[int]) -> dict[int, Counter]:
    counts: dict[int, Counter] = defaultdict(Counter)
    rows = db.session.execute(
        select(ModerationEntry.board_id, ModerationEntry.action, func.count())
        .where(ModerationEntry.board_id.in_(board_ids))
        .group_by(ModerationEntry.board_id, ModerationEntry.action)
    )
    for board_id, action, n in rows:
        counts[board_id][action] += n
    return counts


def _board_ref(board: Board) -> BoardRef:
    return BoardRef(board.code, board.title, board.phase, board.practice, board.archived_at is not None)


def _session_chapter(
    meeting: Meeting | None,
    boards: list[Board],
    items: list[Item],
    participants: dict[int, Participant],
    registrations: dict[int, dict],
    bottlenecks: list[BottleneckEntry],
    moderation_by_board: dict[int, Counter],
    kansrijk: list[ProposalEntry],
) -> SessionChapter:
    board_ids = {board.id for board in boards}
    codes = {board.code for board in boards}
    mine = [item for item in items if item.entry.board in codes]
    joined = [p for p in participants.values() if p.board_id in board_ids]
    counts = registrations.get(meeting.id) if meeting else None
    moderation = sum((moderation_by_board.get(board_id, Counter()) for board_id in board_ids), Counter())
    ranked = sorted(mine, key=lambda i: (-i.votes, -len(i.supporters), i.id))
    return SessionChapter(
        slug=meeting.slug if meeting else None,
        city=labels.session_name(meeting.city if meeting else None),
        date=meeting.date.isoformat() if meeting else None,
        venue=meeting.venue if meeting else None,
        boards=[_board_ref(b) for b in boards],
        registered=counts["registered"] if counts else 0,
        checked_in=counts["checked_in"] if counts else 0,
        joined=len(joined),
        registered_by_role=_labelled(counts["by_role"], ROLE_LABELS) if counts else [],
        registered_by_sector=_labelled(counts["by_sector"], SECTOR_LABELS) if counts else [],
        joined_by_role=_labelled(Counter(p.role for p in joined), ROLE_LABELS),
        joined_by_sector=_labelled(Counter(p.sector for p in joined), SECTOR_LABELS),
        proposals=len(mine),
        votes=sum(item.votes for item in mine),
        top_proposals=_supported([item.entry for item in ranked])[:TOP_PER_SESSION],
        kansrijk=[entry for entry in kansrijk if entry.board in codes],
        bottlenecks=[b for b in bottlenecks if b.board in codes],
        moderation=[
            ModerationCount(action, labels.moderation_label(action), n) for action, n in sorted(moderation.items())
        ],
    )


def _bottlenecks(
    board_ids: list[int], boards: dict[int, Board], items: list[Item], themes: Themes
) -> list[BottleneckEntry]:
    answers: dict[int, list[Answer]] = defaultdict(list)
    for item in items:
        if item.bottleneck_id is not None:
            answers[item.bottleneck_id].append(Answer(item.id, item.title, item.votes))
    rows = db.session.scalars(
        select(Bottleneck)
        .where(Bottleneck.board_id.in_(board_ids), Bottleneck.hidden.is_(False))
        .order_by(Bottleneck.id)
    )
    result = []
    for bottleneck in rows:
        theme = themes.keys.get(bottleneck.theme_id, labels.NO_THEME)
        result.append(
            BottleneckEntry(
                id=bottleneck.id,
                text=bottleneck.text,
                board=boards[bottleneck.board_id].code,
                theme=theme,
                theme_name=labels.theme_name(themes.names, theme),
                answered_by=sorted(answers.get(bottleneck.id, []), key=lambda a: (-a.votes, a.id)),
            )
        )
    return result


def _kansrijk(board_ids: list[int], items: list[Item]) -> list[ProposalEntry]:
    """The proposals the facilitator marked "kansrijk" while harvesting, most votes first: the
    facilitator's judgement, shown beside the room's votes and never mixed into them."""
    marked = set(
        db.session.scalars(select(Proposal.id).where(Proposal.board_id.in_(board_ids), Proposal.promising.is_(True)))
    )
    return [item.entry for item in sorted(items, key=lambda i: (-i.votes, i.id)) if item.id in marked]


# ---------------------------------------------------------------------------------------------
# Who must act: actor × theme


def _matrix(groups: list[Group], theme_order: list[str], theme_names: dict[str, str]) -> Matrix:
    actors = [key for key, _label in ACTORS]
    themes = list(theme_order)
    cells: dict[tuple[str, str], list[Group]] = defaultdict(list)
    for group in groups:
        actor = group.actor if group.actor in actors else labels.NO_ACTOR
        if actor == labels.NO_ACTOR and labels.NO_ACTOR not in actors:
            actors.append(labels.NO_ACTOR)
        if group.theme not in themes:
            themes.append(group.theme)
        cells[(actor, group.theme)].append(group)
    rows = []
    for actor in actors:
        row_cells = []
        for theme in themes:
            ranked = cells.get((actor, theme), [])
            top = [CellIdea(g.title, g.klein_doen, g.supporters, g.votes) for g in ranked[:TOP_PER_CELL]]
            row_cells.append(MatrixCell(theme, len(ranked), top))
        if any(cell.count for cell in row_cells):
            rows.append((actor, row_cells))
    used = {cell.theme for _actor, row_cells in rows for cell in row_cells if cell.count}
    return Matrix(
        themes=[ThemeName(t, labels.theme_name(theme_names, t)) for t in themes if t in used],
        rows=[
            MatrixRow(actor, labels.actor_label(actor), [cell for cell in row_cells if cell.theme in used])
            for actor, row_cells in rows
        ],
    )


# ---------------------------------------------------------------------------------------------
# The report


def build_report(slug: str | None = None, suggest: bool = False) -> Report:
    """Everything in the report for one session (``slug``) or for all (``None`` or ``"alle"``).
    With ``suggest`` the groups are the automatic suggestion instead of the confirmed review.
    Raises UnknownSession for a slug no session has."""
    meeting = meeting_for(slug)
    meetings = {m.id: m for m in meetings_in_date_order()}
    boards = scope_boards(meeting)
    board_ids = [board.id for board in boards]
    themes = themes_of(board_ids)
    items, participants = items_of(boards, meetings, themes)

    declared = Counter(p.role for p in participants.values() if p.role in BRIDGING_ROLES)
    role_sizes = {role: declared[role] for role in BRIDGING_ROLES if declared[role]}
    groups = _ranked(
        [
            _group(gid, chosen, confirmed, members, participants, role_sizes, themes.names)
            for gid, chosen, confirmed, members in _partition(items, suggest)
        ]
    )
    bridging = sorted(
        (g for g in groups if g.roles_supporting >= 2),
        key=lambda g: (-g.consensus, -g.supporters, g.rank),
    )[:TOP_GROUPS]

    scope_meetings = [meeting] if meeting else list(meetings.values())
    registrations = _registration_counts([m.id for m in scope_meetings])
    bottlenecks = _bottlenecks(board_ids, {b.id: b for b in boards}, items, themes) if board_ids else []
    moderation = _moderation_counts(board_ids)
    kansrijk = _kansrijk(board_ids, items) if board_ids else []
    chapters = [
        _session_chapter(
            m,
            [b for b in boards if b.meeting_id == m.id],
            items,
            participants,
            registrations,
            bottlenecks,
            moderation,
            kansrijk,
        )
        for m in scope_meetings
    ]
    loose = [b for b in boards if b.meeting_id is None]
    if loose:
        chapters.append(
            _session_chapter(None, loose, items, participants, registrations, bottlenecks, moderation, kansrijk)
        )

    chapter_order = {chapter.slug: position for position, chapter in enumerate(chapters)}
    appendix = sorted(items, key=lambda i: (chapter_order.get(i.entry.session, len(chapter_order)), -i.votes, i.id))
    return Report(
        scope=Scope(
            kind="session" if meeting else "all",
            slug=meeting.slug if meeting else ALL,
            city=meeting.city if meeting else None,
            grouping="suggested" if suggest else "confirmed",
            generated_at=utcnow().isoformat(timespec="seconds") + "Z",
            boards=[_board_ref(b) for b in boards],
            left_out=[_board_ref(b) for b in left_out_boards(meeting)],
        ),
        totals=Totals(
            sessions=len(scope_meetings),
            registered=sum(c.registered for c in chapters),
            checked_in=sum(c.checked_in for c in chapters),
            participants=len(participants),
            proposals=len(items),
            votes=sum(item.votes for item in items),
            groups=len(groups),
            groups_of_several=sum(1 for g in groups if len(g.proposals) > 1),
            bottlenecks=len(bottlenecks),
            bottlenecks_answered=sum(1 for b in bottlenecks if b.answered_by),
        ),
        roles=[BridgingRole(role, str(ROLE_LABELS[role]), size) for role, size in role_sizes.items()],
        groups=groups,
        top_groups=_supported(groups)[:TOP_GROUPS],
        kansrijk=kansrijk,
        bridging=bridging,
        themes=[ThemeName(key, themes.names[key]) for key in themes.order],
        matrix=_matrix(groups, themes.order, themes.names),
        bottlenecks=bottlenecks,
        sessions=chapters,
        appendix=[item.entry for item in appendix],
    )
