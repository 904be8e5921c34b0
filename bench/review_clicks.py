"""Count the clicks an organiser needs to bring the app's suggestion to the true grouping, with the
review page before issue 16's paging, one-click offers and merge buttons and after them; print one
JSON line.

The series is bench/report_data.py's (five sessions, 750 proposals). Its proposals are written from
some twenty underlying ideas, and which idea each proposal was written from is the truth: in the end
every idea written twice or more is one confirmed group and every idea written once is a loose
proposal. The bench records that truth while the data set is made, stores the app's suggestion, and
then lets a model organiser, who knows the truth, drive the real review services
(``sessie_app.reports.review``) until the stored grouping is exactly the truth; it checks that it is.

The organiser, the same in both versions where the pages are the same:

* Each suggested group stands for the idea most of its proposals were written from. Of the groups
  standing for one idea, the one with most of its proposals (at least two) is that idea's *home*.
* In a home group, the proposals of other ideas are ticked and moved to their idea's home (tick each,
  type the group number, press *Verplaatsen*: k + 2 clicks for k proposals going to one group), or,
  when their idea has no home, taken out (k ticks + *Uit de groep halen*: k + 1). Then the group is
  accepted (1 click; its suggested title is kept).
* Every other group is emptied the same way; what is left of it (proposals of ideas without a home)
  is dissolved (*Groep opheffen*, 1 click) when two or more are left (one left dissolves by itself).
* Loose proposals whose idea has a home are added to it. Before: tick them, type the number, press
  *Toevoegen aan groep* (k + 2 for k going to one group; the old page shows every loose proposal on
  one page). After: with the one-click offer when the home is among the groups offered (1 click),
  otherwise the old way on that page; the organiser works through the loose list with the filter
  *Alleen losse voorstellen* (choosing it: open the select, pick, apply = 3 clicks) page by page
  (1 click for the next page), and takes the first proposal on the page whose offer is right, so the
  offers are those the page shows at that moment (they change as the groups grow).
* Loose proposals of an idea without a home, two or more on one page, are ticked and made a group
  (k + 1: *Nieuwe groep maken*, confirmed at once); later ones are offered that group.

``after`` is the way the new page invites. A group that is no idea's home but whose proposals are
mostly of an idea that has one (an *extra* group) is merged into that home when its card offers the
home (*Samenvoegen met groep N*, looked up on the page of groups that shows it): the proposals of
other ideas are first taken out (k ticks + *Uit de groep halen*, to the loose list), then the merge
is 1 click. Any other group that is no home, and an extra group whose home is not offered, is
dissolved at once (1 click) and its proposals, now loose, are added with the offers.
``after_without_merging`` is the same without the merge buttons (every such group dissolved), as
the page was before them; ``after_moving`` keeps the old page's way with such groups (moving their
proposals by number) and uses the offers only for the proposals the suggestion left loose: what the
loose offers alone change. ``merge_offer_rank`` counts where the home stood among the buttons.

Clicks are counted two ways: ``clicks`` lets the organiser tick several proposals going to the same
group before pressing the button once (as above); ``clicks_one_by_one`` handles each proposal on its
own (tick, type, press: 3; tick, take out: 2), as an organiser who does not hunt the long list for
others of the same idea would. ``page_loads`` counts the first page, every button pressed (each is a
POST answered by a redirect to the page) and every page or filter change. Typing a number counts as
one click; scrolling and reading count nothing, though on the old page the loose list was one long
page and finding a group's number meant scrolling through every group. Going to the second page of
groups counts nothing either, in every version alike.

    .venv/bin/python bench/review_clicks.py    # about two minutes, most of it after_without_merging's 190 page builds
"""

import argparse
import contextlib
import json
import sqlite3
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

import report_data
from flask_migrate import upgrade

from sessie_app.extensions import db
from sessie_app.reports import review as service

CHOOSE_FILTER = 3  # open the select, pick the option, press "Filter toepassen"


