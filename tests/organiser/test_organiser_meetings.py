"""Creating and editing sessions, and the mails a change sends."""

from datetime import date, timedelta

from icalendar import Calendar

from sessie_app.extensions import db
from sessie_app.registration import services as registration_services
from sessie_app.registration.meetings import meeting_by_slug
from sessie_app.registration.models import CONFIRMED, WAITLISTED, Meeting, Registration
from tests.helpers import VALID_REGISTRATION, meeting_form_data, outbox, post_form

NEW_URL = "/organisator/sessies/nieuw"


def edit_url(slug: str) -> str:
    return f"/organisator/sessies/{slug}/bewerken"


def ics_of(message) -> Calendar:
    part = next(p for p in message.iter_attachments() if p.get_content_type() == "text/calendar")
    return Calendar.from_ical(part.get_content())


def event_of(message):
    return next(iter(ics_of(message).walk("VEVENT")))


def new_meeting_data(**changes) -> dict:
    data = {
        "slug": "groningen",
        "city": "Groningen",
        "venue": "",
        "address": "",
        "date": (date.today() + timedelta(days=60)).isoformat(),
        "starts_at": "15:00",
        "ends_at": "20:00",
        "capacity": "80",
        "registration_open": "y",
    }
    data.update(changes)
    return data


def test_dashboard_lists_every_session_with_its_numbers(organiser_client, meetings, add_registration):
    amsterdam = meetings["amsterdam"]
    first = add_registration(amsterdam)
    add_registration(amsterdam)
    registration_services.set_checked_in(first.id, True)
    html = organiser_client.get("/organisator/").get_data(as_text=True)
    for city in ("Amsterdam", "Zwolle", "Tilburg", "Den Haag", "Utrecht"):
        assert city in html
    assert html.count("Locatie volgt") == 2
    assert "Hogeschool van Amsterdam" in html
    assert "/organisator/sessies/amsterdam/aanmeldingen" in html and "/organisator/sessies/nieuw" in html
    row = html[html.index('<th scope="row">Amsterdam</th>') :].split("</tr>")[0]
    numbers = [cell.split(">")[-1] for cell in row.split("</td>") if 'class="num"' in cell]
    assert numbers == ["120", "2", "0", "1"]


def test_creating_a_session_shows_it_on_the_dashboard_and_the_public_page(organiser_client, meetings):
    response = post_form(organiser_client, NEW_URL, new_meeting_data(venue="Forum Groningen"))
    assert response.status_code == 302 and response.headers["Location"].endswith("/organisator/")
    meeting = meeting_by_slug("groningen")
    assert (meeting.city, meeting.venue, meeting.capacity, meeting.registration_open) == (
        "Groningen",
        "Forum Groningen",
        80,
        True,
    )
    assert "Groningen" in organiser_client.get("/organisator/").get_data(as_text=True)
    assert organiser_client.get("/sessies/groningen").status_code == 200


def test_a_session_without_venue_shows_locatie_volgt(organiser_client, meetings):
    post_form(organiser_client, NEW_URL, new_meeting_data(registration_open=""))
    meeting = meeting_by_slug("groningen")
    assert meeting.venue is None and meeting.registration_open is False
    assert "Locatie volgt" in organiser_client.get("/sessies/groningen").get_data(as_text=True)


def test_creating_a_session_refuses_bad_slugs_times_and_capacity_with_dutch_messages(organiser_client, meetings):
    cases = [
        ({"slug": "Den Haag!"}, "slug", "Gebruik alleen kleine letters, cijfers en streepjes"),
        ({"slug": "amsterdam"}, "slug", "Deze korte naam is al in gebruik"),
        ({"slug": ""}, "slug", "Vul een korte naam in"),
        ({"city": ""}, "city", "Vul de plaats in."),
        ({"date": ""}, "date", "Vul de datum in."),
        ({"date": "31-02-2030"}, "date", "Vul een geldige datum in."),
        ({"starts_at": "20:00", "ends_at": "15:00"}, "ends_at", "De eindtijd moet na de begintijd liggen."),
        ({"starts_at": "half vier"}, "starts_at", "Vul een geldige tijd in"),
        ({"capacity": "5001"}, "capacity", "Kies een aantal van 0 tot en met 5000."),
        ({"capacity": "-1"}, "capacity", "Kies een aantal van 0 tot en met 5000."),
        ({"capacity": "veel"}, "capacity", "Vul een heel getal in."),
        ({"capacity": "9" * 5000}, "capacity", "Vul een heel getal in."),
    ]
    before = db.session.query(Meeting).count()
    for changes, field, message in cases:
        response = post_form(organiser_client, NEW_URL, new_meeting_data(**changes))
        html = response.get_data(as_text=True)
        assert response.status_code == 200, changes
        error = html.split(f'id="{field}-error">')[1].split("</p>")[0]
        assert message in error, (changes, error)
    assert db.session.query(Meeting).count() == before


