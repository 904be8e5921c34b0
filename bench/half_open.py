"""Half-open connections against the venue laptop: does it keep answering?

    .venv/bin/python bench/half_open.py                       # 3,000 from one address, 30 s
    .venv/bin/python bench/half_open.py --addresses 30        # the same 3,000 spread over 30 addresses
    .venv/bin/python bench/half_open.py --url http://127.0.0.1:5000   # a server you started yourself

Starts `make serve HOST=0.0.0.0`'s server (deploy/gunicorn.conf.py, gevent, bound to 0.0.0.0) on a fresh
SQLite file, unless --url is given. Then, from the same run: a baseline of probes without attack, and
the same probes while an attacker holds --connections TCP connections that each send half a request
(a request line and part of a header) and never finish; one the server closes is opened again at once,
so the pressure stays. The attacker connects from 127.0.0.2 and up (--addresses of them), the probes
from 127.0.0.1, as a stranger on the venue's Wi-Fi and a phone would.

A probe is three things a phone or the projector needs, each on a new connection with a 5 s limit:
GET /healthz, the registration page of a session, and a Socket.IO connect (Engine.IO's polling
handshake, then the namespace's answer). Prints one JSON line per phase and a last line with both:
probes answered, p50/p95 latency per kind (ms), connections held by the server at the end and at most,
and the worker's open file descriptors. Reports only: the exit code is 0 whatever the figures.
"""

import argparse
import asyncio
import json
import re
import statistics
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import psutil

from testkit.servers import Gunicorn, environment, flask

PROBE_TIMEOUT = 5.0
HALF_REQUEST = b"GET /healthz HTTP/1.1\r\nHost: venue\r\nUser-Agent: half-open\r\nX-Never-Ends: "


async def _http(host: str, port: int, request: bytes) -> bytes:
    reader, writer = await asyncio.open_connection(host, port, local_addr=("127.0.0.1", 0))
    try:
        writer.write(request)
        await writer.drain()
        return await reader.read()
    finally:
        writer.close()


def _get(path: str, host: str) -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode()


async def probe_once(kind: str, url: str, slug: str) -> float | None:
    """Seconds for one probe of ``kind``, or None when it failed or took longer than PROBE_TIMEOUT."""
    parts = urlsplit(url)
    host, port, netloc = parts.hostname, parts.port, parts.netloc
    start = time.perf_counter()

    async def run() -> bool:
        if kind == "healthz":
            return (await _http(host, port, _get("/healthz", netloc))).startswith(b"HTTP/1.1 200")
        if kind == "registration":
            return (await _http(host, port, _get(f"/sessies/{slug}", netloc))).startswith(b"HTTP/1.1 200")
        # Socket.IO: the Engine.IO handshake gives a sid; "40" asks for the default namespace.
        opened = await _http(host, port, _get("/socket.io/?EIO=4&transport=polling", netloc))
        sid = re.search(rb'"sid":"([^"]+)"', opened)
        if not sid:
            return False
        path = f"/socket.io/?EIO=4&transport=polling&sid={sid.group(1).decode()}"
        post = f"POST {path} HTTP/1.1\r\nHost: {netloc}\r\nConnection: close\r\nContent-Type: text/plain\r\n"
        posted = await _http(host, port, f"{post}Content-Length: 2\r\n\r\n40".encode())
        answer = await _http(host, port, _get(path, netloc))
        return posted.startswith(b"HTTP/1.1 200") and b"\r\n\r\n4" in answer

    try:
        ok = await asyncio.wait_for(run(), PROBE_TIMEOUT)
    except (TimeoutError, OSError):
        return None
    return time.perf_counter() - start if ok else None


async def probe_phase(url: str, slug: str, seconds: float, interval: float) -> dict:
    results: dict[str, list[float | None]] = {"healthz": [], "registration": [], "socketio": []}
    deadline = time.monotonic() + seconds
    pending = set()
    while time.monotonic() < deadline:
        for kind, times in results.items():
            task = asyncio.create_task(probe_once(kind, url, slug))
            task.add_done_callback(lambda t, times=times: times.append(t.result()))
            pending.add(task)
        await asyncio.sleep(interval)
    await asyncio.gather(*pending)
    return {kind: _summary(times) for kind, times in results.items()}


