"""The organiser's review of the groups: suggest, confirm, rename, reopen, dissolve, take out, move, group by hand.

Only confirmed groups reach the report; a new suggestion never touches them. A group's title, theme
and actor are stored only when the organiser chooses them; until then they are what its members
suggest (scope.group_title, scope.majority), so they follow the members. Every action commits its
own transaction and raises ReportError, whose text is the message for the organiser.
"""

import hashlib
from collections import defaultdict
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select, update

from .. import limits
from ..board import services as board_services
from ..board.models import Proposal
from ..choices import ACTOR_LABELS
from ..extensions import db
from ..registration.meetings import meetings_in_date_order
from . import labels
from .models import GroupMember, ProposalGroup
from .report import ProposalEntry
from .scope import (
    Item,
    ReportError,
    all_items,
    group_title,
    majority,
    offers,
    scope_boards,
    suggested_partition,
    themes_of,
)

# Ids arrive from forms; one beyond a 32-bit integer would make the database raise instead of miss.
MAX_ID = 2**31 - 1


@dataclass(frozen=True, slots=True)
class ReviewGroup:
    id: int
    title: str
    title_chosen: bool  # False: the suggestion from its members, which follows them
    theme: str  # the organiser's, or the members' majority (labels.NO_THEME for none)
    theme_chosen: bool
    themes: list[str]  # the members' themes, most frequent first: the select offers them first
    actor: str
    actor_chosen: bool
    actors: list[str]
    confirmed: bool
    votes: int
    proposals: list[ProposalEntry]


def _by_frequency(values: list[str], unknown: str) -> list[str]:
    return sorted({v for v in values if v != unknown}, key=lambda v: (-values.count(v), values.index(v)))


@dataclass(frozen=True, slots=True)
class Review:
    """The stored groups (suggestions first), the proposals in no group, and how many of each."""

    groups: list[ReviewGroup]
    ungrouped: list[ProposalEntry]
    suggested: int
    confirmed: int
    proposals: int


@dataclass(frozen=True, slots=True)
class Suggestion:
    created: int  # groups of two or more
    considered: int  # proposals in no confirmed group


def _stored_groups(items: list[Item]) -> list[tuple[ReviewGroup, list[Item]]]:
    """The stored groups (suggestions first) with their visible members, best supported first."""
    by_id = {item.id: item for item in items}
    members_by_group: dict[int, list[Item]] = defaultdict(list)
    for proposal_id, group_id in db.session.execute(select(GroupMember.proposal_id, GroupMember.group_id)):
        if proposal_id in by_id:
            members_by_group[group_id].append(by_id[proposal_id])
    groups = []
    for group in db.session.scalars(select(ProposalGroup).order_by(ProposalGroup.confirmed, ProposalGroup.id)):
        members = sorted(members_by_group.get(group.id, []), key=lambda i: (-len(i.supporters), -i.votes, i.id))
        if not members:
            # Every proposal in it was hidden or merged on its board since.
            continue
        themes = [item.entry.theme for item in members]
        actors = [item.entry.actor for item in members]
        shown = ReviewGroup(
            id=group.id,
            title=group_title(group.title, members),
            title_chosen=group.title is not None,
            theme=group.theme or majority(themes, labels.NO_THEME),
            theme_chosen=group.theme is not None,
            themes=_by_frequency(themes, labels.NO_THEME),
            actor=group.actor or majority(actors, labels.NO_ACTOR),
            actor_chosen=group.actor is not None,
            actors=_by_frequency(actors, labels.NO_ACTOR),
            confirmed=group.confirmed,
            votes=sum(i.votes for i in members),
            proposals=[item.entry for item in members],
        )
        groups.append((shown, members))
    return groups


def _loose(items: list[Item], groups: list[tuple[ReviewGroup, list[Item]]]) -> list[Item]:
    grouped = {item.id for _group, members in groups for item in members}
    return [item for item in sorted(items, key=lambda i: (-i.votes, i.id)) if item.id not in grouped]


