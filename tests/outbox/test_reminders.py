"""Reminders that free seats: a week before, "Ik kom" / "Ik kan niet meer" behind one POST each, one
nudge to who has not answered, on a clock the test controls."""

import re
from datetime import UTC, time, timedelta

import pytest

from sessie_app.extensions import db
from sessie_app.registration import services
from sessie_app.registration.models import CANCELLED, CONFIRMED, WAITLISTED, Registration
from sessie_app.timeutil import today_local, utcnow
from tests.helpers import deliver, outbox, post_form

DAY = timedelta(days=1)


@pytest.fixture
def session(app):
    """A session of three seats, 20 days from now at 13:00 Amsterdam time, with four registrations:
    three seated, one waiting."""
    meeting = services.create_meeting(
        slug="leeuwarden",
        city="Leeuwarden",
        venue="Tresoar",
        address="Boterhoek 1, 8911 DH Leeuwarden",
        date=today_local() + timedelta(days=20),
        starts_at=time(13, 0),
        ends_at=time(17, 0),
        capacity=3,
    )
    people = {}
    for name in ("ans", "bram", "cor", "dirk"):
        details = services.Details(
            name=name, email=f"{name}@example.nl", organisation="School", role="leraar", sector="PO", meal=True
        )
        people[name] = services.register(meeting.id, details).registration_id
    deliver(app)  # the confirmations
    return meeting, people


def starts(meeting):
    return meeting.starts.astimezone(UTC).replace(tzinfo=None)


def new_mails(app, before: int):
    return outbox(app)[before:]


def link(message, label: str) -> str:
    text = message.get_body(preferencelist=("plain",)).get_content()
    return re.search(rf"{label}: http://sessie\.test(/\S+)", text).group(1)


def test_the_reminder_goes_a_week_before_to_the_seated_only_and_once(app, session):
    meeting, _people = session
    before = len(outbox(app))
    assert deliver(app, starts(meeting) - 7 * DAY - timedelta(minutes=1)) == 0
    assert deliver(app, starts(meeting) - 7 * DAY) == 3
    mails = new_mails(app, before)
    assert sorted(m["To"].addresses[0].username for m in mails) == ["ans", "bram", "cor"]
    message = mails[0]
    assert message["Subject"].startswith("Herinnering: sessie Leeuwarden op ")
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "Tresoar, Boterhoek 1, 8911 DH Leeuwarden" in text and "Leeuwarden, Leeuwarden" not in text
    assert (
        "Ik kom: http://sessie.test/aanmelding/" in text and "Ik kan niet meer: http://sessie.test/aanmelding/" in text
    )
    html = message.get_body(preferencelist=("html",)).get_content()
    assert 'name="viewport"' in html and html.count("/ik-kom") == 1
    assert deliver(app, starts(meeting) - 6 * DAY) == 0  # once


def test_ik_kom_and_ik_kan_niet_meer_change_nothing_until_the_button_is_pressed(app, client, session):
    meeting, people = session
    before = len(outbox(app))
    deliver(app, starts(meeting) - 7 * DAY)
    mails = {m["To"].addresses[0].username: m for m in new_mails(app, before)}

    yes = link(mails["ans"], "Ik kom")
    page = client.get(yes)  # a mail scanner opening the link
    assert page.status_code == 200 and "Ja, ik kom" in page.get_data(as_text=True)
    assert db.session.get(Registration, people["ans"]).reconfirmed_at is None
    response = post_form(client, yes, {})
    assert "Fijn dat u komt" in client.get(response.location).get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Registration, people["ans"]).reconfirmed_at is not None

    no = link(mails["bram"], "Ik kan niet meer")
    client.get(no)
    assert db.session.get(Registration, people["bram"]).status == CONFIRMED
    post_form(client, no, {})
    db.session.expire_all()
    assert db.session.get(Registration, people["bram"]).status == CANCELLED
    # The freed seat goes to the waiting list, as a cancellation always does.
    assert db.session.get(Registration, people["dirk"]).status == CONFIRMED

    # Two days before: the nudge for Cor, who did not answer (Ans did, Bram cancelled), and Dirk,
    # seated since, gets the reminder he had not had; his nudge follows a day later.
    before = len(outbox(app))
    assert deliver(app, starts(meeting) - 2 * DAY) == 2
    sent = {m["To"].addresses[0].username: m["Subject"] for m in new_mails(app, before)}
    assert "Komt u naar de sessie" in sent["cor"] and "Herinnering" in sent["dirk"]
    before = len(outbox(app))
    assert deliver(app, starts(meeting) - DAY) == 1
    [nudge] = new_mails(app, before)
    assert nudge["To"].addresses[0].username == "dirk"
    assert deliver(app, starts(meeting) - timedelta(hours=1)) == 0

    html = organiser_numbers(app, meeting)
    assert (html["komen zeker"], html["afgemeld"], html["nog geen antwoord"], html["maaltijden, zeker"]) == (1, 1, 2, 1)


