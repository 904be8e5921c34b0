"""Fixtures for tests in every folder: an app on a migrated SQLite copy per test, the five sessions,
a logged-in organiser, registrations made through the registration rules; and what `make test-fast`
leaves out (server processes, PostgreSQL, Redis, Chromium), with the marker each gives its tests.
Helpers: tests/helpers.py."""

import functools
import os
import shutil
from pathlib import Path

import pytest
import redis
import sqlalchemy as sa
import werkzeug.security
from flask_migrate import upgrade
from werkzeug.routing import Rule

from sessie_app import create_app
from sessie_app.extensions import db
from sessie_app.organiser import services as organiser_services
from sessie_app.registration import seed
from sessie_app.registration.meetings import meetings_in_date_order
from sessie_app.timeutil import today_local
from testkit.servers import PG_ADMIN_URL, PostgresDatabase, Server
from tests.helpers import (
    LOGIN_URL,
    ORGANISER_EMAIL,
    ORGANISER_PASSWORD,
    base_config,
    create_test_app,
    need,
    post_form,
    registration_for,
)

# smtp_server and smtp_inbox: a real SMTP server on loopback.
pytest_plugins = ["tests.smtp"]

# A test that uses one of these fixtures (directly or through another fixture) gets the marker:
# `make test-fast` runs `-m 'not (server or postgres or redis or browser)'`.
MARKER_OF_FIXTURE = {
    "start_server": "server",  # real server processes (testkit.servers)
    "board_load": "server",  # tests/serving/conftest.py: the load generator against gunicorn
    "bench": "server",  # tests/serving/conftest.py: a bench script, which starts its own servers
    "postgres_admin_url": "postgres",
    "redis_url": "redis",
    "browser": "browser",  # tests/e2e/conftest.py: Debian's Chromium
}


@pytest.hookimpl(tryfirst=True)  # before -m deselects by marker
def pytest_collection_modifyitems(items):
    for item in items:
        for fixture in getattr(item, "fixturenames", ()):
            if fixture in MARKER_OF_FIXTURE:
                item.add_marker(MARKER_OF_FIXTURE[fixture])


@pytest.fixture(autouse=True)
def _services_only_through_their_fixtures(request, monkeypatch):
    """A server process or a PostgreSQL database started without the fixture above would slip
    into `make test-fast` unmarked: refuse it, and say which fixture to use."""

    def refuse(fixture: str):
        def refused(*_args, **_kwargs):
            raise AssertionError(f"start this through the {fixture} fixture, which marks the test")

        return refused

    if request.node.get_closest_marker("server") is None:
        monkeypatch.setattr(Server, "start", refuse("start_server"))
    if request.node.get_closest_marker("postgres") is None:
        monkeypatch.setattr(PostgresDatabase, "__init__", refuse("postgres_admin_url"))


@pytest.fixture(autouse=True, scope="session")
def _hash_each_password_once():
    """scrypt takes a fifth of a second by design, and most organiser tests create an account and
    log in: in the tests the salt is fixed, and each (password, salt) is hashed once per session.
    A wrong password still gives another hash; only the repeated work goes."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(werkzeug.security, "gen_salt", lambda length: "s" * length)
        patch.setattr(werkzeug.security, "_hash_internal", functools.cache(werkzeug.security._hash_internal))
        yield


@pytest.fixture(autouse=True, scope="session")
def _url_rules_compiled_once():
    """Every test makes an app of its own, and werkzeug compiles the URL builder of each of the
    app's rules from a syntax tree: some 80 ms an app, a third of a page test's setup. In the tests
    a rule with the same parts reuses the builder compiled first; it takes its rule as an argument,
    so one serves every app."""
    compile_builder = Rule._compile_builder
    builders = {}

    def compiled_once(rule: Rule, append_unknown: bool = True):
        key = (rule.rule, rule.subdomain, rule.host, tuple(rule._trace), repr(rule.defaults), append_unknown)
        if key not in builders:
            builders[key] = compile_builder(rule, append_unknown)
        return builders[key]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Rule, "_compile_builder", compiled_once)
        yield


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory) -> Path:
    """One SQLite file built by the migrations; each test gets a copy (the schema comes only from Alembic)."""
    folder = tmp_path_factory.mktemp("template-db")
    path = folder / "template.sqlite"
    app = create_app({**base_config(folder), "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return path


@pytest.fixture
def database_template(migrated_sqlite) -> Path:
    """The SQLite file each test's database is a copy of (tests/reports/conftest.py has another)."""
    return migrated_sqlite


@pytest.fixture
def app_config(tmp_path, database_template) -> dict:
    database = tmp_path / "test.sqlite"
    shutil.copy(database_template, database)
    return {**base_config(tmp_path), "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}"}


@pytest.fixture
def app(app_config):
    app = create_test_app(app_config)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def meetings(app):
    """The five sessions of the invitation, placed ahead of today."""
    seed.seed(seed.load_file(seed.DEFAULT_FILE), today_local())
    return {m.slug: m for m in meetings_in_date_order()}


@pytest.fixture
def organiser(app):
    return organiser_services.create_or_update_organiser(ORGANISER_EMAIL, ORGANISER_PASSWORD)


@pytest.fixture
def organiser_client(client, organiser):
    """A test client logged in through the real login form, CSRF token and all."""
    response = post_form(client, LOGIN_URL, {"email": ORGANISER_EMAIL, "password": ORGANISER_PASSWORD})
    assert response.status_code == 302, response.status_code
    assert response.headers["Location"].endswith("/organisator/")
    return client


@pytest.fixture
def add_registration(app):
    """``add_registration(meeting, **details)``: someone registered through the registration rules."""
    return registration_for


# --- what make test-fast leaves out -------------------------------------------------------------------


@pytest.fixture
def start_server():
    """``start_server(server)`` starts a testkit server process (gunicorn as `make serve` runs it, or
    any other command) and returns it; every one is stopped after the test, by its process id."""
    started: list[Server] = []

    def start(server: Server) -> Server:
        started.append(server)
        return server.start()

    yield start
    for server in started:
        server.stop()


@pytest.fixture(scope="session")
def postgres_admin_url() -> str:
    """The PostgreSQL server at TEST_DATABASE_URL, where tests make databases of their own."""
    engine = sa.create_engine(PG_ADMIN_URL)
    try:
        with engine.connect():
            pass
    except sa.exc.OperationalError:
        need(False, f"PostgreSQL is not reachable at {PG_ADMIN_URL} (set TEST_DATABASE_URL)")
    finally:
        engine.dispose()
    return PG_ADMIN_URL


@pytest.fixture
def postgres_url(postgres_admin_url) -> str:
    """A throwaway PostgreSQL database for one test."""
    database = PostgresDatabase()
    try:
        yield database.url
    finally:
        database.drop()


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The Redis server at TEST_REDIS_URL."""
    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError:
        need(False, f"Redis is not reachable at {url} (set TEST_REDIS_URL)")
    return url
