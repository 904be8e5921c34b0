"""The participant cookie ``deelnemer_<CODE>``: a board participant's random token, signed.

The phone page sets it; the Socket.IO handshake carries it, so ``join`` knows who is on a
connection without any login. One cookie per board, so a phone can take part in two sessions.
"""

from collections.abc import Mapping

from flask import Response, current_app

from .. import tokens

COOKIE_PREFIX = "deelnemer_"
MAX_AGE = 365 * 24 * 3600  # a reopened tab next month is still the same participant


def cookie_name(code: str) -> str:
    return COOKIE_PREFIX + code


def set_cookie(response: Response, code: str, token: str) -> None:
    """Give the phone its identity for board ``code``; path "/" so the /socket.io handshake carries it."""
    response.set_cookie(
        cookie_name(code),
        tokens.sign(tokens.PARTICIPANT, token),
        max_age=MAX_AGE,
        path="/",
        httponly=True,
        samesite="Lax",
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
    )


def read_token(cookies: Mapping[str, str], code: str) -> str | None:
    """The participant token in the cookie for board ``code``, or None when missing or forged."""
    signed = cookies.get(cookie_name(code))
    if not signed or len(signed) > 200:
        return None
    return tokens.unsign(tokens.PARTICIPANT, signed)
