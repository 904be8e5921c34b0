"""Fewer seats than confirmed registrations asks first; someone on the waiting list at the door gets a
seat only when the organiser gives one."""

import logging

import pytest

from sessie_app import tokens
from sessie_app.extensions import db
from sessie_app.organiser import audit
from sessie_app.registration import services as registration_services
from sessie_app.registration.models import CANCELLED, CONFIRMED, WAITLISTED, Registration
from tests.helpers import csrf_from, meeting_form_data, outbox, post_form
from tests.organiser.auditing import audited

EDIT_URL = "/organisator/sessies/utrecht/bewerken"
CHECK_IN_URL = "/organisator/sessies/utrecht/inchecken"
PROMOTED_SUBJECT = "Er is een plek vrijgekomen"


def fresh(registration_id: int) -> Registration:
    db.session.expire_all()
    return db.session.get(Registration, registration_id)


def present_url(registration) -> str:
    return f"/organisator/aanmeldingen/{registration.id}/aanwezig"


def code_path(registration) -> str:
    return f"/organisator/inchecken/code/{tokens.sign(tokens.CHECK_IN, registration.token)}"


@pytest.fixture
def utrecht(meetings, add_registration):
    """Utrecht with 3 seats, all taken, and one person waiting."""
    meeting = meetings["utrecht"]
    meeting.capacity = 3
    db.session.commit()
    seated = [add_registration(meeting) for _ in range(3)]
    waiting = add_registration(meeting, name="Wendy Wacht", email="wendy@example.nl")
    assert waiting.status == WAITLISTED
    return meeting, seated, waiting


# --- capacity below the confirmed registrations ----------------------------------------------------