def review() -> Review:
    """The stored groups (suggested and confirmed) with their proposals, and the proposals in no group."""
    items = all_items()
    groups = _stored_groups(items)
    shown = [group for group, _members in groups]
    return Review(
        groups=shown,
        ungrouped=[item.entry for item in _loose(items, groups)],
        suggested=sum(1 for g in shown if not g.confirmed),
        confirmed=sum(1 for g in shown if g.confirmed),
        proposals=len(items),
    )


# --- the review page: filters, pages and the groups a loose proposal resembles -----------------

SHOW_ALL = "alles"
SHOW_SUGGESTED = "suggesties"
SHOW_CONFIRMED = "geaccepteerd"
SHOW_LOOSE = "los"
SHOWS = (SHOW_ALL, SHOW_SUGGESTED, SHOW_CONFIRMED, SHOW_LOOSE)
# Twenty groups are a sitting's work and keep the page quick to load and to scroll; a loose
# proposal takes a few lines, and fifty of them are compared with every group on each load.
GROUPS_PER_PAGE = 20
LOOSE_PER_PAGE = 50


@dataclass(frozen=True, slots=True)
class Filter:
    """What the review page shows: one session (its slug) or all (None), one theme or all, which kind
    of entries (SHOWS), and the page of the groups and of the loose proposals (from 1)."""

    session: str | None = None
    theme: str | None = None
    show: str = SHOW_ALL
    page: int = 1
    loose_page: int = 1


@dataclass(frozen=True, slots=True)
class Paging:
    page: int
    pages: int
    total: int  # entries that pass the filter, on every page
    first: int  # the place of the first entry shown, counted from 1 (0: none shown)
    last: int


@dataclass(frozen=True, slots=True)
class Offer:
    """A group a loose proposal resembles, to add it to with one click."""

    group_id: int
    title: str


@dataclass(frozen=True, slots=True)
class MergeOffer:
    """A group another group resembles, to merge into with one click. ``state`` is both groups as
    the page showed them (``merge_state``): the merge is refused once either has changed since."""

    group_id: int
    title: str
    state: str


@dataclass(frozen=True, slots=True)
class LooseProposal:
    proposal: ProposalEntry
    offers: list[Offer]  # best first


@dataclass(frozen=True, slots=True)
class ReviewPage:
    """One page of the review. The counts are of the whole series, whatever the filter."""

    filter: Filter  # as applied: unknown values left out, pages within range
    unknown: bool  # the filter asked for a session, theme or kind that does not exist
    groups: list[ReviewGroup]
    group_paging: Paging
    merges: dict[int, list[MergeOffer]]  # group id → the groups it resembles most, best first
    loose: list[LooseProposal]
    loose_paging: Paging
    every_group: list[tuple[int, str]]  # id and title of all groups, for typing a number
    sessions: list[tuple[str, str]]  # slug and city of the sessions with proposals, in date order
    themes: dict[str, str]  # key → name, "zonder thema" last
    suggested: int
    confirmed: int
    ungrouped: int
    proposals: int


def _page_number(value) -> int:
    try:
        return max(1, min(int(value), MAX_ID))
    except (TypeError, ValueError):
        return 1


