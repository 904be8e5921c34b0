"""The hostile-input sweep (testkit, run by tests/e2e/test_hostile_input.py) learns what to aim at
from the app itself: a key or a query parameter added later is swept without editing a test."""

from flask import request

from sessie_app import create_app
from sessie_app.board import services as board_services
from sessie_app.realtime import events
from testkit.targets import event_keys, query_names
from tests.helpers import sample_url


def test_every_event_and_console_action_is_a_target_with_the_keys_it_reads():
    keys = event_keys()
    assert set(keys) == {(h.event, None) for h in events.HANDLERS if h.event != "control"} | {
        ("control", name) for name in events.CONTROL
    }
    assert {"client_id", "title", "big", "small", "actor", "bottleneck_id", "theme_id"} <= set(keys[("proposal", None)])
    assert {"action", "proposal_id", "hidden", "reason"} <= set(keys[("control", "hide")])
    assert all("unknown_key" in read for read in keys.values())


def test_a_key_an_event_starts_reading_is_a_target_too(monkeypatch):
    vote = next(handler for handler in events.HANDLERS if handler.event == "vote")
    monkeypatch.setattr(vote.payload, "fields", (*vote.payload.fields, events.Text("nieuwe_sleutel", 10)))
    assert "nieuwe_sleutel" in event_keys()[("vote", None)]


def test_the_query_parameters_are_those_the_views_read(app, meetings, organiser_client):
    code = board_services.create_board("Tilburg", meeting_id=meetings["tilburg"].id).code
    values = {"slug": "tilburg", "code": code, "scope": "alle"}
    paths = [
        sample_url(app, rule, values)
        for rule in app.url_map.iter_rules()
        # A PDF takes seconds to make; the e2e sweep opens those too.
        if "GET" in rule.methods and rule.endpoint != "static" and not rule.rule.endswith(".pdf")
    ]
    names = query_names(app, [app.test_client(), organiser_client], paths)
    # request.args.get in the views, and the fields of the forms filled from the query string.
    assert {"next", "sessie", "groepering", "role", "sector", "status"} <= set(names), names


def test_a_parameter_a_view_starts_reading_is_a_target_too(app_config):
    app = create_app(app_config)

    @app.get("/nieuw")
    def new_page():
        return request.args.get("nieuwe_parameter", "")

    assert "nieuwe_parameter" in query_names(app, [app.test_client()], ["/nieuw"])
