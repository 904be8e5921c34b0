"""The organiser's review of the groups, through the services: suggest, confirm, rename, take out,
move, make by hand, dissolve; and what the report makes of it."""

import pytest

from sessie_app.extensions import db
from sessie_app.reports import services
from sessie_app.reports.models import GroupMember, ProposalGroup
from tests.reports.dataset import group_of, member_ids


def stored_groups() -> dict[int, tuple[str, bool, set[int]]]:
    """group id → (title, confirmed, proposal ids), straight from the tables; a title nobody chose
    is the one the review shows, which its members suggest (tests/reports/test_group_titles.py)."""
    shown = {g.id: g.title for g in services.review().groups}
    groups = {
        g.id: (g.title or shown.get(g.id), g.confirmed, set()) for g in db.session.scalars(db.select(ProposalGroup))
    }
    for member in db.session.scalars(db.select(GroupMember)):
        groups[member.group_id][2].add(member.proposal_id)
    return groups


def group_holding(proposal_id: int) -> int | None:
    member = db.session.get(GroupMember, proposal_id)
    return member.group_id if member else None


def suggested_pairs(twins) -> tuple[int, int]:
    """Run the suggestion; the ids of the groups of the two near-identical pairs."""
    services.suggest()
    p = twins.p
    kennis, loket = group_holding(p["P7"]), group_holding(p["P11"])
    assert kennis is not None and loket is not None and kennis != loket
    return kennis, loket


def test_the_suggestion_makes_unconfirmed_groups_of_at_least_two_similar_proposals(twins, rq):
    p = twins.p
    result = services.suggest()
    groups = stored_groups()
    assert result.created == len(groups) >= 2 and result.considered == 10
    by_member = {frozenset(members): (title, confirmed) for title, confirmed, members in groups.values()}
    assert by_member[frozenset({p["P7"], p["P8"]})] == ("Regionaal kenniscentrum voor schoolleiders", False)
    assert by_member[frozenset({p["P11"], p["P12"]})] == ("Subsidieloket voor kleine schoolbesturen", False)
    assert all(len(members) >= 2 and not confirmed for _title, confirmed, members in groups.values())
    # Hidden and merged proposals are never suggested.
    assert not {p["P4"], p["P5"]} & {pid for _t, _c, members in groups.values() for pid in members}
    review = services.review()
    assert review.suggested == len(groups) and review.confirmed == 0 and review.proposals == 10
    assert len(review.ungrouped) == 10 - sum(len(m) for _t, _c, m in groups.values())


def test_the_report_ignores_suggestions_until_they_are_confirmed(twins, rq):
    p = twins.p
    kennis, _loket = suggested_pairs(twins)
    before = services.build_report()
    assert before.totals.groups_of_several == 0
    assert member_ids(group_of(before, p["P7"])) == [p["P7"]]
    services.confirm(kennis, "Een kenniscentrum per regio")
    after = services.build_report()
    kennis_group = group_of(after, p["P7"])
    assert (kennis_group.id, kennis_group.title, kennis_group.confirmed) == (
        kennis,
        "Een kenniscentrum per regio",
        True,
    )
    assert sorted(member_ids(kennis_group)) == sorted([p["P7"], p["P8"]])
    assert after.totals.groups_of_several == 1
    assert member_ids(group_of(after, p["P11"])) == [p["P11"]]


def test_confirm_without_a_title_keeps_the_suggested_one(twins, rq):
    kennis, _loket = suggested_pairs(twins)
    services.confirm(kennis)
    assert stored_groups()[kennis][:2] == ("Regionaal kenniscentrum voor schoolleiders", True)


def test_rename_tidies_the_spaces_and_reopen_takes_the_group_out_of_the_report(twins, rq):
    p = twins.p
    kennis, _loket = suggested_pairs(twins)
    services.confirm(kennis)
    services.rename(kennis, "  Kenniscentra   in de   regio ")
    assert stored_groups()[kennis][:2] == ("Kenniscentra in de regio", True)
    assert group_of(services.build_report(), p["P8"]).title == "Kenniscentra in de regio"
    services.reopen(kennis)
    assert stored_groups()[kennis][:2] == ("Kenniscentra in de regio", False)
    assert member_ids(group_of(services.build_report(), p["P8"])) == [p["P8"]]


