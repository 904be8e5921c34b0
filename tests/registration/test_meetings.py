"""Finding sessions: one look-up by slug or id, one failure, one list in date order."""

from datetime import time

import pytest
from sqlalchemy import event

from sessie_app.extensions import db
from sessie_app.registration import services
from sessie_app.registration.meetings import (
    MeetingNotFound,
    meeting_by_id,
    meeting_by_slug,
    meetings_in_date_order,
)


def test_a_session_is_found_by_its_slug_and_by_its_id(meetings):
    tilburg = meeting_by_slug("tilburg")
    assert tilburg.city == "Tilburg"
    assert meeting_by_id(tilburg.id) is tilburg


def test_an_unknown_slug_or_id_raises_meeting_not_found(meetings):
    with pytest.raises(MeetingNotFound):
        meeting_by_slug("maastricht")
    with pytest.raises(MeetingNotFound):
        meeting_by_id(999)


@pytest.mark.parametrize("slug", ["Tilburg", "til burg", "tilburg'--", "-tilburg", "", "a" * 61, "tilburg/../x"])
def test_a_malformed_slug_is_refused_before_the_database(meetings, slug):
    statements = []

    def count(*_args):
        statements.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        with pytest.raises(MeetingNotFound):
            meeting_by_slug(slug)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert statements == []


def test_the_list_is_every_session_by_date_then_start_time(meetings):
    amsterdam, zwolle = meetings["amsterdam"], meetings["zwolle"]
    zwolle.date, zwolle.starts_at = amsterdam.date, time(9, 0)
    db.session.commit()
    ordered = meetings_in_date_order()
    assert [m.slug for m in ordered][:2] == ["zwolle", "amsterdam"]
    assert len(ordered) == 5
    assert [m.date for m in ordered] == sorted(m.date for m in ordered)


def test_registering_for_a_session_that_does_not_exist_raises_meeting_not_found(meetings):
    details = services.Details(name="A", email="a@example.nl", organisation="S", role="leraar", sector="PO", meal=True)
    with pytest.raises(MeetingNotFound):
        services.register(999, details)
