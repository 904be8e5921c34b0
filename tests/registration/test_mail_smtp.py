"""The Tilburg walk-through over a real SMTP server on loopback (aiosmtpd)."""

import re

import pytest
from icalendar import Calendar

from sessie_app import create_app
from sessie_app.registration import seed
from sessie_app.timeutil import today_local
from tests.helpers import VALID_REGISTRATION, deliver, post_form


@pytest.fixture
def smtp_app(app_config, smtp_inbox):
    _, port = smtp_inbox
    app = create_app({**app_config, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port})
    with app.app_context():
        seed.seed(seed.load_file(seed.DEFAULT_FILE), today_local())
        yield app


def plain(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def calendar(message) -> Calendar:
    [part] = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    return Calendar.from_ical(part.get_content())


def test_register_for_tilburg_cancel_and_first_waiting_person_is_mailed(smtp_app, smtp_inbox):
    from sessie_app.extensions import db
    from sessie_app.registration.meetings import meeting_by_slug

    inbox, _ = smtp_inbox
    meeting_by_slug("tilburg").capacity = 1
    db.session.commit()
    client = smtp_app.test_client()
    post_form(client, "/sessies/tilburg", {**VALID_REGISTRATION, "email": "anna@example.nl", "name": "Anna"})
    post_form(client, "/sessies/tilburg", {**VALID_REGISTRATION, "email": "bram@example.nl", "name": "Bram"})
    assert inbox.messages == []  # the requests only queued them
    deliver(smtp_app)

    (to_anna, confirmation), (to_bram, waitlisted) = inbox.messages
    assert to_anna == ["anna@example.nl"] and to_bram == ["bram@example.nl"]
    assert "bevestigd" in confirmation["Subject"] and "wachtlijst" in waitlisted["Subject"]
    assert confirmation.get_body(preferencelist=("html",)).get_content().count("cid:check-in-qr") == 1
    anna_event = calendar(confirmation).walk("VEVENT")[0]
    assert anna_event["STATUS"] == "CONFIRMED" and int(anna_event["SEQUENCE"]) == 0
    assert calendar(confirmation).walk("VTIMEZONE")[0]["TZID"] == "Europe/Amsterdam"
    assert calendar(waitlisted).walk("VEVENT")[0]["STATUS"] == "TENTATIVE"

    link = re.search(r"http://sessie\.test(/aanmelding/\S+)", plain(confirmation)).group(1)
    assert "U bent aangemeld en heeft een plaats" in client.get(link).get_data(as_text=True)
    post_form(client, link, {}, post_url=link + "/afmelden")
    assert "U bent afgemeld" in client.get(link).get_data(as_text=True)
    deliver(smtp_app)

    (to_anna2, cancelled), (to_bram2, promoted) = inbox.messages[2:]
    assert to_anna2 == ["anna@example.nl"] and to_bram2 == ["bram@example.nl"]
    cancelled_event = calendar(cancelled).walk("VEVENT")[0]
    assert cancelled_event["UID"] == anna_event["UID"] and cancelled_event["STATUS"] == "CANCELLED"
    assert int(cancelled_event["SEQUENCE"]) > int(anna_event["SEQUENCE"])
    assert "plek vrijgekomen" in promoted["Subject"]
    promoted_event, waiting_event = calendar(promoted).walk("VEVENT")[0], calendar(waitlisted).walk("VEVENT")[0]
    assert promoted_event["STATUS"] == "CONFIRMED" and promoted_event["UID"] == waiting_event["UID"]
    # A calendar replaces the tentative entry only when the SEQUENCE rises.
    assert int(promoted_event["SEQUENCE"]) > int(waiting_event["SEQUENCE"])