def test_taking_one_of_two_out_dissolves_the_group(twins, rq):
    p = twins.p
    kennis, loket = suggested_pairs(twins)
    assert services.remove_proposals(kennis, [str(p["P7"])]) == 1
    groups = stored_groups()
    assert kennis not in groups and loket in groups
    assert group_holding(p["P7"]) is None and group_holding(p["P8"]) is None
    loose = {q.id for q in services.review().ungrouped}
    assert {p["P7"], p["P8"]} <= loose


def test_taking_one_of_three_out_keeps_the_other_two_together(twins, rq):
    p = twins.p
    group = services.new_group([p["P1"], p["P2"], p["P3"]], "Tijd en toegang")
    assert services.remove_proposals(group, [p["P3"]]) == 1
    assert stored_groups()[group] == ("Tijd en toegang", True, {p["P1"], p["P2"]})


def test_moving_proposals_between_groups_dissolves_a_group_left_with_one(twins, rq):
    p = twins.p
    kennis, loket = suggested_pairs(twins)
    services.confirm(loket, "Subsidies")
    assert services.move_proposals([p["P8"]], loket) == 1
    groups = stored_groups()
    assert kennis not in groups
    assert groups[loket] == ("Subsidies", True, {p["P11"], p["P12"], p["P8"]})
    assert group_holding(p["P7"]) is None
    # A loose proposal can join a group too.
    assert services.move_proposals([p["P7"], p["P7"]], loket) == 1
    assert stored_groups()[loket][2] == {p["P11"], p["P12"], p["P8"], p["P7"]}


def test_a_new_group_from_loose_proposals_is_confirmed_at_once(twins, rq):
    p = twins.p
    titled = services.new_group([str(p["P1"]), str(p["P2"])], "Literatuur voor iedereen")
    untitled = services.new_group([p["P6"], p["P9"]])
    groups = stored_groups()
    assert groups[titled] == ("Literatuur voor iedereen", True, {p["P1"], p["P2"]})
    assert groups[untitled] == ("Makelaar koppelt scholen aan onderzoekers", True, {p["P6"], p["P9"]})
    report = services.build_report()
    assert group_of(report, p["P2"]).title == "Literatuur voor iedereen"
    assert group_of(report, p["P2"]).supporters == 7


def test_dissolving_puts_every_proposal_back_on_its_own(twins, rq):
    p = twins.p
    group = services.new_group([p["P1"], p["P2"]], "Literatuur")
    services.dissolve(group)
    assert group not in stored_groups()
    report = services.build_report()
    assert member_ids(group_of(report, p["P1"])) == [p["P1"]]
    assert member_ids(group_of(report, p["P2"])) == [p["P2"]]


def test_a_new_suggestion_keeps_the_confirmed_groups_and_replaces_the_rest(twins, rq):
    p = twins.p
    manual = services.new_group([p["P1"], p["P6"]], "Met de hand gemaakt")
    kennis, _loket = suggested_pairs(twins)
    services.confirm(kennis, "Kenniscentra, nagekeken")
    result = services.suggest()
    groups = stored_groups()
    assert groups[kennis] == ("Kenniscentra, nagekeken", True, {p["P7"], p["P8"]})
    assert groups[manual] == ("Met de hand gemaakt", True, {p["P1"], p["P6"]})
    # Confirmed proposals are not offered again: the suggestion only looks at the other six.
    assert result.considered == 6
    new_loket = group_holding(p["P11"])
    assert new_loket not in (None, kennis, manual) and groups[new_loket][1:] == (False, {p["P11"], p["P12"]})
    assert result.created == sum(1 for _t, confirmed, _m in groups.values() if not confirmed)


def test_a_hidden_proposal_leaves_its_group_in_the_review(twins, rq):
    from sessie_app.board import services as board_services

    p = twins.p
    group = services.new_group([p["P1"], p["P2"], p["P3"]], "Drie")
    board_services.set_hidden(twins.tilburg.id, p["P3"], True, "Dubbel", None)
    (shown,) = [g for g in services.review().groups if g.id == group]
    assert [q.id for q in shown.proposals] == [p["P1"], p["P2"]]
    assert p["P3"] not in {q.id for q in services.build_report().appendix}


# --- refusals ------------------------------------------------------------------------------------------


def test_an_unknown_group_is_refused_with_a_message(twins, rq):
    p = twins.p
    actions = [
        lambda group_id: services.confirm(group_id, "Titel"),
        lambda group_id: services.rename(group_id, "Titel"),
        services.dissolve,
        services.reopen,
        lambda group_id: services.remove_proposals(group_id, [p["P1"]]),
        lambda group_id: services.move_proposals([p["P1"]], group_id),
    ]
    for group_id in ("abc", None, "", "9999", 9999, "1.5", [1]):
        for action in actions:
            with pytest.raises(services.ReportError) as refused:
                action(group_id)
            assert str(refused.value) == "Deze groep bestaat niet meer. Vernieuw de pagina."
    assert stored_groups() == {}


