"""The durable outbox: a mail is a row committed with its registration, delivered by a sender in
the background, retried with back-off, never dropped silently, sent once by several senders."""

import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import select

from sessie_app import create_app, mailer
from sessie_app.extensions import db
from sessie_app.outbox import services as outbox
from sessie_app.outbox.models import FAILED, SENT, WAITING, OutboxMail
from sessie_app.outbox.sender import deliver_due
from sessie_app.registration import seed
from sessie_app.registration import services as registration_services
from sessie_app.registration.models import Registration
from sessie_app.timeutil import today_local, utcnow
from testkit.servers import PostgresDatabase
from tests.helpers import VALID_REGISTRATION, base_config, csrf_from, deliver, post_form
from tests.helpers import outbox as delivered_mails


def smtp_config(app_config: dict, port: int) -> dict:
    return {**app_config, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port}


@pytest.fixture
def seeded(app_config):
    """Seed the sessions once into the test's database file."""
    app = create_app(app_config)
    with app.app_context():
        seed.seed(seed.load_file(seed.DEFAULT_FILE), today_local())
        db.session.remove()
        db.engine.dispose()
    return app_config


def register(app, email: str = VALID_REGISTRATION["email"], **headers):
    response = post_form(app.test_client(), "/sessies/tilburg", {**VALID_REGISTRATION, "email": email}, headers=headers)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


def rows(app) -> list[OutboxMail]:
    with app.app_context():
        return list(db.session.scalars(select(OutboxMail).order_by(OutboxMail.id)))


def test_smtp_down_during_a_registration_keeps_it_and_the_mail_goes_when_smtp_is_back(seeded, smtp_server):
    smtp_server.stop()
    app = create_app(smtp_config(seeded, smtp_server.port))
    register(app)

    started = utcnow()
    assert deliver(app, started) == 1
    [mail] = rows(app)
    assert mail.status == WAITING and mail.attempts == 1 and "Connection refused" in mail.last_error
    assert mail.next_attempt_at == started + outbox.FIRST_RETRY
    # Not due yet: a sender that wakes up before the back-off leaves it.
    assert deliver(app, started + timedelta(seconds=30)) == 0

    smtp_server.start()
    assert deliver(app, started + timedelta(minutes=2)) == 1
    [(to, message)] = smtp_server.inbox.messages
    assert to == [VALID_REGISTRATION["email"]] and "Aanmelding bevestigd" in message["Subject"]
    assert [(m.status, m.attempts) for m in rows(app)] == [(SENT, 1)]
    with app.app_context():
        assert db.session.query(Registration).count() == 1


def test_a_server_that_dies_after_the_commit_still_sends_the_mail_after_its_restart(seeded, smtp_server):
    # The first process registers and is gone before its sender ran.
    first = create_app(smtp_config(seeded, smtp_server.port))
    register(first)
    with first.app_context():
        db.engine.dispose()
    assert smtp_server.inbox.messages == []

    restarted = create_app(smtp_config(seeded, smtp_server.port))
    assert deliver(restarted) == 1
    assert len(smtp_server.inbox.messages) == 1


def test_a_sender_that_died_holding_a_claim_gives_the_mail_back_when_the_claim_expires(seeded, smtp_server):
    app = create_app(smtp_config(seeded, smtp_server.port))
    register(app)
    now = utcnow()
    with app.app_context():
        assert [c.kind for c in outbox.claim_due(now)] == ["confirmation"]  # ...and the process dies
        assert outbox.claim_due(now + timedelta(minutes=1)) == []
    assert deliver(app, now + outbox.CLAIM_LEASE + timedelta(seconds=1)) == 1
    assert len(smtp_server.inbox.messages) == 1


def test_a_mail_that_keeps_failing_is_kept_as_failed_with_its_reason_until_retried(seeded, smtp_server):
    smtp_server.stop()
    app = create_app(smtp_config(seeded, smtp_server.port))
    register(app)
    now = utcnow()
    delays = []
    for _ in range(outbox.MAX_ATTEMPTS):
        assert deliver(app, now) == 1
        [mail] = rows(app)
        delays.append(mail.next_attempt_at - now)
        now = mail.next_attempt_at
    [mail] = rows(app)
    assert mail.status == FAILED and mail.attempts == outbox.MAX_ATTEMPTS and "Connection refused" in mail.last_error
    # 1, 2, 4, … minutes, never more than an hour apart.
    assert delays[:3] == [timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4)]
    assert max(delays[:-1]) == outbox.LONGEST_RETRY
    assert deliver(app, now + timedelta(days=1)) == 0  # failed stays failed: nothing retries by itself

    smtp_server.start()
    with app.app_context():
        outbox.retry(mail.meeting_id, mail.id)
    assert deliver(app) == 1 and len(smtp_server.inbox.messages) == 1
    assert rows(app)[0].status == SENT


def test_the_sender_runs_by_itself_in_the_serving_process(seeded, smtp_server):
    app = create_app({**smtp_config(seeded, smtp_server.port), "OUTBOX_SENDER": True})
    register(app)
    deadline = time.monotonic() + 30
    while not smtp_server.inbox.messages and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(smtp_server.inbox.messages) == 1
    time.sleep(0.5)
    assert len(smtp_server.inbox.messages) == 1


