"""build_report on the known data set of tests/reports/dataset.py: support, bridging, matrix, bottlenecks,
sessions. Every expected number is worked out by hand in tests/reports/dataset.py's docstring."""

import json
from dataclasses import asdict

import pytest

from sessie_app.board import services as board_services
from sessie_app.board.models import OPPEREN, STEMMEN, Proposal
from sessie_app.extensions import db
from sessie_app.reports import services
from sessie_app.reports.models import ProposalGroup
from sessie_app.reports.report import Report
from tests.reports.dataset import (
    FORMULA,
    KENNIS_TITLE,
    LOVE_TITLE,
    NICKNAME,
    group_of,
    member_ids,
    propose,
    theme_id,
    vote,
)


def report(scope=None, suggest=False) -> Report:
    return services.build_report(scope, suggest=suggest)


# --- support ---------------------------------------------------------------------------------------


def test_someone_who_voted_for_two_proposals_of_a_group_is_one_supporter(dataset, rq):
    p = dataset.p
    love = group_of(report("tilburg"), p["P1"])
    assert (love.id, love.title, love.confirmed) == (dataset.groups["LOVE"], LOVE_TITLE, True)
    assert member_ids(love) == [p["P1"], p["P2"]]
    # L1 voted for P1 and for P2: counted once among the supporters, twice among the votes.
    per_proposal = {q.id: (q.supporters, q.votes) for q in love.proposals}
    assert per_proposal == {p["P1"]: (6, 9), p["P2"]: (2, 2)}
    assert love.supporters == 7 and sum(s for s, _v in per_proposal.values()) == 8
    assert love.votes == 11
    assert love.supporters_by_role == {"leraar": 6, "schoolleider": 1, "onderzoeker": 0}
    assert love.roles_supporting == 2


def test_paper_votes_count_as_votes_but_not_as_supporters(dataset, rq):
    p = dataset.p
    before = group_of(report("tilburg"), p["P3"])
    assert (before.supporters, before.votes) == (5, 5)
    db.session.get(Proposal, p["P3"]).paper_votes = 4
    db.session.commit()
    after = report("tilburg")
    bridge = group_of(after, p["P3"])
    assert (bridge.supporters, bridge.votes) == (5, 9)
    assert after.totals.votes == 24
    # P1's three paper dots are in its votes (9 = 6 + 3), not in its six supporters.
    assert next(q for q in group_of(after, p["P1"]).proposals if q.id == p["P1"]).supporters == 6


def test_hidden_and_merged_proposals_are_left_out_everywhere(dataset, rq):
    p = dataset.p
    for scope in ("tilburg", None):
        data = report(scope)
        shown = {q.id for g in data.groups for q in g.proposals}
        assert p["P4"] not in shown and p["P5"] not in shown
        assert {q.id for q in data.appendix} == shown
        text = json.dumps(data.to_json(), ensure_ascii=False)
        assert "Verborgen scheldpartij" not in text and "Dubbel ingediende makelaarsbalie" not in text
        for chapter in data.sessions:
            assert not {q.id for q in chapter.top_proposals} & {p["P4"], p["P5"]}
    tilburg = report("tilburg")
    assert tilburg.totals.proposals == 5 and tilburg.totals.votes == 20
    # X1's dot on the duplicate moved to the proposal it was merged into.
    makelaar = group_of(tilburg, p["P6"])
    assert (makelaar.supporters, makelaar.votes) == (2, 2)
    # The hidden proposal answered the financing bottleneck: that one now has no answer.
    financing = next(b for b in tilburg.bottlenecks if b.id == dataset.bottlenecks["financiering"])
    assert financing.answered_by == []


