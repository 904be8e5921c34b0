"""Suggest groups of similar proposals across boards and sessions, for the organiser to review.

Pure functions, no Flask and no database: the caller passes ``Comparable``s (or ``(id, text)``
pairs) and gets lists of ids back. For a proposal the text to compare is ``title + " " + big`` (the "groot denken"
ambition); the first step ("klein doen") and the actor are left out, because two proposals with the
same ambition but different first steps still belong together. The caller builds that text.

Text is normalised by ``sessie_app.textmatch`` (folding, stop words, compounds, stems, concepts).
The normalised texts are compared with scikit-learn TF-IDF on words and on character n-grams within
words (which still catches typos and words the list does not know); the two cosine similarities are
averaged, lowered for two proposals the room put under different themes, and the proposals are
grouped by average-linkage agglomerative clustering, which does not chain the way single linkage
does. The threshold favours precision: a wrong merge costs the organiser more than a missed one, and
``Resemblance.closest_groups`` offers the misses back in the review, one click each.
"""

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from itertools import combinations
from typing import TYPE_CHECKING, NamedTuple

from ..textmatch import normalise

if TYPE_CHECKING:
    import numpy as np

# Tuned for precision on tests/reports/proposals_signals_nl.csv (with OTHER_THEME_DISCOUNT):
# docs/reports.md has precision and recall per threshold and what else was tried.
DEFAULT_THRESHOLD = 0.29
# Two proposals the room put under different themes are less likely one idea: their text
# similarity counts this much less. (A bonus for answering the same complaint, or for the same
# theme, was measured too and bought no recall at the same precision: docs/reports.md.)
OTHER_THEME_DISCOUNT = 0.3
# The nearest groups a loose proposal is offered, and how alike it must be to be offered one at all:
# below this a button would more often be wrong than save a click.
CLOSEST = 3
CLOSEST_FLOOR = 0.1
# The groups a group is offered to merge with: a card has room for two buttons without burying its
# own. On bench/review_clicks.py's series every extra group was offered its idea's home first (13 of 13).
CLOSEST_MERGES = 2


class Comparable(NamedTuple):
    """What the grouping knows of a proposal: its text, and its theme (None when it has none)."""

    id: Hashable
    text: str
    theme: Hashable | None = None


def _comparables(items: Iterable) -> list[Comparable]:
    # ``(id, text)`` pairs are welcome too: a proposal without a theme.
    return [item if isinstance(item, Comparable) else Comparable(*item) for item in items]


def similarity_matrix(texts: list[str]) -> "np.ndarray":
    """Cosine similarities of already normalised, non-empty texts: the mean of word and char TF-IDF."""
    # Imported here, not at the top: scikit-learn adds about 100 MB to a process that serves a
    # hall of phones, and only an organiser asking for a grouping needs it.
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_similarity

    # Unigrams only: once synonyms share a concept name, word pairs mostly add noise on short texts.
    words = TfidfVectorizer(
        analyzer="word", ngram_range=(1, 1), token_pattern=r"\S+", lowercase=False, sublinear_tf=True
    )
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), lowercase=False, sublinear_tf=True)
    sim = (cosine_similarity(words.fit_transform(texts)) + cosine_similarity(chars.fit_transform(texts))) / 2
    sim = np.clip((sim + sim.T) / 2, 0.0, 1.0)
    np.fill_diagonal(sim, 1.0)
    return sim


def _signal_matrix(items: list[Comparable], normalised: list[str]) -> "np.ndarray":
    """``similarity_matrix`` of the texts, lowered for pairs whose themes are known and differ."""
    import numpy as np

    codes: dict[Hashable, int] = {}
    themes = np.array([-1 if item.theme is None else codes.setdefault(item.theme, len(codes)) for item in items])
    known = themes >= 0
    other_theme = known[:, None] & known[None, :] & (themes[:, None] != themes[None, :])
    return similarity_matrix(normalised) * np.where(other_theme, 1.0 - OTHER_THEME_DISCOUNT, 1.0)


def _normalised(items: list[Comparable]) -> tuple[list[Comparable], list[str], list[Comparable]]:
    """The items whose text means something, their normalised texts, and the rest (empty, only stop words or emoji)."""
    texts, kept, empty = [], [], []
    for item in items:
        text = normalise(item.text)
        if text:
            kept.append(item)
            texts.append(text)
        else:
            empty.append(item)
    return kept, texts, empty


