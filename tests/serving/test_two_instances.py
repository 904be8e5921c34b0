"""Two gunicorn instances sharing one PostgreSQL database and one Redis queue act as one board.

Four phones on instance A, four on instance B and the organiser's console on B, all real
python-socketio clients over WebSocket. It shows that
1. a proposal a phone adds on A reaches the phones on B (and the other way round);
2. a phase change from the console on B reaches the phones on A;
3. 40 votes (+1 and -1) cast at once through both instances leave every screen with a tally equal
   to the sum of the acknowledged dots, and no tally ever holds more dots than were acknowledged;
4. the `snapshot` on either instance agrees with the database.
Each instance only knows its own connections, so every check on the other instance's screens
fails unless the instance that made the change published it through Redis.
"""

import re
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
import socketio
import sqlalchemy as sa

from testkit.servers import Gunicorn, environment, flask
from tests.helpers import csrf_from

EMAIL, PASSWORD = "begeleider@example.org", "een-lang-geheim-wachtwoord"
BUDGET = 5  # `flask board create` defaults: 5 dots per participant, at most 2 on one proposal
# The longest wait for an answer or an event: a bound for a server that hangs, not a measure.
PATIENCE = 60.0


def wait_for(predicate, what: str, timeout: float = PATIENCE):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.02)


class Screen:
    """One browser tab: a Socket.IO connection to one instance that records every event it hears."""

    def __init__(self, url: str, cookie: str, code: str, role: str | None = None):
        self.url = url
        self.events: list[tuple[str, dict]] = []  # appended by the client's reader thread
        self.sock = socketio.Client(reconnection=False)
        self.sock.on("*", lambda event, *args: self.events.append((event, args[0] if args else None)))
        # The browser of the pages: an organiser's session holds only for the browser it logged in with.
        headers = {"Cookie": cookie, "User-Agent": requests.utils.default_user_agent()}
        self.sock.connect(url, headers=headers, transports=["websocket"], wait_timeout=PATIENCE)
        ack = self.call("join", {"code": code} if role is None else {"code": code, "as": role})
        assert ack["ok"], ack
        self.me = ack["snapshot"]["me"]

    def call(self, event: str, data: dict) -> dict:
        return self.sock.call(event, data, timeout=PATIENCE)

    def received(self, name: str) -> list[dict]:
        return [payload for event, payload in list(self.events) if event == name]


def phone(url: str, code: str) -> Screen:
    """A phone that scanned the QR code: the page sets the participant cookie the handshake carries."""
    page = requests.get(f"{url}/b/{code}", timeout=PATIENCE)
    assert page.status_code == 200, page.status_code
    return Screen(url, f"deelnemer_{code}={page.cookies[f'deelnemer_{code}']}", code)


def console(url: str, code: str) -> Screen:
    """The organiser logs in over HTTP (with the form's CSRF token); the session cookie opens the console."""
    http = requests.Session()
    login = f"{url}/organisator/inloggen"
    form = {"csrf_token": csrf_from(http.get(login, timeout=PATIENCE).text), "email": EMAIL, "password": PASSWORD}
    assert http.post(login, data=form, allow_redirects=False, timeout=PATIENCE).status_code == 302
    return Screen(url, "; ".join(f"{c.name}={c.value}" for c in http.cookies), code, role="console")


@pytest.fixture
def deployment(tmp_path, postgres_url, redis_url, start_server):
    """Two instances, one database, one Redis channel of their own; a board in phase opperen."""
    env = environment(
        tmp_path,
        DATABASE_URL=postgres_url,
        REDIS_URL=redis_url,
        SOCKETIO_CHANNEL=f"sessie-test-{uuid.uuid4().hex}",
        PYTHONUNBUFFERED="1",
    )
    flask(env, "db", "upgrade")
    a, b = Gunicorn(env), Gunicorn(env)
    screens: list[Screen] = []
    try:
        # Each of these is seconds of Python start-up; none waits for another but the phase for the board.
        with ThreadPoolExecutor() as pool:
            made = pool.submit(flask, env, "board", "create", "--title", "Twee instanties")
            waiting = [
                pool.submit(flask, env, "organiser", "create", "--email", EMAIL, "--password", PASSWORD),
                pool.submit(start_server, a),
                pool.submit(start_server, b),
            ]
            code = re.search(r"Code: (\w+)", made.result()).group(1)
            flask(env, "board", "phase", code, "opperen")
            for task in waiting:
                task.result()
        yield a, b, code, screens, sa.create_engine(postgres_url, poolclass=sa.pool.NullPool)
    finally:
        for screen in screens:
            screen.sock.disconnect()
        a.stop()
        b.stop()
    for server in (a, b):
        assert "Traceback" not in server.log.read_text(errors="replace"), server.log_text()


