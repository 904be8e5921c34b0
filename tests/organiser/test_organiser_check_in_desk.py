"""Checking people in at the door: by name, by the QR code in their mail, and the scan page."""

import importlib
import io
import re
from pathlib import Path

import pytest

from sessie_app import tokens
from sessie_app.extensions import db
from sessie_app.registration import mail
from sessie_app.registration import services as registration_services
from sessie_app.registration.models import Registration
from tests.helpers import VALID_REGISTRATION, csrf_from, need, outbox, page_csrf, post_form

CHECK_IN_URL = "/organisator/sessies/utrecht/inchecken"


@pytest.fixture
def guests(meetings, add_registration):
    utrecht = meetings["utrecht"]
    return {
        "jan": add_registration(utrecht, name="Jan Jansen", organisation="Hogeschool Utrecht"),
        "jannie": add_registration(utrecht, name="Jannie de Boer", organisation="Het Lyceum"),
        "piet": add_registration(utrecht, name="Piet Pietersen", organisation="Universiteit Utrecht"),
    }


def presence(registration_id: int):
    db.session.expire_all()
    return db.session.get(Registration, registration_id).checked_in_at


def code_path(app, registration) -> str:
    with app.test_request_context():
        return re.sub(r"^https?://[^/]+", "", mail.check_in_url(registration))


def test_check_in_search_finds_people_by_name_or_organisation(organiser_client, guests):
    html = organiser_client.get(f"{CHECK_IN_URL}?q=JAN").get_data(as_text=True)
    assert "Jan Jansen" in html and "Jannie de Boer" in html and "Piet Pietersen" not in html
    html = organiser_client.get(f"{CHECK_IN_URL}?q=universiteit").get_data(as_text=True)
    assert "Piet Pietersen" in html and "Jan Jansen" not in html
    html = organiser_client.get(f"{CHECK_IN_URL}?q=niemand").get_data(as_text=True)
    assert "Niemand gevonden voor „niemand”" in html


def test_cancelled_people_are_not_offered_for_check_in(organiser_client, guests):
    registration_services.cancel(guests["piet"].id)
    assert "Piet Pietersen" not in organiser_client.get(CHECK_IN_URL).get_data(as_text=True)