class Organiser:
    """What the organiser did, counted both ways (see the module's docstring)."""

    def __init__(self) -> None:
        self.clicks = self.one_by_one = 0
        self.page_loads = self.loads_one_by_one = 1  # the review page, opened
        self.offers_taken = self.offers_missed = 0
        self.merges_taken = self.merges_missed = 0
        self.merge_ranks: Counter = Counter()  # where the right group stood among a group's offers

    def act(self, ticks: int, typed: bool = False) -> None:
        """A button pressed for ``ticks`` ticked proposals (none: a group's own button), after typing a number or not."""
        button = 2 if typed else 1
        self.clicks += ticks + button
        self.page_loads += 1
        self.one_by_one += ticks * (1 + button) if ticks else button
        self.loads_one_by_one += max(ticks, 1)

    def click(self, clicks: int = 1) -> None:
        """A one-click button, a page link or a filter: then the page loads."""
        self.clicks += clicks
        self.one_by_one += clicks
        self.page_loads += 1
        self.loads_one_by_one += 1

    def result(self) -> dict:
        return {
            "clicks": self.clicks,
            "page_loads": self.page_loads,
            "clicks_one_by_one": self.one_by_one,
            "page_loads_one_by_one": self.loads_one_by_one,
        }


def _homes(groups, idea_of: dict[int, str], sizes: Counter) -> dict[str, int]:
    """idea → the group standing for it with most of its proposals (two or more)."""
    best: dict[str, tuple[int, int]] = {}
    for group in groups:
        counts = Counter(idea_of[p.id] for p in group.proposals)
        idea, count = max(counts.items(), key=lambda pair: (pair[1], pair[0]))
        if sizes[idea] >= 2 and count >= 2 and (idea not in best or count > best[idea][0]):
            best[idea] = (count, group.id)
    return {idea: group_id for idea, (_count, group_id) in best.items()}


def anatomy(idea_of: dict[int, str], sizes: Counter) -> dict:
    """What there is to do in the suggestion: homes, other groups and the proposals in the wrong place."""
    groups = service.review().groups
    homes = _homes(groups, idea_of, sizes)
    home_of_group = {group_id: idea for idea, group_id in homes.items()}
    others = [group for group in groups if group.id not in home_of_group]
    return {
        "homes": len(homes),
        "other_groups": len(others),
        "proposals_in_other_groups": sum(len(group.proposals) for group in others),
        "strangers_in_homes": sum(
            1
            for group in groups
            if group.id in home_of_group
            for p in group.proposals
            if idea_of[p.id] != home_of_group[group.id]
        ),
    }


def _merge_offers(group_id: int) -> dict[int, str]:
    """The groups the review page offers ``group_id`` to merge with (id → the state the button
    carries), best first, on the page that shows it."""
    number = 1
    while True:
        page = service.review_page(page=number)
        if group_id in {group.id for group in page.groups}:
            return {offer.group_id: offer.state for offer in page.merges[group_id]}
        if number >= page.group_paging.pages:
            return {}
        number += 1


def _merge(organiser: Organiser, group, idea_of: dict[int, str], homes: dict[str, int]) -> bool:
    """An extra group whose idea's home the page offers: its other ideas' proposals taken out (to
    the loose list), then the one-click merge into the home. False when the home is not offered."""
    counts = Counter(idea_of[p.id] for p in group.proposals)
    idea, _count = max(counts.items(), key=lambda pair: (pair[1], pair[0]))
    home = homes.get(idea)
    if home is None:
        return False
    offered = _merge_offers(group.id)
    if home not in offered:
        organiser.merges_missed += 1
        return False
    organiser.merge_ranks[list(offered).index(home) + 1] += 1
    strangers = [p.id for p in group.proposals if idea_of[p.id] != idea]
    if strangers:
        service.remove_proposals(group.id, strangers)
        organiser.act(len(strangers))
        if group.id not in {g.id for g in service.review().groups}:
            return True  # one proposal was left: it stands alone, for the loose list
        offered = _merge_offers(group.id)
        if home not in offered:
            organiser.merges_missed += 1
            return False
    service.merge_groups(group.id, home, offered[home])
    organiser.click()
    organiser.merges_taken += 1
    return True


