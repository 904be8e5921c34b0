"""Fixtures for the report tests: the data set of dataset.py, built per test, and a request for labels."""

import pytest

from tests.reports.dataset import Dataset, add_twins, build


@pytest.fixture
def rq(app):
    """Labels in the report are translated, which needs a request for the locale."""
    with app.test_request_context():
        yield


@pytest.fixture
def dataset(app, meetings, add_registration) -> Dataset:
    return build(meetings, add_registration)


@pytest.fixture
def ungrouped(app, meetings, add_registration) -> Dataset:
    """The same data without any stored group."""
    return build(meetings, add_registration, groups=False)


@pytest.fixture
def twins(ungrouped) -> Dataset:
    """The data without stored groups, plus two pairs the suggestion is sure to find."""
    return add_twins(ungrouped)
