"""The grouping suggestion: pure text functions, measured on a labelled Dutch set of paraphrases."""

import csv
from pathlib import Path

import pytest

from sessie_app.reports.synthesis import CLOSEST, closest_groups, pairwise_scores, suggest_groups

HERE = Path(__file__).resolve().parent
# The development set: the synonym list and the threshold were tuned on it.
LABELLED = HERE / "proposals_nl.csv"
# Written by someone who saw neither the code nor the development set, after the tuning; only
# measured, never tuned on, so its figures are the honest ones.
HELD_OUT = HERE / "proposals_heldout_nl.csv"


def labelled_set(path: Path = LABELLED) -> tuple[list[tuple[int, str]], dict[int, str]]:
    """The CSV as (id, title + groot denken) items and the id → group truth."""
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    items = [(i, f"{row['title']} {row['groot_denken']}") for i, row in enumerate(rows)]
    return items, {i: row["group"] for i, row in enumerate(rows)}


def test_labelled_set_is_big_enough_to_mean_something():
    items, truth = labelled_set()
    sizes = {}
    for label in truth.values():
        sizes[label] = sizes.get(label, 0) + 1
    assert len(items) >= 72
    assert sum(1 for n in sizes.values() if n >= 5) >= 12
    assert sum(1 for n in sizes.values() if n == 1) >= 6


def test_suggestions_rarely_merge_different_ideas():
    items, truth = labelled_set()
    precision, recall = pairwise_scores(suggest_groups(items), truth)
    print(f"pairwise precision={precision:.3f} recall={recall:.3f}")
    assert precision >= 0.8


def test_suggestions_find_two_in_five_paraphrase_pairs_at_precision_08():
    items, truth = labelled_set()
    precision, recall = pairwise_scores(suggest_groups(items), truth)
    assert precision >= 0.8 and recall >= 0.4


def test_held_out_set_is_measured_and_does_not_regress():
    items, truth = labelled_set(HELD_OUT)
    sizes = {}
    for label in truth.values():
        sizes[label] = sizes.get(label, 0) + 1
    assert len(items) >= 60 and sum(1 for n in sizes.values() if n >= 4) >= 10
    precision, recall = pairwise_scores(suggest_groups(items), truth)
    print(f"held-out pairwise precision={precision:.3f} recall={recall:.3f}")
    # Measured at 0.781 / 0.243 when the set was added: below the 0.8 / 0.4 aim (README, Reports).
    # These floors catch a regression; they are not the goal.
    assert precision >= 0.75 and recall >= 0.2


def test_stricter_thresholds_merge_less():
    items, truth = labelled_set()
    scores = [pairwise_scores(suggest_groups(items, threshold=t), truth) for t in (0.1, 0.24, 0.5)]
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
    assert sorted(i for group in first for i in group) == [i for i, _text in items]


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


def test_a_loose_proposal_is_offered_the_groups_it_resembles_best_first():
    items = [
        (1, "Gratis toegang tot wetenschappelijke tijdschriften voor leraren"),
        (2, "Open access: leraren lezen onderzoeksartikelen zonder betaalmuur"),
        (3, "Onderzoekstijd in de normjaartaak van elke leraar"),
        (4, "Uren voor onderzoek in de taakverdeling van docenten"),
        (5, "Leraren krijgen toegang tot tijdschriften en artikelen"),
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
