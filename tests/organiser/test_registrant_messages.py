"""An organiser's message to a session's registrants: the audience filters, a preview with the
count, one queued mail per recipient with their own link (the request renders none), no double
send on a second click, and what the recipient reads."""

import logging
import re
from pathlib import Path

from sessie_app.extensions import db
from sessie_app.organiser import audit
from sessie_app.outbox.models import WAITING, OutboxMail
from sessie_app.registration import messages
from sessie_app.registration import services as registration_services
from sessie_app.registration.models import RegistrantMessage
from tests.helpers import csrf_from, outbox
from tests.organiser.auditing import audited

URL = "/organisator/sessies/tilburg/bericht"
WALK_IN = {"name": "Zonder Adres", "email": None}


def _people(meetings, add_registration):
    """Tilburg with 3 seats: two present, one absent, two waiting, one cancelled, one without address."""
    tilburg = meetings["tilburg"]
    tilburg.capacity = 3
    db.session.commit()
    present = [add_registration(tilburg) for _ in range(2)]
    absent = add_registration(tilburg)
    waiting = [add_registration(tilburg) for _ in range(2)]
    for registration in present:
        registration_services.set_checked_in(registration.id, True)
    gone = add_registration(tilburg)
    registration_services.cancel(gone.id)
    registration_services.add_by_organiser(
        tilburg.id,
        registration_services.Details(
            name="Zonder Adres", email=None, organisation=None, role="leraar", sector="VO", meal=False
        ),
        check_in_now=True,
    )
    return {"present": present, "absent": absent, "waiting": waiting, "gone": gone}


def test_each_audience_counts_who_can_be_mailed(app, meetings, add_registration):
    _people(meetings, add_registration)
    tilburg = meetings["tilburg"].id
    assert {audience: messages.count(tilburg, audience) for audience in messages.AUDIENCES} == {
        messages.EVERYONE: 5,  # the cancelled one and the walk-in without address are left out
        messages.SEATED: 3,
        messages.WAITING: 2,
        messages.PRESENT: 2,
        messages.ABSENT: 1,
    }


def _write(organiser_client, **fields):
    page = organiser_client.get(URL).get_data(as_text=True)
    draft = re.search(r'name="draft" type="hidden" value="([0-9a-f]{32})"', page).group(1)
    data = {
        "csrf_token": csrf_from(page),
        "draft": draft,
        "audience": "confirmed",
        "subject": "Parkeren",
        "body": "Parkeer bij P2.\n\nDe ingang is aan de achterkant.",
        **fields,
    }
    return data, organiser_client.post(URL, data={**data, "action": "preview"})


