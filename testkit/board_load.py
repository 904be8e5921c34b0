"""Load on the live board with real Socket.IO clients; prints one JSON line.

    .venv/bin/python bench/board_load.py --url http://127.0.0.1:5000 --clients 1000 --rate 100 --seconds 60
    .venv/bin/python -m testkit.board_load ...    # the same (the serving tests run it so)

Each client is what a phone does: it opens the board's phone page (which gives it the participant
cookie), connects over WebSocket with python-socketio's asyncio client, and sends ``join``. The
clients are spread over ``--procs`` processes, so the generator is not the bottleneck it would be
in one. Once every client has joined, the generator casts ``--rate`` votes per second in total,
each by a random idle client within its budget (a dot on, or one taken back when the budget is
spent), for ``--seconds``.

For every acknowledged vote the ack carries the board version (``seq``) its commit made. A
client has seen the vote when it receives a ``tally`` with a version at least that high (tallies
are read version first, so such a tally includes the vote). The latency of a vote is from sending
it until the last client on its board has seen it. After the voting the generator waits until every
answer is in and every connected client has seen the board's newest acknowledged version (at most
SETTLE_S). ``lost`` counts acknowledged votes that some connected client never saw, plus dots
missing from the final counts; ``duplicated`` counts dots the final counts hold beyond the
acknowledged ones, and versions acknowledged twice. A vote is sent again with the same client id
when its answer does not come, as the phone does; one still without an answer after three tries is
``unanswered`` (the final counts may or may not hold it).

``--flood N`` adds N phones that each send 100 votes a second without waiting for answers; they
are left out of the figures, and their answers are counted under ``flood`` (how many got through
the rate limit), with ``span_s`` from their first vote sent to their last answer received.
Compare the other phones' latency with and without them.

Boards: without ``--codes`` the generator makes ``--boards`` boards itself with ``flask board``
commands, in its own environment, so run it with the server's ``DATABASE_URL`` /
``SESSIE_INSTANCE_PATH``. Several ``--url`` spread the clients over instances (round robin).
Server CPU and memory are read from the processes listening on the URLs' ports (or ``--server-pid``).
"""

import argparse
import asyncio
import contextlib
import json
import math
import multiprocessing as mp
import os
import queue
import random
import re
import tempfile
import time
from collections import Counter, defaultdict
from urllib.parse import urlsplit

import aiohttp
import psutil
import socketio

from testkit.servers import flask

PROPOSALS_PER_BOARD = 12
CONNECT_CONCURRENCY = 100  # per process; a hall does not scan the QR code in the same millisecond
# After the voting, the longest wait for the last answers, and then for every phone to see the
# newest tally: an upper bound for a server far behind, not a measure (the wait ends when they are in).
SETTLE_S = 60.0
FLOOD_RATE = 100  # votes a second from each flooding phone


# --- boards -----------------------------------------------------------------------------------------


def prepare_boards(count: int, votes: int) -> list[str]:
    """Boards in the voting phase with PROPOSALS_PER_BOARD proposals each, made as an organiser would."""
    codes = []
    env = dict(os.environ)
    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False, encoding="utf-8") as fh:
        fh.write("title,groot_denken,klein_doen,actor\n")
        for n in range(1, PROPOSALS_PER_BOARD + 1):
            fh.write(f"Voorstel {n},Onderzoek in elke school,Eén gesprek per maand,School / bestuur\n")
        csv_path = fh.name
    try:
        for n in range(count):
            out = flask(
                env,
                "board",
                "create",
                "--title",
                f"Belasting {n + 1}",
                "--votes",
                str(votes),
                "--max-per-proposal",
                "2",
            )
            code = re.search(r"Code: (\w+)", out).group(1)
            flask(env, "board", "import-csv", code, csv_path)
            flask(env, "board", "phase", code, "stemmen")
            codes.append(code)
    finally:
        os.unlink(csv_path)
    return codes