def test_two_instances_share_proposals_phases_tallies_and_snapshots(deployment):
    a, b, code, screens, engine = deployment
    on_a = [phone(a.url, code) for _ in range(4)]
    on_b = [phone(b.url, code) for _ in range(4)]
    desk = console(b.url, code)
    screens += [*on_a, *on_b, desk]

    # 1. Proposals written on either instance reach every screen on both.
    ids = []
    for n, author in enumerate([on_a[0], on_b[0], on_a[1]]):
        ack = author.call("proposal", {"client_id": f"proposal-{n:04d}", "title": f"Voorstel {n}"})
        assert ack["ok"], ack
        ids.append(ack["proposal"]["id"])
    for screen in screens:
        wait_for(
            lambda s=screen: set(ids) <= {p["id"] for p in s.received("proposal")}, f"the proposals on {screen.url}"
        )

    # 2. The console on B opens the vote; phones on A hear it from B through Redis.
    ack = desk.call("control", {"action": "phase", "phase": "stemmen"})
    assert ack["ok"] and ack["board"]["phase"] == "stemmen", ack
    for screen in screens:
        wait_for(
            lambda s=screen: any(b["phase"] == "stemmen" for b in s.received("board")), f"the phase on {screen.url}"
        )

    # 3. Five actions per phone, eight phones at once: +1, +1, +1 (a second dot), -1, +1.
    # Each phone waits for each ack, so its -1 follows its +1; the phones race each other.
    acks: list[tuple[int, int, dict]] = []
    start = threading.Barrier(len(on_a + on_b))

    def cast(n: int, screen: Screen):
        first, second, third = ids[n % 3], ids[(n + 1) % 3], ids[(n + 2) % 3]
        start.wait()
        for k, (proposal_id, delta) in enumerate([(first, 1), (second, 1), (first, 1), (first, -1), (third, 1)]):
            ack = screen.call(
                "vote", {"client_id": f"vote-{n:02d}-{k:02d}", "proposal_id": proposal_id, "delta": delta}
            )
            acks.append((proposal_id, delta, ack))

    threads = [threading.Thread(target=cast, args=(n, s)) for n, s in enumerate(on_a + on_b)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(PATIENCE)
    assert len(acks) == 40 and all(ack["ok"] for _p, _d, ack in acks), [ack for _p, _d, ack in acks if not ack["ok"]]
    dots = Counter()
    for proposal_id, delta, _ack in acks:
        dots[str(proposal_id)] += delta
    expected = {str(pid): dots[str(pid)] for pid in ids}
    plus = Counter(str(proposal_id) for proposal_id, delta, _ack in acks if delta == 1)
    assert sum(expected.values()) == 8 * 3

    with engine.connect() as db:
        board_seq = db.execute(sa.text("SELECT seq FROM boards WHERE code = :code"), {"code": code}).scalar_one()
        counted = dict(db.execute(sa.text("SELECT proposal_id, SUM(count) FROM votes GROUP BY proposal_id")).all())
        mine = {
            (p, q): c
            for p, q, c in db.execute(sa.text("SELECT participant_id, proposal_id, count FROM votes WHERE count > 0"))
        }
        action_seqs = sorted(db.execute(sa.text("SELECT seq FROM actions WHERE kind = 'vote'")).scalars())
    # Every acknowledged vote got its own place in the one board sequence, whichever instance took it.
    assert action_seqs == sorted(ack["seq"] for _p, _d, ack in acks) and len(set(action_seqs)) == 40
    assert {str(p): int(c) for p, c in counted.items()} == {p: c for p, c in expected.items() if c}

    # Every screen gets the final tally (the board's last seq: all 40 votes), whichever instance
    # computed it. Both instances flush, and one may publish a tally read at a lower seq just after
    # the other's: a screen keeps the highest seq it has seen and drops an older tally
    # (docs/realtime.md), so what it shows is what it ends with under that rule.
    late = 0
    for screen in screens:
        wait_for(
            lambda s=screen: board_seq in [t["seq"] for t in s.received("tally")], f"the final tally on {screen.url}"
        )
        shown = {"seq": -1}
        for tally in screen.received("tally"):
            if tally["seq"] >= shown["seq"]:
                shown = tally
            else:
                late += 1
            # Never more dots on a proposal than were ever acknowledged for it: nothing counted twice.
            assert all(count <= plus[proposal] for proposal, count in tally["counts"].items()), tally
        assert shown["seq"] == board_seq and shown["counts"] == expected, (screen.url, shown)
    print(
        f"tallies per screen: {[len(s.received('tally')) for s in screens]}, final seq {board_seq}, "
        f"older tallies dropped: {late}"
    )

    # 4. The snapshot, asked of either instance, is what the database holds.
    for screen in [on_a[0], on_b[0], desk]:
        snapshot = screen.call("snapshot", {})["snapshot"]
        assert snapshot["seq"] == board_seq and snapshot["board"]["phase"] == "stemmen"
        assert {str(p["id"]): p["count"] for p in snapshot["proposals"]} == expected
    for screen in on_a + on_b:
        me = screen.call("snapshot", {})["snapshot"]["me"]
        assert me["votes"] == {str(q): c for (p, q), c in mine.items() if p == me["id"]}
        assert me["remaining"] == BUDGET - 3
