"""Screens for the realtime tests: phones, consoles and projectors on Flask-SocketIO's test client,
and boards made through the services (the fixtures are in conftest.py)."""

import time
from dataclasses import dataclass

from sessie_app.board import services
from sessie_app.board.models import OPPEREN
from sessie_app.extensions import socketio
from sessie_app.organiser import services as organiser_services
from tests.helpers import post_form

ORGANISER_EMAIL = "begeleider@example.org"
ORGANISER_PASSWORD = "een-lang-geheim-wachtwoord"


@dataclass(frozen=True)
class BoardRef:
    id: int
    code: str


def make_board(app, title="Tilburg", **options) -> BoardRef:
    with app.app_context():
        board = services.create_board(title, **options)
        return BoardRef(board.id, board.code)


def in_app(app, fn, *args, **kwargs):
    """Call a service inside a fresh app context, as a CLI command would."""
    with app.app_context():
        return fn(*args, **kwargs)


def add_proposals(app, board: BoardRef, titles, then_phase: str | None = None) -> list[int]:
    """Proposals written by a separate participant, via the services; leaves the board in ``then_phase``."""
    with app.app_context():
        author = services.join(board.id, None, nickname="Auteur")
        services.set_phase(board.id, OPPEREN, None)
        ids = [
            services.add_proposal(author.id, f"seed-proposal-{n:04d}", title)["proposal"]["id"]
            for n, title in enumerate(titles)
        ]
        if then_phase:
            services.set_phase(board.id, then_phase, None)
        return ids


class Screen:
    """One browser: the Flask test client (its cookies) and one Socket.IO connection."""

    def __init__(self, app, http=None):
        self.app = app
        self.http = http or app.test_client()
        self.sock = None

    def connect(self):
        self.sock = socketio.test_client(self.app, flask_test_client=self.http)
        assert self.sock.is_connected()
        return self

    @property
    def sid(self) -> str:
        return socketio.server.manager.sid_from_eio_sid(self.sock.eio_sid, "/")

    def emit(self, event, *args):
        return self.sock.emit(event, *args, callback=True)

    def join(self, code, role=None):
        payload = {"code": code} if role is None else {"code": code, "as": role}
        return self.emit("join", payload)

    def received(self, name) -> list:
        """Payloads of ``name`` events so far, oldest first. Reads the queue without taking from it:
        the tally thread appends to it, and get_received would race with that."""
        return [packet["args"][0] for packet in list(self.sock.queue) if packet["name"] == name]

    def forget_received(self):
        self.sock.queue.clear()


def open_phone(app, board: BoardRef, join=True) -> Screen:
    """A phone that scanned the QR code: the page set its cookie; then its socket joins."""
    screen = Screen(app)
    assert screen.http.get(f"/b/{board.code}").status_code == 200
    screen.connect()
    if join:
        ack = screen.join(board.code)
        assert ack["ok"], ack
    return screen


def log_in_organiser(app) -> Screen:
    """Another browser of the same organiser (a new password would end the sessions of the first)."""
    with app.app_context():
        if not organiser_services.organiser_count():
            organiser_services.create_or_update_organiser(ORGANISER_EMAIL, ORGANISER_PASSWORD)
    screen = Screen(app)
    response = post_form(
        screen.http, "/organisator/inloggen", {"email": ORGANISER_EMAIL, "password": ORGANISER_PASSWORD}
    )
    assert response.status_code == 302, response.status_code
    return screen


def open_console(app, board: BoardRef, role="console") -> Screen:
    screen = log_in_organiser(app).connect()
    ack = screen.join(board.code, role)
    assert ack["ok"], ack
    return screen


def wait_until(predicate, timeout=30.0, step=0.02):
    """Poll ``predicate`` until it is true, for what the broadcaster's background rounds send. The
    timeout bounds a test whose event never comes; it measures nothing."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


def cid(n) -> str:
    return f"client-id-{n:06d}"
