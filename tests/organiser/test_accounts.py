"""Invitations, forgotten passwords and deactivation, as a beheerder and a colleague use them."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from sessie_app.extensions import db, limiter
from sessie_app.organiser import accounts
from sessie_app.organiser.models import Organiser
from sessie_app.organiser.roles import BEHEERDER, FACILITATOR
from sessie_app.outbox.models import OutboxMail
from sessie_app.timeutil import utcnow
from tests.helpers import LOGIN_URL, create_test_app, csrf_from, outbox, post_form
from tests.organiser.people import BEHEERDER_EMAIL, PASSWORD, TILBURG_EMAIL, log_in, mailed_links, make_account

NEW = "nieuwe.collega@example.org"
CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*>')
NEW_PASSWORD = "mijn-eigen-wachtwoord"


def _account(app, email):
    with app.app_context():
        organiser = db.session.scalar(select(Organiser).where(Organiser.email == email))
        db.session.expunge_all()
        return organiser


def _invite(app, client, email=NEW, role=FACILITATOR, meetings=("tilburg",)):
    with app.app_context():
        from sessie_app.registration.meetings import meeting_by_slug

        ids = [str(meeting_by_slug(slug).id) for slug in meetings]
    return post_form(client, "/organisator/accounts", {"email": email, "role": role, "meetings": ids})


def _choose_password(client, link, password=NEW_PASSWORD):
    return post_form(client, link, {"password": password, "repeat": password})


def test_an_invited_colleague_chooses_a_password_once_and_logs_in_as_facilitator(site):
    make_account(site, BEHEERDER_EMAIL)
    beheerder = log_in(site, BEHEERDER_EMAIL)
    response = _invite(site, beheerder, email=" Nieuwe.Collega@Example.org ")
    assert response.status_code == 302
    [link] = mailed_links(site, NEW)
    # The outbox row has no session and names the account; no usable link is stored anywhere.
    with site.app_context():
        [row] = db.session.scalars(select(OutboxMail).where(OutboxMail.recipient == NEW)).all()
        assert row.meeting_id is None and row.organiser_id is not None and row.kind == "organiser_invite"
        secret = link.rsplit("/", 1)[1]
        stored = " ".join(str(v) for v in db.session.execute(select(Organiser.__table__)).all())
        stored += " ".join(str(v) for v in db.session.execute(select(OutboxMail.__table__)).all())
        assert secret not in stored and secret.split(".")[0] not in stored
    colleague = site.test_client()
    assert "Kies een wachtwoord voor nieuwe.collega@example.org" in colleague.get(link).get_data(as_text=True)
    response = _choose_password(colleague, link)
    assert response.status_code == 302 and response.headers["Location"].endswith(LOGIN_URL)
    # Single use: the same link again is refused, to anyone.
    again = site.test_client().get(link)
    assert again.status_code == 404 and "Deze link werkt niet (meer)" in again.get_data(as_text=True)
    log_in(site, NEW, NEW_PASSWORD, client=colleague)
    home = colleague.get("/organisator/").get_data(as_text=True)
    assert "Uw sessies" in home and "Tilburg" in home
    assert _account(site, NEW).role == FACILITATOR


def test_an_invitation_link_expires_and_a_newer_one_replaces_it(site):
    make_account(site, BEHEERDER_EMAIL)
    beheerder = log_in(site, BEHEERDER_EMAIL)
    _invite(site, beheerder)
    [first] = mailed_links(site, NEW)
    account = _account(site, NEW)
    token = csrf_from(beheerder.get(f"/organisator/accounts/{account.id}").get_data(as_text=True))
    beheerder.post(f"/organisator/accounts/{account.id}/uitnodiging", data={"csrf_token": token})
    first_again, second = mailed_links(site, NEW)
    assert first_again == first and second != first
    assert site.test_client().get(first).status_code == 404
    with site.app_context():
        later = utcnow() + accounts.LINK_VALID[accounts.INVITE] + timedelta(minutes=1)
        with pytest.raises(accounts.LinkInvalid):
            accounts.account_for_link(second.rsplit("/", 1)[1], now=later)
        assert accounts.account_for_link(second.rsplit("/", 1)[1]).email == NEW


@pytest.mark.parametrize("tampered", ["x", "1:abc", "eyJ4IjoxfQ.forged"])
def test_a_forged_link_is_refused_without_an_error(site, tampered):
    response = site.test_client().get(f"/organisator/wachtwoord-kiezen/{tampered}")
    assert response.status_code == 404


def test_a_forgotten_password_is_reset_by_a_short_lived_single_use_link(site):
    make_account(site, BEHEERDER_EMAIL)
    client = site.test_client()
    response = post_form(client, "/organisator/wachtwoord-vergeten", {"email": BEHEERDER_EMAIL.upper()})
    assert response.status_code == 302
    [link] = mailed_links(site, BEHEERDER_EMAIL)
    with site.app_context():
        organiser = db.session.scalar(select(Organiser).where(Organiser.email == BEHEERDER_EMAIL))
        assert organiser.link_expires_at - utcnow() <= timedelta(hours=1)
    assert _choose_password(client, link).status_code == 302
    assert site.test_client().get(link).status_code == 404
    refused = post_form(site.test_client(), LOGIN_URL, {"email": BEHEERDER_EMAIL, "password": PASSWORD})
    assert refused.status_code == 200  # the old password no longer works
    log_in(site, BEHEERDER_EMAIL, NEW_PASSWORD)


def test_asking_for_a_reset_never_tells_whether_an_address_has_an_account(site):
    make_account(site, BEHEERDER_EMAIL)
    answers = []
    for email in (BEHEERDER_EMAIL, "niemand@example.org"):
        client = site.test_client()
        response = post_form(client, "/organisator/wachtwoord-vergeten", {"email": email}, follow_redirects=True)
        page = CSRF_INPUT.sub("", response.get_data(as_text=True).replace(email, "ADRES"))
        answers.append((response.status_code, page))
    assert answers[0] == answers[1]
    assert "Hoort dit adres bij een organisator-account" in answers[0][1]
    assert [m["To"] for m in outbox(site)] == [BEHEERDER_EMAIL]


def test_many_reset_requests_send_one_mail_and_are_rate_limited_per_address(app_config):
    site = create_test_app({**app_config, "RATELIMIT_ENABLED": True, "PASSWORD_RESET_RATE_LIMIT": "3 per hour"})
    with site.app_context():
        limiter.reset()  # the limiter's memory is the process's: start from nothing
    make_account(site, BEHEERDER_EMAIL)
    client = site.test_client()
    statuses = [
        post_form(client, "/organisator/wachtwoord-vergeten", {"email": BEHEERDER_EMAIL}).status_code for _ in range(4)
    ]
    assert statuses == [302, 302, 302, 429]
    assert len(mailed_links(site, BEHEERDER_EMAIL)) == 1


def test_a_deactivated_account_cannot_log_in_nor_reset_its_password(site):
    make_account(site, BEHEERDER_EMAIL)
    facilitator = make_account(site, TILBURG_EMAIL, FACILITATOR, ["tilburg"])
    beheerder = log_in(site, BEHEERDER_EMAIL)
    response = post_form(beheerder, f"/organisator/accounts/{facilitator}", {"role": FACILITATOR})
    assert response.status_code == 302
    assert _account(site, TILBURG_EMAIL).active is False
    refused = post_form(site.test_client(), LOGIN_URL, {"email": TILBURG_EMAIL, "password": PASSWORD})
    assert "Deze combinatie van e-mailadres en wachtwoord kennen we niet." in refused.get_data(as_text=True)
    post_form(site.test_client(), "/organisator/wachtwoord-vergeten", {"email": TILBURG_EMAIL})
    assert mailed_links(site, TILBURG_EMAIL) == []
    listed = beheerder.get("/organisator/accounts").get_data(as_text=True)
    assert "Uitgezet" in listed


def test_the_last_beheerder_cannot_be_demoted_or_deactivated(site):
    only = make_account(site, BEHEERDER_EMAIL)
    beheerder = log_in(site, BEHEERDER_EMAIL)
    for data in ({"role": FACILITATOR, "active": "y"}, {"role": BEHEERDER}):
        response = post_form(beheerder, f"/organisator/accounts/{only}", data, follow_redirects=True)
        assert "Dan is er geen actieve beheerder meer." in response.get_data(as_text=True)
    account = _account(site, BEHEERDER_EMAIL)
    assert account.role == BEHEERDER and account.active


@pytest.mark.parametrize(
    "data",
    [
        {"email": "geen-adres", "role": FACILITATOR},
        {"email": NEW, "role": "koning"},
        {"email": NEW, "role": FACILITATOR, "meetings": ["999999"]},
        {"email": NEW, "role": FACILITATOR, "meetings": ["abc"]},
        {"email": "x" * 300 + "@example.org", "role": BEHEERDER},
    ],
)
def test_a_bad_invitation_is_refused_with_a_dutch_message_never_a_500(site, data):
    make_account(site, BEHEERDER_EMAIL)
    response = post_form(log_in(site, BEHEERDER_EMAIL), "/organisator/accounts", data)
    assert response.status_code == 422
    assert 'class="error"' in response.get_data(as_text=True)
    assert _account(site, NEW) is None


def test_inviting_an_address_that_has_an_account_says_so(site):
    make_account(site, BEHEERDER_EMAIL)
    response = _invite(site, log_in(site, BEHEERDER_EMAIL), email=BEHEERDER_EMAIL, role=BEHEERDER, meetings=())
    assert response.status_code == 422
    assert "Er is al een account met dit e-mailadres." in response.get_data(as_text=True)
