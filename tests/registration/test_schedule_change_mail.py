"""The update mail says what changed ("De locatie is bekend: …", "De sessie duurt nu van … tot …"),
from the change the organiser saved; and nobody without an address is queued a mail."""

from datetime import UTC, datetime, time, timedelta

import pytest

from sessie_app.extensions import db
from sessie_app.outbox.models import OutboxMail
from sessie_app.registration import notifications
from sessie_app.registration import services as registration_services
from sessie_app.registration.models import Registration
from tests.helpers import deliver, outbox


def _update(meeting, **changes):
    values = {
        key: getattr(meeting, key)
        for key in ("city", "venue", "address", "date", "starts_at", "ends_at", "capacity", "registration_open")
    }
    return registration_services.update_meeting(meeting.id, **{**values, **changes})


BEFORE = {"date": 1, "starts_at": time(15), "ends_at": time(20), "venue": None, "address": None}


@pytest.mark.parametrize(
    ("after", "changes"),
    [
        ({}, ()),
        ({"venue": "Theater"}, (notifications.VENUE_KNOWN,)),
        ({"date": 2, "ends_at": time(21)}, (notifications.DATE_CHANGED, notifications.TIME_CHANGED)),
    ],
)
def test_what_changed_is_named_in_a_fixed_order(after, changes):
    assert notifications.schedule_changes(BEFORE, {**BEFORE, **after}) == changes


def test_a_moved_venue_and_new_times_are_said_in_the_mail(app, meetings, add_registration):
    zwolle = meetings["zwolle"]
    _update(zwolle, venue="Hogeschool Windesheim", address="Campus 2, 8017 CA Zwolle")
    person = add_registration(zwolle)
    before = len(outbox(app))

    change = _update(zwolle, venue="Stadhuis", address="Grote Kerkplein 15, 8011 PK Zwolle", starts_at=time(14, 30))
    assert change.schedule_changed
    [mail] = outbox(app)[before:]
    assert mail["To"] == person.email and mail["Subject"] == "Gewijzigd: tijd of locatie van de sessie in Zwolle"
    text = mail.get_body(("plain",)).get_content()
    assert "De sessie duurt nu van 14:30 tot 20:00." in text
    assert "De sessie vindt op een andere plek plaats: Stadhuis, Grote Kerkplein 15, 8011 PK Zwolle." in text
    assert "De locatie is bekend" not in text
    assert mail["List-Unsubscribe"].startswith("<http://sessie.test/aanmelding/")


def test_a_registration_without_address_is_never_queued_a_mail(app, meetings):
    tilburg = meetings["tilburg"]
    walk_in = registration_services.Details(
        name="Aan de deur", email=None, organisation=None, role="leraar", sector="VO", meal=False
    )
    outcome = registration_services.add_by_organiser(tilburg.id, walk_in, check_in_now=False)
    _update(tilburg, venue="Elders")
    registration_services.cancel(outcome.registration_id)
    assert db.session.query(OutboxMail).count() == 0


def test_the_reminder_round_passes_over_a_walk_in_without_address(app, meetings, add_registration):
    tilburg = meetings["tilburg"]
    walk_in = registration_services.Details(
        name="Aan de telefoon", email=None, organisation=None, role="leraar", sector="VO", meal=True
    )
    registration_services.add_by_organiser(tilburg.id, walk_in, check_in_now=False)
    seated = add_registration(tilburg)
    db.session.query(Registration).update({Registration.created_at: datetime(2000, 1, 1)})
    db.session.commit()
    week_before = tilburg.starts.astimezone(UTC).replace(tzinfo=None) - timedelta(days=6)
    deliver(app, week_before)
    reminders = db.session.query(OutboxMail).filter_by(kind=notifications.REMINDER)
    assert [mail.recipient for mail in reminders] == [seated.email]
