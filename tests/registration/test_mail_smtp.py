"""The Tilburg walk-through over a real SMTP server on loopback (aiosmtpd)."""

import email
import re
import socket
from email import policy

import pytest
from aiosmtpd.controller import Controller
from icalendar import Calendar

from sessie_app import create_app
from sessie_app.registration import seed
from sessie_app.timeutil import today_local
from tests.helpers import VALID_REGISTRATION, post_form


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (the name aiosmtpd calls)
        message = email.message_from_bytes(envelope.original_content, policy=policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_inbox():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield inbox, controller.port
    controller.stop()


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

    (to_anna2, cancelled), (to_bram2, promoted) = inbox.messages[2:]
    assert to_anna2 == ["anna@example.nl"] and to_bram2 == ["bram@example.nl"]
    cancelled_event = calendar(cancelled).walk("VEVENT")[0]
    assert cancelled_event["UID"] == anna_event["UID"] and cancelled_event["STATUS"] == "CANCELLED"
    assert int(cancelled_event["SEQUENCE"]) > int(anna_event["SEQUENCE"])
    assert "plek vrijgekomen" in promoted["Subject"]
    assert calendar(promoted).walk("VEVENT")[0]["STATUS"] == "CONFIRMED"


def test_a_dead_mail_server_loses_no_registration(app_config, tmp_path):
    from sessie_app.extensions import db
    from sessie_app.registration.models import Registration

    app = create_app({**app_config, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": free_port()})
    with app.app_context():
        seed.seed(seed.load_file(seed.DEFAULT_FILE), today_local())
        response = post_form(app.test_client(), "/sessies/tilburg", VALID_REGISTRATION)
        assert response.status_code == 302
        assert db.session.query(Registration).count() == 1
        assert len(list((tmp_path / "outbox" / "failed").glob("*.eml"))) == 1
