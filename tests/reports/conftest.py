"""Fixtures for the report tests: the data set of dataset.py, and a request for labels.

The data set takes dozens of commits to build: it is built once per test session, and a test that
uses it starts from a copy of that database (``database_template``) and finds its rows by id.
"""

import contextlib
import functools
import shutil
import sqlite3

import pytest

from sessie_app.extensions import db
from sessie_app.registration import seed
from sessie_app.registration.meetings import meetings_in_date_order
from sessie_app.timeutil import today_local
from tests.helpers import base_config, create_test_app, registration_for
from tests.reports.dataset import Dataset, add_twins, build


@pytest.fixture(scope="session")
def built_dataset(tmp_path_factory, migrated_sqlite):
    """``built_dataset(groups)``: the database file with the data set (with its stored groups or
    without) and its ids; built at the first call of the session."""

    @functools.cache
    def build_once(groups: bool) -> tuple:
        folder = tmp_path_factory.mktemp("dataset")
        building = folder / "building.sqlite"
        shutil.copy(migrated_sqlite, building)
        app = create_test_app({**base_config(folder), "SQLALCHEMY_DATABASE_URI": f"sqlite:///{building}"})
        with app.app_context():
            seed.seed(seed.load_file(seed.DEFAULT_FILE), today_local())
            meetings = {m.slug: m for m in meetings_in_date_order()}
            ids = build(meetings, registration_for, groups=groups).ids()
            db.session.remove()
            db.engine.dispose()
        # The app's SQLite runs in WAL mode: what is committed may still be in building.sqlite-wal,
        # which a copy of the file alone would lose. SQLite's backup reads it all into one file.
        path = folder / "dataset.sqlite"
        with contextlib.closing(sqlite3.connect(building)) as source, contextlib.closing(sqlite3.connect(path)) as copy:
            source.backup(copy)
        return path, ids

    return build_once


@pytest.fixture
def database_template(request, migrated_sqlite, built_dataset):
    if "dataset" in request.fixturenames:
        return built_dataset(groups=True)[0]
    if "ungrouped" in request.fixturenames:
        return built_dataset(groups=False)[0]
    return migrated_sqlite


@pytest.fixture
def rq(app):
    """Labels in the report are translated, which needs a request for the locale."""
    with app.test_request_context():
        yield


@pytest.fixture
def dataset(app, built_dataset) -> Dataset:
    return Dataset.load(built_dataset(groups=True)[1])


@pytest.fixture
def ungrouped(app, built_dataset) -> Dataset:
    """The same data without any stored group."""
    return Dataset.load(built_dataset(groups=False)[1])


@pytest.fixture
def twins(ungrouped) -> Dataset:
    """The data without stored groups, plus two pairs the suggestion is sure to find."""
    return add_twins(ungrouped)