# --- the clients (in worker processes) ---------------------------------------------------------------


class Phone:
    def __init__(self, number: int, url: str, code: str):
        self.number = number
        self.url = url
        self.code = code
        self.sio = None
        self.proposals: list[int] = []
        self.mine: dict[int, int] = {}
        self.remaining = 0
        self.max_per_proposal = 2
        self.busy = False
        self.last_seq = -1
        self.seen: list[tuple[float, int]] = []  # (time, seq) whenever a higher version arrives
        self.counts: dict[str, int] = {}
        self.join_counts: dict[str, int] = {}
        self.disconnected = False
        self.sent = 0

    def saw(self, seq: int, counts: dict | None = None) -> None:
        if seq > self.last_seq:
            self.last_seq = seq
            self.seen.append((time.monotonic(), seq))
        if counts is not None and seq >= self.last_seq:
            self.counts = counts

    def next_vote(self, rng: random.Random) -> tuple[int, int] | None:
        """(proposal, delta) within the budget; a dot on while there are any, else one taken back."""
        if self.remaining > 0:
            open_ = [p for p in self.proposals if self.mine.get(p, 0) < self.max_per_proposal]
            if open_:
                return rng.choice(open_), 1
        voted = [p for p, n in self.mine.items() if n > 0]
        return (rng.choice(voted), -1) if voted else None


async def open_phone(phone: Phone, session, gate: asyncio.Semaphore) -> None:
    async with gate:
        async with session.get(f"{phone.url}/b/{phone.code}", allow_redirects=False) as response:
            if response.status != 200:
                raise RuntimeError(f"phone page: HTTP {response.status}")
            cookie = response.cookies.get(f"deelnemer_{phone.code}")
            if cookie is None:
                raise RuntimeError("phone page set no participant cookie")
        sio = socketio.AsyncClient(reconnection=False)
        phone.sio = sio

        @sio.on("tally")
        async def tally(message):
            phone.saw(message["seq"], message["counts"])

        @sio.on("disconnect")
        async def gone(*_reason):
            phone.disconnected = True

        await sio.connect(
            phone.url,
            headers={"Cookie": f"deelnemer_{phone.code}={cookie.value}"},
            transports=["websocket"],
            wait_timeout=60,
        )
        ack = await sio.call("join", {"code": phone.code}, timeout=60)
        if not ack.get("ok"):
            raise RuntimeError(f"join refused: {ack}")
        snapshot = ack["snapshot"]
        phone.proposals = [p["id"] for p in snapshot["proposals"]]
        phone.mine = {int(k): v for k, v in snapshot["me"]["votes"].items()}
        phone.remaining = snapshot["me"]["remaining"]
        phone.max_per_proposal = snapshot["board"]["max_votes_per_proposal"]
        phone.join_counts = {str(p["id"]): p["count"] for p in snapshot["proposals"]}
        phone.saw(snapshot["seq"], dict(phone.join_counts))


async def cast(phone: Phone, proposal_id: int, delta: int, votes: list, failures: list, unknown: list) -> None:
    phone.busy = True
    phone.sent += 1
    payload = {
        "client_id": f"bench-{os.getpid()}-{phone.number}-{phone.sent}",
        "proposal_id": proposal_id,
        "delta": delta,
    }
    sent = time.monotonic()
    ack = None
    # As the phone does: a vote without an answer is sent again with the same client id, which
    # the server answers from its record if the first attempt was committed after all.
    for attempt in range(3):
        try:
            ack = await phone.sio.call("vote", payload, timeout=15)
            break
        except socketio.exceptions.SocketIOError as error:  # counted below, never fatal
            failures.append(
                f"no ack, retried: {type(error).__name__}" if attempt < 2 else f"no ack: {type(error).__name__}"
            )
    if ack is None:
        # Committed or not, nobody can tell: the final counts may hold it or not (see analyse).
        unknown.append((phone.code, proposal_id, delta))
        phone.busy = False
        return
    if ack.get("ok"):
        phone.mine[proposal_id] = phone.mine.get(proposal_id, 0) + delta
        phone.remaining = ack["remaining"]
        votes.append((phone.code, proposal_id, delta, sent, time.monotonic(), ack["seq"]))
    else:
        failures.append(ack.get("error", "refused"))
    phone.busy = False


