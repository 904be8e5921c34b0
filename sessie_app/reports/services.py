"""The synthesis behind the Plan van Aanpak: groups reviewed by the organiser, support per group,
bridging proposals, who must act, and participation per session.

``build_report`` returns plain data (dicts, lists, strings, numbers) that the PDF template, the
JSON and CSV exports and the tests all read. It holds no personal data: registrations appear
only as counts, participants only by role and sector, and a proposal's author only by the
nickname the participant chose to show.

The group review works on every visible proposal of every board at once, so one idea raised in
Amsterdam and in Zwolle ends up in one group; a report for one session shows each group with
that session's proposals only.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select

from .. import limits
from ..board.models import (
    Board,
    Bottleneck,
    ModerationEntry,
    Participant,
    Proposal,
    Theme,
    Vote,
)
from ..choices import ACTOR_LABELS, ACTORS, ROLE_LABELS, SECTOR_LABELS
from ..extensions import db
from ..registration.meetings import MeetingNotFound, meeting_by_slug
from ..registration.models import CONFIRMED, Meeting, Registration
from ..timeutil import utcnow
from . import synthesis
from .models import GroupMember, ProposalGroup

# The roles whose agreement makes a proposal "bridging": the people who must carry the plan.
# Students and "anders" take part and vote, but a consensus across them is not what is asked.
BRIDGING_ROLES = ("leraar", "schoolleider", "onderzoeker", "lerarenopleider", "bestuurder", "beleidsmaker")
NO_THEME = "zonder-thema"
NO_ACTOR = "onbepaald"
TOP_GROUPS = 10
TOP_PER_CELL = 3
TOP_PER_SESSION = 10
GROUP_TITLE_MAX = limits.GROUP_TITLE
ALL = "alle"


class ReportError(Exception):
    """A review action that cannot be done; ``str()`` of it is the message for the organiser."""


class UnknownSession(ReportError):
    pass


# ---------------------------------------------------------------------------------------------
# The proposals in scope


@dataclass
class Item:
    """One visible proposal with everything the report needs about it."""

    id: int
    title: str
    big: str | None
    small: str | None
    actor: str | None
    theme: str
    board: str
    board_title: str
    session: str | None
    session_city: str | None
    nickname: str | None
    bottleneck_id: int | None
    votes: int
    supporters: frozenset

    def public(self) -> dict:
        return {
            "id": self.id,
            "title": self.title,
            "groot_denken": self.big or "",
            "klein_doen": self.small or "",
            "actor": self.actor or NO_ACTOR,
            "theme": self.theme,
            "board": self.board,
            "session": self.session,
            "session_city": self.session_city,
            "author": self.nickname,
            "votes": self.votes,
            "supporters": len(self.supporters),
        }


def _scope_boards(meeting: Meeting | None) -> list[Board]:
    query = select(Board).order_by(Board.id)
    if meeting is not None:
        query = query.where(Board.meeting_id == meeting.id)
    return list(db.session.scalars(query))


def _visible_proposals(board_ids: list[int]) -> list[Proposal]:
    return list(
        db.session.scalars(
            select(Proposal)
            .where(Proposal.board_id.in_(board_ids), Proposal.hidden.is_(False), Proposal.merged_into_id.is_(None))
            .order_by(Proposal.id)
        )
    )


def _items(
    boards: list[Board], meetings: dict[int, Meeting], theme_keys: dict[int, str]
) -> tuple[list[Item], dict[int, Participant]]:
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
        items.append(
            Item(
                id=proposal.id,
                title=proposal.title,
                big=proposal.big,
                small=proposal.small,
                actor=proposal.actor,
                theme=theme_keys.get(proposal.theme_id, NO_THEME),
                board=board.code,
                board_title=board.title,
                session=meeting.slug if meeting else None,
                session_city=meeting.city if meeting else None,
                nickname=author.nickname if author and author.nickname else None,
                bottleneck_id=proposal.bottleneck_id,
                votes=votes[proposal.id] + proposal.paper_votes,
                supporters=frozenset(supporters[proposal.id]),
            )
        )
    return items, participants


@dataclass
class Themes:
    """The boards' themes: id → key, key → name (the first board's wording), keys in board order."""

    keys: dict[int, str]
    names: dict[str, str]
    order: list[str]


def _themes(board_ids: list[int]) -> Themes:
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


def _all_items() -> list[Item]:
    """Every visible proposal of every board: what the group review works on."""
    boards = _scope_boards(None)
    meetings = {m.id: m for m in db.session.scalars(select(Meeting))}
    return _items(boards, meetings, _themes([b.id for b in boards]).keys)[0]


# ---------------------------------------------------------------------------------------------
# Groups: the stored review and the automatic suggestion


def _confirmed_membership() -> tuple[dict[int, int], dict[int, str]]:
    """proposal id → confirmed group id, and confirmed group id → title."""
    rows = db.session.execute(
        select(GroupMember.proposal_id, ProposalGroup.id, ProposalGroup.title)
        .join(ProposalGroup, ProposalGroup.id == GroupMember.group_id)
        .where(ProposalGroup.confirmed.is_(True))
    )
    membership, titles = {}, {}
    for proposal_id, group_id, title in rows:
        membership[proposal_id] = group_id
        titles[group_id] = title
    return membership, titles


def _comparable_text(title: str, big: str | None) -> str:
    # The ambition decides whether two proposals are the same idea; the first step may differ.
    return f"{title} {big or ''}"


def _suggested_partition(items: list[Item]) -> list[list[Item]]:
    by_id = {item.id: item for item in items}
    ids = synthesis.suggest_groups((item.id, _comparable_text(item.title, item.big)) for item in items)
    return [[by_id[i] for i in group] for group in ids]


def _partition(items: list[Item], suggest: bool) -> list[tuple[int | None, str | None, bool, list[Item]]]:
    """(group id, stored title, confirmed, members) for every group in scope; a proposal outside a
    confirmed group is a group of its own."""
    if suggest:
        return [(None, None, False, members) for members in _suggested_partition(items)]
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


def _lead(members: list[Item]) -> Item:
    return min(members, key=lambda item: (-len(item.supporters), -item.votes, item.id))


def _consensus(
    supporter_ids: set, participants: dict[int, Participant], role_sizes: dict[str, int]
) -> tuple[float, dict]:
    """(score, role → supporters): for every bridging role present, (supporters + 1)/(members + 2),
    multiplied. A role that is absent from the room does not count against anyone."""
    by_role = Counter(participants[pid].role for pid in supporter_ids if pid in participants)
    score = 1.0
    for role, size in role_sizes.items():
        score *= (by_role.get(role, 0) + 1) / (size + 2)
    return score, {role: by_role.get(role, 0) for role in role_sizes}


def _group_dict(gid, stored_title, confirmed, members, participants, role_sizes, theme_names) -> dict:
    members = sorted(members, key=lambda item: (-len(item.supporters), -item.votes, item.id))
    lead = members[0]
    supporter_ids = set().union(*(item.supporters for item in members))
    score, by_role = _consensus(supporter_ids, participants, role_sizes)
    first_step = next((item.small for item in members if item.small), "")
    return {
        "id": gid,
        "title": stored_title or lead.title,
        "confirmed": confirmed,
        "votes": sum(item.votes for item in members),
        "supporters": len(supporter_ids),
        "supporters_by_role": by_role,
        "roles_supporting": sum(1 for n in by_role.values() if n),
        "consensus": score,
        "actor": lead.actor or NO_ACTOR,
        "actor_label": str(ACTOR_LABELS.get(lead.actor, "")) or None,
        "theme": lead.theme,
        "theme_name": theme_names.get(lead.theme),
        "groot_denken": lead.big or "",
        "klein_doen": first_step,
        "sessions": sorted({item.session_city for item in members if item.session_city}),
        "proposals": [item.public() for item in members],
    }


def _rank(groups: list[dict]) -> list[dict]:
    return sorted(groups, key=lambda g: (-g["supporters"], -g["votes"], g["title"].casefold(), g["proposals"][0]["id"]))


# ---------------------------------------------------------------------------------------------
# The report


def _meeting_for(slug: str | None) -> Meeting | None:
    if slug in (None, ALL):
        return None
    try:
        return meeting_by_slug(slug)
    except MeetingNotFound:
        raise UnknownSession(slug) from None


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


def _labelled(counter: Counter, labels: dict) -> list[dict]:
    known = [{"key": key, "label": str(label), "count": counter.get(key, 0)} for key, label in labels.items()]
    other = sum(n for key, n in counter.items() if key not in labels)
    if other:
        known.append({"key": "onbekend", "label": str(_l("Niet opgegeven")), "count": other})
    return known


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


def _session_chapter(
    meeting: Meeting | None,
    boards: list[Board],
    items: list[Item],
    participants,
    registrations,
    bottlenecks,
    moderation_by_board,
) -> dict:
    board_ids = {board.id for board in boards}
    codes = {board.code for board in boards}
    mine = [item for item in items if item.board in codes]
    joined = [p for p in participants.values() if p.board_id in board_ids]
    counts = registrations.get(meeting.id) if meeting else None
    moderation = sum((moderation_by_board.get(board_id, Counter()) for board_id in board_ids), Counter())
    return {
        "slug": meeting.slug if meeting else None,
        "city": meeting.city if meeting else "Zonder sessie",
        "date": meeting.date.isoformat() if meeting else None,
        "venue": meeting.venue if meeting else None,
        "boards": [{"code": b.code, "title": b.title, "phase": b.phase} for b in boards],
        "registered": counts["registered"] if counts else 0,
        "checked_in": counts["checked_in"] if counts else 0,
        "joined": len(joined),
        "registered_by_role": _labelled(counts["by_role"], ROLE_LABELS) if counts else [],
        "registered_by_sector": _labelled(counts["by_sector"], SECTOR_LABELS) if counts else [],
        "joined_by_role": _labelled(Counter(p.role for p in joined), ROLE_LABELS),
        "joined_by_sector": _labelled(Counter(p.sector for p in joined), SECTOR_LABELS),
        "proposals": len(mine),
        "votes": sum(item.votes for item in mine),
        "top_proposals": [
            item.public() for item in sorted(mine, key=lambda i: (-i.votes, -len(i.supporters), i.id))[:TOP_PER_SESSION]
        ],
        "bottlenecks": [b for b in bottlenecks if b["board"] in codes],
        "moderation": [{"action": action, "count": n} for action, n in sorted(moderation.items())],
    }


def _bottlenecks(
    board_ids: list[int],
    boards: dict[int, Board],
    items: list[Item],
    theme_keys: dict[int, str],
    theme_names: dict[str, str],
) -> list[dict]:
    answers: dict[int, list[dict]] = defaultdict(list)
    for item in items:
        if item.bottleneck_id is not None:
            answers[item.bottleneck_id].append({"id": item.id, "title": item.title, "votes": item.votes})
    rows = db.session.scalars(
        select(Bottleneck)
        .where(Bottleneck.board_id.in_(board_ids), Bottleneck.hidden.is_(False))
        .order_by(Bottleneck.id)
    )
    result = []
    for bottleneck in rows:
        theme = theme_keys.get(bottleneck.theme_id, NO_THEME)
        linked = sorted(answers.get(bottleneck.id, []), key=lambda a: (-a["votes"], a["id"]))
        result.append(
            {
                "id": bottleneck.id,
                "text": bottleneck.text,
                "board": boards[bottleneck.board_id].code,
                "theme": theme,
                "theme_name": theme_names.get(theme),
                "answered_by": linked,
            }
        )
    return result


def _matrix(groups: list[dict], theme_order: list[str], theme_names: dict[str, str]) -> dict:
    actors = [key for key, _label in ACTORS]
    themes = list(theme_order)
    cells: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for group in groups:
        actor = group["actor"] if group["actor"] in actors else NO_ACTOR
        theme = group["theme"]
        if actor == NO_ACTOR and NO_ACTOR not in actors:
            actors.append(NO_ACTOR)
        if theme not in themes:
            themes.append(theme)
        cells[(actor, theme)].append(group)
    rows = []
    for actor in actors:
        row_cells = []
        for theme in themes:
            ranked = cells.get((actor, theme), [])
            row_cells.append(
                {
                    "theme": theme,
                    "count": len(ranked),
                    "top": [
                        {
                            "title": g["title"],
                            "klein_doen": g["klein_doen"],
                            "supporters": g["supporters"],
                            "votes": g["votes"],
                        }
                        for g in ranked[:TOP_PER_CELL]
                    ],
                }
            )
        if any(cell["count"] for cell in row_cells):
            rows.append({"actor": actor, "label": str(ACTOR_LABELS.get(actor, "Nog niet bepaald")), "cells": row_cells})
    used = [
        theme
        for theme in themes
        if any(cell["count"] for row in rows for cell in row["cells"] if cell["theme"] == theme)
    ]
    for row in rows:
        row["cells"] = [cell for cell in row["cells"] if cell["theme"] in used]
    return {
        "themes": [{"key": t, "name": theme_names.get(t, "Zonder thema")} for t in used],
        "rows": rows,
    }


def build_report(slug: str | None = None, suggest: bool = False) -> dict:
    """Everything in the report for one session (``slug``) or for all (``None`` or ``"alle"``).
    With ``suggest`` the groups are the automatic suggestion instead of the confirmed review."""
    meeting = _meeting_for(slug)
    meetings = {m.id: m for m in db.session.scalars(select(Meeting).order_by(Meeting.date, Meeting.id))}
    boards = _scope_boards(meeting)
    board_ids = [board.id for board in boards]
    themes = _themes(board_ids)
    theme_names = themes.names
    items, participants = _items(boards, meetings, themes.keys)

    declared = Counter(p.role for p in participants.values() if p.role in BRIDGING_ROLES)
    role_sizes = {role: declared[role] for role in BRIDGING_ROLES if declared[role]}
    groups = _rank(
        [
            _group_dict(gid, title, confirmed, members, participants, role_sizes, theme_names)
            for gid, title, confirmed, members in _partition(items, suggest)
        ]
    )
    for position, group in enumerate(groups, start=1):
        group["rank"] = position
    bridging = sorted(
        (g for g in groups if g["roles_supporting"] >= 2),
        key=lambda g: (-g["consensus"], -g["supporters"], g["rank"]),
    )[:TOP_GROUPS]

    scope_meetings = [meeting] if meeting else list(meetings.values())
    registrations = _registration_counts([m.id for m in scope_meetings])
    bottlenecks = (
        _bottlenecks(board_ids, {b.id: b for b in boards}, items, themes.keys, theme_names) if board_ids else []
    )
    moderation = _moderation_counts(board_ids)
    chapters = []
    for m in scope_meetings:
        chapters.append(
            _session_chapter(
                m,
                [b for b in boards if b.meeting_id == m.id],
                items,
                participants,
                registrations,
                bottlenecks,
                moderation,
            )
        )
    loose = [b for b in boards if b.meeting_id is None]
    if loose:
        chapters.append(_session_chapter(None, loose, items, participants, registrations, bottlenecks, moderation))

    chapter_order = {chapter["slug"]: position for position, chapter in enumerate(chapters)}
    return {
        "scope": {
            "kind": "session" if meeting else "all",
            "slug": meeting.slug if meeting else ALL,
            "city": meeting.city if meeting else None,
            "grouping": "suggested" if suggest else "confirmed",
            "generated_at": utcnow().isoformat(timespec="seconds") + "Z",
        },
        "totals": {
            "sessions": len(scope_meetings),
            "registered": sum(c["registered"] for c in chapters),
            "checked_in": sum(c["checked_in"] for c in chapters),
            "participants": len(participants),
            "proposals": len(items),
            "votes": sum(item.votes for item in items),
            "groups": len(groups),
            "groups_of_several": sum(1 for g in groups if len(g["proposals"]) > 1),
            "bottlenecks": len(bottlenecks),
            "bottlenecks_answered": sum(1 for b in bottlenecks if b["answered_by"]),
        },
        "roles": [
            {"key": role, "label": str(ROLE_LABELS[role]), "participants": size} for role, size in role_sizes.items()
        ],
        "groups": groups,
        "top_groups": groups[:TOP_GROUPS],
        "bridging": bridging,
        "themes": [{"key": key, "name": theme_names[key]} for key in themes.order],
        "matrix": _matrix(groups, themes.order, theme_names),
        "bottlenecks": bottlenecks,
        "sessions": chapters,
        # In the order of the session chapters, then by votes.
        "appendix": [
            item.public()
            for item in sorted(items, key=lambda i: (chapter_order.get(i.session, len(chapter_order)), -i.votes, i.id))
        ],
    }


# ---------------------------------------------------------------------------------------------
# The organiser's review of the groups


def review() -> dict:
    """The stored groups (suggested and confirmed) with their proposals, and the proposals in no group."""
    items = _all_items()
    by_id = {item.id: item for item in items}
    groups = []
    grouped = set()
    members_by_group: dict[int, list[Item]] = defaultdict(list)
    for proposal_id, group_id in db.session.execute(select(GroupMember.proposal_id, GroupMember.group_id)):
        if proposal_id in by_id:
            members_by_group[group_id].append(by_id[proposal_id])
            grouped.add(proposal_id)
    for group in db.session.scalars(select(ProposalGroup).order_by(ProposalGroup.confirmed, ProposalGroup.id)):
        members = sorted(members_by_group.get(group.id, []), key=lambda i: (-i.votes, i.id))
        if not members:
            # Every proposal in it was hidden or merged on its board since.
            continue
        groups.append(
            {
                "id": group.id,
                "title": group.title,
                "confirmed": group.confirmed,
                "votes": sum(i.votes for i in members),
                "proposals": [item.public() for item in members],
            }
        )
    loose = [item.public() for item in sorted(items, key=lambda i: (-i.votes, i.id)) if item.id not in grouped]
    return {
        "groups": groups,
        "ungrouped": loose,
        "suggested": sum(1 for g in groups if not g["confirmed"]),
        "confirmed": sum(1 for g in groups if g["confirmed"]),
        "proposals": len(items),
    }


# Ids arrive from forms; one beyond a 32-bit integer would make the database raise instead of miss.
MAX_ID = 2**31 - 1


def _as_id(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= MAX_ID else None


def _group(group_id) -> ProposalGroup:
    number = _as_id(group_id)
    group = db.session.get(ProposalGroup, number) if number else None
    if group is None:
        raise ReportError(_l("Deze groep bestaat niet meer. Vernieuw de pagina."))
    return group


def _visible(proposal_id) -> Proposal:
    number = _as_id(proposal_id)
    proposal = db.session.get(Proposal, number) if number else None
    if proposal is None or proposal.hidden or proposal.merged_into_id:
        raise ReportError(_l("Dit voorstel bestaat niet meer of is verborgen."))
    return proposal


def _drop_empty_groups() -> None:
    used = select(GroupMember.group_id).distinct()
    db.session.execute(delete(ProposalGroup).where(ProposalGroup.id.not_in(used)))


def suggest() -> dict:
    """Replace the unconfirmed groups by a fresh suggestion over the proposals that are in no
    confirmed group. Confirmed groups are the organiser's work and are never touched."""
    unconfirmed = select(ProposalGroup.id).where(ProposalGroup.confirmed.is_(False))
    db.session.execute(delete(GroupMember).where(GroupMember.group_id.in_(unconfirmed)))
    db.session.execute(delete(ProposalGroup).where(ProposalGroup.confirmed.is_(False)))
    confirmed = set(db.session.scalars(select(GroupMember.proposal_id)))
    items = [item for item in _all_items() if item.id not in confirmed]
    created = 0
    for members in _suggested_partition(items):
        if len(members) < 2:
            continue
        group = ProposalGroup(title=_lead(members).title[:GROUP_TITLE_MAX], confirmed=False)
        db.session.add(group)
        db.session.flush()
        db.session.add_all(GroupMember(proposal_id=item.id, group_id=group.id) for item in members)
        created += 1
    db.session.commit()
    return {"created": created, "considered": len(items)}


