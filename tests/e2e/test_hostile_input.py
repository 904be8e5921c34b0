"""Hostile input everywhere a stranger can type or send, then rendered in Chromium.

The fast variant of bench/hostile_input.py: the whole corpus (over 1,000 values) is sent, but each
form field, query parameter, path argument and socket event key gets a sample of every kind of
value, not all of them. The pages that show what was stored, the live board screens while hostile
text arrives over Socket.IO, and the report's HTML are then opened with the site's CSP (a listener
counts violations) and with CSP bypassed (a payload that runs would set ``window.__hostile``).
"""

import logging
import shutil

from testkit import hostile
from tests.e2e.pages import ORGANISER_EMAIL, ORGANISER_PASSWORD
from tests.helpers import need


def test_a_thousand_hostile_values_break_nothing_and_run_nowhere(live_server, browser, caplog):
    need(shutil.which("pdftotext") is not None, "pdftotext is missing (apt-get install -y poppler-utils)")
    caplog.set_level(logging.ERROR)
    figures = hostile.run(
        live_server.app, live_server.url, (ORGANISER_EMAIL, ORGANISER_PASSWORD), per_kind=1, browser=browser
    )
    print({key: value for key, value in figures.items() if key not in ("rendered",)})

    assert figures["corpus"] >= 1000 and figures["distinct_sent"] >= 1000, figures
    assert figures["post_routes_without_a_form"] == [], figures
    assert figures["server_errors"] == 0 and figures["stack_traces"] == 0, figures["problem_list"]
    assert figures["problems"] == 0, figures["problem_list"]
    # Nothing the app logged as an unhandled error, in a view or in a socket handler. The test
    # server's own refusals (an over-long URL, bytes after a closed websocket) are werkzeug's.
    errors = [
        record.getMessage()
        for record in caplog.records
        if record.levelno >= logging.ERROR and record.name != "werkzeug"
    ]
    assert errors == [], errors[:10]

    assert figures["pages_rendered"] >= 40, figures["rendered"]
    assert figures["scripts_executed"] == 0, (figures["executed_on"], figures["dialogs"])
    assert figures["csp_violations"] == 0, figures["csp_violation_list"]
    assert figures["page_errors"] == 0, figures["page_error_list"]
    # No page scrolls sideways on a phone (the projector on 1280×720) for a long unbroken string.
    assert figures["wider_than_the_phone"] == {}, figures["wider_than_the_phone"]
    # The phone, the console and the projector drew the hostile text that arrived live, as text.
    assert all(count > 0 for count in figures["script_text_shown_live"].values()), figures["script_text_shown_live"]

    assert figures["report_pdf_status"] == 200 and figures["report_pdf_active_content"] == [], figures
    assert figures["report_pdf_payloads_as_text"] > 0, figures
