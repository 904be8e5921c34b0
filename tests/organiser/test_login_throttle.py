"""Logins a stranger cannot block: failures slow the guesser down, per account and per address, and the
organiser's right password from another address still gets in (organiser/throttle.py)."""

import logging

import pytest

from sessie_app import create_app
from sessie_app.extensions import db
from sessie_app.organiser import services as organiser_services
from sessie_app.organiser import throttle
from tests.helpers import LOGIN_URL, ORGANISER_EMAIL, ORGANISER_PASSWORD, csrf_from

STRANGER = "203.0.113.7"
ORGANISER_LAPTOP = "198.51.100.20"


class Clock:
    def __init__(self):
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def throttled_app(app_config, clock):
    app = create_app({**app_config, "RATELIMIT_ENABLED": True})
    with app.app_context():
        organiser_services.create_or_update_organiser(ORGANISER_EMAIL, ORGANISER_PASSWORD)
        throttle.for_app(app).clock = clock
    # No app context held around the requests: flask_wtf keeps the CSRF token in `g`, which would
    # then be shared by the clients of the stranger and of the organiser.
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _login(app, address: str, email: str, password: str):
    client = app.test_client()
    environ = {"REMOTE_ADDR": address}
    token = csrf_from(client.get(LOGIN_URL, environ_overrides=environ).get_data(as_text=True))
    return client.post(
        LOGIN_URL,
        data={"csrf_token": token, "email": email, "password": password},
        environ_overrides=environ,
    )


def _flood(app, address: str, email: str, attempts: int) -> list[int]:
    return [_login(app, address, email, f"fout-{attempt}").status_code for attempt in range(attempts)]


def test_a_stranger_flooding_wrong_passwords_does_not_keep_the_organiser_out(throttled_app):
    statuses = _flood(throttled_app, STRANGER, ORGANISER_EMAIL, 30)
    assert statuses[: throttle.FREE_FAILURES] == [200] * throttle.FREE_FAILURES
    assert set(statuses[throttle.FREE_FAILURES :]) == {429}, statuses

    response = _login(throttled_app, ORGANISER_LAPTOP, ORGANISER_EMAIL, ORGANISER_PASSWORD)
    assert response.status_code == 302 and response.headers["Location"].endswith("/organisator/")


def test_the_stranger_stays_slowed_after_the_organiser_got_in(throttled_app, clock):
    _flood(throttled_app, STRANGER, ORGANISER_EMAIL, throttle.FREE_FAILURES + 1)
    assert _login(throttled_app, ORGANISER_LAPTOP, ORGANISER_EMAIL, ORGANISER_PASSWORD).status_code == 302
    assert _login(throttled_app, STRANGER, ORGANISER_EMAIL, ORGANISER_PASSWORD).status_code == 429


def test_invisible_characters_and_capitals_count_toward_the_same_account(throttled_app):
    spellings = ["organisator@exa\u200bmple.org", " ORGANISATOR@example.org", "organisator@example.org\u2066"]
    addresses = [f"192.0.2.{n}" for n in range(1, 40)]
    # One failure per address, so only the account's count can add up.
    for n, address in enumerate(addresses[: throttle.FREE_FAILURES + 2]):
        assert _login(throttled_app, address, spellings[n % 3], "fout").status_code == 200
    # Each of those addresses has failed on the account, so it waits, whichever spelling it sends.
    for n, address in enumerate(addresses[: throttle.FREE_FAILURES + 2]):
        assert _login(throttled_app, address, spellings[(n + 1) % 3], ORGANISER_PASSWORD).status_code == 429
    # A clean address is checked at once, with any of the spellings.
    assert _login(throttled_app, addresses[-1], spellings[0], ORGANISER_PASSWORD).status_code == 302


def test_the_delay_doubles_with_each_failure_and_ends(throttled_app, clock):
    _flood(throttled_app, STRANGER, ORGANISER_EMAIL, throttle.FREE_FAILURES)
    waits = []
    for _ in range(5):
        refused = _login(throttled_app, STRANGER, ORGANISER_EMAIL, "fout")
        assert refused.status_code == 429
        wait = int(refused.headers["Retry-After"])
        waits.append(wait)
        clock.now += wait - 1
        assert _login(throttled_app, STRANGER, ORGANISER_EMAIL, "fout").status_code == 429
        clock.now += 1
        # The wait is over: this guess is checked (and fails, which doubles the next wait).
        assert _login(throttled_app, STRANGER, ORGANISER_EMAIL, "fout").status_code == 200
    assert waits == [2, 4, 8, 16, 32]


