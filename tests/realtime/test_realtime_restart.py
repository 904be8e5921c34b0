"""A server killed in the middle of a burst of votes loses none that it acknowledged and counts none twice.

The real thing: the development server `flask run` as a subprocess on 127.0.0.1, a SQLite file built
by `flask db upgrade`, python-socketio's client over WebSocket (bench/crash_votes.py does the same to
`make serve`'s gunicorn, fifteen times during 2,000 votes). The phone retries every vote it got no
acknowledgement for, with the same client_id, once the server is back on the same port.
"""

import json
import sqlite3
import subprocess
import threading
import time

import pytest
import requests
import socketio

from testkit.servers import BIN, ROOT, Server, environment, flask

# The largest budget a board may have, half of it on each of two proposals.
VOTES = 20
# The longest wait for an answer or a server: a bound for one that hangs, not a measure.
PATIENCE = 60.0
SETUP = """
import json
from sessie_app import create_app
from sessie_app.board import services
from sessie_app.board.models import OPPEREN, STEMMEN

app = create_app()
with app.app_context():
    board = services.create_board("Herstart", votes_per_participant=20, max_votes_per_proposal=10)
    author = services.join(board.id, None)
    services.set_phase(board.id, OPPEREN, None)
    ids = [services.add_proposal(author.id, f"seed-proposal-{n}", title)["proposal"]["id"] for n, title in enumerate(["Een", "Twee"])]
    services.set_phase(board.id, STEMMEN, None)
    print(json.dumps({"code": board.code, "ids": ids}))
"""


def wait_for(predicate, what: str):
    deadline = time.monotonic() + PATIENCE
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


@pytest.fixture
def server(tmp_path):
    """`flask run` on a SQLite file with a board in phase stemmen; not started yet."""
    env = environment(
        tmp_path,
        DATABASE_URL=f"sqlite:///{tmp_path / 'board.sqlite'}",
        SESSIE_ENV="development",
        # The burst below is faster than a person; this test is about durability, not throttling.
        RATELIMIT_ENABLED="0",
        PYTHONUNBUFFERED="1",
    )
    flask(env, "db", "upgrade")
    made = subprocess.run(
        [str(BIN / "python"), "-c", SETUP], cwd=ROOT, env=env, check=True, capture_output=True, text=True, timeout=120
    )
    running = Server(
        [
            str(BIN / "flask"),
            "--app",
            "sessie_app",
            "run",
            "--host",
            "127.0.0.1",
            "--port",
            "{port}",
            "--no-reload",
            "--no-debugger",
        ],
        env,
        tmp_path,
    )
    running.board = json.loads(made.stdout.strip().splitlines()[-1])
    running.database = tmp_path / "board.sqlite"
    return running


def connect(server, cookie: str) -> socketio.Client:
    client = socketio.Client(reconnection=False)
    client.connect(server.url, headers={"Cookie": cookie}, transports=["websocket"], wait_timeout=PATIENCE)
    assert client.transport() == "websocket"
    ack = client.call("join", {"code": server.board["code"]}, timeout=PATIENCE)
    assert ack["ok"], ack
    return client


def test_acknowledged_votes_survive_a_kill_and_retries_count_once(server, start_server):
    start_server(server)
    code, (first, second) = server.board["code"], server.board["ids"]
    page = requests.get(f"{server.url}/b/{code}", timeout=PATIENCE)
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
    wait_for(lambda: len(acks) >= 5, "the first acknowledgements")
    server.kill()
    with lock:
        before_kill = dict(acks)
    phone.disconnect()
    assert all(ack["ok"] for ack in before_kill.values()), before_kill

    start_server(server)  # same port, same database file
    phone = connect(server, cookie)
    retried = {}
    for client_id, proposal_id in votes.items():
        if client_id not in before_kill:
            retried[client_id] = phone.call(
                "vote", {"client_id": client_id, "proposal_id": proposal_id, "delta": 1}, timeout=PATIENCE
            )
    # A retry of an acknowledged vote (its ack was lost on the way, say) changes nothing either.
    for client_id in list(before_kill)[:3]:
        again = phone.call(
            "vote", {"client_id": client_id, "proposal_id": votes[client_id], "delta": 1}, timeout=PATIENCE
        )
        assert again["replayed"] and again["seq"] == before_kill[client_id]["seq"]
    snapshot = phone.call("snapshot", {}, timeout=PATIENCE)["snapshot"]
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
    assert snapshot["me"]["remaining"] == 20 - VOTES
