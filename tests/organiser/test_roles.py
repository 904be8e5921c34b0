"""Each role sees and does exactly what it may: the URL map walked per role, as the access tests do
for strangers (test_organiser_access.py)."""

import pytest
from sqlalchemy import select

from sessie_app import tokens
from sessie_app.board import services as board_services
from sessie_app.board.models import Board
from sessie_app.extensions import db
from sessie_app.organiser import PUBLIC_ENDPOINTS
from sessie_app.organiser.models import Organiser
from sessie_app.organiser.roles import BEHEERDER
from sessie_app.registration.meetings import meeting_by_slug
from tests.helpers import csrf_from, registration_for, sample_url
from tests.organiser.people import BEHEERDER_EMAIL, TILBURG_EMAIL, ZWOLLE_EMAIL, log_in, make_team

# What a facilitator may open for a session assigned to them; everything else is a beheerder's.
FACILITATOR_IN_SESSION = {
    "organiser.board_console",
    "organiser.board_projector",
    "organiser.board_poster",
    "organiser.board_import",
    "organiser.board_export_csv",
    "organiser.board_export_json",
    "organiser.check_in",
    "organiser.scan",
    "organiser.check_in_code",
    "organiser.mark_present",
    "organiser.registration_add",
}
# ... and whatever their sessions (each page shows only their own).
FACILITATOR_ANYWHERE = {"organiser.dashboard", "organiser.boards", "organiser.password_change", "organiser.logout"}
# Walked on its own: logging out would end the walk.
NOT_WALKED = {"organiser.logout"}


@pytest.fixture
def world(site):
    """A team, a Tilburg board and a Tilburg registration, and the URL values that name them."""
    team = make_team(site)
    with site.app_context():
        tilburg = meeting_by_slug("tilburg")
        board = board_services.create_board("Tilburg", meeting_id=tilburg.id)
        registration = registration_for(tilburg, name="Tess Tilburg", email="tess@example.nl")
        values = {
            "slug": "tilburg",
            "code": board.code,
            "registration_id": registration.id,
            "organiser_id": team["tilburg"],
            "mail_id": 1,
            "token": "x",
            "scope": "alle",
            "group_id": 1,
        }
        check_in_code = tokens.sign(tokens.CHECK_IN, registration.token)
        db.session.remove()
    return team, values, check_in_code


def _organiser_rules(app):
    return [
        rule
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/organisator") and rule.endpoint not in PUBLIC_ENDPOINTS | NOT_WALKED
    ]


def _walk(app, client, values, check_in_code) -> dict[tuple[str, str], int]:
    token = csrf_from(client.get("/organisator/").get_data(as_text=True))
    statuses = {}
    for rule in _organiser_rules(app):
        url = sample_url(app, rule, values)
        if rule.endpoint == "organiser.check_in_code":
            url = url.rsplit("/", 1)[0] + "/" + check_in_code
        for method in sorted({"GET", "POST"} & rule.methods):
            if method == "GET":
                response = client.get(url)
            else:
                response = client.post(url, data={"csrf_token": token, "present": "1"})
            statuses[(rule.endpoint, method)] = response.status_code
            if response.status_code == 403:
                html = response.get_data(as_text=True)
                assert "Geen toegang" in html and "Uw account mag deze pagina niet openen" in html, rule.endpoint
    return statuses


def test_every_organiser_endpoint_names_the_permission_it_needs(site):
    for rule in _organiser_rules(site):
        view = site.view_functions[rule.endpoint]
        if rule.endpoint.startswith("reports."):
            # The reports blueprint checks once, before every request (reports/views.py).
            view = next(f for f in site.before_request_funcs["reports"] if hasattr(f, "required_permission"))
        assert hasattr(view, "required_permission"), rule.endpoint


def test_a_beheerder_may_open_every_organiser_page(site, world):
    _team, values, code = world
    statuses = _walk(site, log_in(site, BEHEERDER_EMAIL), values, code)
    assert len(statuses) > 40
    assert {key: status for key, status in statuses.items() if status in (401, 403, 500)} == {}


def test_a_facilitator_runs_the_boards_and_the_desk_of_their_session_and_nothing_else(site, world):
    _team, values, code = world
    statuses = _walk(site, log_in(site, TILBURG_EMAIL), values, code)
    allowed = FACILITATOR_IN_SESSION | FACILITATOR_ANYWHERE
    for (endpoint, method), status in statuses.items():
        if endpoint in allowed:
            assert status not in (401, 403, 500), (endpoint, method, status)
        else:
            assert status == 403, (endpoint, method, status)
    refused = {endpoint for (endpoint, _method), status in statuses.items() if status == 403}
    assert {
        "organiser.registrations",
        "organiser.registrations_csv",
        "organiser.registration_detail",
        "organiser.message",
        "organiser.meeting_edit",
        "organiser.accounts_page",
        "organiser.audit_log",
        "reports.index",
    } <= refused


def test_a_facilitator_of_another_session_gets_nothing_of_tilburg(site, world):
    _team, values, code = world
    statuses = _walk(site, log_in(site, ZWOLLE_EMAIL), values, code)
    for (endpoint, method), status in statuses.items():
        if endpoint in FACILITATOR_ANYWHERE:
            assert status not in (401, 403, 500), (endpoint, method, status)
        else:
            assert status == 403, (endpoint, method, status)


def test_a_facilitator_sees_only_their_sessions_and_boards(site, world):
    _team, values, _code = world
    with site.app_context():
        loose = board_services.create_board("Los bord").code
    client = log_in(site, TILBURG_EMAIL)
    home = client.get("/organisator/").get_data(as_text=True)
    assert "Tilburg" in home and "Zwolle" not in home and values["code"] in home
    boards = client.get("/organisator/borden").get_data(as_text=True)
    assert values["code"] in boards and loose not in boards
    assert "Geen sessie (los bord)" not in boards
    assert client.get(f"/organisator/borden/{loose}").status_code == 403
    # The navigation offers nothing the role may not open.
    assert "/organisator/rapport" not in home and "/organisator/accounts" not in home
    other = log_in(site, ZWOLLE_EMAIL).get("/organisator/borden").get_data(as_text=True)
    assert values["code"] not in other


def test_a_facilitator_cannot_make_a_board_for_a_session_not_theirs(site, world):
    _team, _values, _code = world
    client = log_in(site, TILBURG_EMAIL)
    token = csrf_from(client.get("/organisator/borden").get_data(as_text=True))
    data = {"csrf_token": token, "title": "Stiekem", "votes_per_participant": "5", "max_votes_per_proposal": "2"}
    for meeting in ("zwolle", ""):
        response = client.post("/organisator/borden", data={**data, "meeting": meeting})
        assert response.status_code == 200, meeting  # the form again, with its error
    with site.app_context():
        assert db.session.scalars(select(Board.title)).all() == ["Tilburg"]
    response = client.post("/organisator/borden", data={**data, "meeting": "tilburg", "title": "Zaal 2"})
    assert response.status_code == 302


def test_the_first_account_from_the_command_line_is_a_beheerder(site):
    runner = site.test_cli_runner()
    result = runner.invoke(args=["organiser", "create", "--email", "eerste@example.org", "--password", "x" * 12])
    assert result.exit_code == 0, result.output
    with site.app_context():
        assert db.session.query(Organiser).one().role == BEHEERDER
