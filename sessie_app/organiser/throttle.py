"""Login throttling that slows a guesser down and never locks the organiser out.

A fixed "N per minute" limit per account let a stranger block the real organiser: ten wrong
passwords for their address and the right one got a 429 too. Here failures buy delays instead:

- per client address (over every account): after FREE_FAILURES failures, each next attempt from that
  address waits 2, 4, 8 … seconds after the last failure, up to MAX_ADDRESS_DELAY;
- per account (over every address): the same growing delay, up to MAX_ACCOUNT_DELAY, but only for an
  address that has itself failed on that account. An address with no failure on it is always
  checked, so the organiser's right password from their own laptop or phone goes through while a
  stranger elsewhere floods the account. A network of addresses gets one guess per address, then
  waits like everyone else.

The account is the address exactly as ``services.authenticate`` looks it up (``account_key``), so
``org@exa\\u200bmple.org`` (cleaned by LoginForm) and ``ORG@example.org`` count toward the same one.

Counts live in the rate limiter's storage when that is Redis, so every instance behind nginx sees the
same failures; otherwise in this process's memory (one instance, as at a venue: a restart forgets).
"""

import math
import threading
import time
from dataclasses import dataclass

from flask import Flask, current_app
from limits.storage import RedisStorage

from ..extensions import limiter
from . import services

FREE_FAILURES = 5
MAX_ADDRESS_DELAY = 15 * 60
# Short enough that an organiser who mistyped during an attack is never kept out for long.
MAX_ACCOUNT_DELAY = 5 * 60
# A count outlives its longest delay, or waiting out the delay would start a fresh allowance.
FORGET_AFTER = 24 * 3600
# The in-memory store forgets its oldest counts beyond this (many addresses or made-up accounts).
MAX_MEMORY_KEYS = 20_000


@dataclass(frozen=True)
class Failures:
    count: int = 0
    last: float = 0.0


def account_key(email: str) -> str:
    """The account a login names, as ``services.authenticate`` looks it up (after LoginForm's filters)."""
    return services.normalise_email(email)


def _delay(failures: Failures, cap: int) -> float:
    if failures.count < FREE_FAILURES:
        return 0.0
    return min(2.0 ** (failures.count - FREE_FAILURES + 1), cap)


class MemoryStore:
    def __init__(self):
        self._counts: dict[str, Failures] = {}
        # The dev server and the tests run threads; gevent's worker runs greenlets (the lock is cheap).
        self._lock = threading.Lock()

    def get(self, key: str, now: float) -> Failures:
        failures = self._counts.get(key)
        if failures is None or now - failures.last > FORGET_AFTER:
            return Failures()
        return failures

    def add_failure(self, key: str, now: float) -> None:
        with self._lock:
            count = self.get(key, now).count + 1
            # Re-inserted, so the dict's order is oldest failure first.
            self._counts.pop(key, None)
            self._counts[key] = Failures(count, now)
            while len(self._counts) > MAX_MEMORY_KEYS:
                del self._counts[next(iter(self._counts))]

    def forget(self, key: str) -> None:
        with self._lock:
            self._counts.pop(key, None)


class RedisStore:
    """The same counts in the limiter's Redis (and its connection pool), one hash per key."""

    def __init__(self, client, prefix: str):
        self._redis = client
        self._prefix = prefix

    def get(self, key: str, now: float) -> Failures:
        count, last = self._redis.hmget(self._prefix + key, "count", "last")
        if count is None or now - float(last) > FORGET_AFTER:
            return Failures()
        return Failures(int(count), float(last))

    def add_failure(self, key: str, now: float) -> None:
        with self._redis.pipeline() as pipe:
            pipe.hincrby(self._prefix + key, "count", 1)
            pipe.hset(self._prefix + key, "last", repr(now))
            pipe.expire(self._prefix + key, FORGET_AFTER)
            pipe.execute()

    def forget(self, key: str) -> None:
        self._redis.delete(self._prefix + key)


class LoginThrottle:
    def __init__(self, store, clock=time.time):
        self.store = store
        # Replaceable, so the tests move time on instead of sleeping.
        self.clock = clock

    def seconds_to_wait(self, account: str, address: str) -> int:
        """Whole seconds before a login for ``account`` from ``address`` will be checked; 0 = now."""
        now = self.clock()
        by_address = self.store.get(f"address:{address}", now)
        wait = by_address.last + _delay(by_address, MAX_ADDRESS_DELAY) - now
        if self.store.get(f"pair:{account}|{address}", now).count:
            by_account = self.store.get(f"account:{account}", now)
            wait = max(wait, by_account.last + _delay(by_account, MAX_ACCOUNT_DELAY) - now)
        return max(0, math.ceil(wait))

    def failed(self, account: str, address: str) -> None:
        now = self.clock()
        for key in (f"address:{address}", f"account:{account}", f"pair:{account}|{address}"):
            self.store.add_failure(key, now)

    def succeeded(self, account: str, address: str) -> None:
        # The account's count stays: the stranger's addresses keep waiting after the organiser got in.
        self.store.forget(f"address:{address}")
        self.store.forget(f"pair:{account}|{address}")


def for_app(app: Flask) -> LoginThrottle:
    """The app's throttle, made on first use (the limiter opens its storage in init_app)."""
    guard = app.extensions.get("login_throttle")
    if guard is None:
        guard = app.extensions["login_throttle"] = LoginThrottle(_store(app))
    return guard


def _store(app: Flask):
    if isinstance(limiter.storage, RedisStorage):
        # The deployment's own namespace, as for Socket.IO: another deployment on the same Redis has its own.
        return RedisStore(limiter.storage.storage, f"{app.config['SOCKETIO_CHANNEL']}:login-throttle:")
    return MemoryStore()


# What the login view calls. RATELIMIT_ENABLED switches this off with every other limit (the tests do).


def seconds_to_wait(account: str, address: str) -> int:
    if not current_app.config["RATELIMIT_ENABLED"]:
        return 0
    return for_app(current_app).seconds_to_wait(account, address)


def failed(account: str, address: str) -> None:
    if current_app.config["RATELIMIT_ENABLED"]:
        for_app(current_app).failed(account, address)


def succeeded(account: str, address: str) -> None:
    if current_app.config["RATELIMIT_ENABLED"]:
        for_app(current_app).succeeded(account, address)
