"""Failed board codes, per address: one allowance for codes typed in the form, unknown /b/<code>
addresses and Socket.IO joins that name no board of theirs, so guessing has no side door.

A whole venue shares one address behind its Wi-Fi: the allowance (BOARD_JOIN_RATE_LIMIT) is
generous for people, and far too slow to find one of 25^6 codes by guessing.
"""

import math
import time

from flask import current_app
from flask_limiter.util import get_remote_address
from limits import parse_many

from ..extensions import limiter

SCOPE = "board-code"


def _rate() -> str:
    return current_app.config["BOARD_JOIN_RATE_LIMIT"]


# The views' decorators: an unknown /b/<code> counts (404), and every typed code does.
code_guesses = limiter.shared_limit(_rate, scope=SCOPE, deduct_when=lambda response: response.status_code == 404)
typed_codes = limiter.shared_limit(_rate, scope=SCOPE, methods=["POST"])


def _identifiers() -> list[str]:
    # The storage key Flask-Limiter uses for a shared limit: [prefix,] the address, the scope.
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX")
    return [*([prefix] if prefix else []), get_remote_address(), SCOPE]


def _enabled() -> bool:
    # As for the views' decorators: Flask-Limiter set itself up (or not) from RATELIMIT_ENABLED.
    return limiter.enabled and bool(current_app.config.get("RATELIMIT_ENABLED", True))


def seconds_until_allowed() -> float:
    """0 while this address may still guess; otherwise the seconds until it may again."""
    if not _enabled():
        return 0.0
    identifiers = _identifiers()
    waits = [
        max(1.0, limiter.limiter.get_window_stats(item, *identifiers).reset_time - time.time())
        for item in parse_many(_rate())
        if not limiter.limiter.test(item, *identifiers)
    ]
    return math.ceil(max(waits)) if waits else 0.0


def count_failed_guess() -> None:
    if _enabled():
        identifiers = _identifiers()
        for item in parse_many(_rate()):
            limiter.limiter.hit(item, *identifiers)
