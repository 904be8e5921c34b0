"""The words the report shows for its keys, fallbacks included: one place for the PDF, the JSON and the CSV.

Keys (``onbepaald``, ``zonder-thema``, ``hide``) stay in the data for whoever computes with it; the
label beside them is the translated message, resolved in the locale the report is built in.
"""

from flask_babel import lazy_gettext as _l

from ..choices import ACTOR_LABELS
from ..words import moderation_actions

NO_ACTOR = "onbepaald"
NO_THEME = "zonder-thema"
NOT_GIVEN = "onbekend"

NO_ACTOR_LABEL = _l("Nog niet bepaald")
NO_THEME_LABEL = _l("Zonder thema")
NO_SESSION_LABEL = _l("Zonder sessie")
NOT_GIVEN_LABEL = _l("Niet opgegeven")


def actor_label(actor: str | None) -> str:
    """Who must act, in words; an actor key the app no longer knows shows as it is stored."""
    if actor is None or actor == NO_ACTOR:
        return str(NO_ACTOR_LABEL)
    label = ACTOR_LABELS.get(actor)
    return str(label) if label is not None else actor


def theme_name(names: dict[str, str], theme: str) -> str:
    """The board's name of a theme key, or the label for proposals without a theme."""
    return names.get(theme) or str(NO_THEME_LABEL)


def session_name(city: str | None) -> str:
    return city or str(NO_SESSION_LABEL)


def moderation_label(action: str) -> str:
    return moderation_actions().get(action, action)
