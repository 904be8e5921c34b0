"""The grouping suggestion: pure text functions, measured on labelled Dutch sets of paraphrases."""

import csv
from collections import defaultdict
from pathlib import Path

import pytest

from sessie_app.reports.synthesis import (
    CLOSEST,
    CLOSEST_MERGES,
    Comparable,
    Resemblance,
    pairwise_scores,
    similarity_matrix,
    suggest_groups,
)
from sessie_app.textmatch import normalise

HERE = Path(__file__).resolve().parent
# The first development set: the synonym list was first tuned on it.
LABELLED = HERE / "proposals_nl.csv"
# Written by someone who saw neither the code nor the development set; measured, and looked at
# since, so no longer the honest figure.
HELD_OUT = HERE / "proposals_heldout_nl.csv"
# Proposals with their session, the complaint they answer and its theme, as a room gives them,
# written by someone who saw neither the code nor the sets above. The threshold, the theme
# discount and the latest synonyms were tuned on the first; the second is only measured.
SIGNALS = HERE / "proposals_signals_nl.csv"
SIGNALS_HELD_OUT = HERE / "proposals_signals_heldout_nl.csv"


def labelled_set(path: Path = LABELLED) -> tuple[list[Comparable], dict[int, str]]:
    """The CSV as items (title + groot denken, and the theme where the set has one) and the id → group truth."""
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    items = [
        Comparable(i, f"{row['title']} {row['groot_denken']}", row.get("theme") or None) for i, row in enumerate(rows)
    ]
    return items, {i: row["group"] for i, row in enumerate(rows)}


def scores(path: Path) -> tuple[float, float]:
    items, truth = labelled_set(path)
    precision, recall = pairwise_scores(suggest_groups(items), truth)
    print(f"{path.name}: pairwise precision={precision:.3f} recall={recall:.3f}")
    return precision, recall


def test_labelled_set_is_big_enough_to_mean_something():
    items, truth = labelled_set()
    sizes = {}
    for label in truth.values():
        sizes[label] = sizes.get(label, 0) + 1
    assert len(items) >= 72
    assert sum(1 for n in sizes.values() if n >= 5) >= 12
    assert sum(1 for n in sizes.values() if n == 1) >= 6


def test_suggestions_rarely_merge_different_ideas():
    precision, recall = scores(LABELLED)
    assert precision >= 0.85 and recall >= 0.5


def test_held_out_sets_are_measured_and_do_not_regress():
    """Floors that catch a regression; they are not the goal (README, Reports, has the figures)."""
    # 0.850 / 0.165 at the threshold of the signals set (0.781 / 0.243 at the old one).
    precision, recall = scores(HELD_OUT)
    assert precision >= 0.8 and recall >= 0.15
    # 0.819 / 0.366 on the tuning set, 0.660 / 0.302 on its held-out set.
    precision, recall = scores(SIGNALS)
    assert precision >= 0.8 and recall >= 0.33
    precision, recall = scores(SIGNALS_HELD_OUT)
    assert precision >= 0.6 and recall >= 0.27