def test_one_address_cannot_spread_its_guesses_over_many_accounts(throttled_app):
    for n in range(throttle.FREE_FAILURES):
        assert _login(throttled_app, STRANGER, f"iemand{n}@example.org", "fout").status_code == 200
    assert _login(throttled_app, STRANGER, "nog-iemand@example.org", "fout").status_code == 429


def test_the_account_delay_only_slows_and_never_for_long(throttled_app, clock):
    # Many addresses, one failure each: the account's delay grows, but stops at its cap.
    for n in range(40):
        _login(throttled_app, f"192.0.2.{n}", ORGANISER_EMAIL, "fout")
    refused = _login(throttled_app, "192.0.2.1", ORGANISER_EMAIL, ORGANISER_PASSWORD)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) <= throttle.MAX_ACCOUNT_DELAY
    clock.now += throttle.MAX_ACCOUNT_DELAY
    assert _login(throttled_app, "192.0.2.1", ORGANISER_EMAIL, ORGANISER_PASSWORD).status_code == 302


def test_the_wait_is_said_in_dutch_on_the_login_form(throttled_app):
    _flood(throttled_app, STRANGER, ORGANISER_EMAIL, throttle.FREE_FAILURES)
    response = _login(throttled_app, STRANGER, ORGANISER_EMAIL, ORGANISER_PASSWORD)
    html = response.get_data(as_text=True)
    assert response.status_code == 429
    assert "Te veel mislukte pogingen. Wacht nog 2 seconden en probeer het dan opnieuw." in html
    assert 'name="password"' in html and "csrf_token" in html


def test_refused_and_failed_logins_are_logged_without_the_password(throttled_app, caplog):
    secret = "mijn-geheime-gok-123"
    with caplog.at_level(logging.INFO):
        _flood(throttled_app, STRANGER, "organisator@exa\u200bmple.org", throttle.FREE_FAILURES)
        _login(throttled_app, STRANGER, ORGANISER_EMAIL, secret)
        _login(throttled_app, ORGANISER_LAPTOP, ORGANISER_EMAIL, ORGANISER_PASSWORD)
    messages = [record.getMessage() for record in caplog.records]
    assert any("login failed for 'organisator@example.org' from 203.0.113.7" in m for m in messages)
    assert any("refused" in m and STRANGER in m for m in messages)
    assert any("login succeeded for organisator@example.org from 198.51.100.20" in m for m in messages)
    assert not any(secret in m or ORGANISER_PASSWORD in m for m in messages)


def test_counts_are_shared_through_redis_when_the_limiter_uses_it(app_config, redis_url, clock):
    channel = f"throttle-test-{id(clock)}"
    app = create_app(
        {**app_config, "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": redis_url, "SOCKETIO_CHANNEL": channel}
    )
    with app.app_context():
        organiser_services.create_or_update_organiser(ORGANISER_EMAIL, ORGANISER_PASSWORD)
        guard = throttle.for_app(app)
        # A second instance on the same Redis: its own throttle object, the same counts.
        other = throttle.LoginThrottle(throttle._store(app), clock)
    assert isinstance(guard.store, throttle.RedisStore)
    guard.clock = clock
    try:
        assert _flood(app, STRANGER, ORGANISER_EMAIL, throttle.FREE_FAILURES + 1)[-1] == 429
        assert other.seconds_to_wait(ORGANISER_EMAIL, STRANGER) == 2
        assert _login(app, ORGANISER_LAPTOP, ORGANISER_EMAIL, ORGANISER_PASSWORD).status_code == 302
    finally:
        for key in (f"address:{STRANGER}", f"account:{ORGANISER_EMAIL}", f"pair:{ORGANISER_EMAIL}|{STRANGER}"):
            guard.store.forget(key)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
