"""The "lijkt op" hint: what it finds and what one call costs, beside the implementation it replaced.

Quality: the labelled board of tests/board/paraphrases_nl.toml (typed titles that say an existing
proposal again in other words, new ideas that should find nothing, proposals about something else
that must never be suggested). Speed: boards of 50, 200 and 500 proposals of the maximum length
(title and "groot denken" full), one typed title per call, the median of many calls after a warm-up.

    .venv/bin/python bench/similar.py [--calls 200] [--database-url postgresql+psycopg://…]

The replaced implementation (its own stop words, Snowball's default Dutch stemmer, every proposal
normalised again on every call with snowballstemmer's pure-Python stemmer, Jaccard overlap) is kept
here only as the baseline; it is timed over fewer calls (--old-calls), as one call takes seconds.
"""

import argparse
import random
import re
import statistics
import tempfile
import time
import unicodedata
from pathlib import Path

from flask_migrate import upgrade
from snowballstemmer.dutch_stemmer import DutchStemmer
from sqlalchemy import select

from sessie_app import create_app
from sessie_app.board import services
from sessie_app.board.models import Proposal
from sessie_app.extensions import db
from sessie_app.limits import BOARD_FIELDS
from testkit.paraphrases import board_with, load_paraphrases, quality

SIZES = (50, 200, 500)

# --- the implementation before the shared normaliser, as it was -------------------------------------

OLD_STOP_WORDS = frozenset(
    """
    de het een en of van voor met op in aan te bij als dat die dit er is zijn wordt worden om uit
    naar door over ook niet geen meer we wij je jij u ze zij hun ons onze mijn moet moeten kan
    kunnen zou hebben heeft tot alle elke iedere veel heel zo dan nog wel maar the a an to
    """.split()
)
# snowballstemmer's own Python, as it ran then: with PyStemmer installed, stemmer("dutch") is C.
OLD_STEMMER = DutchStemmer()


def old_words(text: str) -> set[str]:
    text = unicodedata.normalize("NFKD", str(text or "").lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return {OLD_STEMMER.stemWord(w) for w in re.findall(r"[a-z0-9]+", text) if len(w) > 2 and w not in OLD_STOP_WORDS}


def old_similar_proposals(board_id: int, text: str, limit: int = 3) -> list[dict]:
    wanted = old_words(text)
    if len(wanted) < 2:
        return []
    scored = []
    for proposal in db.session.scalars(
        select(Proposal).where(
            Proposal.board_id == board_id, Proposal.hidden.is_(False), Proposal.merged_into_id.is_(None)
        )
    ):
        theirs = old_words(f"{proposal.title} {proposal.big or ''}")
        shared = len(wanted & theirs)
        if shared >= 2 and shared / len(wanted | theirs) >= 0.25:
            scored.append((shared / len(wanted | theirs), proposal))
    scored.sort(key=lambda pair: (-pair[0], pair[1].id))
    return [{"id": p.id, "title": p.title} for _score, p in scored[:limit]]


IMPLEMENTATIONS = {"old": old_similar_proposals, "new": services.similar_proposals}

# --- boards -----------------------------------------------------------------------------------------


def full_text(rng: random.Random, words: list[str], limit: int) -> str:
    """Words of the room, exactly ``limit`` characters (the last word cut off)."""
    text = rng.choice(words)
    while len(text) < limit:
        text = f"{text} {rng.choice(words)}"
    return text[:limit].rstrip() or text[:limit]


def per_call_ms(implementation, board_id: int, texts: list[str], calls: int) -> tuple[float, float]:
    """(median wall-clock ms, mean CPU ms of this process) per call, after a warm-up. On a shared
    machine the CPU time is the steadier figure; the database is SQLite in this process unless
    --database-url names a server, whose own work the CPU figure then leaves out."""
    for text in texts[: min(len(texts), calls)]:
        implementation(board_id, text)
    times, cpu = [], 0.0
    for n in range(calls):
        start, start_cpu = time.perf_counter(), time.process_time()
        implementation(board_id, texts[n % len(texts)])
        times.append(time.perf_counter() - start)
        cpu += time.process_time() - start_cpu
        db.session.rollback()  # as a socket event ends its transaction
    return statistics.median(times) * 1000, cpu / calls * 1000


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=200, help="timed calls of the hint per board size")
    parser.add_argument("--old-calls", type=int, default=5, help="timed calls of the replaced implementation")
    parser.add_argument("--database-url", help="an empty database to use instead of a temporary SQLite file")
    args = parser.parse_args(argv)
    data = load_paraphrases()
    limits = BOARD_FIELDS

    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": args.database_url or f"sqlite:///{Path(folder) / 'similar.sqlite'}",
                "INSTANCE_DIR": folder,
                "SECRET_KEY": "bench-secret-key",
                "MAIL_SERVER": None,
                "MAIL_OUTBOX_DIR": str(Path(folder) / "outbox"),
                "RATELIMIT_ENABLED": False,
            }
        )
        with app.test_request_context("/"):
            upgrade()
            board_id = board_with([(p["title"], p["big"]) for p in data["proposal"]])
            ids = {
                p["key"]: pid
                for p, pid in zip(
                    data["proposal"],
                    db.session.scalars(select(Proposal.id).where(Proposal.board_id == board_id).order_by(Proposal.id)),
                    strict=True,
                )
            }
            print(f"paraphrase set: {len(data['proposal'])} proposals on the board, {len(data['typed'])} typed titles")
            for name, implementation in IMPLEMENTATIONS.items():
                q = quality(implementation, board_id, ids, data)
                print(
                    f"  {name}: found {q['hits']} of {q['paraphrases']} paraphrases; suggested "
                    f"{q['unrelated']} unrelated proposal(s), {q['for_new_ideas']} for new ideas, "
                    f"{q['other']} other related one(s)"
                )
                if q["missed"]:
                    print(f"       missed: {'; '.join(q['missed'])}")

            rng = random.Random(12)
            words = " ".join(f"{p['title']} {p['big']}" for p in data["proposal"]).split()
            typed = [t["text"] for t in data["typed"]]
            print(
                f"per call (median wall clock, mean CPU), proposals of {limits['title']} + {limits['big']} characters:"
            )
            for size in SIZES:
                board_id = board_with(
                    [
                        (full_text(rng, words, limits["title"]), full_text(rng, words, limits["big"]))
                        for _ in range(size)
                    ]
                )
                timings = {
                    name: per_call_ms(implementation, board_id, typed, args.old_calls if name == "old" else args.calls)
                    for name, implementation in IMPLEMENTATIONS.items()
                }
                print(
                    f"  {size:>4} proposals: "
                    + "   ".join(f"{name} {wall:8.2f} ms (CPU {cpu:8.2f} ms)" for name, (wall, cpu) in timings.items())
                )
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
