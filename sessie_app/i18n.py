"""Language choice: Dutch unless the visitor picked English."""

from urllib.parse import urlsplit

from flask import Blueprint, has_request_context, redirect, request

LANGUAGES = {"nl": "Nederlands", "en": "English"}
COOKIE = "lang"

bp = Blueprint("i18n", __name__)


def select_locale() -> str:
    # Outside a request (CLI commands, reports built by a script) the app speaks its default, Dutch.
    if not has_request_context():
        return "nl"
    chosen = request.cookies.get(COOKIE)
    return chosen if chosen in LANGUAGES else "nl"


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