def _summary(times: list[float | None]) -> dict:
    answered = sorted(t for t in times if t is not None)
    summary = {"sent": len(times), "answered": len(answered)}
    if answered:
        quantiles = statistics.quantiles(answered, n=20, method="inclusive") if len(answered) > 1 else answered * 19
        summary["p50_ms"] = round(statistics.median(answered) * 1000, 1)
        summary["p95_ms"] = round(quantiles[18] * 1000, 1)
    return summary


class Attacker:
    """``connections`` half-open requests, kept up: one the server closes is opened again."""

    def __init__(self, url: str, connections: int, addresses: int):
        parts = urlsplit(url)
        self.host, self.port = parts.hostname, parts.port
        self.sources = [f"127.0.0.{2 + n}" for n in range(addresses)]
        self.connections = connections
        self.open = 0
        self.most = 0
        self.closed_by_server = 0
        self.failed_connects = 0
        self.stopping = False

    async def hold(self, n: int) -> None:
        while not self.stopping:
            try:
                reader, writer = await asyncio.wait_for(
                    asyncio.open_connection(self.host, self.port, local_addr=(self.sources[n % len(self.sources)], 0)),
                    PROBE_TIMEOUT,
                )
                writer.write(HALF_REQUEST)
                await writer.drain()
            except (TimeoutError, OSError):
                self.failed_connects += 1
                await asyncio.sleep(0.5)
                continue
            self.open += 1
            self.most = max(self.most, self.open)
            try:
                await reader.read()  # until the server closes it
                if not self.stopping:
                    self.closed_by_server += 1
            except OSError:
                self.closed_by_server += 1
            finally:
                self.open -= 1
                writer.close()
            await asyncio.sleep(0.1)


def _worker_fds(server_pid: int | None) -> int | None:
    if server_pid is None:
        return None
    try:
        return max(p.num_fds() for p in psutil.Process(server_pid).children(recursive=True))
    except (psutil.Error, ValueError):
        return None


async def measure(url: str, slug: str, args, server_pid: int | None) -> dict:
    baseline = await probe_phase(url, slug, args.baseline, args.interval)
    print(json.dumps({"phase": "baseline", **baseline}), flush=True)

    attacker = Attacker(url, args.connections, args.addresses)
    holders = [asyncio.create_task(attacker.hold(n)) for n in range(args.connections)]
    ramp_start = time.monotonic()
    while attacker.open < args.connections and time.monotonic() - ramp_start < args.ramp:
        await asyncio.sleep(0.5)
    ramp = time.monotonic() - ramp_start
    during = await probe_phase(url, slug, args.seconds, args.interval)
    held = {
        "held_at_end": attacker.open,
        "held_at_most": attacker.most,
        "closed_by_server": attacker.closed_by_server,
        "failed_connects": attacker.failed_connects,
        "ramp_s": round(ramp, 1),
        "worker_fds": _worker_fds(server_pid),
    }
    attacker.stopping = True
    for task in holders:
        task.cancel()
    await asyncio.gather(*holders, return_exceptions=True)
    print(json.dumps({"phase": "attack", **during, **held}), flush=True)
    return {
        "connections": args.connections,
        "addresses": args.addresses,
        "baseline": baseline,
        "attack": during,
        **held,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--connections", type=int, default=3000)
    parser.add_argument("--addresses", type=int, default=1, help="attacker source addresses, 127.0.0.2 and up")
    parser.add_argument("--seconds", type=float, default=30, help="probing under attack")
    parser.add_argument("--baseline", type=float, default=15, help="probing before the attack")
    parser.add_argument("--ramp", type=float, default=20, help="at most this long to open the connections")
    parser.add_argument("--interval", type=float, default=0.5, help="seconds between probe rounds")
    parser.add_argument("--url", help="a running server instead of a fresh one")
    parser.add_argument("--slug", default="amsterdam", help="the session whose registration page is probed")
    args = parser.parse_args()
    if args.url:
        result = asyncio.run(measure(args.url, args.slug, args, None))
    else:
        with tempfile.TemporaryDirectory(prefix="half-open-") as tmp:
            env = environment(Path(tmp))
            flask(env, "db", "upgrade")
            flask(env, "sessions", "seed")
            server = Gunicorn(env)
            # As `make serve HOST=0.0.0.0` runs it: reachable from the venue's Wi-Fi.
            server.env.update(BIND=f"0.0.0.0:{server.port}", BASE_URL=server.url)
            server.start()
            try:
                result = asyncio.run(measure(server.url, args.slug, args, server.process.pid))
            finally:
                server.stop()
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
