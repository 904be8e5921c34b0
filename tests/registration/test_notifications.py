"""Which mail follows which event, and what each event function answers."""

import pytest

from sessie_app.extensions import db
from sessie_app.registration import mail, notifications, services
from sessie_app.registration.meetings import meeting_by_slug
from tests.helpers import outbox


@pytest.fixture
def request_context(app):
    # Mails carry absolute links, built from BASE_URL inside a request context as the views do.
    with app.test_request_context():
        yield


def _register(name: str, slug: str = "tilburg") -> services.Outcome:
    details = services.Details(
        name=name, email=f"{name.lower()}@example.nl", organisation="School", role="leraar", sector="PO", meal=True
    )
    return services.register(meeting_by_slug(slug).id, details)


def _sent(sent: notifications.Sent) -> list[tuple[int, str]]:
    return [(m.registration_id, m.kind) for m in sent.mails]


def _recipients(app) -> list[str]:
    return [message["To"].addresses[0].username for message in outbox(app)]


def test_a_new_registration_gets_a_confirmation_and_a_repeat_a_reminder(app, meetings, request_context):
    first = _register("Ans")
    assert _sent(notifications.registered(first)) == [(first.registration_id, mail.CONFIRMATION)]
    repeat = _register("Ans")
    assert repeat.duplicate
    assert _sent(notifications.registered(repeat)) == [(first.registration_id, mail.REMINDER)]
    assert [m["Subject"] for m in outbox(app)] == [
        "Aanmelding bevestigd: sessie Tilburg",
        "Aanmelding bevestigd: sessie Tilburg",
    ]


def test_a_cancellation_mails_the_person_and_whoever_got_the_seat(app, meetings, request_context):
    meetings["tilburg"].capacity = 1
    db.session.commit()
    ans, bram = _register("Ans"), _register("Bram")
    promoted = services.cancel(ans.registration_id)
    sent = notifications.cancelled(ans.registration_id, promoted)
    assert _sent(sent) == [(ans.registration_id, mail.CANCELLED), (bram.registration_id, mail.PROMOTED)]
    assert _recipients(app) == ["ans", "bram"]


def test_deleting_personal_data_mails_only_whoever_got_the_seat(app, meetings, request_context):
    meetings["tilburg"].capacity = 1
    db.session.commit()
    ans, bram = _register("Ans"), _register("Bram")
    sent = notifications.personal_data_deleted(services.delete_personal_data(ans.registration_id))
    assert _sent(sent) == [(bram.registration_id, mail.PROMOTED)]
    assert _recipients(app) == ["bram"]


def test_a_changed_session_mails_each_person_once(app, meetings, request_context):
    tilburg = meetings["tilburg"]
    tilburg.capacity = 1
    db.session.commit()
    ans, bram = _register("Ans"), _register("Bram")
    change = services.update_meeting(
        tilburg.id,
        city=tilburg.city,
        venue="Een andere zaal",
        address=tilburg.address,
        date=tilburg.date,
        starts_at=tilburg.starts_at,
        ends_at=tilburg.ends_at,
        capacity=2,
        registration_open=True,
    )
    sent = notifications.meeting_changed(tilburg.id, change)
    assert _sent(sent) == [(bram.registration_id, mail.PROMOTED), (ans.registration_id, mail.SCHEDULE_CHANGED)]
    assert sent.count(mail.PROMOTED) == 1 and sent.count(mail.SCHEDULE_CHANGED) == 1
    assert sorted(_recipients(app)) == ["ans", "bram"]


def test_a_change_that_neither_moves_the_session_nor_frees_seats_mails_nobody(app, meetings, request_context):
    tilburg = meetings["tilburg"]
    _register("Ans")
    outbox_before = len(outbox(app))
    change = services.update_meeting(
        tilburg.id,
        city="Tilburg-Noord",
        venue=tilburg.venue,
        address=tilburg.address,
        date=tilburg.date,
        starts_at=tilburg.starts_at,
        ends_at=tilburg.ends_at,
        capacity=tilburg.capacity,
        registration_open=True,
    )
    assert notifications.meeting_changed(tilburg.id, change) == notifications.Sent()
    assert len(outbox(app)) == outbox_before
