"""`make test-fast` runs `-m 'not (server or postgres or redis or browser)'`; the fixtures that start a
server process, make a PostgreSQL database, reach Redis or open Chromium give their tests the marker
(tests/conftest.py). A test that starts a server or makes a database some other way would slip into
the fast set unmarked: it is refused."""

import pytest

from testkit.servers import PostgresDatabase, Server


def test_a_server_started_without_its_fixture_is_refused(tmp_path):
    with pytest.raises(AssertionError, match="start_server fixture"):
        Server(["true"], {}, tmp_path).start()


def test_a_postgres_database_made_without_its_fixture_is_refused():
    with pytest.raises(AssertionError, match="postgres_admin_url fixture"):
        PostgresDatabase()


def test_a_test_using_a_service_fixture_carries_its_marker(request, start_server):
    assert request.node.get_closest_marker("server") is not None