def test_editing_without_schedule_change_sends_no_mail(app, organiser_client, meetings, add_registration):
    tilburg = meetings["tilburg"]
    add_registration(tilburg)
    before = len(outbox(app))
    response = post_form(organiser_client, edit_url("tilburg"), meeting_form_data(tilburg, city="Tilburg-Noord"))
    assert response.status_code == 302
    assert meeting_by_slug("tilburg").city == "Tilburg-Noord"
    assert len(outbox(app)) == before


def test_the_edit_form_is_filled_with_the_current_values(organiser_client, meetings):
    html = organiser_client.get(edit_url("utrecht")).get_data(as_text=True)
    assert 'value="Universiteitsmuseum"' in html and 'value="120"' in html and 'value="15:00"' in html
    assert 'name="slug"' not in html


def test_editing_the_venue_mails_each_registrant_once_with_an_updated_calendar_entry(
    app, client, organiser_client, meetings, add_registration
):
    zwolle = meetings["zwolle"]
    # Two people register through the public form and receive a calendar entry (SEQUENCE 0).
    for email in ("een@example.nl", "twee@example.nl"):
        post_form(client, "/sessies/zwolle", {**VALID_REGISTRATION, "email": email})
    gone = add_registration(zwolle)
    registration_services.cancel(gone.id)
    mails_before = outbox(app)
    first_mails = {m["To"].addresses[0].addr_spec: event_of(m) for m in mails_before[:2]}
    assert set(first_mails) == {"een@example.nl", "twee@example.nl"}

    response = post_form(
        organiser_client, edit_url("zwolle"), meeting_form_data(zwolle, venue="Stadsschouwburg De Spiegel")
    )
    assert response.status_code == 302
    flashed = organiser_client.get("/organisator/").get_data(as_text=True)
    assert "2 deelnemers zijn gemaild" in flashed

    later = outbox(app)[len(mails_before) :]
    recipients = [m["To"].addresses[0].addr_spec for m in later]
    assert sorted(recipients) == ["een@example.nl", "twee@example.nl"]  # once each, not the cancelled one
    for message in later:
        # The mail says what changed: Zwolle had no venue yet.
        assert message["Subject"] == "De locatie is bekend: sessie Zwolle"
        assert "De locatie is bekend: Stadsschouwburg De Spiegel" in message.get_body(("plain",)).get_content()
        before, after = first_mails[message["To"].addresses[0].addr_spec], event_of(message)
        assert str(after["UID"]) == str(before["UID"])
        assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
        assert "Stadsschouwburg De Spiegel" in str(after["LOCATION"])


def test_raising_capacity_promotes_waitlisted_people_and_mails_them(app, organiser_client, meetings, add_registration):
    den_haag = meetings["den-haag"]
    post_form(organiser_client, edit_url("den-haag"), meeting_form_data(den_haag, capacity="1"))
    seated = add_registration(den_haag)
    waiting = [add_registration(den_haag) for _ in range(3)]
    assert [r.status for r in waiting] == [WAITLISTED] * 3
    before = len(outbox(app))

    response = post_form(
        organiser_client, edit_url("den-haag"), meeting_form_data(db.session.get(Meeting, den_haag.id), capacity="3")
    )
    assert response.status_code == 302
    db.session.expire_all()
    statuses = [db.session.get(Registration, r.id).status for r in (seated, *waiting)]
    assert statuses == [CONFIRMED, CONFIRMED, CONFIRMED, WAITLISTED]  # the longest-waiting two moved up
    mails = outbox(app)[before:]
    assert sorted(m["To"].addresses[0].addr_spec for m in mails) == sorted([waiting[0].email, waiting[1].email])
    assert all("plek vrijgekomen" in m["Subject"] for m in mails)
    assert "2 personen van de wachtlijst hebben een plaats gekregen" in organiser_client.get("/organisator/").get_data(
        as_text=True
    )


def test_moving_the_date_and_raising_capacity_sends_one_mail_per_person(
    app, organiser_client, meetings, add_registration
):
    den_haag = meetings["den-haag"]
    post_form(organiser_client, edit_url("den-haag"), meeting_form_data(den_haag, capacity="1"))
    seated, waiting = add_registration(den_haag), add_registration(den_haag)
    before = len(outbox(app))
    meeting = db.session.get(Meeting, den_haag.id)
    post_form(
        organiser_client,
        edit_url("den-haag"),
        meeting_form_data(meeting, capacity="2", date=(meeting.date + timedelta(days=1)).isoformat()),
    )
    mails = {m["To"].addresses[0].addr_spec: m["Subject"] for m in outbox(app)[before:]}
    assert len(outbox(app)) == before + 2
    assert mails[seated.email] == "Nieuwe datum: sessie Den Haag" and "plek vrijgekomen" in mails[waiting.email]


def test_editing_an_unknown_session_is_404(organiser_client):
    assert organiser_client.get(edit_url("bestaat-niet")).status_code == 404
    assert organiser_client.get(edit_url("NIET..GELDIG")).status_code == 404
