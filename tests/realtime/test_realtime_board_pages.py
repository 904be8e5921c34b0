"""The board's HTTP side: scanning the QR code makes a participant, typing a code finds the board."""

import pytest
from sqlalchemy import func, select

from sessie_app import create_app
from sessie_app.board import identity, services
from sessie_app.board.models import Participant
from sessie_app.extensions import db
from tests.helpers import base_config, create_test_app, csrf_from, post_form
from tests.realtime.screens import BoardRef, Screen, make_board


def participant_count(app, board: BoardRef) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Participant.id)).where(Participant.board_id == board.id))


def test_scanning_the_qr_code_sets_a_signed_cookie_and_makes_one_participant_across_reloads(live_app, board):
    client = live_app.test_client()
    response = client.get(f"/b/{board.code}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    cookie = client.get_cookie(identity.cookie_name(board.code))
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax" and cookie.path == "/"
    assert cookie.max_age == 365 * 24 * 3600 and not cookie.secure
    for _reload in range(3):
        again = client.get(f"/b/{board.code}")
        assert again.status_code == 200 and "Set-Cookie" not in again.headers
    assert participant_count(live_app, board) == 1
    # A second phone is a second participant.
    assert live_app.test_client().get(f"/b/{board.code}").status_code == 200
    assert participant_count(live_app, board) == 2


def test_the_phone_page_shows_the_board_and_its_join_address(live_app, board):
    html = live_app.test_client().get(f"/b/{board.code}").get_data(as_text=True)
    assert board.code in html and f"http://sessie.test/b/{board.code}" in html


def test_newcomers_share_one_rendered_page_that_follows_the_board_and_holds_nothing_of_anyone(live_app, board):
    from sessie_app.board.models import OPPEREN

    def page(client=None, path=f"/b/{board.code}"):
        return (client or live_app.test_client()).get(path).get_data(as_text=True)

    first, second = page(), page()
    assert first == second and "U doet anoniem mee." in first
    # A phone that named itself sees its own name; the next newcomer does not.
    named = live_app.test_client()
    page(named)
    with live_app.app_context():
        token = identity.read_token(
            {identity.cookie_name(board.code): named.get_cookie(identity.cookie_name(board.code)).value}, board.code
        )
        services.join(board.id, token, nickname="Els")
    assert "U doet mee als Els." in page(named)
    assert "Els" not in page()
    # The page follows the board's phase, title and language.
    with live_app.app_context():
        services.set_phase(board.id, OPPEREN, None)
    assert 'data-phase="opperen"' in page() and 'data-phase="mopperen"' in first
    english = live_app.test_client()
    english.get("/taal/en")
    assert "You take part anonymously." in page(english)
    assert "U doet anoniem mee." in page()


def test_a_forged_cookie_is_replaced_by_a_new_participant(live_app, board):
    client = live_app.test_client()
    client.set_cookie(identity.cookie_name(board.code), "forged.value")
    response = client.get(f"/b/{board.code}")
    assert response.status_code == 200 and "Set-Cookie" in response.headers
    assert participant_count(live_app, board) == 1
    name = identity.cookie_name(board.code)
    with live_app.app_context():
        token = identity.read_token({name: client.get_cookie(name).value}, board.code)
        assert services.participant_by_token(board.id, token).board_id == board.id


def test_a_cookie_of_another_board_does_not_carry_over(live_app, board):
    other = make_board(live_app, "Zwolle")
    client = live_app.test_client()
    client.get(f"/b/{other.code}")
    signed = client.get_cookie(identity.cookie_name(other.code)).value
    client.set_cookie(identity.cookie_name(board.code), signed)
    assert "Set-Cookie" in client.get(f"/b/{board.code}").headers
    assert participant_count(live_app, board) == 1 and participant_count(live_app, other) == 1


def test_the_cookie_is_secure_when_session_cookies_are(app_config, board):
    app = create_app({**app_config, "SESSION_COOKIE_SECURE": True})
    client = app.test_client()
    client.get(f"/b/{board.code}")
    assert client.get_cookie(identity.cookie_name(board.code)).secure


def test_a_code_typed_in_lower_case_with_a_hyphen_leads_to_the_board(live_app, board):
    messy = f"{board.code[:3].lower()}-{board.code[3:].lower()}"
    response = live_app.test_client().get(f"/b/{messy}")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/b/{board.code}")


def test_an_unknown_code_gives_a_friendly_404_with_the_join_form(live_app, board):
    response = live_app.test_client().get("/b/QQQQQQ")
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "Dit bord bestaat niet (meer)" in html and "Er is geen bord met deze code" in html
    assert 'action="/join"' in html and 'name="csrf_token"' in html and 'value="QQQQQQ"' in html
    assert participant_count(live_app, board) == 0


def test_the_join_form_takes_a_messy_code_to_the_board(live_app, board):
    client = live_app.test_client()
    messy = f" {board.code[:2].lower()} {board.code[2:4]}-{board.code[4:].lower()} "
    response = post_form(client, "/join", {"code": messy})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/b/{board.code}")


def test_the_join_form_says_so_when_the_code_is_unknown_or_too_short(live_app, board):
    client = live_app.test_client()
    html = post_form(client, "/join", {"code": "QQQ-QQQ"}).get_data(as_text=True)
    assert "Er is geen bord met deze code" in html and 'aria-invalid="true"' in html
    html = post_form(client, "/join", {"code": "AB"}).get_data(as_text=True)
    assert "Een code heeft precies zes tekens." in html


def test_the_join_form_needs_its_csrf_token(live_app, board):
    response = live_app.test_client().post("/join", data={"code": board.code})
    assert response.status_code == 400


def test_guessing_codes_is_rate_limited(tmp_path, migrated_sqlite):
    import shutil

    database = tmp_path / "limited.sqlite"
    shutil.copy(migrated_sqlite, database)
    app = create_app(
        {
            **base_config(tmp_path),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
            "RATELIMIT_ENABLED": True,
            "BOARD_JOIN_RATE_LIMIT": "4 per day",  # the count decides, not the machine's speed
        }
    )
    board = make_board(app)
    client = app.test_client()
    token = csrf_from(client.get("/join").get_data(as_text=True))
    # Known boards do not count against the allowance; guesses do, typed or as an address.
    for _visit in range(6):
        assert client.get(f"/b/{board.code}").status_code == 200
    assert client.get("/b/QQQQQQ").status_code == 404
    assert client.get("/b/QQQQQR").status_code == 404
    assert client.post("/join", data={"csrf_token": token, "code": "QQQQQT"}).status_code == 200
    assert client.post("/join", data={"csrf_token": token, "code": "QQQQQU"}).status_code == 200
    assert client.post("/join", data={"csrf_token": token, "code": "QQQQQV"}).status_code == 429
    assert client.get("/b/QQQQQW").status_code == 429
    with app.app_context():
        db.engine.dispose()


def test_the_qr_code_is_a_cacheable_svg(live_app, board):
    response = live_app.test_client().get(f"/b/{board.code}/qr.svg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert response.cache_control.public and response.cache_control.max_age >= 3600
    assert response.get_data(as_text=True).lstrip().startswith(("<?xml", "<svg"))
    assert live_app.test_client().get("/b/QQQQQQ/qr.svg").status_code == 404


def limited_app(app_config, **settings):
    """An app with its rate limits on, as in production, and the given limits."""
    return create_test_app({**app_config, "RATELIMIT_ENABLED": True, **settings})


def test_three_hundred_phones_behind_one_address_all_become_participants(app_config):
    app = limited_app(app_config)  # the default limits: what a venue gets
    board = make_board(app)
    for _phone in range(300):
        assert app.test_client().get(f"/b/{board.code}").status_code == 200
    assert participant_count(app, board) == 300


def test_one_address_brings_in_only_so_many_new_participants_and_those_in_stay_in(app_config):
    app = limited_app(app_config, BOARD_NEWCOMER_RATE_LIMIT="3 per day")  # the count decides
    board, other = make_board(app), make_board(app, "Zwolle")
    phones = [app.test_client() for _ in range(3)]
    for phone in phones:
        assert phone.get(f"/b/{board.code}").status_code == 200
    refused = app.test_client().get(f"/b/{other.code}")  # one allowance per address, on every board
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    assert "Set-Cookie" not in refused.headers and refused.headers["Cache-Control"] == "no-store"
    page = refused.get_data(as_text=True)
    assert "Even geduld" in page and "Probeer het over" in page and "seconden opnieuw" in page
    assert participant_count(app, other) == 0 and participant_count(app, board) == 3
    for phone in phones:  # a reload or a reconnect is no new participant
        assert phone.get(f"/b/{board.code}").status_code == 200
        screen = Screen(app, phone).connect()
        assert screen.join(board.code)["ok"]


def test_a_full_board_turns_new_phones_away_and_keeps_those_in(app_config):
    app = limited_app(app_config, BOARD_MAX_PARTICIPANTS=2)
    board = make_board(app)
    phones = [app.test_client() for _ in range(2)]
    for phone in phones:
        assert phone.get(f"/b/{board.code}").status_code == 200
    full = app.test_client().get(f"/b/{board.code}")
    assert full.status_code == 409 and "Set-Cookie" not in full.headers
    assert "Dit bord is vol" in full.get_data(as_text=True)
    assert participant_count(app, board) == 2
    for phone in phones:
        assert phone.get(f"/b/{board.code}").status_code == 200


def test_the_service_refuses_a_new_participant_on_a_full_board(app):
    board = services.create_board("Tilburg")
    first = services.join(board.id, None, max_participants=1)
    assert services.join(board.id, first.token, max_participants=1).id == first.id
    with pytest.raises(services.BoardFull):
        services.join(board.id, None, max_participants=1)
