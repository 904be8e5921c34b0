"""Which theme a bottleneck and a proposal carry.

A bottleneck gets its theme from the phone that posts it, from the facilitator, or from a
suggestion the facilitator confirms (``suggest_theme``). A proposal follows the bottleneck it
answers unless a theme was chosen for the proposal itself, by its author or by the facilitator;
``settle_theme`` is that rule, and the only place it is written.
"""

from sqlalchemy import select

from ...extensions import db
from ...textmatch import normalise
from ..models import Bottleneck, Proposal, Theme


def settle_theme(proposal: Proposal, bottleneck: Bottleneck | None, chosen: int | None = None) -> None:
    """Give ``proposal`` its theme: ``chosen`` (a theme id picked for it now) sticks and is marked
    as chosen, so no later change of its bottleneck overrides it; without one, a proposal whose
    theme was never chosen takes its bottleneck's (none without a bottleneck)."""
    if chosen is not None:
        proposal.theme_id, proposal.theme_chosen = chosen, True
    elif not proposal.theme_chosen:
        proposal.theme_id = bottleneck.theme_id if bottleneck else None


def follow_bottleneck(bottleneck: Bottleneck) -> list[Proposal]:
    """Settle the theme of every proposal that answers ``bottleneck`` after its theme changed;
    returns those whose theme moved (for the screens)."""
    moved = []
    for proposal in db.session.scalars(select(Proposal).where(Proposal.bottleneck_id == bottleneck.id)):
        before = proposal.theme_id
        settle_theme(proposal, bottleneck)
        if proposal.theme_id != before:
            moved.append(proposal)
    return moved


def _theme_words(theme: Theme) -> set[str]:
    return set(normalise(f"{theme.name} {theme.starter or ''}").split())


def suggest_theme(text: str, themes: list[Theme]) -> int | None:
    """The theme whose name and starter complaint share the most with ``text`` after the shared
    Dutch normaliser (so "subsidie" meets "Financiering"). A word counts less the more themes use
    it ("onderzoek" is in half of them). None when no theme shares a word, or two score the same:
    a wrong suggestion confirmed in a hurry costs more than none."""
    words = set(normalise(text).split())
    vocabularies = {theme.id: _theme_words(theme) for theme in themes}
    spread = {word: sum(word in vocabulary for vocabulary in vocabularies.values()) for word in words}
    scored = sorted(
        (
            (sum(1 / spread[word] for word in words & vocabulary), theme_id)
            for theme_id, vocabulary in vocabularies.items()
        ),
        reverse=True,
    )
    if not scored or scored[0][0] == 0 or (len(scored) > 1 and scored[1][0] == scored[0][0]):
        return None
    return scored[0][1]
