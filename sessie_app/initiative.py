"""Who invites and whom to ask: the sector councils, the contact person and the plan's title.

The one owner of these names: they are data (``sessie_app/data/initiative.toml``), read once when
the app is made, so a council that changes its name (VSNU became Universiteiten van Nederland in
2022) is an edit of that file, not of the templates that show it. Templates reach it as the
Jinja global ``initiative``; code through ``current()``.
"""

import tomllib
from dataclasses import dataclass
from pathlib import Path

from babel.lists import format_list
from flask import Flask, current_app
from flask_babel import get_locale

from .i18n import DEFAULT_LANGUAGE

DEFAULT_FILE = Path(__file__).resolve().parent / "data" / "initiative.toml"
EXTENSION = "sessie_app.initiative"


class InitiativeError(ValueError):
    """The data file lacks something the pages need; the message names what."""


@dataclass(frozen=True)
class Contact:
    name: str
    organisation: str
    email: str


@dataclass(frozen=True)
class Initiative:
    councils: tuple[str, ...]
    contact: Contact
    plan_titles: dict[str, str]  # language code → the plan's title

    def councils_in_words(self) -> str:
        """ "PO-Raad, VO-raad, … en Universiteiten van Nederland", joined the way the current locale joins a list."""
        return format_list(list(self.councils), locale=get_locale() or DEFAULT_LANGUAGE)

    def plan_title(self, language: str | None = None) -> str:
        """The plan's title in ``language`` (default: the current locale's), Dutch when it has no wording there."""
        if language is None:
            locale = get_locale()
            language = locale.language if locale is not None else DEFAULT_LANGUAGE
        return self.plan_titles.get(language) or self.plan_titles[DEFAULT_LANGUAGE]


def load(path: str | Path) -> Initiative:
    """The initiative in the TOML file at ``path``. Raises InitiativeError (or tomllib's error) for a file
    without councils, contact or Dutch title, so a broken edit stops the app at start, not a page later."""
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    try:
        councils = tuple(str(name) for name in data["councils"])
        contact = Contact(**{key: str(data["contact"][key]) for key in ("name", "organisation", "email")})
        titles = {str(language): str(title) for language, title in data["plan"]["title"].items()}
    except (KeyError, TypeError, AttributeError) as missing:
        raise InitiativeError(f"{path}: missing or malformed {missing}") from None
    if not councils or DEFAULT_LANGUAGE not in titles:
        raise InitiativeError(f"{path}: needs at least one council and a plan title for {DEFAULT_LANGUAGE!r}")
    return Initiative(councils, contact, titles)


def register(app: Flask) -> None:
    """Read the file named by ``INITIATIVE_FILE`` (default: the one in sessie_app/data/) into the app."""
    app.extensions[EXTENSION] = load(app.config.get("INITIATIVE_FILE") or DEFAULT_FILE)
    app.jinja_env.globals["initiative"] = app.extensions[EXTENSION]


def current() -> Initiative:
    return current_app.extensions[EXTENSION]
