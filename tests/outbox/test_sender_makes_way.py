"""The sender shares the worker with the phones: between two mails it waits while requests are being
served (at most MAKE_WAY_AT_MOST), and goes on at once when none are."""

import pytest

from sessie_app import create_app
from sessie_app.outbox import sender as outbox_sender


@pytest.fixture
def sender_app(app_config):
    return create_app({**app_config, "OUTBOX_SENDER": True})


@pytest.fixture
def naps(monkeypatch):
    taken: list[float] = []
    monkeypatch.setattr(outbox_sender.socketio, "sleep", taken.append)
    return taken


def test_it_counts_the_requests_in_flight_also_one_that_fails(sender_app, monkeypatch):
    sender = sender_app.extensions["outbox_sender"]
    monkeypatch.setattr(sender, "ensure_running", lambda app: None)
    seen = []

    @sender_app.get("/_busy")
    def busy():
        seen.append(sender.busy())
        raise RuntimeError("a bug in a view")

    sender_app.testing = False  # let the error become a 500 like in production
    assert sender_app.test_client().get("/_busy").status_code == 500
    assert seen == [True] and not sender.busy()


def test_between_two_mails_it_waits_while_a_request_is_served(sender_app, naps):
    sender = sender_app.extensions["outbox_sender"]
    with sender_app.test_request_context():
        sender.request_started()
        sender.make_way()
        sender.request_ended()
    # At most MAKE_WAY_AT_MOST in steps, then its own turn.
    assert sum(naps) == pytest.approx(outbox_sender.MAKE_WAY_AT_MOST + 0)
    assert naps[-1] == 0 and len(naps) == round(outbox_sender.MAKE_WAY_AT_MOST / outbox_sender.MAKE_WAY_STEP) + 1

    naps.clear()
    sender.make_way()
    assert naps == [0]  # nobody waiting: straight on
