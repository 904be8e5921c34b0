"""Organisers add a phone registration or a walk-in, cancel and erase registrations: each confirmed,
each logged with who did it, and the mails follow as for the registrant's own actions."""

import logging

from sessie_app.extensions import db
from sessie_app.organiser import audit
from sessie_app.registration.models import CANCELLED, CONFIRMED, WAITLISTED, Registration
from tests.helpers import outbox, post_form
from tests.organiser.auditing import audited

ADD_URL = "/organisator/sessies/tilburg/aanmeldingen/nieuw"
WALK_IN = {"name": "Jan Binnenloper", "role": "leraar", "sector": "VO", "meal": "nee"}


def only(**filters) -> Registration:
    db.session.expire_all()
    return db.session.query(Registration).filter_by(**filters).one()


def test_a_walk_in_is_added_and_checked_in_even_when_the_session_is_full(app, organiser_client, meetings, caplog):
    meetings["tilburg"].capacity = 0
    db.session.commit()
    caplog.set_level(logging.INFO, logger="sessie_app.organiser")
    response = post_form(organiser_client, ADD_URL, {**WALK_IN, "check_in_now": "y"})
    assert response.status_code == 302
    walk_in = only(name="Jan Binnenloper")
    assert walk_in.status == CONFIRMED and walk_in.checked_in_at is not None and walk_in.email is None
    assert outbox(app) == []  # no address, no mail
    assert audited(audit.REGISTRATION_ADDED, subject=f"registration {walk_in.id}", detail="tilburg")


def test_a_phone_registration_follows_the_seats_and_gets_the_confirmation(app, organiser_client, meetings):
    meetings["tilburg"].capacity = 0
    db.session.commit()
    post_form(organiser_client, ADD_URL, {**WALK_IN, "email": "Jan@Example.NL"})
    assert only(email="jan@example.nl").status == WAITLISTED
    [mail] = outbox(app)
    assert mail["To"] == "jan@example.nl" and "wachtlijst" in mail["Subject"]
    # The same address again is refused next to the field, not added twice.
    html = post_form(organiser_client, ADD_URL, {**WALK_IN, "email": "jan@example.nl"}).get_data(as_text=True)
    assert "Met dit e-mailadres is al iemand aangemeld" in html
    assert db.session.query(Registration).count() == 1


def test_name_role_and_sector_are_needed_and_bad_input_is_said_in_dutch(organiser_client, meetings):
    html = post_form(organiser_client, ADD_URL, {"name": "", "role": "hacker", "email": "geen-adres"}).get_data(
        as_text=True
    )
    assert "Vul uw naam in." in html and "Kies een rol uit de lijst." in html
    assert "Dit lijkt geen geldig e-mailadres" in html
    assert db.session.query(Registration).count() == 0


def test_cancelling_needs_the_box_ticked_and_gives_the_seat_to_the_waiting_list(
    app, organiser_client, meetings, add_registration, caplog
):
    meetings["tilburg"].capacity = 1
    db.session.commit()
    seated, waiting = add_registration(meetings["tilburg"]), add_registration(meetings["tilburg"])
    before = len(outbox(app))
    detail = f"/organisator/aanmeldingen/{seated.id}"
    assert organiser_client.get(f"{detail}/afmelden").status_code == 405  # a GET changes nothing

    post_form(organiser_client, detail, {}, post_url=f"{detail}/afmelden")
    assert only(id=seated.id).status == CONFIRMED
    caplog.set_level(logging.INFO, logger="sessie_app.organiser")
    response = post_form(organiser_client, detail, {"cancel-sure": "y"}, post_url=f"{detail}/afmelden")
    assert response.status_code == 302
    assert only(id=seated.id).status == CANCELLED and only(id=waiting.id).status == CONFIRMED
    kinds = sorted(m["Subject"].split(":")[0] for m in outbox(app)[before:])
    assert kinds == ["Afmelding ontvangen", "Er is een plek vrijgekomen"]
    assert audited(audit.REGISTRATION_CANCELLED, subject=f"registration {seated.id}")


def test_erasing_a_fake_registration_keeps_only_the_counts(app, organiser_client, meetings, add_registration):
    fake = add_registration(meetings["tilburg"], name="Nep Persoon", email="nep@example.nl")
    assert len(outbox(app)) == 1
    detail = f"/organisator/aanmeldingen/{fake.id}"
    assert "Nep Persoon" in organiser_client.get(detail).get_data(as_text=True)
    post_form(organiser_client, detail, {"delete-sure": "y"}, post_url=f"{detail}/verwijderen")
    erased = only(id=fake.id)
    assert erased.name is None and erased.email is None and erased.status == CANCELLED
    assert outbox(app) == []  # its confirmation mail is gone, file and row
    assert organiser_client.get(detail).status_code == 404


def test_a_walk_in_without_an_address_lists_and_exports_without_one(organiser_client, meetings):
    post_form(organiser_client, ADD_URL, {**WALK_IN, "check_in_now": "y"})
    html = organiser_client.get("/organisator/sessies/tilburg/aanmeldingen").get_data(as_text=True)
    assert "Jan Binnenloper" in html and "None" not in html
    csv = organiser_client.get("/organisator/sessies/tilburg/aanmeldingen.csv").get_data(as_text=True)
    assert "Jan Binnenloper;;" in csv and "None" not in csv