def _paged(entries: list, number: int, size: int) -> tuple[list, Paging]:
    pages = max(1, -(-len(entries) // size))
    number = min(number, pages)
    shown = entries[(number - 1) * size : number * size]
    first = (number - 1) * size + 1 if shown else 0
    return shown, Paging(number, pages, len(entries), first, first + len(shown) - 1 if shown else 0)


def review_page(session=None, theme=None, show=None, page=1, loose_page=1) -> ReviewPage:
    """The review as one page shows it. The arguments are as typed in the page's address: an
    unknown session, theme or kind is left out (``unknown``), a page number that is no number or
    out of range becomes the nearest page. Only the groups and loose proposals on this page get the
    groups they resemble most (scope.offers, against every group, in one comparison): that is the
    costly part."""
    items = all_items()
    groups = _stored_groups(items)
    loose = _loose(items, groups)
    present = {item.entry.session for item in items}
    sessions = [(m.slug, m.city) for m in meetings_in_date_order() if m.slug in present]
    themes = {**theme_keys(), labels.NO_THEME: str(labels.NO_THEME_LABEL)}
    chosen = Filter(
        session=session if session in dict(sessions) else None,
        theme=theme if theme in themes else None,
        show=show if show in SHOWS else SHOW_ALL,
    )
    unknown = (session or None, theme or None, show or SHOW_ALL) != (chosen.session, chosen.theme, chosen.show)

    def wanted(entry: ProposalEntry) -> bool:
        return chosen.session in (None, entry.session) and chosen.theme in (None, entry.theme)

    kinds = {SHOW_ALL: (True, False), SHOW_SUGGESTED: (False,), SHOW_CONFIRMED: (True,), SHOW_LOOSE: ()}
    shown_groups = [
        (group, members)
        for group, members in groups
        if group.confirmed in kinds[chosen.show]
        and chosen.session in (None, *(p.session for p in group.proposals))
        and chosen.theme in (None, group.theme)
    ]
    shown_loose = [item for item in loose if wanted(item.entry)] if chosen.show in (SHOW_ALL, SHOW_LOOSE) else []
    group_slice, group_paging = _paged(shown_groups, _page_number(page), GROUPS_PER_PAGE)
    loose_slice, loose_paging = _paged(shown_loose, _page_number(loose_page), LOOSE_PER_PAGE)

    titles = {group.id: group.title for group, _members in groups}
    members_of = {group.id: members for group, members in groups}
    closest, pairs = (
        offers(loose_slice, members_of, [group.id for group, _members in group_slice])
        if loose_slice or group_slice
        else ({}, {})
    )
    shown = {group.id: group for group, _members in groups}

    def merge_offer(group_id: int, target_id: int) -> MergeOffer:
        state = merge_state(shown[group_id], members_of[group_id], shown[target_id], members_of[target_id])
        return MergeOffer(target_id, titles[target_id], state)

    return ReviewPage(
        filter=Filter(chosen.session, chosen.theme, chosen.show, group_paging.page, loose_paging.page),
        unknown=unknown,
        groups=[group for group, _members in group_slice],
        group_paging=group_paging,
        merges={group_id: [merge_offer(group_id, other) for other in others] for group_id, others in pairs.items()},
        loose=[
            LooseProposal(item.entry, [Offer(gid, titles[gid]) for gid in closest.get(item.id, [])])
            for item in loose_slice
        ],
        loose_paging=loose_paging,
        every_group=list(titles.items()),
        sessions=sessions,
        themes=themes,
        suggested=sum(1 for group, _m in groups if not group.confirmed),
        confirmed=sum(1 for group, _m in groups if group.confirmed),
        ungrouped=len(loose),
        proposals=len(items),
    )


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


def suggest() -> Suggestion:
    """Replace the unconfirmed groups by a fresh suggestion over the proposals that are in no
    confirmed group. Confirmed groups are the organiser's work and are never touched."""
    unconfirmed = select(ProposalGroup.id).where(ProposalGroup.confirmed.is_(False))
    db.session.execute(delete(GroupMember).where(GroupMember.group_id.in_(unconfirmed)))
    db.session.execute(delete(ProposalGroup).where(ProposalGroup.confirmed.is_(False)))
    confirmed = set(db.session.scalars(select(GroupMember.proposal_id)))
    items = [item for item in all_items() if item.id not in confirmed]
    created = 0
    for members in suggested_partition(items):
        if len(members) < 2:
            continue
        group = ProposalGroup(confirmed=False)
        db.session.add(group)
        db.session.flush()
        db.session.add_all(GroupMember(proposal_id=item.id, group_id=group.id) for item in members)
        created += 1
    db.session.commit()
    return Suggestion(created=created, considered=len(items))


def _clean_title(title) -> str | None:
    """The organiser's title with its spaces tidied; None for a blank one (the members' suggestion)."""
    title = " ".join(str(title or "").split())
    if len(title) > limits.GROUP_TITLE:
        raise ReportError(_l("Een titel is hoogstens %(max)d tekens.", max=limits.GROUP_TITLE))
    return title or None


def _choose(group: ProposalGroup, title=None, theme=None, actor=None) -> None:
    """Store what the organiser chose. A title, theme or actor equal to what the members suggest
    now is no choice: it stays None and keeps following them."""
    members = _members(group.id)
    if title is not None:
        # Left empty, or the suggestion as it stands: the title follows the members again.
        title = _clean_title(title)
        group.title = None if title == group_title(None, members) else title
    if theme is not None:
        suggested = majority((item.entry.theme for item in members), labels.NO_THEME)
        group.theme = None if theme in ("", suggested) else _theme_key(theme)
    if actor is not None:
        suggested = majority((item.entry.actor for item in members), labels.NO_ACTOR)
        group.actor = None if actor in ("", suggested) else _actor_key(actor)


def _members(group_id: int) -> list[Item]:
    return _members_among(group_id, all_items()) or _refuse_empty()


def _members_among(group_id: int, items: list[Item]) -> list[Item]:
    ids = set(db.session.scalars(select(GroupMember.proposal_id).where(GroupMember.group_id == group_id)))
    return [item for item in items if item.id in ids]


def _refuse_empty() -> list[Item]:
    raise ReportError(_l("Deze groep bestaat niet meer. Vernieuw de pagina."))


def _theme_key(theme: str) -> str:
    if theme != labels.NO_THEME and theme not in theme_keys():
        raise ReportError(_l("Kies een thema uit de lijst."))
    return theme


def _actor_key(actor: str) -> str:
    if actor != labels.NO_ACTOR and actor not in ACTOR_LABELS:
        raise ReportError(_l("Kies uit de lijst wie aan de slag moet."))
    return actor


def theme_keys() -> dict[str, str]:
    """The themes a group can get: key → name, as the boards in the report have them."""
    themes = themes_of([board.id for board in scope_boards(None)])
    return {key: themes.names[key] for key in themes.order}


def confirm(group_id, title=None, theme=None, actor=None) -> None:
    """Accept a group, optionally with a title, theme or actor of the organiser's, so the report uses it."""
    group = _group(group_id)
    _choose(group, title, theme, actor)
    group.confirmed = True
    db.session.commit()


def reopen(group_id) -> None:
    """Back to a suggestion: the report treats its proposals one by one again."""
    group = _group(group_id)
    group.confirmed = False
    db.session.commit()


def rename(group_id, title, theme=None, actor=None) -> None:
    """Save the organiser's title (and theme and actor) of a group."""
    group = _group(group_id)
    _choose(group, title, theme, actor)
    db.session.commit()


def dissolve(group_id) -> None:
    """Split a group into its proposals: every one of them stands alone again."""
    group = _group(group_id)
    db.session.execute(delete(GroupMember).where(GroupMember.group_id == group.id))
    db.session.delete(group)
    db.session.commit()


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


def _members_of(group_id: int, proposal_ids) -> list[GroupMember]:
    ids = _ids(proposal_ids)
    return list(
        db.session.scalars(
            select(GroupMember).where(GroupMember.group_id == group_id, GroupMember.proposal_id.in_(ids))
        )
    )


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


def add_loose(proposal_id, group_id) -> tuple[str, str]:
    """Add one proposal that is in no group to a group (the review's one-click offer). Returns the
    group's title before and after: a title nobody chose follows the best supported member, so the
    newcomer may bring its own. A proposal grouped meanwhile, in another tab, is refused rather than moved."""
    target = _group(group_id)
    proposal = _visible(proposal_id)
    if db.session.get(GroupMember, proposal.id) is not None:
        raise ReportError(_l("Dit voorstel zit al in een groep. Vernieuw de pagina."))
    items = all_items()
    before = group_title(target.title, _members_among(target.id, items) or _refuse_empty())
    db.session.add(GroupMember(proposal_id=proposal.id, group_id=target.id))
    db.session.flush()
    after = group_title(target.title, _members_among(target.id, items))
    db.session.commit()
    return before, after


def merge_state(group, members: list[Item], target, target_members: list[Item]) -> str:
    """A short fingerprint of two groups as shown: their ids, whether accepted, titles and members.
    ``group`` and ``target`` are ReviewGroups or ProposalGroups; the title is the one shown."""
    shown = [
        (g.id, bool(g.confirmed), group_title(g.title, m), sorted(item.id for item in m))
        for g, m in ((group, members), (target, target_members))
    ]
    return hashlib.blake2s(repr(shown).encode(), digest_size=6).hexdigest()


@dataclass(frozen=True, slots=True)
class Merged:
    moved: int  # the proposals that went over, as the page showed them
    source_title: str
    title: str  # the target's title after the merge
    confirmed: bool
    confirmed_by_merge: bool  # the target was a suggestion, accepted because the merged group was


def merge_groups(group_id, target_id, state) -> Merged:
    """Move every proposal of a group into another (the review's one-click merge) and drop the
    emptied group. The target keeps the title, theme and actor the organiser chose for it; what
    was not chosen follows the members, now both groups'. The result is accepted when either was:
    an accepted group is the organiser's judgement, and a suggestion merged into it or taking it in
    does not undo that. ``state`` is ``merge_state`` of the page: a group changed since is refused."""
    group, target = _group(group_id), _group(target_id)
    if group.id == target.id:
        raise ReportError(_l("Een groep kan niet met zichzelf worden samengevoegd."))
    items = all_items()
    members, target_members = _members_among(group.id, items), _members_among(target.id, items)
    if not members or not target_members:
        raise ReportError(_l("Deze groep bestaat niet meer. Vernieuw de pagina."))
    if str(state or "") != merge_state(group, members, target, target_members):
        raise ReportError(
            _l(
                "Groep %(num)d of groep %(target)d is intussen veranderd. Bekijk ze opnieuw en voeg ze dan samen.",
                num=group.id,
                target=target.id,
            )
        )
    source_title = group_title(group.title, members)
    confirmed_by_merge = group.confirmed and not target.confirmed
    target.confirmed = target.confirmed or group.confirmed
    db.session.execute(update(GroupMember).where(GroupMember.group_id == group.id).values(group_id=target.id))
    db.session.delete(group)
    db.session.commit()
    return Merged(
        moved=len(members),
        source_title=source_title,
        title=group_title(target.title, target_members + members),
        confirmed=target.confirmed,
        confirmed_by_merge=confirmed_by_merge,
    )


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
    # Without a title of the organiser's it follows the members, as a suggestion's does.
    group = ProposalGroup(title=_clean_title(title), confirmed=True)
    db.session.add(group)
    db.session.flush()
    db.session.add_all(GroupMember(proposal_id=p.id, group_id=group.id) for p in proposals)
    db.session.commit()
    return group.id


def delete_board(board_id: int) -> dict[str, int]:
    """Delete a board (board.services.delete_board) with its proposals' places in the groups, in one
    transaction; a group left with one proposal or none goes too. Returns what the board service counts."""
    proposal_ids = select(Proposal.id).where(Proposal.board_id == board_id)
    touched = set(db.session.scalars(select(GroupMember.group_id).where(GroupMember.proposal_id.in_(proposal_ids))))
    db.session.execute(delete(GroupMember).where(GroupMember.proposal_id.in_(proposal_ids)))
    db.session.flush()
    _dissolve_if_alone(touched)
    return board_services.delete_board(board_id)