def test_an_id_too_big_for_the_database_is_refused_with_a_message(twins, rq):
    huge = 10**20
    p = twins.p
    group = services.new_group([p["P7"], p["P8"]])
    for action in (
        lambda: services.confirm(huge),
        lambda: services.move_proposals([p["P1"]], huge),
        lambda: services.move_proposals([huge], group),
        lambda: services.remove_proposals(group, [huge]),
        lambda: services.new_group([p["P1"], huge]),
    ):
        with pytest.raises(services.ReportError):
            action()
        db.session.rollback()


def test_a_bad_title_is_refused(twins, rq):
    kennis = services.new_group([twins.p["P7"], twins.p["P8"]])
    services.reopen(kennis)
    for title, message in (("x" * 141, "Een titel is hoogstens 140 tekens."),):
        for action in (services.rename, services.confirm):
            with pytest.raises(services.ReportError) as refused:
                action(kennis, title)
            assert str(refused.value) == message
            db.session.rollback()
    assert stored_groups()[kennis][:2] == ("Regionaal kenniscentrum voor schoolleiders", False)
    services.rename(kennis, "x" * 140)
    assert stored_groups()[kennis][0] == "x" * 140
    # A blank title is no refusal: the title is the members' suggestion again.
    services.rename(kennis, "   ")
    assert stored_groups()[kennis][0] == "Regionaal kenniscentrum voor schoolleiders"


def test_proposals_must_be_chosen_and_exist(twins, rq):
    p = twins.p
    kennis = services.new_group([p["P7"], p["P8"]])
    loket = services.new_group([p["P11"], p["P12"]])
    cases = [
        (lambda: services.remove_proposals(kennis, []), "Kies eerst een of meer voorstellen."),
        (lambda: services.remove_proposals(kennis, ["abc"]), "Kies voorstellen uit de lijst."),
        (lambda: services.remove_proposals(kennis, [p["P1"]]), "Deze voorstellen zitten niet (meer) in deze groep."),
        (lambda: services.move_proposals([], loket), "Kies eerst een of meer voorstellen."),
        (lambda: services.move_proposals([p["P4"]], loket), "Dit voorstel bestaat niet meer of is verborgen."),
        (lambda: services.move_proposals([p["P5"]], loket), "Dit voorstel bestaat niet meer of is verborgen."),
        (lambda: services.move_proposals([987654], loket), "Dit voorstel bestaat niet meer of is verborgen."),
        (lambda: services.new_group([p["P1"]]), "Kies minstens twee voorstellen voor een groep."),
        (lambda: services.new_group([p["P1"], p["P1"]]), "Kies minstens twee voorstellen voor een groep."),
        (
            lambda: services.new_group([p["P1"], p["P7"]]),
            "Een van deze voorstellen zit al in een groep; haal het daar eerst uit.",
        ),
        (lambda: services.new_group([p["P1"], p["P4"]]), "Dit voorstel bestaat niet meer of is verborgen."),
        (lambda: services.new_group([p["P1"], p["P2"]], "y" * 141), "Een titel is hoogstens 140 tekens."),
    ]
    before = stored_groups()
    for action, message in cases:
        with pytest.raises(services.ReportError) as refused:
            action()
        assert str(refused.value) == message
        db.session.rollback()
    assert stored_groups() == before


# --- one page of the review ------------------------------------------------------------------------


def test_a_page_filters_by_session_theme_and_kind_and_counts_the_whole_series(twins, rq):
    kennis, loket = suggested_pairs(twins)
    services.confirm(kennis)
    whole = services.review()
    page = services.review_page(session="zwolle", theme="kenniscentra")
    assert [g.id for g in page.groups] == [kennis]
    assert [q.proposal.id for q in page.loose] == []
    assert (page.suggested, page.confirmed, page.ungrouped, page.proposals) == (
        whole.suggested,
        whole.confirmed,
        len(whole.ungrouped),
        whole.proposals,
    )
    assert page.filter == services.Filter("zwolle", "kenniscentra") and not page.unknown
    assert ("zwolle", "Zwolle") in page.sessions and ("tilburg", "Tilburg") in page.sessions
    assert [g.id for g in services.review_page(show="suggesties").groups] == [
        g.id for g in whole.groups if not g.confirmed
    ]
    assert [g.id for g in services.review_page(show="geaccepteerd").groups] == [kennis]
    only_loose = services.review_page(show="los", session="tilburg")
    assert only_loose.groups == [] and only_loose.group_paging.total == 0
    assert {q.proposal.id for q in only_loose.loose} == {q.id for q in whole.ungrouped if q.session == "tilburg"}
    assert only_loose.loose_paging.total == len(only_loose.loose) > 0
    assert loket not in {g.id for g in services.review_page(theme="kenniscentra").groups}