def fix_groups(
    organiser: Organiser, idea_of: dict[int, str], sizes: Counter, dissolve_others: bool, merge: bool = False
) -> None:
    """The suggested groups, one by one: wrong proposals out or moved, homes accepted, the rest
    emptied and dissolved, or (``dissolve_others``) dissolved at once for the loose list to sort;
    with ``merge``, an extra group of an idea is first merged into its home when the page offers it."""
    groups = service.review().groups
    homes = _homes(groups, idea_of, sizes)
    home_of_group = {group_id: idea for idea, group_id in homes.items()}
    for group in groups:
        own = home_of_group.get(group.id)
        if own is None and merge and _merge(organiser, group, idea_of, homes):
            continue
        if own is None and dissolve_others:
            service.dissolve(group.id)
            organiser.act(0)
            continue
        by_target = defaultdict(list)
        for proposal in group.proposals:
            idea = idea_of[proposal.id]
            if idea != own:
                by_target[homes.get(idea)].append(proposal.id)
        for target, ids in sorted(by_target.items(), key=lambda pair: pair[0] is None):
            if target is not None:
                service.move_proposals(ids, target)
                organiser.act(len(ids), typed=True)
        homeless = by_target.get(None, [])
        if own is not None:
            if homeless:
                service.remove_proposals(group.id, homeless)
                organiser.act(len(homeless))
            service.confirm(group.id)
            organiser.act(0)
        elif len(homeless) >= 2:
            service.dissolve(group.id)
            organiser.act(0)


def _group_of_idea(idea_of: dict[int, str]) -> dict[str, int]:
    """idea → the stored group holding its proposals now (after the group phase, at most one)."""
    found = {}
    for group in service.review().groups:
        found[idea_of[group.proposals[0].id]] = group.id
    return found


def loose_before(organiser: Organiser, idea_of: dict[int, str]) -> None:
    """The old page: every loose proposal on one page; ticked by the group they go to."""
    homes = _group_of_idea(idea_of)
    by_idea = defaultdict(list)
    for proposal in service.review().ungrouped:
        by_idea[idea_of[proposal.id]].append(proposal.id)
    for idea, ids in by_idea.items():
        if idea in homes:
            service.move_proposals(ids, homes[idea])
            organiser.act(len(ids), typed=True)
        elif len(ids) >= 2:
            service.new_group(ids)
            organiser.act(len(ids))


def loose_after(organiser: Organiser, idea_of: dict[int, str]) -> None:
    """The new page: the loose proposals alone, page by page, one-click offers first."""
    organiser.click(clicks=CHOOSE_FILTER)
    number = 1
    while True:
        page = service.review_page(show=service.SHOW_LOOSE, loose_page=number)
        homes = _group_of_idea(idea_of)
        taken = next(
            (
                (entry.proposal.id, homes[idea_of[entry.proposal.id]])
                for entry in page.loose
                if idea_of[entry.proposal.id] in homes
                and homes[idea_of[entry.proposal.id]] in [offer.group_id for offer in entry.offers]
            ),
            None,
        )
        if taken:
            service.add_loose(*taken)
            organiser.click()
            organiser.offers_taken += 1
            continue
        by_idea = defaultdict(list)
        for entry in page.loose:
            by_idea[idea_of[entry.proposal.id]].append(entry.proposal.id)
        acted = False
        for idea, ids in by_idea.items():
            if idea in homes:
                service.move_proposals(ids, homes[idea])
                organiser.act(len(ids), typed=True)
                organiser.offers_missed += len(ids)
                acted = True
            elif len(ids) >= 2:
                service.new_group(ids)
                organiser.act(len(ids))
                acted = True
        if acted:
            continue
        if page.loose_paging.page >= page.loose_paging.pages:
            return
        number = page.loose_paging.page + 1
        organiser.click()