def _clean_title(title) -> str:
    title = " ".join(str(title or "").split())
    if not title:
        raise ReportError(_l("Geef de groep een titel."))
    if len(title) > GROUP_TITLE_MAX:
        raise ReportError(_l("Een titel is hoogstens %(max)d tekens.", max=GROUP_TITLE_MAX))
    return title


def confirm(group_id, title=None) -> None:
    """Accept a group, optionally under a new title, so the report uses it."""
    group = _group(group_id)
    if title is not None:
        group.title = _clean_title(title)
    group.confirmed = True
    db.session.commit()


def reopen(group_id) -> None:
    """Back to a suggestion: the report treats its proposals one by one again."""
    group = _group(group_id)
    group.confirmed = False
    db.session.commit()


def rename(group_id, title) -> None:
    group = _group(group_id)
    group.title = _clean_title(title)
    db.session.commit()


def dissolve(group_id) -> None:
    """Split a group into its proposals: every one of them stands alone again."""
    group = _group(group_id)
    db.session.execute(delete(GroupMember).where(GroupMember.group_id == group.id))
    db.session.delete(group)
    db.session.commit()


def _members_of(group_id: int, proposal_ids) -> list[GroupMember]:
    ids = _ids(proposal_ids)
    return list(
        db.session.scalars(
            select(GroupMember).where(GroupMember.group_id == group_id, GroupMember.proposal_id.in_(ids))
        )
    )


