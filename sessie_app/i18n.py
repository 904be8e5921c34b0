"""Language choice: Dutch unless the visitor picked English."""

from urllib.parse import urlsplit

from flask import Blueprint, has_request_context, redirect, request
from flask_babel import get_locale

LANGUAGES = {"nl": "Nederlands", "en": "English"}
DEFAULT_LANGUAGE = "nl"
# English is formatted as British English (7 November 2027, 15:00) while its words come from the
# `en` catalogue, which gettext finds for en_GB.
LOCALES = {"nl": "nl", "en": "en_GB"}
# A date written out: "zondag 7 november 2027", "Sunday 7 November 2027" (en_GB's own full pattern
# has a comma after the weekday that British style guides leave out).
FULL_DATE = "EEEE d MMMM y"
COOKIE = "lang"

bp = Blueprint("i18n", __name__)


def locale_for(language: str | None) -> str:
    """The Babel locale that formats and translates for a language code ("en" → "en_GB")."""
    return LOCALES.get(language or DEFAULT_LANGUAGE, LOCALES[DEFAULT_LANGUAGE])


def select_locale() -> str:
    # Outside a request (CLI commands, reports built by a script) the app speaks its default, Dutch.
    if not has_request_context():
        return locale_for(DEFAULT_LANGUAGE)
    return locale_for(request.cookies.get(COOKIE))


def current_language() -> str:
    """The language code of the text being rendered ("nl" or "en"), as the cookie and a registration keep it."""
    locale = get_locale()
    return locale.language if locale is not None else DEFAULT_LANGUAGE


def current_language_tag() -> str:
    """The BCP 47 tag for <html lang>: "nl", "en-GB"."""
    locale = get_locale()
    return str(locale).replace("_", "-") if locale is not None else DEFAULT_LANGUAGE


def safe_next(target: str | None, fallback: str = "/") -> str:
    """Only a path on this site, so the switch cannot redirect anyone elsewhere."""
    if not target:
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return fallback
    return target


@bp.get("/taal/<code>")
def switch(code: str):
    response = redirect(safe_next(request.args.get("next")))
    if code in LANGUAGES:
        response.set_cookie(COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response
