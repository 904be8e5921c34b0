"""The QR code in the confirmation mail, decoded from its image, checks the person in."""

import io
from urllib.parse import urlsplit

from PIL import Image

from sessie_app.extensions import db
from sessie_app.registration.models import Registration
from tests.helpers import (
    LOGIN_URL,
    ORGANISER_EMAIL,
    ORGANISER_PASSWORD,
    VALID_REGISTRATION,
    csrf_from,
    need,
    outbox,
    post_form,
)


def decode_qr(png: bytes) -> str:
    try:
        from pyzbar.pyzbar import decode
    except ImportError:  # pyzbar loads libzbar when imported
        need(False, "libzbar0 is not installed (apt-get install -y libzbar0)")
    [symbol] = decode(Image.open(io.BytesIO(png)))
    return symbol.data.decode()


def check_in_qr(message) -> bytes:
    html = message.get_body(preferencelist=("html",))
    [image] = [part for part in message.walk() if part.get_content_type() == "image/png"]
    assert image["Content-ID"] == "<check-in-qr>" and "cid:check-in-qr" in html.get_content()
    return image.get_content()


def test_the_qr_in_the_mail_opens_the_check_in_page_and_marks_present(app, meetings, client, organiser):
    post_form(client, "/sessies/tilburg", VALID_REGISTRATION)
    url = decode_qr(check_in_qr(outbox(app)[0]))
    post_form(client, LOGIN_URL, {"email": ORGANISER_EMAIL, "password": ORGANISER_PASSWORD})
    assert url.startswith("http://sessie.test/organisator/inchecken/code/")

    path = urlsplit(url).path
    page = client.get(path).get_data(as_text=True)
    assert "Fatima el Amrani" in page
    client.post(path, data={"csrf_token": csrf_from(page), "present": "1"})
    assert db.session.query(Registration).one().checked_in_at is not None


def test_the_qr_is_useless_without_an_organiser_login(app, meetings, client):
    visitor = client
    post_form(visitor, "/sessies/tilburg", VALID_REGISTRATION)
    path = urlsplit(decode_qr(check_in_qr(outbox(app)[0]))).path
    response = visitor.get(path)
    assert response.status_code == 302 and "/organisator/inloggen" in response.location


def test_a_waiting_list_mail_has_no_check_in_code(app, meetings, client):
    meetings["tilburg"].capacity = 0
    db.session.commit()
    post_form(client, "/sessies/tilburg", VALID_REGISTRATION)
    [message] = outbox(app)
    assert not [part for part in message.walk() if part.get_content_type() == "image/png"]
