"""Which mail follows which change: queued with the change, in its transaction, and what each
service answers about it."""

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from sessie_app.extensions import db
from sessie_app.outbox.models import OutboxMail
from sessie_app.registration import notifications, services
from sessie_app.registration.meetings import meeting_by_slug
from tests.helpers import outbox


def _register(name: str, slug: str = "tilburg") -> services.Outcome:
    details = services.Details(
        name=name, email=f"{name.lower()}@example.nl", organisation="School", role="leraar", sector="PO", meal=True
    )
    return services.register(meeting_by_slug(slug).id, details)


def _queued(mails: notifications.Queued) -> list[tuple[int, str]]:
    return [(m.registration_id, m.kind) for m in mails.mails]


def _recipients(app) -> list[str]:
    return [message["To"].addresses[0].username for message in outbox(app)]


def _rows() -> list[tuple[int, str, str]]:
    return list(db.session.execute(select(OutboxMail.registration_id, OutboxMail.kind, OutboxMail.recipient)))


def test_a_new_registration_gets_a_confirmation_and_a_repeat_its_link_again_once(app, meetings):
    first = _register("Ans")
    assert _queued(first.mails) == [(first.registration_id, notifications.CONFIRMATION)]
    # Queued with the registration, committed with it; nothing is sent by the request.
    assert _rows() == [(first.registration_id, "confirmation", "ans@example.nl")]

    repeat = _register("Ans")
    assert repeat.duplicate and repeat.registration_id == first.registration_id
    # The confirmation went out minutes ago: no second mail for a second form.
    assert _queued(repeat.mails) == []
    assert [m["Subject"] for m in outbox(app)] == ["Aanmelding bevestigd: sessie Tilburg"]


def test_the_link_again_goes_at_most_once_per_twelve_hours_however_often_the_form_is_sent(app, meetings):
    first = _register("Ans")
    db.session.execute(
        OutboxMail.__table__.update().values(
            created_at=OutboxMail.created_at - notifications.LINK_AGAIN_EVERY - timedelta(minutes=1)
        )
    )
    db.session.commit()
    repeats = [_register("Ans") for _ in range(20)]
    assert [_queued(r.mails) for r in repeats if r.mails.mails] == [[(first.registration_id, notifications.LINK_AGAIN)]]
    assert [m["Subject"] for m in outbox(app)] == [
        "Aanmelding bevestigd: sessie Tilburg",
        "Uw persoonlijke link voor de sessie in Tilburg",
    ]


def test_a_cancellation_mails_the_person_and_whoever_got_the_seat(app, meetings):
    meetings["tilburg"].capacity = 1
    db.session.commit()
    ans, bram = _register("Ans"), _register("Bram")
    change = services.cancel(ans.registration_id)
    assert change.promoted == [bram.registration_id]
    assert _queued(change.mails) == [
        (ans.registration_id, notifications.CANCELLED),
        (bram.registration_id, notifications.PROMOTED),
    ]
    assert _recipients(app) == ["ans", "bram", "ans", "bram"]


def test_deleting_personal_data_mails_only_whoever_got_the_seat_and_forgets_the_persons_mails(app, meetings):
    meetings["tilburg"].capacity = 1
    db.session.commit()
    ans, bram = _register("Ans"), _register("Bram")
    assert _recipients(app) == ["ans", "bram"]
    change = services.delete_personal_data(ans.registration_id, Path(app.config["MAIL_OUTBOX_DIR"]))
    assert _queued(change.mails) == [(bram.registration_id, notifications.PROMOTED)]
    # Ans's confirmation is gone, row and file; Bram's wait-list mail and promotion stay.
    assert [row[2] for row in _rows()] == ["bram@example.nl", "bram@example.nl"]
    assert _recipients(app) == ["bram", "bram"]


def _move(meeting, **changes) -> services.MeetingChange:
    values = {
        "city": meeting.city,
        "venue": meeting.venue,
        "address": meeting.address,
        "date": meeting.date,
        "starts_at": meeting.starts_at,
        "ends_at": meeting.ends_at,
        "capacity": meeting.capacity,
        "registration_open": True,
    }
    return services.update_meeting(meeting.id, **{**values, **changes})


def test_a_changed_session_mails_each_person_once(app, meetings):
    tilburg = meetings["tilburg"]
    tilburg.capacity = 1
    db.session.commit()
    ans, bram = _register("Ans"), _register("Bram")
    change = _move(tilburg, venue="Een andere zaal", capacity=2)
    assert _queued(change.mails) == [
        (bram.registration_id, notifications.PROMOTED),
        (ans.registration_id, notifications.SCHEDULE_CHANGED),
    ]
    assert sorted(_recipients(app)[2:]) == ["ans", "bram"]


def test_a_change_that_neither_moves_the_session_nor_frees_seats_mails_nobody(app, meetings):
    _register("Ans")
    before = len(outbox(app))
    change = _move(meetings["tilburg"], city="Tilburg-Noord")
    assert change.mails == notifications.Queued()
    assert len(outbox(app)) == before


def test_a_registration_that_fails_to_commit_queues_no_mail(app, meetings, monkeypatch):
    def broken_commit():
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(db.session, "commit", broken_commit)
    with pytest.raises(RuntimeError):
        _register("Ans")
    db.session.rollback()
    monkeypatch.undo()
    assert _rows() == [] and outbox(app) == []
