"""Sessions that end: a copied session cookie stops working after logout, a new password, a new role
or deactivation, after the working day, after two idle hours, and from another browser."""

import time

import pytest

from sessie_app.organiser import LOGIN_AT, SEEN_AT
from sessie_app.organiser.roles import FACILITATOR
from tests.helpers import LOGIN_URL, csrf_from, post_form
from tests.organiser.people import (
    BEHEERDER_EMAIL,
    PASSWORD,
    TILBURG_EMAIL,
    copy_of,
    log_in,
    make_account,
    make_team,
)

CSV = "/organisator/sessies/tilburg/aanmeldingen.csv"
CHECK_IN = "/organisator/sessies/tilburg/inchecken"


def _refused(response) -> bool:
    return response.status_code == 302 and response.headers["Location"].startswith(LOGIN_URL)


def _logout(client):
    token = csrf_from(client.get("/organisator/").get_data(as_text=True))
    return client.post("/organisator/uitloggen", data={"csrf_token": token})


def test_a_copied_cookie_works_until_logout_and_then_nowhere(site):
    make_account(site, BEHEERDER_EMAIL)
    browser = log_in(site, BEHEERDER_EMAIL)
    thief = copy_of(browser, site)
    assert thief.get(CSV).status_code == 200  # the copy works as long as the session does
    other_browser = log_in(site, BEHEERDER_EMAIL)
    assert _logout(browser).headers["Location"].endswith(LOGIN_URL)
    assert _refused(browser.get(CSV))
    assert _refused(thief.get(CSV))
    assert _refused(other_browser.get(CSV))  # every session of the account ended


def test_a_copied_cookie_stops_after_a_password_change(site):
    make_account(site, BEHEERDER_EMAIL)
    browser = log_in(site, BEHEERDER_EMAIL)
    thief = copy_of(browser, site)
    new = "een-heel-nieuw-wachtwoord"
    response = post_form(browser, "/organisator/wachtwoord", {"current": PASSWORD, "password": new, "repeat": new})
    assert response.status_code == 302 and response.headers["Location"].endswith(LOGIN_URL)
    assert _refused(thief.get(CSV)) and _refused(browser.get(CSV))
    log_in(site, BEHEERDER_EMAIL, new)


def test_a_wrong_current_password_changes_nothing(site):
    make_account(site, BEHEERDER_EMAIL)
    browser = log_in(site, BEHEERDER_EMAIL)
    response = post_form(
        browser, "/organisator/wachtwoord", {"current": "fout-fout-fout", "password": "x" * 12, "repeat": "x" * 12}
    )
    assert response.status_code == 422 and "Dit is niet uw huidige wachtwoord." in response.get_data(as_text=True)
    assert browser.get(CSV).status_code == 200


@pytest.mark.parametrize(
    "change", [{"role": "beheerder", "meetings": []}, {"role": FACILITATOR}], ids=["role-changed", "deactivated"]
)
def test_a_copied_cookie_stops_after_a_role_change_or_deactivation(site, change):
    team = make_team(site)
    facilitator = log_in(site, TILBURG_EMAIL)
    thief = copy_of(facilitator, site)
    assert thief.get(CHECK_IN).status_code == 200
    data = {**change, "active": "y"} if change["role"] == "beheerder" else change
    response = post_form(log_in(site, BEHEERDER_EMAIL), f"/organisator/accounts/{team['tilburg']}", data)
    assert response.status_code == 302
    assert _refused(thief.get(CHECK_IN)) and _refused(facilitator.get(CHECK_IN))


def test_assigning_sessions_keeps_the_session_and_takes_effect_at_once(site):
    team = make_team(site)
    facilitator = log_in(site, TILBURG_EMAIL)
    response = post_form(
        log_in(site, BEHEERDER_EMAIL), f"/organisator/accounts/{team['tilburg']}", {"role": FACILITATOR, "active": "y"}
    )
    assert response.status_code == 302
    assert facilitator.get(CHECK_IN).status_code == 403  # still logged in, no longer for Tilburg


def _age_session(client, **seconds_ago):
    with client.session_transaction() as session:
        for key, ago in seconds_ago.items():
            session[key] = time.time() - ago


def test_a_session_ends_after_two_idle_hours_and_after_a_working_day(site):
    make_account(site, BEHEERDER_EMAIL)
    idle = log_in(site, BEHEERDER_EMAIL)
    _age_session(idle, **{SEEN_AT: 2 * 3600 + 5})
    assert _refused(idle.get(CSV))
    busy = log_in(site, BEHEERDER_EMAIL)
    _age_session(busy, **{SEEN_AT: 60})
    assert busy.get(CSV).status_code == 200
    _age_session(busy, **{LOGIN_AT: 10 * 3600 + 5})
    assert _refused(busy.get(CSV))


def test_a_session_copied_into_another_browser_does_not_work_there(site):
    make_account(site, BEHEERDER_EMAIL)
    browser = log_in(site, BEHEERDER_EMAIL)
    thief = copy_of(browser, site)
    assert _refused(thief.get(CSV, headers={"User-Agent": "Andere browser"}))
    assert _refused(thief.get(CSV, environ_base={"REMOTE_ADDR": "192.0.2.7"}))
    assert browser.get(CSV).status_code == 200


def test_a_cookie_from_before_versions_existed_opens_nothing(site):
    """A cookie that says only {"_user_id": "1"} (what the old format, or a forger, writes)."""
    make_account(site, BEHEERDER_EMAIL)
    forged = site.test_client()
    with forged.session_transaction() as session:
        session["_user_id"] = "1"
        session[LOGIN_AT] = session[SEEN_AT] = time.time()
    assert _refused(forged.get(CSV))