def check(idea_of: dict[int, str]) -> dict:
    """How far the stored grouping is from the truth (all zero when it is the truth)."""
    review = service.review()
    truth = defaultdict(set)
    for proposal_id, idea in idea_of.items():
        truth[idea].add(proposal_id)
    wanted = {frozenset(ids) for ids in truth.values() if len(ids) >= 2}
    stored = {frozenset(p.id for p in group.proposals) for group in review.groups}
    loose = {p.id for p in review.ungrouped}
    singles = {next(iter(ids)) for ids in truth.values() if len(ids) == 1}
    return {
        "groups_wrong": len(stored ^ wanted),
        "unconfirmed": sum(1 for group in review.groups if not group.confirmed),
        "loose_wrong": len(loose ^ singles),
    }


def _copy(source: Path, target: Path) -> None:
    # The app's SQLite runs in WAL mode; the backup API reads what is committed into one file.
    with contextlib.closing(sqlite3.connect(source)) as src, contextlib.closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


def _record_ideas() -> dict[int, str]:
    """Wrap report_data's proposal writer so every proposal's idea is remembered: the truth."""
    ideas: dict[int, str] = {}
    write = report_data._propose

    def recording(*args, **kwargs):
        written = write(*args, **kwargs)
        ideas.update((proposal_id, idea.key) for proposal_id, idea, _quality in written)
        return written

    report_data._propose = recording
    return ideas


def _truth(ideas: dict[int, str]) -> dict[int, str]:
    """The idea of every proposal the review sees (hidden and merged ones are not in it)."""
    visible = {item.id for item in service.all_items()}
    return {pid: idea for pid, idea in ideas.items() if pid in visible}


def run(
    version: str,
    suggested: Path,
    folder: str,
    ideas: dict[int, str],
    dissolve_others: bool = False,
    merge: bool = False,
) -> dict:
    database = Path(folder) / f"{version}-{dissolve_others}-{merge}.sqlite"
    _copy(suggested, database)
    app = report_data.bench_app(database, folder)
    start = time.perf_counter()
    with app.test_request_context("/"):
        idea_of = _truth(ideas)
        sizes = Counter(idea_of.values())
        organiser = Organiser()
        fix_groups(organiser, idea_of, sizes, dissolve_others, merge)
        (loose_after if version == "after" else loose_before)(organiser, idea_of)
        result = {
            **organiser.result(),
            **check(idea_of),
            "seconds": round(time.perf_counter() - start, 1),
        }
        if version == "after":
            result |= {"offers_taken": organiser.offers_taken, "offers_missed": organiser.offers_missed}
        if merge:
            result |= {
                "merges_taken": organiser.merges_taken,
                "merges_missed": organiser.merges_missed,
                "merge_offer_rank": dict(sorted(organiser.merge_ranks.items())),
            }
        db.session.remove()
        db.engine.dispose()
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=5)
    parser.add_argument("--proposals", type=int, default=150, help="per session")
    parser.add_argument("--seed", type=int, default=2027)
    args = parser.parse_args(argv)

    ideas = _record_ideas()
    with tempfile.TemporaryDirectory() as folder:
        suggested = Path(folder) / "suggested.sqlite"
        app = report_data.bench_app(suggested, folder)
        with app.app_context():
            upgrade()
            report_data.populate(args.sessions, 150, args.proposals, 5, args.seed)
        with app.test_request_context("/"):
            suggestion = service.suggest()
            first = service.review()
            idea_of = _truth(ideas)
            task = anatomy(idea_of, Counter(idea_of.values()))
            db.session.remove()
            db.engine.dispose()
        before = run("before", suggested, folder, ideas)
        after = run("after", suggested, folder, ideas, dissolve_others=True, merge=True)
        after_without_merging = run("after", suggested, folder, ideas, dissolve_others=True)
        after_moving = run("after", suggested, folder, ideas)

    print(
        json.dumps(
            {
                "proposals": first.proposals,
                "ideas": len(set(ideas.values())),
                "suggested_groups": suggestion.created,
                "loose_after_suggestion": len(first.ungrouped),
                **task,
                "before": before,
                "after": after,
                "after_without_merging": after_without_merging,
                "after_moving": after_moving,
            }
        )
    )


if __name__ == "__main__":
    main()