def test_marking_present_updates_the_person_and_the_counts_and_keeps_the_search(organiser_client, guests):
    jan = guests["jan"]
    page = organiser_client.get(f"{CHECK_IN_URL}?q=jansen").get_data(as_text=True)
    assert "<strong>0 / 3</strong>" in page
    response = organiser_client.post(
        f"/organisator/aanmeldingen/{jan.id}/aanwezig",
        data={"csrf_token": csrf_from(page), "present": "1", "q": "jansen"},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/organisator/sessies/utrecht/inchecken?q=jansen#r-{jan.id}")
    assert presence(jan.id) is not None
    page = organiser_client.get(f"{CHECK_IN_URL}?q=jansen").get_data(as_text=True)
    assert "<strong>1 / 3</strong>" in page and "Jan Jansen is aanwezig." in page and "Ongedaan maken" in page

    organiser_client.post(
        f"/organisator/aanmeldingen/{jan.id}/aanwezig", data={"csrf_token": csrf_from(page), "present": "0"}
    )
    assert presence(jan.id) is None
    assert "<strong>0 / 3</strong>" in organiser_client.get(CHECK_IN_URL).get_data(as_text=True)


def test_marking_present_refuses_a_missing_token_a_bad_value_and_an_unknown_person(organiser_client, guests):
    jan = guests["jan"]
    token = page_csrf(organiser_client, CHECK_IN_URL)
    assert (
        organiser_client.post(f"/organisator/aanmeldingen/{jan.id}/aanwezig", data={"present": "1"}).status_code == 400
    )
    assert (
        organiser_client.post(
            f"/organisator/aanmeldingen/{jan.id}/aanwezig", data={"csrf_token": token, "present": "ja"}
        ).status_code
        == 400
    )
    assert (
        organiser_client.post(
            "/organisator/aanmeldingen/999999/aanwezig", data={"csrf_token": token, "present": "1"}
        ).status_code
        == 404
    )
    assert (
        organiser_client.post(
            f"/organisator/aanmeldingen/{10**30}/aanwezig", data={"csrf_token": token, "present": "1"}
        ).status_code
        == 404
    )
    assert presence(jan.id) is None


def test_check_in_by_the_qr_code_url_marks_present(app, organiser_client, guests):
    jan = guests["jan"]
    path = code_path(app, jan)
    assert path.startswith("/organisator/inchecken/code/")
    page = organiser_client.get(path)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Jan Jansen" in html and "Hogeschool Utrecht" in html and "Utrecht" in html and "Bevestigd" in html
    assert "Markeer als aanwezig" in html and "Let op" not in html
    response = organiser_client.post(path, data={"csrf_token": csrf_from(html), "present": "1"}, follow_redirects=True)
    assert "Gelukt: Jan Jansen is aanwezig gemeld." in response.get_data(as_text=True)
    assert presence(jan.id) is not None
    assert "<strong>1 / 3</strong>" in organiser_client.get(CHECK_IN_URL).get_data(as_text=True)


def test_the_qr_code_in_the_confirmation_mail_opens_the_check_in_page(app, client, organiser_client, meetings):
    need(_have_zbar(), "pyzbar with libzbar is needed to read the QR image")
    from PIL import Image
    from pyzbar.pyzbar import decode

    post_form(client, "/sessies/utrecht", VALID_REGISTRATION)
    (message,) = outbox(app)
    png = next(p for p in message.walk() if p.get_content_type() == "image/png").get_content()
    url = decode(Image.open(io.BytesIO(png)))[0].data.decode()
    assert url.startswith("http://sessie.test/organisator/inchecken/code/")
    html = organiser_client.get(url.removeprefix("http://sessie.test")).get_data(as_text=True)
    assert VALID_REGISTRATION["name"] in html and "Markeer als aanwezig" in html


def _have_zbar() -> bool:
    try:
        importlib.import_module("pyzbar.pyzbar")  # loads libzbar
    except (ImportError, OSError):
        return False
    return True


@pytest.mark.parametrize(
    "make_code",
    [
        lambda r: "vervalst",
        lambda r: tokens.sign(tokens.CHECK_IN, r.token)[:-2] + "xx",
        lambda r: tokens.sign(tokens.MANAGE, r.token),  # a manage link is no check-in code
        lambda r: tokens.sign(tokens.CHECK_IN, "onbekend-token"),
    ],
    ids=["garbage", "tampered", "other-purpose", "unknown-token"],
)
def test_a_forged_or_unknown_code_gives_a_clear_404(organiser_client, guests, make_code):
    code = make_code(guests["jan"])
    for response in (
        organiser_client.get(f"/organisator/inchecken/code/{code}"),
        organiser_client.post(
            f"/organisator/inchecken/code/{code}",
            data={"csrf_token": page_csrf(organiser_client, CHECK_IN_URL), "present": "1"},
        ),
    ):
        assert response.status_code == 404
        assert "Deze code kennen we niet" in response.get_data(as_text=True)
    assert presence(guests["jan"].id) is None


def test_a_code_stops_working_once_the_personal_data_is_deleted(app, organiser_client, guests):
    path = code_path(app, guests["jan"])
    registration_services.delete_personal_data(guests["jan"].id, Path(app.config["MAIL_OUTBOX_DIR"]))
    assert organiser_client.get(path).status_code == 404


def test_the_code_page_warns_about_the_waiting_list_a_cancellation_and_another_session(
    app, organiser_client, meetings, add_registration
):
    utrecht = meetings["utrecht"]
    utrecht.capacity = 0
    db.session.commit()
    waiting = add_registration(utrecht, name="Wendy Wacht")
    html = organiser_client.get(code_path(app, waiting)).get_data(as_text=True)
    assert "staat op de wachtlijst" in html

    registration_services.cancel(waiting.id)
    html = organiser_client.get(code_path(app, waiting)).get_data(as_text=True)
    assert "heeft zich afgemeld" in html

    html = organiser_client.get(code_path(app, waiting) + "?sessie=amsterdam").get_data(as_text=True)
    assert "deze aanmelding is voor de sessie in Utrecht, niet voor Amsterdam" in html


def test_the_check_in_desk_remembers_its_session_for_codes_from_the_phone_camera(
    app, organiser_client, meetings, add_registration
):
    guest = add_registration(meetings["utrecht"], name="Gerda Gast")
    organiser_client.get("/organisator/sessies/tilburg/inchecken")
    html = organiser_client.get(code_path(app, guest)).get_data(as_text=True)
    assert "niet voor Tilburg" in html


def test_the_scan_page_explains_the_camera_and_loads_its_script(organiser_client, meetings):
    response = organiser_client.get("/organisator/sessies/utrecht/scannen")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "HTTPS" in html and "localhost" in html and "camera-app" in html
    assert '<script type="module" src="/static/js/scan.js"></script>' in html
    assert 'data-code-prefix="/organisator/inchecken/code/"' in html and 'data-session="utrecht"' in html
    assert "<script>" not in html and "style=" not in html
