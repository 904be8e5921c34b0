"""Votes while the server is killed again and again: nothing acknowledged may be lost or counted twice.

    .venv/bin/python bench/crash_votes.py                  # 100 phones × 20 votes, a SIGKILL every 1-3 s
    .venv/bin/python bench/crash_votes.py --phones 20 --votes 10 --pause 0.3

`make serve`'s server on a fresh SQLite file. Each phone casts its votes one after another; a vote
without an answer is sent again with the same client id once the phone has reconnected (same
cookie, a new connection, `join` for a fresh snapshot), as the phone page does. Meanwhile the
server (gunicorn's master and worker) gets SIGKILL at random moments and is started again on the
same port. Afterwards the database is compared with the acknowledgements. Prints one JSON line:
votes acknowledged, kills, lost (acknowledged but not stored), duplicated (stored more than once),
and how long phones took to be back after a restart (resync).
"""

import argparse
import contextlib
import json
import random
import sqlite3
import tempfile
import threading
import time
from pathlib import Path

import psutil
import requests
import socketio

from testkit.servers import Gunicorn, environment, flask


def kill_all(server: Gunicorn) -> None:
    """SIGKILL for the master and its worker alike: a worker left behind would keep the port."""
    master = psutil.Process(server.process.pid)
    for process in [*master.children(recursive=True), master]:
        with contextlib.suppress(psutil.NoSuchProcess):
            process.kill()
    server.process.wait(timeout=10)


class Phone(threading.Thread):
    def __init__(self, number: int, url: str, code: str, votes: int, proposals: list[int], back: dict, pause: float):
        super().__init__(daemon=True)
        self.pause = pause
        self.rng = random.Random(number)
        self.number, self.url, self.code, self.votes, self.proposals = number, url, code, votes, proposals
        self.back = back  # restart → when the server answered again
        self.acks: dict[str, dict] = {}
        self.resyncs: list[float] = []
        self.sock = None
        response = requests.get(f"{url}/b/{code}", timeout=30)
        self.cookie = f"deelnemer_{code}={response.cookies[f'deelnemer_{code}']}"

    def connect(self) -> None:
        while True:
            try:
                self.sock = socketio.Client(reconnection=False)
                self.sock.connect(self.url, headers={"Cookie": self.cookie}, transports=["websocket"], wait_timeout=5)
                ack = self.sock.call("join", {"code": self.code}, timeout=5)
                if ack.get("ok"):
                    return
            except socketio.exceptions.SocketIOError:  # the server is down: try again shortly
                pass
            time.sleep(0.2)

    def run(self) -> None:
        self.connect()
        for n in range(self.votes):
            # People vote a few seconds apart, so the kills land in every stage of the run.
            time.sleep(self.rng.uniform(0, 2 * self.pause))
            payload = {
                "client_id": f"crash-{self.number:04d}-{n:04d}",
                "proposal_id": self.proposals[n % len(self.proposals)],
                "delta": 1,
            }
            while True:
                try:
                    ack = self.sock.call("vote", payload, timeout=5)
                    if ack.get("ok"):
                        self.acks[payload["client_id"]] = ack
                        break
                    if ack.get("error") != "rate_limited":
                        raise RuntimeError(f"vote refused: {ack}")
                    time.sleep(ack.get("retry_after", 0.2))
                except (
                    socketio.exceptions.TimeoutError,
                    socketio.exceptions.BadNamespaceError,
                    socketio.exceptions.DisconnectedError,
                ):
                    gone = time.monotonic()
                    with contextlib.suppress(Exception):  # the server is gone already
                        self.sock.disconnect()
                    self.connect()
                    restarted = max((t for t in self.back.values() if t >= gone - 10), default=None)
                    if restarted is not None:
                        self.resyncs.append(max(0.0, time.monotonic() - restarted))
        self.sock.disconnect()


def main() -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--phones", type=int, default=100)
    parser.add_argument("--votes", type=int, default=20, help="per phone (at most 20)")
    parser.add_argument("--pause", type=float, default=0.5, help="mean seconds between one phone's votes")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="crash-votes-") as tmp:
        env = environment(Path(tmp), RATELIMIT_ENABLED="false")
        flask(env, "db", "upgrade")
        code = (
            flask(env, "board", "create", "--title", "Crash", "--votes", "20", "--max-per-proposal", "10")
            .split("Code: ")[1]
            .split()[0]
        )
        (Path(tmp) / "p.csv").write_text("title\n" + "".join(f"Voorstel {n}\n" for n in range(4)))
        flask(env, "board", "import-csv", code, str(Path(tmp) / "p.csv"))
        flask(env, "board", "phase", code, "stemmen")
        with sqlite3.connect(Path(tmp) / "sessie_app.sqlite") as db:
            proposals = [row[0] for row in db.execute("SELECT id FROM proposals ORDER BY id")]
        server = Gunicorn(env).start()
        back: dict[int, float] = {}
        phones = [Phone(n, server.url, code, args.votes, proposals, back, args.pause) for n in range(args.phones)]
        for phone in phones:
            phone.start()
        kills = 0
        while any(phone.is_alive() for phone in phones):
            time.sleep(rng.uniform(1, 3))
            if not any(phone.is_alive() for phone in phones):
                break
            kill_all(server)
            server.stop()  # closes its log; the processes are gone already
            kills += 1
            server = Gunicorn(env, port=server.port).start()
            back[kills] = time.monotonic()
        server.stop()
        acks = {cid: ack for phone in phones for cid, ack in phone.acks.items()}
        with sqlite3.connect(Path(tmp) / "sessie_app.sqlite") as db:
            stored = dict(db.execute("SELECT client_id, seq FROM actions WHERE kind = 'vote'").fetchall())
            dots = db.execute("SELECT COALESCE(SUM(count), 0) FROM votes").fetchone()[0]
    resyncs = sorted(t for phone in phones for t in phone.resyncs)
    result = {
        "phones": args.phones,
        "votes_acknowledged": len(acks),
        "kills": kills,
        "lost": sum(1 for cid in acks if cid not in stored),
        "duplicated": dots - len(acks),
        "seq_mismatch": sum(1 for cid, ack in acks.items() if stored.get(cid) != ack["seq"]),
        "resyncs": len(resyncs),
        "resync_p95_s": round(resyncs[max(0, int(len(resyncs) * 0.95) - 1)], 2) if resyncs else None,
        "resync_max_s": round(resyncs[-1], 2) if resyncs else None,
    }
    print(json.dumps(result), flush=True)
    return result


if __name__ == "__main__":
    main()
