"""Configuration, read only from the environment, with defaults that are safe on one laptop."""

import os
import secrets
from pathlib import Path


def instance_dir() -> Path:
    """Where the SQLite file, the generated secret key and the mail outbox live."""
    return Path(os.environ.get("SESSIE_INSTANCE_PATH") or Path(__file__).resolve().parent.parent / "instance")


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def persistent_secret_key(instance_dir: Path) -> str:
    """A random key generated once and kept in instance/, so sessions and links survive restarts."""
    key_file = instance_dir / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


# Keys that are public: what deploy/env.example shipped and what people type when told to change it.
# Anyone holding one can sign a session cookie that says "organiser 1".
KNOWN_SECRET_KEYS = frozenset({"change-me", "changeme", "change-this", "secret", "secret-key", "dev", "development"})
MIN_SECRET_KEY_BYTES = 32
NEW_SECRET_KEY_COMMAND = "python3 -c 'import secrets; print(secrets.token_urlsafe(48))'"


class UnsafeConfiguration(SystemExit):
    """A production setting the app refuses to start with; the message says why, in Dutch and English.

    A SystemExit, so `flask` and gunicorn stop with the message instead of a traceback."""


def check_production(config: dict) -> None:
    """Raise UnsafeConfiguration for a production instance whose SECRET_KEY is empty, public or short.

    Unset (None) is fine: create_app then generates a random one into instance/."""
    key = config.get("SECRET_KEY")
    if config.get("SESSIE_ENV") != "production" or key is None:
        return
    size = len(key.encode())
    if not key.strip():
        # deploy/env.example ships `SECRET_KEY=` so that a copied file cannot start unnoticed.
        reason = ("SECRET_KEY is leeg.", "SECRET_KEY is empty.")
    elif key.strip().lower() in KNOWN_SECRET_KEYS:
        reason = (
            f"SECRET_KEY is een voorbeeldwaarde ({key!r}) die iedereen kent.",
            f"SECRET_KEY is an example value ({key!r}) that anyone knows.",
        )
    elif size < MIN_SECRET_KEY_BYTES:
        reason = (
            f"SECRET_KEY is {size} bytes lang, minstens {MIN_SECRET_KEY_BYTES} zijn nodig.",
            f"SECRET_KEY is {size} bytes long, at least {MIN_SECRET_KEY_BYTES} are needed.",
        )
    else:
        return
    raise UnsafeConfiguration(
        f"sessie_app start niet (SESSIE_ENV=production): {reason[0]} Met deze sleutel kan iemand een"
        f" inlogcookie voor organisatoren namaken. Maak een nieuwe met: {NEW_SECRET_KEY_COMMAND}\n"
        f"sessie_app does not start (SESSIE_ENV=production): {reason[1]} With this key anyone can forge an"
        f" organiser's login cookie. Make a new one with: {NEW_SECRET_KEY_COMMAND}"
    )


def _database_url(instance_dir: Path) -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        return f"sqlite:///{instance_dir / 'sessie_app.sqlite'}"
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy wants the driver named.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _redis_pool_options(redis_url: str | None) -> dict:
    """A pool that makes a request wait for a free Redis connection instead of failing: under
    gevent a hall's page loads all check their rate limit at once, and redis-py's default pool
    raises "Too many connections" (a 500 for the phone) beyond 100."""
    if not redis_url:
        return {}
    import redis

    return {"connection_pool": redis.BlockingConnectionPool.from_url(redis_url, max_connections=50, timeout=10)}


def engine_options(url: str) -> dict:
    """A PostgreSQL server can drop a pooled connection, so each is pinged before use. A SQLite file
    cannot, and its connections are worth keeping: a new one runs the PRAGMAs again, and a hall that
    joins at once has tens of requests in flight under gevent, which a pool of 5 (+10 thrown away
    after use) kept opening and closing, a quarter of a newcomer's time on the server."""
    if url.startswith("sqlite:///"):
        return {"pool_size": 20, "max_overflow": 40}
    return {"pool_pre_ping": True}


