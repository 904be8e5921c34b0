"""A server killed in the middle of a burst of votes loses none that it acknowledged and counts none twice.

The real thing: the development server `flask run` as a subprocess on 127.0.0.1, a SQLite file built
by `flask db upgrade`, python-socketio's client over WebSocket (bench/crash_votes.py does the same to
`make serve`'s gunicorn, fifteen times during 2,000 votes). The phone retries every vote it got no
acknowledgement for, with the same client_id, once the server is back on the same port.
"""

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests
import socketio

from tests.helpers import ROOT

BIN = Path(sys.executable).parent
VOTES = 40
SETUP = """
import json
from sessie_app import create_app
from sessie_app.board import services
from sessie_app.board.models import OPPEREN, STEMMEN

app = create_app()
with app.app_context():
    board = services.create_board("Herstart", votes_per_participant=50, max_votes_per_proposal=50)
    author = services.join(board.id, None)
    services.set_phase(board.id, OPPEREN, None)
    ids = [services.add_proposal(author.id, f"seed-proposal-{n}", title)["proposal"]["id"] for n, title in enumerate(["Een", "Twee"])]
    services.set_phase(board.id, STEMMEN, None)
    print(json.dumps({"code": board.code, "ids": ids}))
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


class Server:
    """`flask run` on 127.0.0.1:<port>, killed or stopped by its process id only."""

    def __init__(self, env: dict, port: int, log: Path):
        self.env, self.port, self.log = env, port, log
        self.process = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [
                    str(BIN / "flask"),
                    "--app",
                    "sessie_app",
                    "run",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "--no-reload",
                    "--no-debugger",
                ],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_for(self.healthy, 15, f"the server on port {self.port} (log: {self.log})")

    def healthy(self) -> bool:
        assert self.process.poll() is None, self.log.read_text()
        try:
            return requests.get(self.url + "/healthz", timeout=0.5).status_code == 200
        except requests.ConnectionError:
            return False

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=5)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


@pytest.fixture
def server(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "DATABASE_URL", "BASE_URL", "FLASK_APP"}
    }
    env.update(
        {
            "SESSIE_INSTANCE_PATH": str(tmp_path),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'board.sqlite'}",
            "SECRET_KEY": "restart-test-secret",
            "SESSIE_ENV": "development",
            # The burst below is faster than a person; this test is about durability, not throttling.
            "RATELIMIT_ENABLED": "0",
            "PYTHONUNBUFFERED": "1",
        }
    )
    subprocess.run(
        [str(BIN / "flask"), "--app", "sessie_app", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=60,
    )
    made = subprocess.run(
        [str(BIN / "python"), "-c", SETUP], cwd=ROOT, env=env, check=True, capture_output=True, text=True, timeout=60
    )
    running = Server(env, free_port(), tmp_path / "server.log")
    running.board = json.loads(made.stdout.strip().splitlines()[-1])
    running.database = tmp_path / "board.sqlite"
    yield running
    running.stop()


def connect(server, cookie: str) -> socketio.Client:
    client = socketio.Client(reconnection=False)
    client.connect(server.url, headers={"Cookie": cookie}, transports=["websocket"], wait_timeout=5)
    assert client.transport() == "websocket"
    ack = client.call("join", {"code": server.board["code"]}, timeout=5)
    assert ack["ok"], ack
    return client


def test_acknowledged_votes_survive_a_kill_and_retries_count_once(server):
    server.start()
    code, (first, second) = server.board["code"], server.board["ids"]
    page = requests.get(f"{server.url}/b/{code}", timeout=5)
    assert page.status_code == 200
    cookie = f"deelnemer_{code}={page.cookies[f'deelnemer_{code}']}"

    votes = {f"restart-vote-{n:04d}": first if n % 2 else second for n in range(VOTES)}
    acks, lock = {}, threading.Lock()

    def remember(client_id):
        def on_ack(ack):
            with lock:
                acks[client_id] = ack

        return on_ack

    phone = connect(server, cookie)
    for client_id, proposal_id in votes.items():
        phone.emit(
            "vote", {"client_id": client_id, "proposal_id": proposal_id, "delta": 1}, callback=remember(client_id)
        )
    wait_for(lambda: len(acks) >= 5, 10, "the first acknowledgements")
    server.kill()
    with lock:
        before_kill = dict(acks)
    phone.disconnect()
    assert all(ack["ok"] for ack in before_kill.values()), before_kill

    server.start()  # same port, same database file
    phone = connect(server, cookie)
    retried = {}
    for client_id, proposal_id in votes.items():
        if client_id not in before_kill:
            retried[client_id] = phone.call(
                "vote", {"client_id": client_id, "proposal_id": proposal_id, "delta": 1}, timeout=5
            )
    # A retry of an acknowledged vote (its ack was lost on the way, say) changes nothing either.
    for client_id in list(before_kill)[:3]:
        again = phone.call("vote", {"client_id": client_id, "proposal_id": votes[client_id], "delta": 1}, timeout=5)
        assert again["replayed"] and again["seq"] == before_kill[client_id]["seq"]
    snapshot = phone.call("snapshot", {}, timeout=5)["snapshot"]
    phone.disconnect()
    server.stop()

    assert all(ack["ok"] for ack in retried.values()), retried
    print(
        f"acknowledged before the kill: {len(before_kill)}; retried: {len(retried)}, of which committed before the kill: {sum(1 for a in retried.values() if a.get('replayed'))}"
    )
    with sqlite3.connect(server.database) as db:
        ((participant_id,),) = db.execute("SELECT DISTINCT participant_id FROM actions WHERE kind = 'vote'").fetchall()
        actions = dict(
            db.execute(
                "SELECT client_id, seq FROM actions WHERE participant_id = ? AND kind = 'vote'", (participant_id,)
            ).fetchall()
        )
        counted = dict(
            db.execute("SELECT proposal_id, count FROM votes WHERE participant_id = ?", (participant_id,)).fetchall()
        )
    # Every acknowledged vote is stored under the sequence number its ack carried, exactly once.
    for client_id, ack in before_kill.items():
        assert actions[client_id] == ack["seq"]
    assert set(actions) == set(votes)
    assert counted == {first: VOTES // 2, second: VOTES // 2}
    assert {p["id"]: p["count"] for p in snapshot["proposals"]} == counted
    assert snapshot["me"]["remaining"] == 50 - VOTES
