"""The audit log: who did what, when, for each act the issue names; the beheerder's page with its
filters; and the purge that keeps it no longer than the privacy statement says."""

from datetime import timedelta

from sessie_app.extensions import db
from sessie_app.organiser import audit
from sessie_app.organiser.models import AuditEntry
from sessie_app.organiser.roles import FACILITATOR
from sessie_app.registration.meetings import meeting_by_slug
from sessie_app.timeutil import utcnow
from tests.helpers import LOGIN_URL, post_form, registration_for
from tests.organiser.auditing import audited
from tests.organiser.people import BEHEERDER_EMAIL, PASSWORD, TILBURG_EMAIL, log_in, make_account, make_team


def _in(app, fn, *args, **kwargs):
    with app.app_context():
        result = fn(*args, **kwargs)
        db.session.expunge_all()
        return result


def test_logins_good_and_bad_are_recorded_without_the_password(site):
    beheerder = make_account(site, BEHEERDER_EMAIL)
    post_form(site.test_client(), LOGIN_URL, {"email": BEHEERDER_EMAIL, "password": "fout-wachtwoord-123"})
    post_form(site.test_client(), LOGIN_URL, {"email": "onbekend@example.org", "password": "fout-wachtwoord-123"})
    log_in(site, BEHEERDER_EMAIL)
    [failed_known, failed_unknown] = _in(site, audited, audit.LOGIN_FAILED)
    assert failed_known.actor_id == beheerder and failed_known.subject == BEHEERDER_EMAIL
    assert failed_unknown.actor_id is None and failed_unknown.subject == "onbekend@example.org"
    [succeeded] = _in(site, audited, audit.LOGIN_SUCCEEDED)
    assert succeeded.actor_id == beheerder and "from 127.0.0.1" in succeeded.detail
    cells = _in(site, lambda: [(e.subject, e.detail) for e in db.session.query(AuditEntry)])
    assert all("fout-wachtwoord" not in text and PASSWORD not in text for pair in cells for text in pair)


def test_exports_registration_changes_boards_and_messages_are_recorded(site):
    team = make_team(site)
    with site.app_context():
        tilburg = meeting_by_slug("tilburg")
        person = registration_for(tilburg, name="Tess", email="tess@example.nl").id
        other = registration_for(tilburg, name="Bart", email="bart@example.nl").id
        db.session.remove()
    client = log_in(site, BEHEERDER_EMAIL)
    assert client.get("/organisator/sessies/tilburg/aanmeldingen.csv").status_code == 200
    detail = f"/organisator/aanmeldingen/{person}"
    post_form(client, detail, {"cancel-sure": "y"}, post_url=f"{detail}/afmelden")
    detail = f"/organisator/aanmeldingen/{other}"
    post_form(client, detail, {"delete-sure": "y"}, post_url=f"{detail}/verwijderen")
    board = {"title": "Zaal 1", "meeting": "tilburg", "votes_per_participant": "5", "max_votes_per_proposal": "2"}
    response = post_form(client, "/organisator/borden", board)
    code = response.headers["Location"].rsplit("/", 1)[1]
    client.get(f"/organisator/borden/{code}/export.csv")
    beheerder = team["beheerder"]
    assert _in(site, audited, audit.REGISTRATIONS_EXPORTED, actor_id=beheerder, subject="tilburg", detail="2 rows")
    assert _in(site, audited, audit.REGISTRATION_CANCELLED, actor_id=beheerder, subject=f"registration {person}")
    assert _in(site, audited, audit.REGISTRATION_DELETED, actor_id=beheerder, subject=f"registration {other}")
    assert _in(site, audited, audit.BOARD_CREATED, actor_id=beheerder, subject=code, detail="tilburg")
    assert _in(site, audited, audit.BOARD_EXPORTED, actor_id=beheerder, subject=code, detail="CSV")


def test_account_acts_are_recorded(site):
    team = make_team(site)
    client = log_in(site, BEHEERDER_EMAIL)
    post_form(client, "/organisator/accounts", {"email": "nieuw@example.org", "role": FACILITATOR})
    post_form(client, f"/organisator/accounts/{team['tilburg']}", {"role": "beheerder", "active": "y"})
    post_form(client, f"/organisator/accounts/{team['zwolle']}", {"role": FACILITATOR})
    beheerder = team["beheerder"]
    assert _in(site, audited, audit.ACCOUNT_INVITED, actor_id=beheerder, subject="nieuw@example.org")
    [role] = _in(site, audited, audit.ROLE_CHANGED, actor_id=beheerder, subject=TILBURG_EMAIL)
    assert role.detail == "facilitator -> beheerder"
    assert _in(site, audited, audit.SESSIONS_ASSIGNED, subject=TILBURG_EMAIL, detail="-")
    assert _in(site, audited, audit.ACCOUNT_DEACTIVATED, actor_id=beheerder, subject="facilitator.zwolle@example.org")
    log_in(site, BEHEERDER_EMAIL).get("/organisator/")
    new = "nog-een-lang-wachtwoord"
    post_form(client, "/organisator/wachtwoord", {"current": PASSWORD, "password": new, "repeat": new})
    assert _in(site, audited, audit.PASSWORD_CHANGED, actor_id=beheerder)


def test_the_audit_page_filters_by_action_account_and_day_and_shrugs_off_nonsense(site):
    team = make_team(site)
    log_in(site, TILBURG_EMAIL)
    client = log_in(site, BEHEERDER_EMAIL)
    with site.app_context():
        audit.record(team["tilburg"], audit.BOARD_EXPORTED, "OUD123", "CSV", at=utcnow() - timedelta(days=40))
    page = client.get("/organisator/logboek").get_data(as_text=True)
    assert f"<td>{TILBURG_EMAIL}</td>" in page and f"<td>{BEHEERDER_EMAIL}</td>" in page and "OUD123" in page
    mine = client.get(f"/organisator/logboek?account={team['beheerder']}").get_data(as_text=True)
    assert "<td>Ingelogd</td>" in mine and f"<td>{TILBURG_EMAIL}</td>" not in mine
    exported = client.get("/organisator/logboek?action=board-exported").get_data(as_text=True)
    assert "OUD123" in exported and "<td>Ingelogd</td>" not in exported
    recent = (utcnow() - timedelta(days=1)).date().isoformat()
    assert "OUD123" not in client.get(f"/organisator/logboek?day_from={recent}").get_data(as_text=True)
    for nonsense in (
        "action=koffie",
        "account=abc",
        "account=99999999999999999999",
        "day_from=gisteren",
        "day_until=2026-13-40",
    ):
        response = client.get(f"/organisator/logboek?{nonsense}")
        assert response.status_code == 200, nonsense


def test_the_purge_erases_entries_past_the_retention_the_privacy_statement_promises(site):
    team = make_team(site)
    with site.app_context():
        audit.record(
            team["beheerder"], audit.BOARD_EXPORTED, "OUD", at=utcnow() - audit.AUDIT_RETENTION - timedelta(days=1)
        )
        audit.record(team["beheerder"], audit.BOARD_EXPORTED, "RECENT", at=utcnow() - timedelta(days=30))
    result = site.test_cli_runner().invoke(args=["registrations", "purge", "--older-than", "90"])
    assert result.exit_code == 0, result.output
    assert "logboek" in result.output
    assert [e.subject for e in _in(site, audited, audit.BOARD_EXPORTED)] == ["RECENT"]
    privacy = site.test_client().get("/privacy").get_data(as_text=True)
    assert "12 maanden" in privacy