def test_preview_shows_the_mail_and_the_count_and_sending_only_queues(
    app, organiser_client, meetings, add_registration, caplog
):
    people = _people(meetings, add_registration)
    caplog.set_level(logging.INFO, logger="sessie_app.organiser")
    before = len(outbox(app))
    data, preview = _write(organiser_client)
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "Dit bericht gaat naar 3 personen." in html and "Versturen aan 3 personen" in html
    assert "Parkeer bij P2." in html and "Beste deelnemer," in html
    assert 'name="expected" type="hidden" value="3"' in html
    assert db.session.query(OutboxMail).filter_by(kind="message").count() == 0  # a preview sends nothing

    response = organiser_client.post(URL, data={**data, "expected": "3", "action": "send"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/organisator/sessies/tilburg/mail")
    # The request queued three rows and rendered none: the sender does that in the background.
    queued = db.session.query(OutboxMail).filter_by(kind="message").all()
    assert len(queued) == 3 and {mail.status for mail in queued} == {WAITING}
    assert not any(Path(app.config["MAIL_OUTBOX_DIR"]).glob("*-message.eml"))
    [sent] = audited(audit.MESSAGE_SENT, subject="tilburg")
    assert sent.detail.endswith("to 3 registrants")

    mails = outbox(app)[before:]
    seated = {r.email for r in people["present"]} | {people["absent"].email}
    assert {m["To"].addresses[0].addr_spec for m in mails} == seated
    links = set()
    for mail in mails:
        assert mail["Subject"] == "Parkeren"
        text = mail.get_body(("plain",)).get_content()
        assert "Parkeer bij P2.\n\nDe ingang is aan de achterkant." in text
        html_part = mail.get_body(("html",)).get_content()
        assert "Parkeer bij P2.</p><p>De ingang is aan de achterkant." in html_part
        link = re.search(r"http://sessie\.test/aanmelding/\S+", text).group(0)
        links.add(link)
        assert mail["List-Unsubscribe"] == f"<{link}>"
        # News, not a change to the appointment: no calendar file that a client would re-import.
        assert not [part for part in mail.iter_attachments() if part.get_content_type() == "text/calendar"]
    assert len(links) == 3  # each their own link

    page = organiser_client.get("/organisator/sessies/tilburg/mail").get_data(as_text=True)
    assert "Bericht: Parkeren" in page
    assert "Parkeren" in organiser_client.get(URL).get_data(as_text=True)  # listed as sent


def test_a_second_click_on_send_mails_nobody_twice(app, organiser_client, meetings, add_registration):
    _people(meetings, add_registration)
    data, _preview = _write(organiser_client, audience="waitlisted")
    for _ in range(2):
        assert organiser_client.post(URL, data={**data, "expected": "2", "action": "send"}).status_code == 302
    assert db.session.query(RegistrantMessage).count() == 1
    assert db.session.query(OutboxMail).filter_by(kind="message").count() == 2
    assert "al verstuurd" in organiser_client.get("/organisator/").get_data(as_text=True)


def test_a_count_that_changed_since_the_preview_is_shown_before_anything_is_sent(
    app, organiser_client, meetings, add_registration
):
    _people(meetings, add_registration)
    data, _preview = _write(organiser_client, audience="all")
    add_registration(meetings["tilburg"])
    html = organiser_client.post(URL, data={**data, "expected": "5", "action": "send"}).get_data(as_text=True)
    assert "gaat nu naar 6 personen" in html and "Versturen aan 6 personen" in html
    assert db.session.query(OutboxMail).filter_by(kind="message").count() == 0


def test_bad_input_is_said_in_dutch_and_html_and_header_tricks_stay_text(
    app, organiser_client, meetings, add_registration
):
    _people(meetings, add_registration)
    data, response = _write(organiser_client, subject="", body="", audience="iedereen")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert (
        "Vul een onderwerp in." in html and "Schrijf het bericht." in html and "Kies aan wie het bericht gaat." in html
    )
    data, response = _write(organiser_client, body="x" * 4001)
    assert "Gebruik hoogstens 4000 tekens." in response.get_data(as_text=True)

    before = len(outbox(app))
    data, _preview = _write(
        organiser_client,
        audience="waitlisted",
        subject="Let op\r\nBcc: iedereen@example.org",
        body='<a href="https://evil.example">klik</a>',
    )
    organiser_client.post(URL, data={**data, "expected": "2", "action": "send"})
    for mail in outbox(app)[before:]:
        assert mail["Bcc"] is None and mail["Subject"] == "Let opBcc: iedereen@example.org"
        html = mail.get_body(("html",)).get_content()
        assert (
            "&lt;a href=&#34;https://evil.example&#34;&gt;klik&lt;/a&gt;" in html
            and '<a href="https://evil' not in html
        )


def test_an_audience_without_addresses_is_refused_and_a_forged_form_is_400(app, organiser_client, meetings):
    data, response = _write(organiser_client)
    assert response.status_code == 422
    assert "niemand met een e-mailadres" in response.get_data(as_text=True)
    assert organiser_client.post(URL, data={**data, "draft": "../../etc"}).status_code == 400
    assert organiser_client.post("/organisator/sessies/bestaat-niet/bericht", data=data).status_code == 404


def test_whoever_cancelled_after_the_message_was_queued_does_not_get_it(app, meetings, add_registration):
    tilburg = meetings["tilburg"]
    stays, leaves = add_registration(tilburg), add_registration(tilburg)
    before = len(outbox(app))
    messages.send(tilburg.id, draft="a" * 32, audience=messages.SEATED, subject="Nieuws", body="Tekst", sent_by=None)
    registration_services.cancel(leaves.id)
    later = [m for m in outbox(app)[before:] if m["Subject"] == "Nieuws"]
    assert [m["To"].addresses[0].addr_spec for m in later] == [stays.email]