def test_a_session_report_holds_only_that_sessions_part_of_a_group_across_sessions(dataset, rq):
    p = dataset.p
    everywhere = group_of(report(), p["P7"])
    assert member_ids(everywhere) == [p["P8"], p["P7"]]  # P8 has more supporters
    assert (everywhere.title, everywhere.supporters, everywhere.votes) == (KENNIS_TITLE, 3, 4)
    assert everywhere.sessions == ["Tilburg", "Zwolle"]
    assert everywhere.klein_doen == "Netwerk van schoolleiders starten"

    tilburg = report("tilburg")
    kennis = group_of(tilburg, p["P7"])
    assert (kennis.title, member_ids(kennis), kennis.supporters, kennis.votes) == (
        KENNIS_TITLE,
        [p["P7"]],
        1,
        2,
    )
    assert kennis.sessions == ["Tilburg"] and kennis.klein_doen == "Kwartiermaker aanstellen"
    assert {q.id for q in tilburg.appendix} == {p["P1"], p["P2"], p["P3"], p["P6"], p["P7"]}

    zwolle = report("zwolle")
    kennis = group_of(zwolle, p["P8"])
    assert (member_ids(kennis), kennis.supporters, kennis.votes) == ([p["P8"]], 2, 2)
    assert {q.id for q in zwolle.appendix} == {p["P8"], p["P9"], p["P10"]}
    assert asdict(zwolle.scope) == {
        **asdict(zwolle.scope),
        "kind": "session",
        "slug": "zwolle",
        "city": "Zwolle",
        "grouping": "confirmed",
    }


def test_groups_are_ranked_by_supporters_then_votes(dataset, rq):
    p = dataset.p
    data = report()
    assert [member_ids(g) for g in data.groups] == [
        [p["P1"], p["P2"]],
        [p["P3"]],
        [p["P8"], p["P7"]],
        [p["P6"]],
        [p["P9"]],
        [p["P10"]],
    ]
    assert [g.rank for g in data.groups] == [1, 2, 3, 4, 5, 6]
    assert [(g.supporters, g.votes) for g in data.groups] == [(7, 11), (5, 5), (3, 4), (2, 2), (1, 2), (0, 0)]
    assert data.top_groups == data.groups[:-1]  # P10 has no vote, so no top list shows it
    assert asdict(data.totals) == {
        "sessions": 5,
        "registered": 3,
        "checked_in": 1,
        "participants": 14,
        "proposals": 8,
        "votes": 24,
        "groups": 6,
        "groups_of_several": 2,
        "bottlenecks": 7,
        "bottlenecks_answered": 3,
    }


def test_only_confirmed_groups_reach_the_report(dataset, rq):
    p = dataset.p
    db.session.get(ProposalGroup, dataset.groups["KENNIS"]).confirmed = False
    db.session.commit()
    data = report()
    alone = [group_of(data, p["P7"]), group_of(data, p["P8"])]
    assert [member_ids(g) for g in alone] == [[p["P7"]], [p["P8"]]]
    assert [(g.id, g.confirmed, g.title) for g in alone] == [
        (None, False, "Regionaal kenniscentrum voor schoolleiders")
    ] * 2
    assert data.totals.groups_of_several == 1 and data.totals.groups == 7


def test_a_nickname_shows_as_author_only_when_one_was_set(dataset, rq):
    p = dataset.p
    authors = {q.id: q.author for q in report().appendix}
    assert authors[p["P1"]] == NICKNAME
    assert authors[p["P2"]] is None and authors[p["P3"]] is None


def test_an_unknown_session_is_refused(app, rq):
    with pytest.raises(services.UnknownSession):
        services.build_report("atlantis")


# --- bridging --------------------------------------------------------------------------------------


def test_a_group_across_roles_bridges_better_than_a_bigger_one_of_mostly_one_role(dataset, rq):
    """Tilburg: 6 leraar, 2 schoolleider, 2 onderzoeker (the student is no bridging role).
    LOVE:  leraar 6, schoolleider 1, onderzoeker 0 → 7/8 · 2/4 · 1/4 = 0.109375
    P3:    leraar 1, schoolleider 2, onderzoeker 2 → 2/8 · 3/4 · 3/4 = 0.140625"""
    p = dataset.p
    data = report("tilburg")
    assert [asdict(role) for role in data.roles] == [
        {"key": "leraar", "label": "Leraar", "participants": 6},
        {"key": "schoolleider", "label": "Schoolleider", "participants": 2},
        {"key": "onderzoeker", "label": "Onderzoeker", "participants": 2},
    ]
    love, bridge = group_of(data, p["P1"]), group_of(data, p["P3"])
    assert love.consensus == pytest.approx(7 / 8 * 2 / 4 * 1 / 4, abs=1e-6)
    assert bridge.consensus == pytest.approx(2 / 8 * 3 / 4 * 3 / 4, abs=1e-6)
    assert [g.rank for g in (love, bridge)] == [1, 2]
    # Groups supported by one role only (P6: an onderzoeker and a student; P7) do not bridge.
    assert [member_ids(g) for g in data.bridging] == [[p["P3"]], [p["P1"], p["P2"]]]