def test_fewer_seats_than_confirmed_is_not_saved_without_the_box(organiser_client, utrecht):
    meeting, _seated, _waiting = utrecht
    response = post_form(organiser_client, EDIT_URL, meeting_form_data(meeting, capacity="2"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Nog niet opgeslagen: er zijn al 3 bevestigde aanmeldingen, meer dan de 2 plaatsen die u invult." in html
    assert "Niemand verliest zijn plaats." in html and "tot er minder dan 2 bevestigde aanmeldingen zijn" in html
    assert 'name="lower_capacity"' in html and 'value="2"' in html
    db.session.expire_all()
    assert meeting.capacity == 3


def test_with_the_box_ticked_the_seats_go_down_and_nobody_loses_theirs(
    app, organiser_client, utrecht, add_registration, caplog
):
    meeting, seated, waiting = utrecht
    caplog.set_level(logging.INFO, logger="sessie_app.organiser")
    response = post_form(organiser_client, EDIT_URL, meeting_form_data(meeting, capacity="2", lower_capacity="y"))
    assert response.status_code == 302
    db.session.expire_all()
    assert meeting.capacity == 2
    assert [fresh(r.id).status for r in seated] == [CONFIRMED] * 3
    [edited] = audited(audit.SESSION_EDITED, subject="utrecht")
    assert "below its 3 confirmed registrations" in edited.detail
    # As the warning said: a cancellation passes no seat on while 2 or more are confirmed...
    registration_services.cancel(seated[0].id)
    assert fresh(waiting.id).status == WAITLISTED
    # ...and one more does, once fewer than 2 are.
    registration_services.cancel(seated[1].id)
    assert fresh(waiting.id).status == CONFIRMED
    assert add_registration(meeting).status == WAITLISTED


def test_seats_down_but_not_below_the_confirmed_are_saved_at_once(organiser_client, meetings, add_registration):
    meeting = meetings["utrecht"]
    add_registration(meeting)
    response = post_form(organiser_client, EDIT_URL, meeting_form_data(meeting, capacity="1"))
    assert response.status_code == 302
    db.session.expire_all()
    assert meeting.capacity == 1


def test_a_session_already_beyond_its_seats_is_edited_without_the_question(organiser_client, utrecht):
    meeting, _seated, waiting = utrecht
    registration_services.seat_at_the_door(waiting.id)  # 4 confirmed, 3 seats
    response = post_form(organiser_client, EDIT_URL, meeting_form_data(meeting, venue="Jaarbeurs"))
    assert response.status_code == 302
    db.session.expire_all()
    assert (meeting.venue, meeting.capacity) == ("Jaarbeurs", 3)


# --- someone on the waiting list at the door --------------------------------------------------------


def test_the_check_in_list_warns_and_offers_a_seat_for_someone_waiting(organiser_client, utrecht):
    _meeting, _seated, waiting = utrecht
    html = organiser_client.get(CHECK_IN_URL).get_data(as_text=True)
    row = html.split(f'id="r-{waiting.id}"')[1].split("</li>")[0]
    assert "staat op de wachtlijst" in row
    assert "Plaats geven en aanwezig melden" in row and 'name="seat" value="1"' in row
    assert ">Aanwezig<span" not in row and ">Aanwezig<span" in html
    # The seated are checked in with the plain button.
    assert html.count('name="seat"') == 1


def test_a_plain_check_in_of_someone_waiting_is_refused_and_says_why(app, organiser_client, utrecht):
    _meeting, _seated, waiting = utrecht
    before = len(outbox(app))
    response = post_form(
        organiser_client, CHECK_IN_URL, {"present": "1"}, post_url=present_url(waiting), follow_redirects=True
    )
    html = response.get_data(as_text=True)
    assert "Wendy Wacht staat op de wachtlijst en is niet aanwezig gemeld." in html
    assert fresh(waiting.id).status == WAITLISTED and fresh(waiting.id).checked_in_at is None
    assert len(outbox(app)) == before


def test_giving_a_seat_at_the_door_confirms_checks_in_and_mails_even_when_full(app, organiser_client, utrecht, caplog):
    _meeting, _seated, waiting = utrecht
    before = len(outbox(app))
    caplog.set_level(logging.INFO, logger="sessie_app.organiser")
    response = post_form(
        organiser_client,
        CHECK_IN_URL,
        {"present": "1", "seat": "1", "q": "wendy"},
        post_url=present_url(waiting),
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/organisator/sessies/utrecht/inchecken?q=wendy#r-{waiting.id}")
    seated_now = fresh(waiting.id)
    assert seated_now.status == CONFIRMED and seated_now.checked_in_at is not None
    assert seated_now.calendar_version == 1  # the tentative calendar entry becomes confirmed
    [mail] = outbox(app)[before:]
    assert mail["To"] == "wendy@example.nl" and PROMOTED_SUBJECT in mail["Subject"]
    assert audited(audit.REGISTRATION_SEATED, subject=f"registration {waiting.id}", detail="utrecht")
    html = organiser_client.get(CHECK_IN_URL).get_data(as_text=True)
    assert "Wendy Wacht heeft een plaats gekregen, is aanwezig gemeld en krijgt daarvan een mail." in html
    assert "<strong>1 / 4</strong>" in html

    # The same button again (a second organiser, a double tap) sends no second mail.
    post_form(organiser_client, CHECK_IN_URL, {"present": "1", "seat": "1"}, post_url=present_url(waiting))
    assert len(outbox(app)) == before + 1


def test_someone_waiting_without_an_address_gets_the_seat_without_a_mail(app, organiser_client, meetings):
    meetings["utrecht"].capacity = 0
    db.session.commit()
    details = registration_services.Details(
        name="Telefoon Tineke", email=None, organisation="", role="leraar", sector="PO", meal=False
    )
    outcome = registration_services.add_by_organiser(meetings["utrecht"].id, details, check_in_now=False)
    assert outcome.status == WAITLISTED
    post_form(
        organiser_client,
        CHECK_IN_URL,
        {"present": "1", "seat": "1"},
        post_url=f"/organisator/aanmeldingen/{outcome.registration_id}/aanwezig",
    )
    assert fresh(outcome.registration_id).status == CONFIRMED
    assert outbox(app) == []


def test_the_qr_code_page_gives_a_seat_to_someone_waiting(app, organiser_client, utrecht):
    _meeting, _seated, waiting = utrecht
    path = code_path(waiting)
    html = organiser_client.get(path).get_data(as_text=True)
    assert "staat op de wachtlijst" in html and "Plaats geven en aanwezig melden" in html
    assert "Markeer als aanwezig" not in html
    # A plain check-in (an old page) changes nothing.
    refused = organiser_client.post(path, data={"csrf_token": csrf_from(html), "present": "1"}, follow_redirects=True)
    assert "staat op de wachtlijst en is niet aanwezig gemeld" in refused.get_data(as_text=True)
    assert fresh(waiting.id).checked_in_at is None
    done = organiser_client.post(
        path, data={"csrf_token": csrf_from(html), "present": "1", "seat": "1"}, follow_redirects=True
    )
    assert "Wendy Wacht heeft een plaats gekregen" in done.get_data(as_text=True)
    assert fresh(waiting.id).status == CONFIRMED and fresh(waiting.id).checked_in_at is not None
    assert sum(PROMOTED_SUBJECT in m["Subject"] for m in outbox(app)) == 1


def test_someone_who_cancelled_is_not_checked_in_but_can_come_in_as_a_walk_in(app, organiser_client, utrecht):
    _meeting, seated, _waiting = utrecht
    cancelled = seated[0]
    registration_services.cancel(cancelled.id)
    path = code_path(cancelled)
    html = organiser_client.get(path).get_data(as_text=True)
    assert "heeft zich afgemeld" in html and "Markeer als aanwezig" not in html
    assert 'href="/organisator/sessies/utrecht/aanmeldingen/nieuw"' in html
    for post_url in (path, present_url(cancelled)):
        for data in ({"present": "1"}, {"present": "1", "seat": "1"}):
            organiser_client.post(post_url, data={"csrf_token": csrf_from(html), **data})
            assert fresh(cancelled.id).status == CANCELLED and fresh(cancelled.id).checked_in_at is None


def test_a_bad_seat_value_is_refused(organiser_client, utrecht):
    _meeting, _seated, waiting = utrecht
    response = post_form(organiser_client, CHECK_IN_URL, {"present": "1", "seat": "ja"}, post_url=present_url(waiting))
    assert response.status_code == 400
    assert fresh(waiting.id).status == WAITLISTED


def test_undoing_a_check_in_keeps_the_seat_given_at_the_door(organiser_client, utrecht):
    _meeting, _seated, waiting = utrecht
    registration_services.seat_at_the_door(waiting.id)
    post_form(organiser_client, CHECK_IN_URL, {"present": "0"}, post_url=present_url(waiting))
    assert fresh(waiting.id).checked_in_at is None and fresh(waiting.id).status == CONFIRMED


def test_the_promoted_mail_names_no_other_kind(app, utrecht):
    """seat_at_the_door queues exactly the PROMOTED mail, through notifications, as other promotions do."""
    _meeting, _seated, waiting = utrecht
    outcome = registration_services.seat_at_the_door(waiting.id)
    assert [(m.registration_id, m.kind) for m in outcome.mails.mails] == [(waiting.id, "promoted")]
    assert PROMOTED_SUBJECT in outbox(app)[-1]["Subject"]