def _ids(values) -> list[int]:
    ids = []
    for value in values or ():
        number = _as_id(value)
        if number is None:
            raise ReportError(_l("Kies voorstellen uit de lijst."))
        ids.append(number)
    if not ids:
        raise ReportError(_l("Kies eerst een of meer voorstellen."))
    return list(dict.fromkeys(ids))


def _dissolve_if_alone(group_ids) -> None:
    # A group of one is no group: its last proposal stands alone again.
    for group_id in set(group_ids):
        left = list(db.session.scalars(select(GroupMember).where(GroupMember.group_id == group_id)))
        if len(left) < 2:
            for rest in left:
                db.session.delete(rest)
    db.session.flush()
    _drop_empty_groups()


def remove_proposals(group_id, proposal_ids) -> int:
    """Take proposals out of a group; each stands alone again. Returns how many were taken out."""
    group = _group(group_id)
    members = _members_of(group.id, proposal_ids)
    if not members:
        raise ReportError(_l("Deze voorstellen zitten niet (meer) in deze groep."))
    for member in members:
        db.session.delete(member)
    db.session.flush()
    _dissolve_if_alone([group.id])
    db.session.commit()
    return len(members)


def move_proposals(proposal_ids, group_id) -> int:
    """Put proposals into another group, from their group or from none. Returns how many moved."""
    target = _group(group_id)
    proposals = [_visible(pid) for pid in _ids(proposal_ids)]
    left_behind, moved = [], 0
    for proposal in proposals:
        member = db.session.get(GroupMember, proposal.id)
        if member is None:
            db.session.add(GroupMember(proposal_id=proposal.id, group_id=target.id))
            moved += 1
        elif member.group_id != target.id:
            left_behind.append(member.group_id)
            member.group_id = target.id
            moved += 1
    db.session.flush()
    _dissolve_if_alone(left_behind)
    db.session.commit()
    return moved


def new_group(proposal_ids, title=None) -> int:
    """A group the organiser makes by hand from proposals that are in no group yet; confirmed at once."""
    proposals = [_visible(pid) for pid in _ids(proposal_ids)]
    if len(proposals) < 2:
        raise ReportError(_l("Kies minstens twee voorstellen voor een groep."))
    taken = set(
        db.session.scalars(
            select(GroupMember.proposal_id).where(GroupMember.proposal_id.in_([p.id for p in proposals]))
        )
    )
    if taken:
        raise ReportError(_l("Een van deze voorstellen zit al in een groep; haal het daar eerst uit."))
    group = ProposalGroup(title=_clean_title(title) if title else proposals[0].title[:GROUP_TITLE_MAX], confirmed=True)
    db.session.add(group)
    db.session.flush()
    db.session.add_all(GroupMember(proposal_id=p.id, group_id=group.id) for p in proposals)
    db.session.commit()
    return group.id