async def settled(condition, timeout: float = SETTLE_S) -> None:
    """Until ``condition()`` holds, for at most ``timeout`` seconds (what is still missing then is counted)."""
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        await asyncio.sleep(0.05)


async def run_worker(index: int, args: dict, plan: list[tuple[str, str]], start_at: float, go, out) -> None:
    rng = random.Random(index)
    phones = [Phone(args["first"] + n, url, code) for n, (url, code) in enumerate(plan)]
    gate = asyncio.Semaphore(CONNECT_CONCURRENCY)
    await asyncio.sleep(max(0.0, start_at - time.monotonic()))
    connect_errors: list[str] = []
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as session:
        results = await asyncio.gather(*(open_phone(p, session, gate) for p in phones), return_exceptions=True)
    connected_at = time.monotonic()
    for result in results:
        if isinstance(result, BaseException):
            connect_errors.append(f"{type(result).__name__}: {result}"[:200])
    live = [p for p, r in zip(phones, results, strict=True) if not isinstance(r, BaseException)]
    # Flooding phones (--flood, on the first worker): participants like the others, left out of
    # every figure but their own.
    flooders = [Phone(10**6 + n, plan[0][0], plan[0][1]) for n in range(args["flood"])]
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as session:
        await asyncio.gather(*(open_phone(p, session, gate) for p in flooders))
    out.put(("ready", index, connected_at, len(live), connect_errors[:5], len(connect_errors)))

    t0 = await asyncio.get_running_loop().run_in_executor(None, go.get)
    votes: list = []
    failures: list = []
    unknown: list = []
    tasks = set()
    rate = args["rate_per_proc"]
    n = 0
    end = t0 + args["seconds"]
    flood_answers: Counter = Counter()
    flood_accepted: list = []
    flood_span = [math.inf, -math.inf]  # first vote sent, last answer received
    flooding = [asyncio.create_task(flood(phone, end, flood_answers, flood_accepted, flood_span)) for phone in flooders]
    while rate > 0:
        due = t0 + n / rate
        if due >= end:
            break
        await asyncio.sleep(max(0.0, due - time.monotonic()))
        n += 1
        for _attempt in range(20):
            phone = rng.choice(live) if live else None
            if phone is None:
                break
            choice = None if phone.busy or phone.disconnected else phone.next_vote(rng)
            if choice is not None:
                task = asyncio.create_task(cast(phone, *choice, votes, failures, unknown))
                tasks.add(task)
                task.add_done_callback(tasks.discard)
                break
        else:
            failures.append("no idle phone")
    if tasks:
        await asyncio.wait(tasks, timeout=SETTLE_S)
    if flooding:
        await asyncio.wait(flooding)
        await settled(lambda: answered(flood_answers) == flood_answers["sent"])
    # The newest version each board reached here; the main process answers with the newest of all
    # workers, which every phone must then see in a tally.
    newest: dict[str, int] = {}
    for code, _proposal_id, _delta, _sent, _acked, seq in votes:
        newest[code] = max(newest.get(code, -1), seq)
    for code, _proposal_id, _delta, seq in flood_accepted:
        newest[code] = max(newest.get(code, -1), seq)
    out.put(("voted", index, newest))
    newest = await asyncio.get_running_loop().run_in_executor(None, go.get)
    await settled(lambda: all(p.disconnected or p.last_seq >= newest.get(p.code, -1) for p in live))
    disconnects = sum(1 for p in live if p.disconnected)
    out.put(
        (
            "done",
            index,
            votes,
            failures,
            disconnects,
            [(p.code, p.seen, p.disconnected) for p in live],
            {p.code: p.counts for p in live if not p.disconnected},
            {p.code: p.join_counts for p in live},
            unknown,
            dict(flood_answers),
            [(code, proposal_id, delta) for code, proposal_id, delta, _seq in flood_accepted],
            flood_span[1] - flood_span[0] if flooders else None,
        )
    )
    for phone in live + flooders:
        with contextlib.suppress(Exception):  # the run is over
            await phone.sio.disconnect()