def test_the_bridging_score_over_all_sessions_counts_every_role_present(dataset, rq):
    """All sessions: leraar 7, schoolleider 2, onderzoeker 2, bestuurder 1, beleidsmaker 1.
    A factor per role: (supporters of that role + 1) / (participants of that role + 2)."""
    p = dataset.p
    data = report()
    assert [(r.key, r.participants) for r in data.roles] == [
        ("leraar", 7),
        ("schoolleider", 2),
        ("onderzoeker", 2),
        ("bestuurder", 1),
        ("beleidsmaker", 1),
    ]
    expected = {
        p["P1"]: 7 / 9 * 2 / 4 * 1 / 4 * 1 / 3 * 1 / 3,  # 0.010802
        p["P3"]: 2 / 9 * 3 / 4 * 3 / 4 * 1 / 3 * 1 / 3,  # 0.013889
        p["P7"]: 2 / 9 * 2 / 4 * 1 / 4 * 2 / 3 * 1 / 3,  # 0.006173: Z1 leraar, S2 schoolleider, Z2 bestuurder
        p["P10"]: 1 / 9 * 1 / 4 * 1 / 4 * 1 / 3 * 1 / 3,  # nobody
    }
    for proposal_id, score in expected.items():
        assert group_of(data, proposal_id).consensus == pytest.approx(score, abs=1e-6)
    assert [member_ids(g)[-1] for g in data.bridging] == [p["P3"], p["P2"], p["P7"]]


@pytest.fixture
def one_role_room(app, meetings):
    """Amsterdam: six teachers, one school leader, one researcher, one student.
    A: the six teachers and the student; B: one teacher, the school leader and the researcher."""
    with app.test_request_context():
        board = board_services.create_board("Amsterdam", meeting_id=meetings["amsterdam"].id)
        teachers = [board_services.join(board.id, None, role="leraar") for _ in range(6)]
        leader = board_services.join(board.id, None, role="schoolleider")
        researcher = board_services.join(board.id, None, role="onderzoeker")
        student = board_services.join(board.id, None, role="student")
        board_services.set_phase(board.id, OPPEREN, None)
        a = propose(teachers[0], "Meer lestijd voor rekenen")
        b = propose(leader, "Samen een onderzoeksagenda per regio")
        board_services.set_phase(board.id, STEMMEN, None)
        for person in [*teachers, student]:
            vote(person, a)
        for person in (teachers[0], leader, researcher):
            vote(person, b)
        yield {"A": a, "B": b}


def test_a_group_loved_by_one_role_only_ranks_below_a_smaller_group_across_roles(one_role_room, rq):
    data = report("amsterdam")
    a, b = group_of(data, one_role_room["A"]), group_of(data, one_role_room["B"])
    assert (a.rank, a.supporters, b.rank, b.supporters) == (1, 7, 2, 3)
    # Roles present: leraar 6, schoolleider 1, onderzoeker 1; absent roles do not count, nor does the student.
    assert a.consensus == pytest.approx(7 / 8 * 1 / 3 * 1 / 3, abs=1e-6)  # 0.097222
    assert b.consensus == pytest.approx(2 / 8 * 2 / 3 * 2 / 3, abs=1e-6)  # 0.111111
    assert b.consensus > a.consensus
    assert a.supporters_by_role == {"leraar": 6, "schoolleider": 0, "onderzoeker": 0}
    assert [member_ids(g) for g in data.bridging] == [[one_role_room["B"]]]


# --- who must act: actor × theme -------------------------------------------------------------------