def test_unknown_filters_are_left_out_and_page_numbers_kept_in_range(twins, rq, monkeypatch):
    from sessie_app.reports import review as review_service

    suggested_pairs(twins)
    monkeypatch.setattr(review_service, "LOOSE_PER_PAGE", 3)
    loose = len(services.review().ungrouped)
    page = services.review_page(session="atlantis", theme="<b>", show="alles-en-meer", page="abc", loose_page="-2")
    assert page.unknown and page.filter == services.Filter()
    for number, expected in (("0", 1), (None, 1), ("1.5", 1), ("2", 2), (str(10**30), -(-loose // 3))):
        shown = services.review_page(loose_page=number)
        assert shown.filter.loose_page == shown.loose_paging.page == expected, number
        assert not shown.unknown
    last = services.review_page(loose_page=99).loose_paging
    assert (last.total, last.last) == (loose, loose) and last.first == 3 * (last.pages - 1) + 1


def test_only_the_loose_proposals_on_the_page_are_compared_with_every_group(twins, rq, monkeypatch):
    from sessie_app.reports import review as review_service

    kennis, loket = suggested_pairs(twins)
    monkeypatch.setattr(review_service, "LOOSE_PER_PAGE", 2)
    calls = []
    real = review_service.offers

    def spy(loose, groups, among):
        calls.append(([item.id for item in loose], sorted(groups)))
        return real(loose, groups, among)

    monkeypatch.setattr(review_service, "offers", spy)
    page = services.review_page(loose_page=2, theme="kenniscentra")
    assert calls == [([q.proposal.id for q in page.loose], sorted(g.id for g in services.review().groups))]
    assert kennis in calls[0][1] and loket in calls[0][1]
    calls.clear()
    assert services.review_page(show="suggesties").loose == [] and calls[0][0] == []


def test_a_loose_proposal_is_offered_the_group_it_resembles_and_added_by_it(twins, rq):
    p = twins.p
    group = services.new_group([p["P7"], p["P3"]])
    (entry,) = [q for q in services.review_page().loose if q.proposal.id == p["P8"]]
    assert entry.offers and entry.offers[0] == services.Offer(group, services.review().groups[0].title)
    title = stored_groups()[group][0]
    assert services.add_loose(str(p["P8"]), str(group)) == (title, title)
    assert stored_groups()[group][2] == {p["P7"], p["P3"], p["P8"]}


def test_a_group_whose_title_follows_its_members_says_when_a_newcomer_brings_its_own(twins, rq):
    p = twins.p
    group = services.new_group([p["P7"], p["P6"]])
    before = stored_groups()[group][0]
    # P1 has the most supporters of all, so a title nobody chose becomes its title.
    assert services.add_loose(p["P1"], group) == (before, "Open access tot tijdschriften voor alle leraren")
    services.rename(group, "Gekozen titel")
    assert services.add_loose(p["P3"], group) == ("Gekozen titel", "Gekozen titel")


def test_adding_a_loose_proposal_refuses_what_is_no_longer_loose_or_visible(twins, rq):
    p = twins.p
    kennis = services.new_group([p["P7"], p["P8"]])
    loket = services.new_group([p["P11"], p["P12"]])
    before = stored_groups()
    for proposal_id, group_id, message in (
        (p["P8"], loket, "Dit voorstel zit al in een groep. Vernieuw de pagina."),
        (p["P4"], kennis, "Dit voorstel bestaat niet meer of is verborgen."),
        (p["P5"], kennis, "Dit voorstel bestaat niet meer of is verborgen."),
        ("abc", kennis, "Dit voorstel bestaat niet meer of is verborgen."),
        (p["P1"], 98765, "Deze groep bestaat niet meer. Vernieuw de pagina."),
        (p["P1"], 10**20, "Deze groep bestaat niet meer. Vernieuw de pagina."),
    ):
        with pytest.raises(services.ReportError) as refused:
            services.add_loose(proposal_id, group_id)
        assert str(refused.value) == message
        db.session.rollback()
    assert stored_groups() == before


def two_groups_of_one_idea(twins) -> tuple[int, int]:
    """Two groups holding the twin kenniscentrum proposals P7 and P8 apart: ``a`` accepted, ``b`` a
    suggestion. Returns (a, b)."""
    p = twins.p
    a = services.new_group([p["P7"], p["P3"]])
    b = services.new_group([p["P8"], p["P9"]])
    services.reopen(b)
    return a, b


def merge_offer(group_id: int, target_id: int) -> services.MergeOffer:
    (offer,) = [o for o in services.review_page().merges[group_id] if o.group_id == target_id]
    return offer


def test_a_group_is_offered_the_group_of_its_idea_and_merged_into_it_in_one_go(twins, rq):
    p = twins.p
    a, b = two_groups_of_one_idea(twins)
    page = services.review_page()
    assert page.merges[b][0] == merge_offer(b, a) and page.merges[b][0].title == stored_groups()[a][0]
    source_title = stored_groups()[b][0]
    merged = services.merge_groups(str(b), str(a), page.merges[b][0].state)
    assert (merged.moved, merged.source_title, merged.confirmed, merged.confirmed_by_merge) == (
        2,
        source_title,
        True,
        False,
    )
    groups = stored_groups()
    assert b not in groups and groups[a][1:] == (True, {p["P7"], p["P3"], p["P8"], p["P9"]})
    # Nobody chose a title: it follows the best supported member of both groups, as the page shows it.
    assert merged.title == groups[a][0]


def test_only_the_groups_on_the_page_are_compared_with_every_group(twins, rq, monkeypatch):
    from sessie_app.reports import review as review_service

    a, b = two_groups_of_one_idea(twins)
    monkeypatch.setattr(review_service, "GROUPS_PER_PAGE", 1)
    page = services.review_page(page=2)
    assert list(page.merges) == [g.id for g in page.groups] and page.merges[a][0].group_id == b
    assert services.review_page(show="los").merges == {}


def test_the_target_keeps_its_chosen_title_theme_and_actor_and_a_merged_acceptance(twins, rq):
    a, b = two_groups_of_one_idea(twins)
    services.rename(a, "Kenniscentra per regio", theme="kenniscentra", actor="overheid")
    services.confirm(b, "Wordt niet bewaard", actor="sectorraad")
    services.reopen(a)
    merged = services.merge_groups(b, a, merge_offer(b, a).state)
    assert (merged.title, merged.confirmed, merged.confirmed_by_merge) == ("Kenniscentra per regio", True, True)
    (group,) = [g for g in services.review().groups if g.id == a]
    assert (group.title, group.theme, group.actor, group.confirmed) == (
        "Kenniscentra per regio",
        "kenniscentra",
        "overheid",
        True,
    )


def test_a_merge_is_refused_when_a_group_is_gone_changed_or_forged(twins, rq):
    p = twins.p
    a, b = two_groups_of_one_idea(twins)
    state = merge_offer(b, a).state
    loket = services.new_group([p["P11"], p["P12"]])
    changed = "Groep %d of groep %d is intussen veranderd. Bekijk ze opnieuw en voeg ze dan samen."
    gone = "Deze groep bestaat niet meer. Vernieuw de pagina."
    before = stored_groups()
    for group_id, target_id, given, message in (
        (b, a, "", changed % (b, a)),
        (b, a, "x" * 12, changed % (b, a)),
        (b, loket, state, changed % (b, loket)),  # the state of another pair
        (a, b, state, changed % (a, b)),
        (b, b, state, "Een groep kan niet met zichzelf worden samengevoegd."),
        (b, 98765, state, gone),
        (98765, a, state, gone),
        ("abc", a, state, gone),
        (b, 10**20, state, gone),
    ):
        with pytest.raises(services.ReportError) as refused:
            services.merge_groups(group_id, target_id, given)
        assert str(refused.value) == message, (group_id, target_id, given)
        db.session.rollback()
    assert stored_groups() == before
    # Either group changed since the page was shown: its members, its title, its acceptance.
    for change in (
        lambda: services.add_loose(p["P1"], a),
        lambda: services.rename(a, "Een andere titel"),
        lambda: services.confirm(b),
        lambda: services.remove_proposals(a, [p["P3"]]),
    ):
        state = merge_offer(b, a).state
        change()
        with pytest.raises(services.ReportError, match="is intussen veranderd"):
            services.merge_groups(b, a, state)
        db.session.rollback()