def answered(answers: Counter) -> int:
    """How many of the flood's votes got an answer (``answers`` counts them by answer, and ``sent``)."""
    return sum(count for answer, count in answers.items() if answer != "sent")


async def flood(phone: Phone, end: float, answers: Counter, accepted: list, span: list) -> None:
    """FLOOD_RATE votes a second without waiting for answers: a dot on and off the first proposal,
    so the budget never stops it; only the rate limit can."""
    n = 0
    span[0] = min(span[0], time.monotonic())
    while time.monotonic() < end:
        n += 1
        payload = {
            "client_id": f"flood-{os.getpid()}-{phone.number}-{n}",
            "proposal_id": phone.proposals[0],
            "delta": 1 if n % 2 else -1,
        }

        def answered(ack, payload=payload):
            span[1] = max(span[1], time.monotonic())
            answers["ok" if ack.get("ok") else ack.get("error", "refused")] += 1
            if ack.get("ok"):  # counted in the final tallies like any other dot
                accepted.append((phone.code, payload["proposal_id"], payload["delta"], ack["seq"]))

        answers["sent"] += 1
        await phone.sio.emit("vote", payload, callback=answered)
        await asyncio.sleep(1 / FLOOD_RATE)


def worker_main(index, args, plan, start_at, go, out) -> None:
    asyncio.run(run_worker(index, args, plan, start_at, go, out))


# --- the server's processes --------------------------------------------------------------------------


def server_processes(urls: list[str], pids: list[int]):

    if pids:
        roots = [psutil.Process(pid) for pid in pids]
    else:
        ports = {urlsplit(u).port or 80 for u in urls}
        roots = {}
        for conn in psutil.net_connections(kind="tcp"):
            if conn.status == psutil.CONN_LISTEN and conn.laddr.port in ports and conn.pid:
                roots[conn.pid] = psutil.Process(conn.pid)
        roots = list(roots.values())
    found = {}
    for root in roots:
        for proc in [root, *root.children(recursive=True)]:
            found[proc.pid] = proc
    return list(found.values())


def cpu_seconds(procs) -> float:
    total = 0.0
    for proc in procs:
        try:
            times = proc.cpu_times()
            total += times.user + times.system
        except psutil.Error:  # a process that ended
            pass
    return total


def rss_mb(procs) -> float:
    total = 0
    for proc in procs:
        with contextlib.suppress(psutil.Error):  # a process that ended
            total += proc.memory_info().rss
    return total / 2**20


# --- the run ----------------------------------------------------------------------------------------


def percentile(sorted_values, q: float) -> float | None:
    if not sorted_values:
        return None
    # Nearest rank.
    return sorted_values[max(0, math.ceil(q / 100 * len(sorted_values)) - 1)]


