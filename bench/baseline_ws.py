"""The machine's ceiling for the live board: a bare asyncio ``websockets`` broadcast server.

    .venv/bin/python bench/baseline_ws.py --port 5100
    .venv/bin/python bench/board_load.py --url http://127.0.0.1:5100 --codes BASE01 --clients 1000 --rate 100

It speaks just enough Engine.IO v4 / Socket.IO v5 over a raw WebSocket for the load generator's
python-socketio client, and keeps the board's vote rules and coalesced tallies in memory: no
Flask, no database, no Socket.IO server. What ``bench/board_load.py`` measures against it is the
best this machine and this generator can do; the app's figures are divided by it.
"""

import argparse
import asyncio
import json
import re
import secrets
from http.cookies import SimpleCookie

from websockets.asyncio.server import broadcast, serve

PROPOSALS = range(1, 13)
VOTES_PER_PARTICIPANT = 5
MAX_PER_PROPOSAL = 2
CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
PING_INTERVAL = 25  # seconds; what the open packet promises, as python-engineio's server does
OPEN = {"upgrades": [], "pingInterval": PING_INTERVAL * 1000, "pingTimeout": 20000, "maxPayload": 1_000_000}
EVENT = re.compile(r"^42(\d*)(.*)$", re.DOTALL)


def dumps(data) -> str:
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


class Refused(Exception):
    """A refusal with the app's error code."""


class Board:
    def __init__(self):
        self.seq = 0
        self.counts = dict.fromkeys(PROPOSALS, 0)
        self.tokens: dict[str, dict] = {}  # cookie token -> {"votes": {pid: n}, "acks": {client_id: ack}}
        self.connections = set()
        self.dirty = False

    def snapshot(self, me: dict) -> dict:
        return {
            "seq": self.seq,
            "proposals": [{"id": pid, "count": n} for pid, n in self.counts.items()],
            "me": {
                "votes": {str(p): n for p, n in me["votes"].items() if n},
                "remaining": VOTES_PER_PARTICIPANT - sum(me["votes"].values()),
            },
            "board": {"votes_per_participant": VOTES_PER_PARTICIPANT, "max_votes_per_proposal": MAX_PER_PROPOSAL},
        }

    def vote(self, me: dict, data: dict) -> dict:
        client_id, pid, delta = data.get("client_id"), data.get("proposal_id"), data.get("delta")
        # The app's order: shapes, then the client id, then the replay, then the rules.
        if type(pid) is not int or type(delta) is not int or delta not in (1, -1):
            raise Refused("invalid")
        if not isinstance(client_id, str) or not CLIENT_ID.match(client_id):
            raise Refused("invalid")
        if client_id in me["acks"]:
            return {**me["acks"][client_id], "replayed": True}
        if pid not in self.counts:
            raise Refused("not_found")
        mine, spent = me["votes"].get(pid, 0), sum(me["votes"].values())
        if delta == 1 and spent >= VOTES_PER_PARTICIPANT:
            raise Refused("budget_exceeded")
        if delta == 1 and mine >= MAX_PER_PROPOSAL:
            raise Refused("max_per_proposal")
        if delta == -1 and not mine:
            raise Refused("no_vote_to_take_back")
        me["votes"][pid] = mine + delta
        self.counts[pid] += delta
        self.seq += 1
        ack = {
            "ok": True,
            "proposal_id": pid,
            "my_votes": mine + delta,
            "remaining": VOTES_PER_PARTICIPANT - spent - delta,
            "count": self.counts[pid],
            "seq": self.seq,
        }
        me["acks"][client_id] = ack
        return ack


boards: dict[str, Board] = {}


def board(code: str) -> Board:
    return boards.setdefault(code, Board())