def suggest_groups(items: Iterable, threshold: float = DEFAULT_THRESHOLD) -> list[list]:
    """Group ids whose proposals are alike; every id appears in exactly one group (singletons too).

    ``items`` are ``Comparable``s or ``(id, text)`` pairs. ``threshold`` is the least average
    similarity (0..1) between two groups for them to merge; higher means fewer, safer merges. Texts
    that normalise to nothing (empty, only stop words or emoji) stay alone. Groups are sorted by
    size (largest first), then by their smallest id; ids within a group are sorted, so ids must be
    mutually comparable. Raises ``ValueError`` for a repeated id or a threshold outside 0..1.
    """
    if not 0.0 <= threshold <= 1.0:
        raise ValueError("threshold must be between 0 and 1")
    items = _comparables(items)
    ids = [item.id for item in items]
    if len(set(ids)) != len(ids):
        raise ValueError("ids must be unique")

    kept, texts, empty = _normalised(items)
    groups = [[item.id] for item in empty]
    if len(kept) == 1:
        groups.append([kept[0].id])
    elif kept:
        from sklearn.cluster import AgglomerativeClustering

        distance = 1.0 - _signal_matrix(kept, texts)
        labels = AgglomerativeClustering(
            n_clusters=None, metric="precomputed", linkage="average", distance_threshold=1.0 - threshold
        ).fit_predict(distance)
        by_label = defaultdict(list)
        for item, label in zip(kept, labels, strict=True):
            by_label[label].append(item.id)
        groups.extend(by_label.values())
    groups = [sorted(group) for group in groups]
    groups.sort(key=lambda group: (-len(group), group[0]))
    return groups


class Resemblance:
    """How alike a set of proposals is, computed once: which groups a loose proposal resembles, and
    which groups resemble each other. A group resembles by the average similarity of its members,
    the average linkage the suggestion merges by; nothing below ``CLOSEST_FLOOR`` is offered, and a
    proposal whose text says nothing resembles nothing.

    ``items`` are the ``Comparable``s (or ``(id, text)`` pairs) of every proposal asked about and of
    the groups' members; ``groups`` below map a group id to its members' ids.
    """

    def __init__(self, items: Iterable):
        kept, texts, _empty = _normalised(_comparables(items))
        self._row = {item.id: i for i, item in enumerate(kept)}
        self._sim = _signal_matrix(kept, texts) if kept else None

    def _rows(self, groups: Mapping[Hashable, list]) -> dict[Hashable, list[int]]:
        rows = {gid: [self._row[m] for m in members if m in self._row] for gid, members in groups.items()}
        return {gid: found for gid, found in rows.items() if found}

    @staticmethod
    def _best(scores: dict, k: int) -> list:
        return sorted((gid for gid, score in scores.items() if score >= CLOSEST_FLOOR), key=lambda g: -scores[g])[:k]

    def closest_groups(
        self, groups: Mapping[Hashable, list], loose: Iterable[Hashable], k: int = CLOSEST
    ) -> dict[Hashable, list[Hashable]]:
        """For each id in ``loose``, the ids of the (at most ``k``) groups it resembles most, best first."""
        columns = self._rows(groups)
        closest = {}
        for item_id in loose:
            row = self._row.get(item_id)
            scores = {} if row is None else {gid: float(self._sim[row, cols].mean()) for gid, cols in columns.items()}
            closest[item_id] = self._best(scores, k)
        return closest

    def closest_group_pairs(
        self, groups: Mapping[Hashable, list], among: Iterable[Hashable] | None = None, k: int = CLOSEST_MERGES
    ) -> dict[Hashable, list[Hashable]]:
        """For each group id in ``among`` (all groups when None), the ids of the (at most ``k``) other
        groups it resembles most, best first; only groups at least as large are offered."""
        index = self._rows(groups)
        closest = {}
        for gid in groups if among is None else among:
            if gid not in index:
                closest[gid] = []
                continue
            rows = self._sim[index[gid]]
            # Only into a group at least as large: merging keeps the target's number, title and
            # acceptance, and an idea's main group is not to be offered away into a stray corner of it.
            scores = {
                other: float(rows[:, cols].mean())
                for other, cols in index.items()
                if other != gid and len(groups[other]) >= len(groups[gid])
            }
            closest[gid] = self._best(scores, k)
        return closest


def _pairs(groups: Iterable[Iterable[Hashable]]) -> set[frozenset]:
    return {frozenset(pair) for group in groups for pair in combinations(group, 2)}


def pairwise_scores(predicted: list[list], truth: dict) -> tuple[float, float]:
    """Pairwise (precision, recall) of ``predicted`` groups against ``truth`` (id → group label).

    Counted over all unordered pairs of ids in ``truth``; ids not in ``truth`` are ignored. A pair
    is positive when both ids share a group. With no predicted pairs precision is 1.0, with no true
    pairs recall is 1.0 (nothing claimed wrongly, nothing missed).
    """
    predicted_pairs = _pairs([i for i in group if i in truth] for group in predicted)
    by_label = defaultdict(list)
    for item_id, label in truth.items():
        by_label[label].append(item_id)
    true_pairs = _pairs(by_label.values())
    hits = len(predicted_pairs & true_pairs)
    precision = hits / len(predicted_pairs) if predicted_pairs else 1.0
    recall = hits / len(true_pairs) if true_pairs else 1.0
    return precision, recall
