"""Suggest groups of similar proposals across boards and sessions, for the organiser to review.

Pure functions, no Flask and no database: the caller passes ``(id, text)`` pairs and gets lists of
ids back. For a proposal the text to compare is ``title + " " + big`` (the "groot denken"
ambition); the first step ("klein doen") and the actor are left out, because two proposals with the
same ambition but different first steps still belong together. The caller builds that text.

Text is normalised by ``sessie_app.textmatch`` (folding, stop words, compounds, stems, concepts).
The normalised texts are compared with scikit-learn TF-IDF on words and on character n-grams within
words (which still catches typos and words the list does not know); the two cosine similarities are
averaged and the proposals are grouped by average-linkage agglomerative clustering, which does not
chain the way single linkage does. The threshold favours precision: a wrong merge costs the
organiser more than a missed one.
"""

from collections import defaultdict
from collections.abc import Hashable, Iterable
from itertools import combinations
from typing import TYPE_CHECKING

from ..textmatch import normalise

if TYPE_CHECKING:
    import numpy as np

# Tuned for precision on tests/reports/proposals_nl.csv: docs/reports.md has precision and recall per threshold.
DEFAULT_THRESHOLD = 0.24


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


def suggest_groups(items: Iterable[tuple[Hashable, str]], threshold: float = DEFAULT_THRESHOLD) -> list[list]:
    """Group ids whose texts are alike; every id appears in exactly one group (singletons too).

    ``threshold`` is the least average similarity (0..1) between two groups for them to merge;
    higher means fewer, safer merges. Texts that normalise to nothing (empty, only stop words or
    emoji) stay alone. Groups are sorted by size (largest first), then by their smallest id; ids
    within a group are sorted, so ids must be mutually comparable. Raises ``ValueError`` for a
    repeated id or a threshold outside 0..1.
    """
    if not 0.0 <= threshold <= 1.0:
        raise ValueError("threshold must be between 0 and 1")
    items = list(items)
    ids = [item_id for item_id, _text in items]
    if len(set(ids)) != len(ids):
        raise ValueError("ids must be unique")

    normalised = [(item_id, normalise(text)) for item_id, text in items]
    texts = [(item_id, text) for item_id, text in normalised if text]
    groups = [[item_id] for item_id, text in normalised if not text]
    if len(texts) == 1:
        groups.append([texts[0][0]])
    elif texts:
        from sklearn.cluster import AgglomerativeClustering

        distance = 1.0 - similarity_matrix([text for _id, text in texts])
        labels = AgglomerativeClustering(
            n_clusters=None, metric="precomputed", linkage="average", distance_threshold=1.0 - threshold
        ).fit_predict(distance)
        by_label = defaultdict(list)
        for (item_id, _text), label in zip(texts, labels, strict=True):
            by_label[label].append(item_id)
        groups.extend(by_label.values())
    groups = [sorted(group) for group in groups]
    groups.sort(key=lambda group: (-len(group), group[0]))
    return groups


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