@pytest.mark.parametrize(
    ("base_url", "links"), [("", "http://127.0.0.1:5000"), ("http://sessie.test", "http://sessie.test")]
)
def test_a_foreign_host_header_gets_no_mail_with_that_host(seeded, base_url, links):
    # Without BASE_URL (make run on loopback) the links name this machine, never the request's host.
    app = create_app({**seeded, "TRUSTED_PROXIES": 1, "BASE_URL": base_url})
    client = app.test_client()
    forged = {"base_url": "http://evil.example", "headers": {"X-Forwarded-Host": "evil.example"}}
    page = client.get("/sessies/tilburg", **forged).get_data(as_text=True)
    response = client.post("/sessies/tilburg", data={**VALID_REGISTRATION, "csrf_token": csrf_from(page)}, **forged)
    assert response.status_code == 302
    [message] = delivered_mails(app)
    text = message.as_string()
    assert "evil.example" not in text and f"{links}/aanmelding/" in text
    # Nor does the page's own share link or the poster's QR code follow the header.
    assert "evil.example" not in page


def test_two_senders_on_postgresql_send_each_mail_once(postgres_admin_url, tmp_path, smtp_server):
    database = PostgresDatabase()
    try:
        config = {
            **base_config(tmp_path),
            "SQLALCHEMY_DATABASE_URI": database.url,
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": smtp_server.port,
        }
        first, second = create_app(config), create_app(config)
        with first.app_context():
            upgrade()
            seed.seed(seed.load_file(seed.DEFAULT_FILE), today_local())
        for number in range(60):
            register(first, f"deelnemer{number}@example.nl")

        def send_all(app) -> int:
            with app.app_context():
                return deliver_due()

        with ThreadPoolExecutor(4) as pool:
            tried = list(pool.map(send_all, (first, second, first, second)))
        assert sum(tried) == 60
        recipients = sorted(to for (to,), _message in smtp_server.inbox.messages)
        assert recipients == sorted(f"deelnemer{n}@example.nl" for n in range(60))
        assert {m.status for m in rows(first)} == {SENT}
    finally:
        for app in (first, second):
            with app.app_context():
                db.engine.dispose()
        database.drop()


def test_the_organiser_sees_failed_waiting_and_sent_mail_per_session_and_retries(app, meetings, organiser_client):
    from sessie_app.registration import services as registration_services

    details = registration_services.Details(
        name="Ans", email="ans@example.nl", organisation="School", role="leraar", sector="PO", meal=True
    )
    registration_services.register(meetings["tilburg"].id, details)
    registration_services.register(
        meetings["tilburg"].id, details.__class__(**{**details.__dict__, "email": "bo@example.nl"})
    )
    assert deliver(app) == 2
    second = rows(app)[1]
    with app.app_context():
        for _ in range(outbox.MAX_ATTEMPTS):
            outbox.mark_failed(second.id, "SMTPRecipientsRefused: 550 mailbox unavailable")
    dashboard = organiser_client.get("/organisator/").get_data(as_text=True)
    assert "1 mislukt" in dashboard

    page = organiser_client.get("/organisator/sessies/tilburg/mail").get_data(as_text=True)
    assert page.index("bo@example.nl") < page.index("ans@example.nl")  # failed first
    assert "550 mailbox unavailable" in page and "Mislukt" in page and "Verstuurd" in page
    # Another session's mail cannot be retried through this one, and a GET changes nothing.
    assert organiser_client.get(f"/organisator/sessies/tilburg/mail/{second.id}/opnieuw").status_code == 405
    response = post_form(
        organiser_client,
        "/organisator/sessies/utrecht/mail",
        {},
        post_url=f"/organisator/sessies/utrecht/mail/{second.id}/opnieuw",
    )
    assert "bestaat niet (meer)" in organiser_client.get(response.location).get_data(as_text=True)
    post_form(
        organiser_client,
        "/organisator/sessies/tilburg/mail",
        {},
        post_url=f"/organisator/sessies/tilburg/mail/{second.id}/opnieuw",
    )
    assert [(m.status, m.attempts) for m in rows(app)] == [(SENT, 0), (WAITING, 0)]
    assert deliver(app) == 1
    assert "1 mislukt" not in organiser_client.get("/organisator/").get_data(as_text=True)


def test_a_person_erased_while_their_mail_is_being_written_leaves_no_file(app, meetings, add_registration, monkeypatch):
    person = add_registration(meetings["tilburg"])
    folder = Path(app.config["MAIL_OUTBOX_DIR"])
    write = mailer.Transport.send

    def erased_meanwhile(transport, message, name):
        file_name = write(transport, message, name)
        # Another request erases the person between the file being written and the row recorded.
        registration_services.delete_personal_data(person.id, folder)
        return file_name

    monkeypatch.setattr(mailer.Transport, "send", erased_meanwhile)
    deliver(app)
    assert not any(folder.glob("*.eml"))
    assert db.session.query(OutboxMail).count() == 0