def analyse(votes, seen_by_client, final_counts, initial_counts, unknown=(), flooded=()) -> dict:
    import numpy as np

    lost = duplicated = 0
    latencies = []
    by_board = defaultdict(list)
    for code, _proposal_id, _delta, sent, _acked, seq in votes:
        by_board[code].append((sent, seq))
    seqs_seen = defaultdict(set)
    for code, _p, _d, _s, _a, seq in votes:
        if seq in seqs_seen[code]:
            duplicated += 1
        seqs_seen[code].add(seq)
    clients_by_board = defaultdict(list)
    for code, seen, dropped in seen_by_client:
        if dropped:
            continue  # counted under disconnects; what it missed afterwards is not a lost tally
        if seen:
            clients_by_board[code].append((np.array([s for _t, s in seen]), np.array([t for t, _s in seen])))
        else:
            clients_by_board[code].append((np.array([], dtype=int), np.array([])))
    for code, entries in by_board.items():
        sent = np.array([s for s, _q in entries])
        wanted = np.array([q for _s, q in entries])
        last_seen = np.zeros(len(entries))
        for seqs, times in clients_by_board[code]:
            idx = np.searchsorted(seqs, wanted, side="left")
            never = idx >= len(seqs)
            at = np.where(never, np.inf, times[np.minimum(idx, max(len(seqs) - 1, 0))] if len(seqs) else np.inf)
            last_seen = np.maximum(last_seen, at)
        missed = np.isinf(last_seen)
        lost += int(missed.sum())
        latencies.extend(((last_seen[~missed] - sent[~missed]) * 1000).tolist())
    # The final counts every client ended with against what the acknowledged dots add up to.
    expected = defaultdict(int)
    for code, proposal_id, delta, *_rest in [*votes, *flooded]:
        expected[(code, str(proposal_id))] += delta
    # A vote that never got an answer may or may not be counted: it widens what is right.
    maybe_more, maybe_less = defaultdict(int), defaultdict(int)
    for code, proposal_id, delta in unknown:
        (maybe_more if delta > 0 else maybe_less)[(code, str(proposal_id))] += 1
    for code, counts_by_client in final_counts.items():
        for counts in counts_by_client:
            for proposal_id, count in counts.items():
                key = (code, proposal_id)
                want = initial_counts.get(code, {}).get(proposal_id, 0) + expected[key]
                if count > want + maybe_more[key]:
                    duplicated += count - want - maybe_more[key]
                elif count < want - maybe_less[key]:
                    lost += want - maybe_less[key] - count
    latencies.sort()
    acks = sorted((acked - sent) * 1000 for _c, _p, _d, sent, acked, _s in votes)
    return {
        "ack_p95_ms": percentile(acks, 95),
        "lost": lost,
        "duplicated": duplicated,
        "p50_ms": percentile(latencies, 50),
        "p95_ms": percentile(latencies, 95),
        "p99_ms": percentile(latencies, 99),
        "max_ms": latencies[-1] if latencies else None,
    }


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", action="append", required=True, help="server address; repeat for several instances")
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--rate", type=float, default=50, help="votes per second in total")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--boards", type=int, default=1)
    parser.add_argument("--votes", type=int, default=5, help="votes per participant on boards the bench makes")
    parser.add_argument("--codes", help="comma-separated board codes to use instead of making boards")
    parser.add_argument("--procs", type=int, default=max(2, (os.cpu_count() or 2)), help="generator processes")
    parser.add_argument(
        "--server-pid", type=int, action="append", default=[], help="server process (default: found by port)"
    )
    parser.add_argument("--label", default="", help="a name for this run, copied into the output")
    parser.add_argument(
        "--flood", type=int, default=0, help=f"extra phones sending {FLOOD_RATE} votes/s each, left out of the figures"
    )
    args = parser.parse_args(argv)

    urls = [u.rstrip("/") for u in args.url]
    codes = args.codes.split(",") if args.codes else prepare_boards(args.boards, args.votes)
    procs_n = max(1, min(args.procs, args.clients))
    plan = [(urls[n % len(urls)], codes[n % len(codes)]) for n in range(args.clients)]
    chunks = [plan[i::procs_n] for i in range(procs_n)]

    server = server_processes(urls, args.server_pid)
    ctx = mp.get_context("spawn")
    out, go = ctx.Queue(), ctx.Queue()
    start_at = time.monotonic() + 3.0  # the workers need about a second to import their libraries
    workers = []
    first = 0
    for index, chunk in enumerate(chunks):
        worker_args = {
            "rate_per_proc": args.rate / procs_n,
            "seconds": args.seconds,
            "first": first,
            "flood": args.flood if index == 0 else 0,
        }
        first += len(chunk)
        proc = ctx.Process(target=worker_main, args=(index, worker_args, chunk, start_at, go, out), daemon=True)
        proc.start()
        workers.append(proc)

    ready = [out.get(timeout=300) for _ in workers]
    connected = sum(r[3] for r in ready)
    connect_errors = [e for r in ready for e in r[4]]
    connect_s = max(r[2] for r in ready) - start_at

    generator = [psutil.Process(w.pid) for w in workers]
    cpu_before, gen_before = cpu_seconds(server), cpu_seconds(generator)
    t0 = time.monotonic() + 0.5
    for _ in workers:
        go.put(t0)
    peak_rss = rss_mb(server)
    voting_ends = t0 + args.seconds
    cpu_after = gen_after = wall = None

    def from_every_worker(kind: str) -> list[tuple]:
        nonlocal peak_rss, cpu_after, gen_after, wall
        messages = []
        while len(messages) < len(workers):
            with contextlib.suppress(queue.Empty):  # sample memory while waiting
                timeout = min(1.0, max(0.01, voting_ends - time.monotonic())) if cpu_after is None else 1.0
                message = out.get(timeout=timeout)
                assert message[0] == kind, message[:2]
                messages.append(message)
            peak_rss = max(peak_rss, rss_mb(server))
            if cpu_after is None and time.monotonic() >= voting_ends:
                # CPU over the voting only, not the wait for the last tallies.
                cpu_after, gen_after = cpu_seconds(server), cpu_seconds(generator)
                wall = time.monotonic() - t0
        return messages

    newest: dict[str, int] = {}
    for _kind, _index, seqs in from_every_worker("voted"):
        for code, seq in seqs.items():
            newest[code] = max(newest.get(code, -1), seq)
    for _ in workers:
        go.put(newest)
    finished = from_every_worker("done")
    if cpu_after is None:  # the workers ended early (they failed): the figures cover what ran
        cpu_after, gen_after = cpu_seconds(server), cpu_seconds(generator)
        wall = time.monotonic() - t0
    for proc in workers:
        proc.join(timeout=30)

    votes = [v for f in finished for v in f[2]]
    failures = [x for f in finished for x in f[3]]
    seen = [s for f in finished for s in f[5]]
    finals = defaultdict(list)
    for f in finished:
        for code, counts in f[6].items():
            finals[code].append(counts)
    # Nobody votes before the start, so every phone's join snapshot holds the counts before the run.
    initial = {code: counts for f in finished for code, counts in f[7].items()}
    unknown = [u for f in finished for u in f[8]]
    result = {
        "label": args.label,
        "clients": args.clients,
        "connected": connected,
        "boards": len(codes),
        "rate": args.rate,
        "seconds": args.seconds,
        "connect_s": round(connect_s, 2),
        "votes": len(votes),
        "refused": len(failures),
        "unanswered": len(unknown),
        **{
            k: (round(v, 1) if isinstance(v, float) else v)
            for k, v in analyse(votes, seen, finals, initial, unknown, [v for f in finished for v in f[10]]).items()
        },
        "disconnects": sum(f[4] for f in finished),
        "server_cpu_pct": round(100 * (cpu_after - cpu_before) / wall, 1) if server else None,
        "server_rss_mb": round(peak_rss, 1) if server else None,
        "generator_cpu_pct": round(100 * (gen_after - gen_before) / wall, 1),
    }
    if args.flood:
        result["flood"] = {
            "phones": args.flood,
            **sum((Counter(f[9]) for f in finished), Counter()),
            "span_s": max(f[11] for f in finished if f[11] is not None),
        }
    if connect_errors:
        result["connect_errors"] = connect_errors[:5]
    if failures:
        result["refusals"] = {reason: failures.count(reason) for reason in sorted(set(failures))}
    print(json.dumps(result), flush=True)
    return result


if __name__ == "__main__":
    main()