def test_bridging_order_holds_for_the_tiny_scores_of_a_full_room(app, meetings, rq):
    """Thirty people in each of the six roles: every score is below one in a million, so the
    order must come from the scores themselves, not from a rounded copy of them."""
    board = board_services.create_board("Utrecht", meeting_id=meetings["utrecht"].id)
    roles = ("leraar", "schoolleider", "onderzoeker", "lerarenopleider", "bestuurder", "beleidsmaker")
    people = {role: [board_services.join(board.id, None, role=role) for _ in range(30)] for role in roles}
    board_services.set_phase(board.id, OPPEREN, None)
    across = propose(people["leraar"][0], "Een kennisagenda per regio")
    mostly_teachers = propose(people["leraar"][1], "Meer lestijd voor rekenen")
    board_services.set_phase(board.id, STEMMEN, None)
    for role in roles:
        vote(people[role][0], across)
    for person in [*people["leraar"][:10], people["schoolleider"][1]]:
        vote(person, mostly_teachers)
    data = report("utrecht")
    a, m = group_of(data, across), group_of(data, mostly_teachers)
    assert (a.supporters, m.supporters) == (6, 11)
    assert a.consensus == pytest.approx((2 / 32) ** 6, rel=1e-9)
    assert m.consensus == pytest.approx(11 / 32 * 2 / 32 * (1 / 32) ** 4, rel=1e-9)
    assert 0 < m.consensus < a.consensus < 1e-6
    assert [member_ids(g) for g in data.bridging] == [[across], [mostly_teachers]]


def test_the_matrix_puts_each_group_under_its_actor_and_theme_with_the_first_step(dataset, rq):
    data = report("tilburg")
    matrix = data.matrix
    assert [t.key for t in matrix.themes] == ["literatuur", "elkaar-vinden", "kenniscentra"]
    assert matrix.themes[0].name == "Toegang tot onderzoeksliteratuur"
    cells = {(row.actor, cell.theme): cell for row in matrix.rows for cell in row.cells}
    assert [row.actor for row in matrix.rows] == ["school", "kennisinstelling"]
    assert [row.label for row in matrix.rows] == ["School / bestuur", "Kennisinstelling"]
    assert asdict(cells[("school", "kenniscentra")]) == {
        "theme": "kenniscentra",
        "count": 2,
        "top": [
            {
                "title": "Vaste onderzoekstijd in de cao",
                "klein_doen": "Twee uur per week inroosteren",
                "supporters": 5,
                "votes": 5,
            },
            {"title": KENNIS_TITLE, "klein_doen": "Kwartiermaker aanstellen", "supporters": 1, "votes": 2},
        ],
    }
    assert [asdict(idea) for idea in cells[("kennisinstelling", "literatuur")].top] == [
        {"title": LOVE_TITLE, "klein_doen": "Bibliotheekpas voor elke leraar regelen", "supporters": 7, "votes": 11}
    ]
    assert asdict(cells[("school", "literatuur")]) == {"theme": "literatuur", "count": 0, "top": []}


def test_the_matrix_has_a_row_for_proposals_without_actor_or_theme(dataset, rq):
    matrix = report().matrix
    last = matrix.rows[-1]
    assert (last.actor, last.label) == ("onbepaald", "Nog niet bepaald")
    assert {"key": "zonder-thema", "name": "Zonder thema"} in [asdict(theme) for theme in matrix.themes]
    (cell,) = [c for c in last.cells if c.count]
    assert cell.theme == "zonder-thema" and cell.top[0].title == FORMULA


@pytest.fixture
def crowded_cell(app, meetings):
    """Den Haag: four proposals for the government on financing, with 4, 3, 2 and 1 supporters."""
    with app.test_request_context():
        board = board_services.create_board("Den Haag", meeting_id=meetings["den-haag"].id)
        people = [board_services.join(board.id, None, role="bestuurder") for _ in range(4)]
        financing = theme_id(board, "financiering")
        board_services.set_phase(board.id, OPPEREN, None)
        ids = [
            propose(people[0], f"Fonds nummer {n}", small=f"Eerste stap {n}", actor="overheid", theme_id=financing)
            for n in range(1, 5)
        ]
        other = propose(
            people[0],
            "Loket voor kleine scholen",
            small="Loket openen",
            actor="overheid",
            theme_id=theme_id(board, "literatuur"),
        )
        board_services.set_phase(board.id, STEMMEN, None)
        for n, proposal_id in enumerate(ids):
            for person in people[: 4 - n]:
                vote(person, proposal_id)
        yield {"ids": ids, "other": other}


