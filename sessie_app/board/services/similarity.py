"""The "lijkt op" hint: proposals on the board that look like what a phone is typing (docs/board.md)."""

import math
from itertools import compress

from sqlalchemy import bindparam, select

from ...extensions import db
from ...textmatch import normalise
from ..models import Proposal, proposal_match_words

# A phone asks on every pause in typing, so a call reads no more than the newest proposals and
# compares at most the first words of the text.
MAX_CANDIDATES = 1000
MAX_WORDS = 16
# Tuned on tests/board/paraphrases_nl.toml (bench/similar.py prints what it finds).
MIN_SHARED = 2  # one shared word ("onderzoek") says little in this room
MIN_SCORE = 0.5  # at least half of the typed text, by weight, is in the proposal
NEAR_BEST = 0.8  # runners-up are shown only when nearly as close as the best match

_table = Proposal.__table__
# Core, not ORM rows: a thousand plain tuples cost a third of what the ORM's would. Titles are
# read for the few proposals shown only.
_NEWEST = (
    select(_table.c.id, _table.c.match_words)
    .where(_table.c.board_id == bindparam("board"), _table.c.hidden.is_(False), _table.c.merged_into_id.is_(None))
    .order_by(_table.c.id.desc())
    .limit(MAX_CANDIDATES)
)
_TITLES = select(_table.c.id, _table.c.title).where(_table.c.id.in_(bindparam("ids", expanding=True)))


def similar_proposals(board_id: int, text: str, limit: int = 3) -> list[dict]:
    """Proposals that look like ``text``, so people can join one instead of writing a duplicate.

    Only ``text`` is normalised here: a proposal's words were stored when it was written. A word
    counts by how rare it is among the candidates (inverse document frequency); a proposal's score
    is the share of the typed text's weight that it contains."""
    wanted = list(dict.fromkeys(normalise(text).split()))[:MAX_WORDS]
    if len(wanted) < MIN_SHARED:
        return []
    rows = db.session.connection().execute(_NEWEST, {"board": board_id}).all()
    # Stored words are separated by single spaces: " word " finds a whole word once the ends are padded.
    texts = [f" {match_words} " for _id, match_words in rows]
    # in_texts[i][j]: whether typed word i is among the words of candidate j.
    in_texts = [[word in text for text in texts] for word in (f" {word} " for word in wanted)]
    weights = [math.log((len(rows) + 1) / (sum(found) + 1)) + 1 for found in in_texts]
    total = sum(weights)
    scored = []
    for (proposal_id, _words), contains in zip(rows, zip(*in_texts, strict=True), strict=True):
        if sum(contains) >= MIN_SHARED:
            score = sum(compress(weights, contains)) / total
            if score >= MIN_SCORE:
                scored.append((-score, proposal_id))
    if not scored:
        return []
    best = -min(scored)[0]
    shown = sorted(match for match in scored if -match[0] >= NEAR_BEST * best)[:limit]
    titles = dict(
        db.session.connection().execute(_TITLES, {"ids": [proposal_id for _score, proposal_id in shown]}).all()
    )
    return [{"id": proposal_id, "title": titles[proposal_id]} for _score, proposal_id in shown]


def refresh_match_words() -> int:
    """Store every proposal's words again, for after ``sessie_app/data/synonyms_nl.toml`` changed
    (proposals keep the words of the list they were written with). Returns how many proposals."""
    proposals = db.session.scalars(select(Proposal)).all()
    for proposal in proposals:
        proposal.match_words = proposal_match_words(proposal.title, proposal.big)
    db.session.commit()
    return len(proposals)