def test_the_signal_sets_look_like_a_room():
    for path in (SIGNALS, SIGNALS_HELD_OUT):
        with path.open(encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        sizes = defaultdict(int)
        for row in rows:
            sizes[row["group"]] += 1
        assert len(rows) >= 100 and sum(1 for n in sizes.values() if n >= 4) >= 10
        assert sum(1 for n in sizes.values() if n == 1) >= 10
        assert {row["theme"] for row in rows} <= {
            "",
            "literatuur",
            "elkaar-vinden",
            "benutten",
            "innovaties",
            "kenniscentra",
            "financiering",
        }


def test_a_loose_proposal_finds_its_idea_among_the_groups_offered():
    """Leave one out: with every other idea grouped right, is the proposal's own group among the
    buttons? This is what saves the organiser clicks where the suggestion missed a pair."""
    for path, floor in ((SIGNALS, 0.9), (SIGNALS_HELD_OUT, 0.85)):
        items, truth = labelled_set(path)
        members = defaultdict(list)
        for item_id, label in truth.items():
            members[label].append(item_id)
        hits = tried = 0
        for item_id, label in truth.items():
            if len(members[label]) < 2:
                continue
            groups = {other: [i for i in ids if i != item_id] for other, ids in members.items()}
            groups = {other: ids for other, ids in groups.items() if len(ids) >= 2 or other == label}
            tried += 1
            hits += label in closest_groups(items, groups, [item_id])[item_id]
        print(f"{path.name}: own group offered for {hits} of {tried}")
        # Measured 98 of 104 (0.94) and 97 of 112 (0.87), the floor tuned on the first.
        assert hits / tried >= floor


def test_proposals_under_different_themes_need_more_alike_words():
    kennisbank = "Een kennisbank met onderzoek voor scholen"
    loket = "Een regionaal loket voor onderzoeksvragen van scholen"
    assert 0.29 < similarity_matrix([normalise(kennisbank), normalise(loket)])[0, 1] < 0.4
    assert suggest_groups([(1, kennisbank), (2, loket)]) == [[1, 2]]
    assert suggest_groups([Comparable(1, kennisbank, "literatuur"), Comparable(2, loket, "literatuur")]) == [[1, 2]]
    assert suggest_groups([Comparable(1, kennisbank, "literatuur"), Comparable(2, loket, "elkaar-vinden")]) == [
        [1],
        [2],
    ]


def test_stricter_thresholds_merge_less():
    items, truth = labelled_set()
    scores = [pairwise_scores(suggest_groups(items, threshold=t), truth) for t in (0.1, 0.29, 0.5)]
    recalls = [recall for _precision, recall in scores]
    assert recalls == sorted(recalls, reverse=True)
    assert scores[0][0] < scores[1][0]


def test_paraphrases_in_other_words_are_grouped():
    groups = suggest_groups(
        [
            (1, "Kennis voor directeuren in het basisonderwijs"),
            (2, "Schoolleiders in het po gebruiken kennis"),
            (3, "Gratis toegang tot tijdschriften voor leraren"),
        ]
    )
    assert groups == [[1, 2], [3]]


def test_same_input_gives_same_groups_in_a_stable_order():
    items, _truth = labelled_set()
    first = suggest_groups(items)
    assert suggest_groups(list(reversed(items))) == first
    sizes = [len(group) for group in first]
    assert sizes == sorted(sizes, reverse=True)
    assert sorted(i for group in first for i in group) == [item.id for item in items]


def test_empty_and_single_inputs():
    assert suggest_groups([]) == []
    assert suggest_groups([(7, "Open access voor leraren")]) == [[7]]
    assert suggest_groups([(1, ""), (2, "   "), (3, "de het een")]) == [[1], [2], [3]]


def test_two_identical_proposals_are_grouped():
    text = "Onderzoekstijd in de normjaartaak voor elke leraar"
    assert suggest_groups([("b", text), ("a", text)]) == [["a", "b"]]


def test_two_unrelated_proposals_stay_apart():
    groups = suggest_groups(
        [
            (1, "Gratis toegang tot wetenschappelijke tijdschriften voor docenten"),
            (2, "Leerlingen in groep 8 presenteren hun profielwerkstuk aan ouders"),
        ]
    )
    assert groups == [[1], [2]]


def test_hostile_text_does_not_crash():
    hostile = [
        (1, "🎓📚🔬🙂"),
        (2, "<script>alert('x')</script><b>Open access</b> voor leraren"),
        (3, "onderzoek " * 1100),
        (4, "Ω≈ç√∫ ￼ \x00\u200b\ufeff"),
        (5, "Open access voor leraren"),
    ]
    groups = suggest_groups(hostile)
    assert sorted(i for group in groups for i in group) == [1, 2, 3, 4, 5]


def test_pairwise_scores_count_unordered_pairs():
    truth = {1: "a", 2: "a", 3: "a", 4: "b"}
    assert pairwise_scores([[1, 2], [3], [4]], truth) == (1.0, 1 / 3)
    assert pairwise_scores([[1, 2, 3, 4]], truth) == (0.5, 1.0)
    assert pairwise_scores([[1], [2], [3], [4]], truth) == (1.0, 0.0)


def test_threshold_out_of_range_and_repeated_ids_are_refused():
    with pytest.raises(ValueError, match="threshold must be between 0 and 1"):
        suggest_groups([(1, "a b")], threshold=1.5)
    with pytest.raises(ValueError, match="ids must be unique"):
        suggest_groups([(1, "open access"), (1, "open access")])


# Two ideas in two pairs (access to journals, time for research) and a fifth about access.
ACCESS_AND_TIME = [
    (1, "Gratis toegang tot wetenschappelijke tijdschriften voor leraren"),
    (2, "Open access: leraren lezen onderzoeksartikelen zonder betaalmuur"),
    (3, "Onderzoekstijd in de normjaartaak van elke leraar"),
    (4, "Uren voor onderzoek in de taakverdeling van docenten"),
    (5, "Leraren krijgen toegang tot tijdschriften en artikelen"),
]


def test_a_loose_proposal_is_offered_the_groups_it_resembles_best_first():
    items = [
        *ACCESS_AND_TIME,
        (6, "Leerlingen in groep 8 presenteren hun profielwerkstuk aan ouders"),
        (7, ""),
    ]
    groups = {"toegang": [1, 2], "tijd": [3, 4]}
    closest = closest_groups(items, groups, [5, 6, 7])
    assert closest[5][0] == "toegang"
    # Nothing alike: no button that would be wrong more often than right.
    assert closest[6] == [] and closest[7] == []


def test_at_most_three_groups_are_offered():
    text = "Onderzoekstijd voor leraren"
    items = [(i, text) for i in range(9)]
    groups = {g: [2 * g + 1, 2 * g + 2] for g in range(4)}
    assert len(closest_groups(items, groups, [0])[0]) == CLOSEST == 3


def test_no_groups_means_nothing_is_offered():
    assert closest_groups([(1, "Open access voor leraren")], {}, [1]) == {1: []}


def test_a_group_is_offered_the_groups_it_resembles_by_average_linkage_best_first():
    items = [
        *ACCESS_AND_TIME,
        (6, "Toegang tot wetenschappelijke tijdschriften voor docenten"),
        (7, "Leerlingen in groep 8 presenteren hun profielwerkstuk aan ouders"),
        (8, "Ouders zien het profielwerkstuk van hun kind op een avond"),
        (9, ""),
        (10, "   "),
    ]
    groups = {"toegang": [1, 2], "tijd": [3, 4], "toegang-bis": [5, 6], "ouders": [7, 8], "leeg": [9, 10]}
    closest = closest_group_pairs(items, groups)
    assert closest["toegang-bis"][0] == "toegang" and closest["toegang"][0] == "toegang-bis"
    assert all(gid not in others for gid, others in closest.items())
    # Nothing alike, or nothing said: no button that would be wrong more often than right.
    assert "ouders" not in closest["toegang"] and closest["leeg"] == []
    # Only the groups asked about get offers; every group is compared.
    assert closest_group_pairs(items, groups, ["toegang-bis"]) == {"toegang-bis": closest["toegang-bis"]}


def test_a_group_pair_scores_by_the_average_of_all_member_pairs(monkeypatch):
    import numpy as np

    from sessie_app.reports import synthesis

    # Group a is one member very like b's first and unlike its second: the average, not the best pair.
    sim = np.array(
        [
            [1.0, 0.9, 0.0, 0.3],
            [0.9, 1.0, 0.0, 0.3],
            [0.0, 0.0, 1.0, 0.3],
            [0.3, 0.3, 0.3, 1.0],
        ]
    )
    monkeypatch.setattr(synthesis, "_signal_matrix", lambda kept, texts: sim)
    items = [(i, f"tekst {i}") for i in "pqrs"]
    groups = {"a": ["p"], "b": ["q", "r"], "c": ["s"]}
    assert closest_group_pairs(items, groups, ["a"]) == {"a": ["b", "c"]}  # 0.45 before 0.3
    monkeypatch.setattr(synthesis, "CLOSEST_FLOOR", 0.4)
    assert closest_group_pairs(items, groups, ["a"]) == {"a": ["b"]}


def test_at_most_two_groups_are_offered_to_merge_with():
    text = "Onderzoekstijd voor leraren"
    items = [(i, text) for i in range(10)]
    groups = {g: [2 * g, 2 * g + 1] for g in range(5)}
    assert len(closest_group_pairs(items, groups, [0])[0]) == CLOSEST_MERGES == 2


def test_fewer_than_two_groups_means_nothing_to_merge_with():
    assert closest_group_pairs([(1, "Open access"), (2, "Open access")], {"a": [1, 2]}) == {"a": []}
    assert closest_group_pairs([], {}) == {}


def test_a_group_is_offered_only_groups_at_least_as_large():
    """The merge keeps the target's number, title and acceptance: the stray goes into the main group."""
    text = "Onderzoekstijd voor leraren in de cao"
    items = [(i, text) for i in range(5)]
    groups = {"main": [0, 1, 2], "stray": [3, 4]}
    assert closest_group_pairs(items, groups) == {"main": [], "stray": ["main"]}
    assert closest_group_pairs(items, {"a": [0, 1], "b": [2, 3]}) == {"a": ["b"], "b": ["a"]}


def closest_groups(items, groups, loose, k=CLOSEST):
    return Resemblance(items).closest_groups(groups, loose, k)


def closest_group_pairs(items, groups, among=None, k=CLOSEST_MERGES):
    return Resemblance(items).closest_group_pairs(groups, among, k)