def organiser_numbers(app, meeting) -> dict:
    from sessie_app.organiser import services as organiser_services

    report = organiser_services.meeting_report(meeting.id)
    return {
        "komen zeker": report.reconfirmed,
        "afgemeld": report.cancelled_after_reminder,
        "nog geen antwoord": report.no_answer,
        "maaltijden, zeker": report.meals_reconfirmed,
    }


def test_a_session_that_moves_takes_its_reminder_along(app, session):
    meeting, _people = session
    old_moment = starts(meeting) - 7 * DAY
    services.update_meeting(
        meeting.id,
        city=meeting.city,
        venue=meeting.venue,
        address=meeting.address,
        date=meeting.date + timedelta(days=10),
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        capacity=meeting.capacity,
        registration_open=True,
    )
    before = len(outbox(app))  # the three "gewijzigd" mails
    assert deliver(app, old_moment) == 0
    assert deliver(app, old_moment + 10 * DAY) == 3
    assert all("Herinnering" in m["Subject"] for m in new_mails(app, before))


def test_a_reminder_queued_for_someone_who_cancels_before_it_is_sent_is_never_sent(app, session):
    meeting, people = session
    with app.app_context():
        services.queue_due_reminders(starts(meeting) - 7 * DAY, 7 * DAY, 2 * DAY)
    services.cancel(people["ans"])
    deliver(app, starts(meeting) - 7 * DAY)
    mails = outbox(app)
    reminders = [m["To"].addresses[0].username for m in mails if "Herinnering" in m["Subject"]]
    # Dirk got her seat and, since that was before the reminder moment, the reminder too.
    assert "ans" not in reminders and sorted(reminders) == ["bram", "cor", "dirk"]


def test_the_waiting_list_gets_no_reminder_and_the_button_says_why(app, client, session):
    meeting, people = session
    assert db.session.get(Registration, people["dirk"]).status == WAITLISTED
    deliver(app, starts(meeting) - 7 * DAY)
    from sessie_app import tokens

    registration = db.session.get(Registration, people["dirk"])
    page = client.get(f"/aanmelding/{tokens.sign(tokens.MANAGE, registration.token)}/ik-kom").get_data(as_text=True)
    assert "geen plaats" in page and "Ja, ik kom" not in page
    assert utcnow() < starts(meeting)


def test_ik_kom_a_thousand_times_from_one_address_is_refused_beyond_the_limit(app_config, session):
    from sessie_app import create_app, tokens

    _meeting, people = session
    registration = db.session.get(Registration, people["ans"])
    link = f"/aanmelding/{tokens.sign(tokens.MANAGE, registration.token)}/ik-kom"
    limited = create_app({**app_config, "RATELIMIT_ENABLED": True})
    script = limited.test_client()
    # A new cookie for every call: the limit is the address's, not the browser's.
    codes = [script.get(link, headers={"Cookie": ""}).status_code for _ in range(1000)]
    # 30 a minute in fixed windows: the first 30 pass, and a run that crosses into the next
    # minute gets that minute's 30 at most; the rest is refused, with a page, not a 500.
    assert codes[:30] == [200] * 30 and set(codes) == {200, 429}
    assert codes.count(200) <= 2 * 30
