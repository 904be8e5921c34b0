"""Time suggest_groups on 750 proposals (5 sessions x 150) and print one JSON line.

The 750 are made from tests/reports/proposals_nl.csv by light paraphrase (dropping, swapping and
misspelling a word, shuffling the groot-denken sentence) with a fixed seed. Precision and recall are
those on the labelled set itself, with the default threshold.
"""

import csv
import json
import random
import resource
import time
from pathlib import Path

from sessie_app.reports.synthesis import pairwise_scores, suggest_groups

ROOT = Path(__file__).resolve().parent.parent

LABELLED = ROOT / "tests" / "reports" / "proposals_nl.csv"
SESSIONS, PER_SESSION = 5, 150


def paraphrase(text: str, rng: random.Random) -> str:
    words = text.split()
    if len(words) > 4 and rng.random() < 0.5:
        del words[rng.randrange(len(words))]
    if len(words) > 3 and rng.random() < 0.5:
        i = rng.randrange(len(words) - 1)
        words[i], words[i + 1] = words[i + 1], words[i]
    if words and rng.random() < 0.3:
        i = rng.randrange(len(words))
        w = words[i]
        if len(w) > 3:
            j = rng.randrange(len(w) - 1)
            words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
    return " ".join(words)


def main() -> None:
    with LABELLED.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    rng = random.Random(20250611)
    items = []
    for session in range(SESSIONS):
        for n in range(PER_SESSION):
            row = rng.choice(rows)
            items.append(
                (f"s{session}-{n:03d}", f"{paraphrase(row['title'], rng)} {paraphrase(row['groot_denken'], rng)}")
            )

    start = time.perf_counter()
    groups = suggest_groups(items)
    seconds = time.perf_counter() - start

    labelled = [(i, f"{row['title']} {row['groot_denken']}") for i, row in enumerate(rows)]
    truth = {i: row["group"] for i, row in enumerate(rows)}
    precision, recall = pairwise_scores(suggest_groups(labelled), truth)
    print(
        json.dumps(
            {
                "n": len(items),
                "groups": len(groups),
                "seconds": round(seconds, 3),
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                "precision": round(precision, 3),
                "recall": round(recall, 3),
            }
        )
    )


if __name__ == "__main__":
    main()