def from_environment(instance_dir: Path) -> dict:
    """Settings from the environment; SECRET_KEY stays None when unset, see persistent_secret_key."""
    environment = os.environ.get("SESSIE_ENV", "development")
    production = environment == "production"
    redis_url = os.environ.get("REDIS_URL")
    return {
        # check_production reads it once SECRET_KEY is known.
        "SESSIE_ENV": environment,
        "INSTANCE_DIR": str(instance_dir),
        "SECRET_KEY": os.environ.get("SECRET_KEY"),
        "SQLALCHEMY_DATABASE_URI": _database_url(instance_dir),
        "BASE_URL": os.environ.get("BASE_URL", "").rstrip("/"),
        "REDIS_URL": redis_url,
        # The Redis channel the instances of one deployment share; another deployment on the same
        # Redis (a test run, a second event) needs its own.
        "SOCKETIO_CHANNEL": os.environ.get("SOCKETIO_CHANNEL", "sessie_app"),
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        "RATELIMIT_STORAGE_OPTIONS": _redis_pool_options(redis_url),
        # Proxies in front that set X-Forwarded-For/-Proto/-Host (1 behind deploy/nginx.conf). Without
        # it every phone behind nginx would have nginx's address and share one rate limit.
        "TRUSTED_PROXIES": int(os.environ.get("TRUSTED_PROXIES", "0")),
        # Set explicitly, never auto-detected: threading for tests and the development server,
        # gevent under gunicorn (deploy/gunicorn.conf.py sets it; README, Performance, says why).
        "SOCKETIO_ASYNC_MODE": os.environ.get("SOCKETIO_ASYNC_MODE", "threading"),
        # Seconds between coalesced vote tallies per board: 0.2 rather than 0.15 cut p95 from 987 to
        # 787 ms at 1,000 phones and 100 votes/s (README, Performance).
        "TALLY_INTERVAL": float(os.environ.get("TALLY_INTERVAL", "0.2")),
        "RATELIMIT_ENABLED": _bool("RATELIMIT_ENABLED", True),
        "REGISTRATION_RATE_LIMIT": os.environ.get("REGISTRATION_RATE_LIMIT", "10 per minute"),
        # A venue's Wi-Fi puts a whole room behind one address; this only has to stop code guessing.
        "BOARD_JOIN_RATE_LIMIT": os.environ.get("BOARD_JOIN_RATE_LIMIT", "60 per minute"),
        # New participants (a phone's first visit) per address: a hall of several hundred behind one
        # venue address still gets in within a minute; a script gets no more (README, Live board).
        "BOARD_NEWCOMER_RATE_LIMIT": os.environ.get("BOARD_NEWCOMER_RATE_LIMIT", "500 per minute"),
        # Participants one board takes in all: a session's hall holds a few hundred.
        "BOARD_MAX_PARTICIPANTS": int(os.environ.get("BOARD_MAX_PARTICIPANTS", "1000")),
        "MAIL_SERVER": os.environ.get("MAIL_SERVER"),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "25")),
        "MAIL_USE_TLS": _bool("MAIL_USE_TLS", False),
        "MAIL_USE_SSL": _bool("MAIL_USE_SSL", False),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME"),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD"),
        "MAIL_SENDER": os.environ.get("MAIL_SENDER", "Kennisinfrastructuur onderwijs <noreply@sessie.local>"),
        "MAIL_OUTBOX_DIR": os.environ.get("MAIL_OUTBOX_DIR", str(instance_dir / "outbox")),
        # Reminders with "Ik kom" / "Ik kan niet meer", and one nudge to who has not answered.
        "REMINDER_DAYS_BEFORE": int(os.environ.get("REMINDER_DAYS_BEFORE", "7")),
        "NUDGE_DAYS_BEFORE": int(os.environ.get("NUDGE_DAYS_BEFORE", "2")),
        # Deliver the outbox from the serving process (outbox/sender.py); the tests deliver it themselves.
        "OUTBOX_SENDER": _bool("OUTBOX_SENDER", True),
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_SECURE": production,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # An organiser's login lasts a working day at most (seconds; the cookie and its signature
        # expire with it) and ends after two hours without a page (README, Accounts and roles).
        "PERMANENT_SESSION_LIFETIME": int(os.environ.get("ORGANISER_SESSION_HOURS", "10")) * 3600,
        "ORGANISER_IDLE_MINUTES": int(os.environ.get("ORGANISER_IDLE_MINUTES", "120")),
        # Per client address, on asking for a password-reset mail.
        "PASSWORD_RESET_RATE_LIMIT": os.environ.get("PASSWORD_RESET_RATE_LIMIT", "5 per hour"),
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        "WTF_CSRF_TIME_LIMIT": None,
        "BABEL_DEFAULT_LOCALE": "nl",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Amsterdam",
    }
