"""What one address may do to boards it does not yet belong to, counted in the rate limiter's storage
(Redis when there are several instances), so every instance and every way in draws on one allowance.

- Failed codes: codes typed in the form, unknown /b/<code> addresses and Socket.IO joins that name no
  board of theirs, so guessing has no side door. Generous for people, far too slow to find one of
  25^6 codes. Only a failure asks for it: a stranger who spends it must not lock out the hall that
  shares the address, whose codes and cookies are right.
- Newcomers: participants created from one address. A venue's Wi-Fi puts a whole hall behind one
  address, so the allowance lets several hundred phones in within a minute (README, Live board).
"""

import math
import time
from dataclasses import dataclass

from flask import current_app
from flask_limiter.util import get_remote_address
from limits import parse_many

from ..extensions import limiter


@dataclass(frozen=True)
class Allowance:
    """A limit per address named by the setting ``config_key`` ("60 per minute"), under ``scope``."""

    scope: str
    config_key: str

    def rate(self) -> str:
        return current_app.config[self.config_key]

    def _identifiers(self) -> list[str]:
        # The storage key Flask-Limiter uses for a shared limit: [prefix,] the address, the scope.
        prefix = current_app.config.get("RATELIMIT_KEY_PREFIX")
        return [*([prefix] if prefix else []), get_remote_address(), self.scope]

    def take(self) -> int:
        """Spend one from this address's allowance: 0 when it had one, else the whole seconds until it
        has again (nothing spent). Spending is the check, in one step of the limiter's storage: a check
        followed by a spend let a burst of requests under gevent all pass the check first."""
        if not _enabled():
            return 0
        identifiers = self._identifiers()
        refused = [item for item in parse_many(self.rate()) if not limiter.limiter.hit(item, *identifiers)]
        if not refused:
            return 0
        waits = [
            max(1.0, limiter.limiter.get_window_stats(item, *identifiers).reset_time - time.time()) for item in refused
        ]
        return math.ceil(max(waits))


def _enabled() -> bool:
    # As for the views' decorators: Flask-Limiter set itself up (or not) from RATELIMIT_ENABLED.
    return limiter.enabled and bool(current_app.config.get("RATELIMIT_ENABLED", True))


failed_codes = Allowance("board-code", "BOARD_JOIN_RATE_LIMIT")
newcomers = Allowance("board-newcomer", "BOARD_NEWCOMER_RATE_LIMIT")