def test_a_cell_lists_its_three_best_supported_groups_and_counts_them_all(crowded_cell, rq):
    matrix = report("den-haag").matrix
    (row,) = matrix.rows
    assert row.actor == "overheid"
    assert [t.key for t in matrix.themes] == ["literatuur", "financiering"]
    literature, financing = row.cells
    assert financing.count == 4
    assert [(c.title, c.klein_doen, c.supporters) for c in financing.top] == [
        ("Fonds nummer 1", "Eerste stap 1", 4),
        ("Fonds nummer 2", "Eerste stap 2", 3),
        ("Fonds nummer 3", "Eerste stap 3", 2),
    ]
    assert literature.count == 1 and literature.top[0].klein_doen == "Loket openen"


# --- bottlenecks and sessions ------------------------------------------------------------------------


def test_bottlenecks_are_counted_and_linked_to_the_proposals_that_answer_them(dataset, rq):
    p, b = dataset.p, dataset.bottlenecks
    data = report("tilburg")
    assert (data.totals.bottlenecks, data.totals.bottlenecks_answered) == (7, 3)
    answers = {item.id: item.answered_by for item in data.bottlenecks}
    assert [asdict(answer) for answer in answers[b["literatuur"]]] == [
        {"id": p["P1"], "title": "Open access tot tijdschriften voor alle leraren", "votes": 9},
        {"id": p["P2"], "title": "Landelijke licentie op vakliteratuur voor het onderwijs", "votes": 2},
    ]
    assert [a.id for a in answers[b["elkaar-vinden"]]] == [p["P6"]]
    assert [a.id for a in answers[b["tijd"]]] == [p["P3"]]
    by_id = {item.id: item for item in data.bottlenecks}
    assert (by_id[b["literatuur"]].theme, by_id[b["literatuur"]].theme_name) == (
        "literatuur",
        "Toegang tot onderzoeksliteratuur",
    )
    assert by_id[b["tijd"]].theme == "zonder-thema"
    assert report("zwolle").bottlenecks == []
    assert b["hidden"] not in answers  # the hidden bottleneck is left out


def test_a_session_chapter_counts_registrations_participants_and_votes(dataset, rq):
    p = dataset.p
    (chapter,) = report("tilburg").sessions
    assert (chapter.slug, chapter.city, chapter.registered, chapter.checked_in, chapter.joined) == (
        "tilburg",
        "Tilburg",
        2,
        1,
        11,
    )
    assert (chapter.proposals, chapter.votes) == (5, 20)
    assert [q.id for q in chapter.top_proposals] == [p["P1"], p["P3"], p["P2"], p["P6"], p["P7"]]
    registered = {entry.key: entry.count for entry in chapter.registered_by_role}
    assert registered["leraar"] == 1 and registered["onderzoeker"] == 1 and sum(registered.values()) == 2
    joined = {entry.key: entry.count for entry in chapter.joined_by_role}
    assert (joined["leraar"], joined["schoolleider"], joined["onderzoeker"], joined["student"]) == (6, 2, 2, 1)
    moderation = {entry.action: entry.count for entry in chapter.moderation}
    assert moderation["hide"] == 2 and moderation["merge"] == 1  # a proposal and a bottleneck
    assert [c.slug for c in report().sessions] == ["amsterdam", "zwolle", "tilburg", "den-haag", "utrecht"]


def test_a_board_without_session_counted_in_gets_a_chapter_of_its_own(dataset, rq):
    loose = board_services.create_board("Los bord")
    person = board_services.join(loose.id, None, role="leraar")
    board_services.set_phase(loose.id, OPPEREN, None)
    proposal_id = propose(person, "Voorstel van een los bord")
    # Left out until the organiser counts it in (tests/reports/test_board_scope.py).
    assert proposal_id not in {q.id for q in report().appendix}
    board_services.set_report_marks(loose.id, practice=False, in_report=True)
    data = report()
    assert data.sessions[-1].slug is None and data.sessions[-1].city == "Zonder sessie"
    assert data.sessions[-1].proposals == 1 and proposal_id in {q.id for q in data.appendix}
    assert group_of(data, proposal_id).proposals[0].session is None
    # A session's report leaves the loose board out.
    assert proposal_id not in {q.id for q in report("tilburg").appendix}


def test_the_report_is_plain_data(dataset, rq):
    data = report().to_json()
    # Only JSON types: no lazy strings, sets, tuples or rows that an export would trip over.
    assert json.loads(json.dumps(data)) == data
