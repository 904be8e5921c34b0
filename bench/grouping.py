"""Precision and recall of the grouping suggestion on the labelled sets, and what the room's signals are worth.

Prints one JSON line per labelled set (``tests/reports/*.csv``) with the app's settings, then, for
the tuning set, the best pairwise recall at a precision of 0.8 or more for each way of using the
complaint a proposal answers and its theme (docs/reports.md, The grouping threshold and the
signals). The variants only reweigh ``synthesis.similarity_matrix``; the app uses the one chosen.

    .venv/bin/python bench/grouping.py
"""

import csv
import json
from pathlib import Path

import numpy as np
from sklearn.cluster import AgglomerativeClustering

from sessie_app.reports.synthesis import Comparable, pairwise_scores, similarity_matrix, suggest_groups
from sessie_app.textmatch import normalise

SETS = Path(__file__).resolve().parent.parent / "tests" / "reports"
TUNING = SETS / "proposals_signals_nl.csv"
THRESHOLDS = [round(t, 2) for t in np.arange(0.15, 0.5, 0.01)]
PRECISION_FLOOR = 0.8


def rows_of(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def app_scores(path: Path) -> dict:
    rows = rows_of(path)
    items = [Comparable(i, f"{r['title']} {r['groot_denken']}", r.get("theme") or None) for i, r in enumerate(rows)]
    precision, recall = pairwise_scores(suggest_groups(items), {i: r["group"] for i, r in enumerate(rows)})
    return {"set": path.name, "proposals": len(rows), "precision": round(precision, 3), "recall": round(recall, 3)}


def _pairs_where(values: list, same: bool) -> np.ndarray:
    codes: dict = {}
    keys = np.array([-1 if v is None else codes.setdefault(v, len(codes)) for v in values])
    known = (keys[:, None] >= 0) & (keys[None, :] >= 0)
    return (known & ((keys[:, None] == keys[None, :]) == same)).astype(float)


def best_recall(similarity: np.ndarray, truth: dict) -> dict:
    similarity = np.clip(similarity, 0.0, 1.0)
    np.fill_diagonal(similarity, 1.0)
    best = {"precision": None, "recall": 0.0, "threshold": None}
    for threshold in THRESHOLDS:
        labels = AgglomerativeClustering(
            n_clusters=None, metric="precomputed", linkage="average", distance_threshold=1.0 - threshold
        ).fit_predict(1.0 - similarity)
        groups: dict = {}
        for i, label in enumerate(labels):
            groups.setdefault(label, []).append(i)
        precision, recall = pairwise_scores(list(groups.values()), truth)
        if precision >= PRECISION_FLOOR and recall > best["recall"]:
            best = {"precision": round(precision, 3), "recall": round(recall, 3), "threshold": threshold}
    return best


def signal_variants() -> None:
    rows = rows_of(TUNING)
    truth = {i: r["group"] for i, r in enumerate(rows)}
    text = similarity_matrix([normalise(f"{r['title']} {r['groot_denken']}") for r in rows])
    complaint = _pairs_where([(r["session"], r["bottleneck"]) if r["bottleneck"] else None for r in rows], True)
    same_theme = _pairs_where([r["theme"] or None for r in rows], True)
    other_theme = _pairs_where([r["theme"] or None for r in rows], False)
    discounted = text * (1 - 0.3 * other_theme)
    variants = {
        "text only": text,
        "text, 30 % less for different themes (the app)": discounted,
        "… + 0.05 for the same complaint": discounted + 0.05 * complaint,
        "… + 0.1 for the same complaint": discounted + 0.1 * complaint,
        "… x1.5 for the same complaint": discounted * (1 + 0.5 * complaint),
        "… x2 for the same complaint": discounted * (1 + complaint),
        "… x1.3 for the same theme": discounted * (1 + 0.3 * same_theme),
    }
    for name, similarity in variants.items():
        print(json.dumps({"set": TUNING.name, "variant": name, **best_recall(similarity, truth)}, ensure_ascii=False))


def main() -> None:
    for path in sorted(SETS.glob("proposals*.csv")):
        print(json.dumps(app_scores(path)))
    signal_variants()


if __name__ == "__main__":
    main()