def process_request(connection, request):
    path = request.path.split("?", 1)[0]
    if path == "/socket.io/" and request.headers.get("Upgrade", "").lower() == "websocket":
        return None
    if path == "/healthz":
        response = connection.respond(200, dumps({"status": "ok"}))
        del response.headers["Content-Type"]
        response.headers["Content-Type"] = "application/json"
        return response
    if match := re.fullmatch(r"/b/([A-Za-z0-9]{1,12})", path):
        code, token = match.group(1), secrets.token_urlsafe(24)
        board(code).tokens[token] = {"votes": {}, "acks": {}}
        response = connection.respond(200, f"<!doctype html><title>{code}</title><p>Bord {code}</p>")
        del response.headers["Content-Type"]
        response.headers["Content-Type"] = "text/html; charset=utf-8"
        response.headers["Set-Cookie"] = f"deelnemer_{code}={token}; Path=/; HttpOnly"
        return response
    return connection.respond(404, "not found\n")


async def pinger(ws) -> None:
    # Engine.IO's own heartbeat: the client drops a connection that hears nothing for
    # pingInterval + pingTimeout, whatever the WebSocket layer does.
    while True:
        await asyncio.sleep(PING_INTERVAL)
        await ws.send("2")


def handle(ws, cookies: SimpleCookie, joined: list, event: str, data) -> dict:
    if not isinstance(data, dict):
        raise Refused("invalid")
    if event == "join":
        code = data.get("code")
        found = boards.get(code) if isinstance(code, str) else None
        morsel = cookies.get(f"deelnemer_{code}")
        me = found.tokens.get(morsel.value) if found and morsel else None
        if me is None:
            raise Refused("not_joined")
        if joined:
            joined[0].connections.discard(ws)
        joined[:] = [found, me]
        found.connections.add(ws)
        return {"ok": True, "snapshot": found.snapshot(me)}
    if event == "vote":
        if not joined:
            raise Refused("not_joined")
        where, me = joined
        ack = where.vote(me, data)
        # Also after a replay, as the app does: the first attempt's tally may never have gone out.
        where.dirty = True
        return ack
    raise Refused("invalid")


async def connection(ws) -> None:
    cookies = SimpleCookie(ws.request.headers.get("Cookie", ""))
    joined: list = []  # [board, participant] once ``join`` succeeded
    await ws.send("0" + dumps({"sid": secrets.token_urlsafe(15), **OPEN}))
    heartbeat = asyncio.create_task(pinger(ws))
    try:
        async for message in ws:
            if message.startswith("40"):
                await ws.send("40" + dumps({"sid": secrets.token_urlsafe(15)}))
            elif match := EVENT.match(message):
                ack_id, (event, *args) = match.group(1), json.loads(match.group(2))
                try:
                    reply = handle(ws, cookies, joined, event, args[0] if len(args) == 1 else None)
                except Refused as error:
                    reply = {"ok": False, "error": str(error)}
                if ack_id:
                    await ws.send(f"43{ack_id}" + dumps([reply]))
            elif message == "1":
                break
            # "3" (pong) needs no answer: receiving it is the point. "41" (namespace disconnect)
            # is followed by "1" from this client, which ends the connection.
    finally:
        heartbeat.cancel()
        if joined:
            joined[0].connections.discard(ws)


async def tallies(interval: float) -> None:
    # Coalesced like the app's broadcast task: one whole tally per dirty board per interval,
    # encoded once and written to every connection of the board.
    while True:
        await asyncio.sleep(interval)
        for found in boards.values():
            if found.dirty:
                found.dirty = False
                counts = {str(pid): n for pid, n in found.counts.items()}
                broadcast(found.connections, "42" + dumps(["tally", {"seq": found.seq, "counts": counts}]))


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5100)
    parser.add_argument("--interval", type=float, default=0.15, help="seconds between tallies of a dirty board")
    args = parser.parse_args()
    # WebSocket-level keepalive off: Engine.IO's ping above is the heartbeat, as in the app.
    async with serve(
        connection,
        args.host,
        args.port,
        process_request=process_request,
        ping_interval=None,
        max_size=OPEN["maxPayload"],
    ) as server:
        task = asyncio.create_task(tallies(args.interval))
        print(f"listening on http://{args.host}:{args.port}", flush=True)
        try:
            await server.serve_forever()
        finally:
            task.cancel()


if __name__ == "__main__":
    asyncio.run(main())
