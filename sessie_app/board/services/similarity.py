"""The "lijkt op" hint: proposals on the board that look like what a phone is typing."""

import re
import unicodedata

import snowballstemmer
from sqlalchemy import select

from ...extensions import db
from ..models import Proposal


def similar_proposals(board_id: int, text: str, limit: int = 3) -> list[dict]:
    """Proposals that look like ``text``, so people can join one instead of writing a duplicate."""
    wanted = _words(text)
    if len(wanted) < 2:
        return []
    scored = []
    for proposal in db.session.scalars(
        select(Proposal).where(
            Proposal.board_id == board_id, Proposal.hidden.is_(False), Proposal.merged_into_id.is_(None)
        )
    ):
        theirs = _words(f"{proposal.title} {proposal.big or ''}")
        shared = len(wanted & theirs)
        # Two shared stems at least: one common word ("onderzoek") says little in this room.
        if shared >= 2 and shared / len(wanted | theirs) >= 0.25:
            scored.append((shared / len(wanted | theirs), proposal))
    scored.sort(key=lambda pair: (-pair[0], pair[1].id))
    return [{"id": p.id, "title": p.title} for _score, p in scored[:limit]]


STOP_WORDS = {
    "de",
    "het",
    "een",
    "en",
    "of",
    "van",
    "voor",
    "met",
    "op",
    "in",
    "aan",
    "te",
    "bij",
    "als",
    "dat",
    "die",
    "dit",
    "er",
    "is",
    "zijn",
    "wordt",
    "worden",
    "om",
    "uit",
    "naar",
    "door",
    "over",
    "ook",
    "niet",
    "geen",
    "meer",
    "we",
    "wij",
    "je",
    "jij",
    "u",
    "ze",
    "zij",
    "hun",
    "ons",
    "onze",
    "mijn",
    "moet",
    "moeten",
    "kan",
    "kunnen",
    "zou",
    "hebben",
    "heeft",
    "tot",
    "alle",
    "elke",
    "iedere",
    "veel",
    "heel",
    "zo",
    "dan",
    "nog",
    "wel",
    "maar",
    "the",
    "a",
    "an",
    "to",
}


_DUTCH = snowballstemmer.stemmer("dutch")


def _words(text: str) -> set[str]:
    """Content words reduced to their Dutch stem, so "leraren" meets "leraar"."""
    text = unicodedata.normalize("NFKD", str(text or "").lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return {_DUTCH.stemWord(w) for w in re.findall(r"[a-z0-9]+", text) if len(w) > 2 and w not in STOP_WORDS}
