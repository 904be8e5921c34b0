"""A room on one server: phones that type, post and vote, and a stranger with the board's code.
The machinery behind bench/opperen.py and bench/abuse.py (their docstrings say what each measures).

testkit/board_load.py is the generator of the voting benches; this one reuses its phone, its way of
casting a vote, its settling and its analysis of votes, and adds what a room does besides voting:

- typing phones (role TYPER) ask ``similar`` every ``similar_every`` seconds with the title typed so
  far (from five characters on, as static/js/board.js does), and post ``proposal`` at a rate shared
  by the whole room; every phone records each ``proposal`` broadcast it hears;
- legs: the same phones, connected once, measured several times (quiet, then under attack), so a
  comparison is not between two halls that joined differently;
- the attacker (``Attacker``): one process of its own, from an address of its own (127.0.0.2 by
  default: the loopback network is a /8, so the server sees another client address without any
  proxy setting), that mints participants, floods ``similar``, votes, posts and guesses codes as
  fast as the server lets it; between legs it holds still, its phones connected.

A proposal's latency is from sending it until the last connected phone on its board has heard it;
an accepted proposal that some connected phone never heard is ``lost``, one heard twice by a phone
(or acknowledged under two client ids with the same id) is ``duplicated``. Votes: as board_load.
"""

import asyncio
import contextlib
import csv
import math
import multiprocessing as mp
import os
import queue
import random
import re
import tempfile
import time
from collections import Counter, defaultdict

import aiohttp
import psutil
import socketio

from testkit.board_load import (
    CONNECT_CONCURRENCY,
    SETTLE_S,
    Phone,
    analyse,
    cast,
    cpu_seconds,
    open_phone,
    percentile,
    rss_mb,
    server_processes,
    settled,
)
from testkit.servers import flask

VOTER, TYPER = "voter", "typer"
PER_PARTICIPANT = 20  # proposals one participant may post on a board (board/services/actions.py, CEILINGS)
ANSWER_TIMEOUT = 15  # seconds a phone waits for an acknowledgement before it counts as unanswered
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"  # board codes (board/services/boards.py); guesses use it too


# --- boards -----------------------------------------------------------------------------------------


def make_board(env: dict, title: str, proposals: list[dict], phase: str, votes: int = 5) -> str:
    """A board with ``proposals`` (dicts with title, big, small, actor), imported from a CSV file and
    moved to ``phase`` with the `flask board` commands, as an organiser would; returns its code."""
    out = flask(env, "board", "create", "--title", title, "--votes", str(votes), "--max-per-proposal", "2")
    code = re.search(r"Code: (\w+)", out).group(1)
    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False, encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["title", "groot_denken", "klein_doen", "actor"])
        for p in proposals:
            writer.writerow([p["title"], p.get("big") or "", p.get("small") or "", p.get("actor") or ""])
        path = fh.name
    try:
        out = flask(env, "board", "import-csv", code, path)
    finally:
        os.unlink(path)
    imported = int(re.search(r"Geïmporteerd: (\d+)", out).group(1))
    if imported != len(proposals):
        raise RuntimeError(f"import-csv took {imported} of {len(proposals)} proposals:\n{out}")
    flask(env, "board", "phase", code, phase)
    return code


# --- the phones (in worker processes) ---------------------------------------------------------------


class RoomPhone(Phone):
    def __init__(self, number: int, url: str, code: str, role: str):
        super().__init__(number, url, code)
        self.role = role
        self.heard: dict[int, float] = {}  # proposal id -> when its broadcast first arrived
        self.times_heard: Counter = Counter()
        self.text: dict | None = None  # the proposal being typed
        self.typed = 0  # characters of its title typed so far
        self.posting = False
        self.posted = 0

    def hear(self, item: dict) -> None:
        self.times_heard[item["id"]] += 1
        self.heard.setdefault(item["id"], time.monotonic())


async def open_room_phone(phone: RoomPhone, session, gate: asyncio.Semaphore) -> None:
    await open_phone(phone, session, gate)
    # Posting starts only once every phone is in, so no broadcast can come before this.
    phone.sio.on("proposal", phone.hear)


def _answer(ack: dict | None) -> str:
    """How an acknowledgement is counted: ok, or the error with its scope (too_many:board)."""
    if ack is None:
        return "unanswered"
    if ack.get("ok"):
        return "ok"
    error = ack.get("error", "refused")
    return f"{error}:{ack['scope']}" if "scope" in ack else error


async def ask_similar(phone: RoomPhone, text: str, records: list) -> None:
    sent = time.monotonic()
    try:
        ack = await phone.sio.call("similar", {"text": text}, timeout=ANSWER_TIMEOUT)
    except socketio.exceptions.SocketIOError:
        records.append((None, "unanswered"))
        return
    records.append(((time.monotonic() - sent) * 1000, _answer(ack)))


async def type_titles(phone: RoomPhone, texts, end: float, every: float, rng: random.Random, records, spawn) -> None:
    """A phone typing: a few characters of the title per tick, a hint asked each tick from five
    characters on (the page asks on a pause of 0.4 s: asking on every tick is its busiest case),
    then a pause for the other fields, then the next proposal (posted or not: see post_one)."""
    await asyncio.sleep(rng.uniform(0, every))  # phones do not type in step
    while time.monotonic() < end and not phone.disconnected:
        if phone.text is None:
            phone.text, phone.typed = next(texts), 0
        title = phone.text["title"]
        if phone.typed >= len(title):
            await asyncio.sleep(min(rng.uniform(1, 3), max(0.0, end - time.monotonic())))
            phone.text = None
            continue
        await asyncio.sleep(every)
        if phone.text is None:  # posted meanwhile (post_one): on to the next proposal
            continue
        # Thumbs: two or three characters in 0.4 s, about six a second.
        phone.typed = min(len(title), phone.typed + rng.randint(1, 4))
        typed = title[: phone.typed].strip()
        if len(typed) >= 5 and time.monotonic() < end:
            spawn(ask_similar(phone, typed, records))


async def post(phone: RoomPhone, texts, records: list) -> None:
    phone.posting = True
    phone.sent += 1
    text = phone.text or next(texts)
    payload = {
        "client_id": f"post-{os.getpid()}-{phone.number}-{phone.sent}",
        **{key: text[key] for key in ("title", "big", "small", "actor") if text.get(key)},
    }
    sent = time.monotonic()
    ack = None
    # As the phone does: the same client id again when no answer comes, answered from the record.
    for _attempt in range(3):
        try:
            ack = await phone.sio.call("proposal", payload, timeout=ANSWER_TIMEOUT)
            break
        except socketio.exceptions.SocketIOError:
            continue
    acked = time.monotonic()
    if ack is not None and ack.get("ok"):
        phone.posted += 1
        records.append((phone.code, sent, acked, "ok", ack["proposal"]["id"], ack["seq"]))
    else:
        records.append((phone.code, sent, acked, _answer(ack), None, None))
    phone.text, phone.typed = None, 0
    phone.posting = False


async def timed_cast(phone: RoomPhone, proposal_id: int, delta: int, votes, failures, unknown, refused_ms) -> None:
    """board_load's cast, and the round trip of a refused vote (a phase without voting refuses them all)."""
    mine: list = []
    sent = time.monotonic()
    await cast(phone, proposal_id, delta, mine, failures, unknown)
    if mine:
        votes += mine
    else:
        refused_ms.append((time.monotonic() - sent) * 1000)


def vote_one(voters: list[RoomPhone], rng: random.Random, votes, failures, unknown, refused_ms, spawn) -> None:
    """A vote by a random idle voter, as board_load's generator picks one."""
    for _attempt in range(20):
        phone = rng.choice(voters) if voters else None
        if phone is None:
            break
        choice = None if phone.busy or phone.disconnected else phone.next_vote(rng)
        if choice is not None:
            spawn(timed_cast(phone, *choice, votes, failures, unknown, refused_ms))
            return
    failures.append("no idle phone")


def post_one(typers: list[RoomPhone], rng: random.Random, texts, records, spawn) -> None:
    """The room's next proposal, by a random typing phone: it finishes what it is typing and posts."""
    idle = [p for p in typers if not p.posting and not p.disconnected and p.posted < PER_PARTICIPANT]
    if not idle:
        records.append((None, None, None, "no idle typing phone", None, None))
        return
    spawn(post(rng.choice(idle), texts, records))


async def paced(rate: float, t0: float, end: float, act) -> None:
    """``act()`` ``rate`` times a second from ``t0`` until ``end``, on schedule."""
    if rate <= 0:
        return
    n = 0
    while (due := t0 + n / rate) < end:
        await asyncio.sleep(max(0.0, due - time.monotonic()))
        n += 1
        act()


def _cycle(items: list, rng: random.Random):
    items = list(items)
    while items:
        rng.shuffle(items)
        yield from items


async def _get(q):
    return await asyncio.get_running_loop().run_in_executor(None, q.get)


async def run_leg(index: int, live: list[RoomPhone], texts, leg: dict, t0: float, go, out) -> None:
    rng = random.Random(f"{index}-{leg['label']}")
    end = t0 + leg["seconds"]
    dropped_before = sum(p.disconnected for p in live)
    votes, failures, unknown, refused_ms, similar, posts = [], [], [], [], [], []
    pending = set()

    def spawn(coroutine) -> None:
        task = asyncio.create_task(coroutine)
        pending.add(task)
        task.add_done_callback(pending.discard)

    await asyncio.sleep(max(0.0, t0 - time.monotonic()))
    voters = [p for p in live if p.role == VOTER]
    typers = [p for p in live if p.role == TYPER]
    typing = [
        asyncio.create_task(type_titles(p, texts, end, leg["similar_every"], rng, similar, spawn))
        for p in (typers if leg["typing"] else [])
    ]
    await asyncio.gather(
        paced(leg["vote_rate"], t0, end, lambda: vote_one(voters, rng, votes, failures, unknown, refused_ms, spawn)),
        paced(leg["post_rate"], t0, end, lambda: post_one(typers, rng, texts, posts, spawn)),
        *typing,
    )
    # A leg without votes or posts still lasts its time (the attacker's, say).
    await asyncio.sleep(max(0.0, end - time.monotonic()))
    if pending:
        await asyncio.wait(set(pending), timeout=SETTLE_S)
    newest: dict[str, int] = {}
    for code, _proposal_id, _delta, _sent, _acked, seq in votes:
        newest[code] = max(newest.get(code, -1), seq)
    accepted = defaultdict(list)
    for code, _sent, _acked, answer, proposal_id, _seq in posts:
        if answer == "ok":
            accepted[code].append(proposal_id)
    out.put(("voted", index, newest, dict(accepted)))
    # Every worker's newest version and accepted proposals, and the attacker's: every phone must see them.
    target = await _get(go)
    seqs, proposals = target["seqs"], target["proposals"]
    await settled(
        lambda: all(
            p.disconnected
            or (p.last_seq >= seqs.get(p.code, -1) and all(pid in p.heard for pid in proposals.get(p.code, ())))
            for p in live
        )
    )
    out.put(
        (
            "done",
            index,
            {
                "votes": votes,
                "failures": failures,
                "unknown": unknown,
                "refused_ms": refused_ms,
                "seen": [(p.code, p.seen, p.disconnected) for p in live],
                "finals": [(p.code, p.counts) for p in live if not p.disconnected],
                "similar": similar,
                "posts": posts,
                "heard": [
                    (
                        p.code,
                        p.disconnected,
                        {
                            pid: (p.heard[pid], p.times_heard[pid])
                            for pid in proposals.get(p.code, ())
                            if pid in p.heard
                        },
                    )
                    for p in live
                ],
                "disconnects": sum(p.disconnected for p in live) - dropped_before,
            },
        )
    )


async def run_worker(index: int, plan: list[tuple[str, str, str]], first: int, texts: list[dict], go, out) -> None:
    phones = [RoomPhone(first + n, url, code, role) for n, (url, code, role) in enumerate(plan)]
    gate = asyncio.Semaphore(CONNECT_CONCURRENCY)
    started = time.monotonic()
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as session:
        results = await asyncio.gather(*(open_room_phone(p, session, gate) for p in phones), return_exceptions=True)
    errors = [f"{type(r).__name__}: {r}"[:200] for r in results if isinstance(r, BaseException)]
    live = [p for p, r in zip(phones, results, strict=True) if not isinstance(r, BaseException)]
    # Nobody acts before the first leg: the join snapshots hold every board's counts before it.
    counts = {p.code: p.join_counts for p in live}
    out.put(("ready", index, time.monotonic() - started, len(live), errors[:5], len(errors), counts))
    proposals = _cycle(texts, random.Random(index))
    while (message := await _get(go))[0] == "leg":
        _kind, t0, leg = message
        await run_leg(index, live, proposals, leg, t0, go, out)
    for phone in live:
        with contextlib.suppress(Exception):  # the run is over
            await phone.sio.disconnect()


def worker_main(index, plan, first, texts, go, out) -> None:
    asyncio.run(run_worker(index, plan, first, texts, go, out))


# --- the room (main process) -------------------------------------------------------------------------


class Room:
    """``plan``: (url, code, role) per phone, spread over ``procs`` worker processes; ``texts``: the
    proposals typing phones type and post (each worker goes through all of them in its own order)."""

    def __init__(self, plan: list[tuple[str, str, str]], texts: list[dict], procs: int, server_pids=()):
        self.plan = plan
        self.server = server_processes(sorted({url for url, _code, _role in plan}), list(server_pids))
        ctx = mp.get_context("spawn")
        self.out = ctx.Queue()
        procs = max(1, min(procs, len(plan)))
        self.go = [ctx.Queue() for _ in range(procs)]
        chunks = [plan[i::procs] for i in range(procs)]
        # Numbers only name client ids: each worker's phones get their own range.
        firsts = [sum(len(c) for c in chunks[:i]) for i in range(procs)]
        self.workers = [
            ctx.Process(target=worker_main, args=(i, chunks[i], firsts[i], texts, self.go[i], self.out), daemon=True)
            for i in range(procs)
        ]
        self.initial: dict[str, dict] = {}
        self.connected = 0

    def start(self) -> dict:
        for worker in self.workers:
            worker.start()
        ready = [self._get("ready") for _ in self.workers]
        self.connected = sum(r[3] for r in ready)
        self.initial = {code: counts for r in ready for code, counts in r[6].items()}
        self.generator = [psutil.Process(w.pid) for w in self.workers]
        result = {
            "phones": len(self.plan),
            "connected": self.connected,
            "connect_s": round(max(r[2] for r in ready), 2),
        }
        errors = [e for r in ready for e in r[4]]
        if errors:
            result["connect_errors"] = errors[:5]
        return result

    def _get(self, kind: str, timeout: float = 600):
        message = self.out.get(timeout=timeout)
        assert message[0] == kind, message[:2]
        return message

    def leg(
        self,
        label: str,
        seconds: float,
        vote_rate: float = 0,
        post_rate: float = 0,
        typing: bool = False,
        similar_every: float = 0.4,
        attacker: "Attacker | None" = None,
        latecomer: bool = False,
    ) -> dict:
        """One measured span. With ``attacker``, it acts from before the phones' span until they have
        all had their answers, and holds still before they settle (what it did is counted in what
        they must see); ``latecomer``: one more phone opens the board from the phones' address at the
        end of the span, while the attacker still acts."""
        procs = len(self.workers)
        leg = {
            "label": label,
            "seconds": seconds,
            "vote_rate": vote_rate / procs,
            "post_rate": post_rate / procs,
            "typing": typing,
            "similar_every": similar_every,
        }
        if attacker is not None:
            attacker.begin(seconds)
        watched = self.server + self.generator + ([attacker.process] if attacker else [])
        before = {p.pid: cpu_seconds([p]) for p in watched}
        t0 = time.monotonic() + 0.5
        for go in self.go:
            go.put(("leg", t0, leg))
        peak_rss, after, wall = rss_mb(self.server), None, None
        voted = []
        while len(voted) < procs:
            if not all(worker.is_alive() for worker in self.workers):
                raise RuntimeError("a generator process ended during the leg (its error is above)")
            with contextlib.suppress(queue.Empty):  # sample memory while waiting
                voted.append(self.out.get(timeout=0.5 if after is None else 1.0))
                assert voted[-1][0] == "voted", voted[-1][:2]
            peak_rss = max(peak_rss, rss_mb(self.server))
            if after is None and time.monotonic() >= t0 + seconds:
                # CPU over the span only, not the wait for the last answers and broadcasts.
                after, wall = {p.pid: cpu_seconds([p]) for p in watched}, time.monotonic() - t0
        if after is None:
            after, wall = {p.pid: cpu_seconds([p]) for p in watched}, time.monotonic() - t0
        result = {"label": label, "phones": len(self.plan), "connected": self.connected, "seconds": seconds}
        if latecomer:
            result["latecomer"] = asyncio.run(latecomer_phone(*self.plan[0][:2]))
        attack = attacker.end() if attacker else None

        seqs: dict[str, int] = {}
        proposals = defaultdict(list)
        for _kind, _index, newest, accepted in voted:
            for code, seq in newest.items():
                seqs[code] = max(seqs.get(code, -1), seq)
            for code, ids in accepted.items():
                proposals[code] += ids
        if attack:
            for code, _pid, _delta, seq in attack["accepted_votes"]:
                seqs[code] = max(seqs.get(code, -1), seq)
            for code, ids in attack["accepted_proposals"].items():
                proposals[code] += ids
        for go in self.go:
            go.put({"seqs": seqs, "proposals": dict(proposals)})
        done = [self._get("done")[2] for _ in range(procs)]

        def pct(pids) -> float:
            return round(100 * sum(after[p.pid] - before[p.pid] for p in pids) / wall, 1)

        result.update(self._figures(done, attack, vote_rate, post_rate))
        result.update(
            server_cpu_pct=pct(self.server) if self.server else None,
            server_rss_mb=round(peak_rss, 1) if self.server else None,
            generator_cpu_pct=pct(self.generator),
        )
        if attack:
            result["attacker"] = {**attack["figures"], "cpu_pct": pct([attacker.process])}
        return result

    def _figures(self, done: list[dict], attack: dict | None, vote_rate: float, post_rate: float) -> dict:
        votes = [v for d in done for v in d["votes"]]
        failures = [f for d in done for f in d["failures"]]
        unknown = [u for d in done for u in d["unknown"]]
        finals = defaultdict(list)
        for d in done:
            for code, counts in d["finals"]:
                finals[code].append(counts)
        extra = [(c, p, d) for c, p, d, _seq in attack["accepted_votes"]] if attack else []
        maybe = unknown + (attack["unknown_votes"] if attack else [])
        figures = analyse(votes, [s for d in done for s in d["seen"]], finals, self.initial, maybe, extra)
        # The next leg starts from the counts every phone holds now (the attacker's dots included).
        self.initial = {code: dict(counts[0]) for code, counts in finals.items() if counts}

        similar = [s for d in done for s in d["similar"]]
        answered = sorted(ms for ms, answer in similar if answer == "ok")
        posts = [p for d in done for p in d["posts"]]
        heard = [h for d in done for h in d["heard"]]
        proposal = proposal_figures(posts, heard, attack["accepted_proposals"] if attack else {})
        rounded = {k: round(v, 1) if isinstance(v, float) else v for k, v in figures.items()}
        return {
            "vote_rate": vote_rate,
            "votes": len(votes),
            "vote_refusals": dict(Counter(failures)),
            "votes_unanswered": len(unknown),
            "vote_p50_ms": rounded["p50_ms"],
            "vote_p95_ms": rounded["p95_ms"],
            "vote_p99_ms": rounded["p99_ms"],
            "vote_ack_p95_ms": rounded["ack_p95_ms"],
            # A refused vote's round trip: the only vote figure of a phase that takes none.
            "vote_refused_ack_p95_ms": _round(percentile(sorted(ms for d in done for ms in d["refused_ms"]), 95)),
            "similar_asked": len(similar),
            "similar_answers": dict(Counter(answer for _ms, answer in similar)),
            "similar_p50_ms": _round(percentile(answered, 50)),
            "similar_p95_ms": _round(percentile(answered, 95)),
            "post_rate": post_rate,
            **proposal,
            "votes_lost": rounded["lost"],
            "votes_duplicated": rounded["duplicated"],
            "lost": rounded["lost"] + proposal["proposals_lost"],
            "duplicated": rounded["duplicated"] + proposal["proposals_duplicated"],
            "disconnects": sum(d["disconnects"] for d in done),
        }

    def close(self) -> None:
        for go in self.go:
            go.put(("stop",))
        for worker in self.workers:
            worker.join(timeout=30)
            if worker.is_alive():
                worker.kill()


def _round(value: float | None) -> float | None:
    return round(value, 1) if value is not None else None


def proposal_figures(posts: list, heard: list, others: dict[str, list[int]]) -> dict:
    """Proposals posted by the room (``posts``) and accepted from others (the attacker's), against
    what each phone heard: latency until the last connected phone of the board heard one of the
    room's, and lost and duplicated for all."""
    answers = Counter(answer for *_rest, answer, _pid, _seq in posts)
    mine = [(code, sent, pid) for code, sent, _acked, answer, pid, _seq in posts if answer == "ok"]
    acks = sorted((acked - sent) * 1000 for code, sent, acked, answer, _pid, _seq in posts if answer == "ok")
    wanted = [(code, sent, pid) for code, sent, pid in mine]
    wanted += [(code, None, pid) for code, ids in others.items() for pid in ids]
    by_board = defaultdict(list)
    for code, dropped, got in heard:
        if not dropped:  # counted under disconnects
            by_board[code].append(got)
    ids = Counter((code, pid) for code, _sent, pid in wanted)
    duplicated = sum(n - 1 for n in ids.values())  # one proposal acknowledged to two posts
    lost, latencies = 0, []
    for code, sent, pid in wanted:
        phones = by_board[code]
        if any(pid not in got for got in phones):
            lost += 1
            continue
        duplicated += sum(got[pid][1] - 1 for got in phones)
        if sent is not None and phones:
            latencies.append((max(got[pid][0] for got in phones) - sent) * 1000)
    latencies.sort()
    return {
        "proposals_sent": sum(answers.values()) - answers.get("no idle typing phone", 0),
        "proposal_answers": dict(answers),
        "proposal_ack_p95_ms": _round(percentile(acks, 95)),
        "proposal_seen_p95_ms": _round(percentile(latencies, 95)),
        "proposals_lost": lost,
        "proposals_duplicated": duplicated,
    }


async def latecomer_phone(url: str, code: str) -> str:
    """One more phone from the room's address opens the board: ``ok``, or what stopped it."""
    phone = RoomPhone(-1, url, code, VOTER)
    try:
        async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as session:
            await open_phone(phone, session, asyncio.Semaphore(1))
        return "ok"
    except (RuntimeError, OSError, aiohttp.ClientError, socketio.exceptions.SocketIOError) as error:
        return str(error)[:200] or type(error).__name__
    finally:
        if phone.sio is not None:
            with contextlib.suppress(Exception):
                await phone.sio.disconnect()


# --- the attacker (a process of its own) ----------------------------------------------------------


class Gate:
    """When the attacker acts. Between legs it holds still, its phones connected as a person's
    would stay, so that what it did in a leg is all answered and counted before the room settles."""

    def __init__(self):
        self.running, self.stopping = asyncio.Event(), asyncio.Event()
        self.in_flight = 0

    async def ready(self) -> bool:
        """Wait while held; False once the attack is over."""
        await self.running.wait()
        return not self.stopping.is_set()

    async def sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.stopping.wait(), seconds)

    @contextlib.asynccontextmanager
    async def flight(self):
        self.in_flight += 1
        try:
            yield
        finally:
            self.in_flight -= 1

    async def hold(self) -> None:
        """Hold still: no new request, and every one sent answered (or timed out)."""
        self.running.clear()
        deadline = time.monotonic() + ANSWER_TIMEOUT + 30
        while self.in_flight and time.monotonic() < deadline:
            await asyncio.sleep(0.05)

    def stop(self) -> None:
        self.stopping.set()
        self.running.set()  # wakes every loop, which then ends


class Bucket:
    """The server's token bucket for one kind (auth.RATES), kept by the attacker so it sends as often
    as the limit lets anything through and no more: its refusals cost the server little, its
    accepted actions are what costs."""

    def __init__(self, burst: int, per_second: float):
        self.burst, self.per_second = burst, per_second
        self.tokens, self.stamp = float(burst), time.monotonic()

    def wait(self) -> float:
        """0 after taking a token, else the seconds until there is one."""
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.per_second)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) / self.per_second


class Tally:
    """What the attacker sent in a leg and what came back, per kind."""

    def __init__(self):
        self.started = time.monotonic()
        self.answers: defaultdict[str, Counter] = defaultdict(Counter)
        self.latencies: defaultdict[str, list] = defaultdict(list)
        self.times: defaultdict[str, list] = defaultdict(lambda: [math.inf, -math.inf])
        self.accepted_votes: list = []  # (code, proposal id, delta, seq)
        self.unknown_votes: list = []  # (code, proposal id, delta): no answer, counted or not
        self.accepted_proposals: list[int] = []

    def note(self, kind: str, answer: str, sent: float | None = None) -> None:
        self.answers[kind][answer] += 1
        now = time.monotonic()
        span = self.times[f"{kind}:{answer}"]
        span[0], span[1] = min(span[0], now), max(span[1], now)
        if sent is not None and answer == "ok":
            self.latencies[kind].append((now - sent) * 1000)

    def window(self, kind: str, answer: str) -> list[float] | None:
        """[first, last] time.monotonic() of these answers (the same clock in every process here)."""
        first, last = self.times[f"{kind}:{answer}"]
        return [round(first, 3), round(last, 3)] if last >= first else None

    def report(self, code: str, address: str, phones: int, guess_connections: int) -> dict:
        similar_ms = sorted(self.latencies["similar"])
        figures = {
            "address": address,
            "seconds": round(time.monotonic() - self.started, 1),
            "participants": self.answers["mint"]["participant"],
            "participants_window": self.window("mint", "participant"),
            "mint_answers": dict(self.answers["mint"]),
            "join_answers": dict(self.answers["joins"]),
            "phones": phones,
            "votes_accepted": len(self.accepted_votes),
            "vote_answers": dict(self.answers["votes"]),
            "proposals_accepted": len(self.accepted_proposals),
            "proposal_answers": dict(self.answers["proposals"]),
            "similar_answered": self.answers["similar"]["ok"],
            "similar_answers": dict(self.answers["similar"]),
            "similar_p95_ms": _round(percentile(similar_ms, 95)),
            "guesses": sum(self.answers["guesses"].values()),
            "guess_answers": dict(self.answers["guesses"]),
            "guesses_not_joined_window": self.window("guesses", "not_joined"),
            "guess_connections": guess_connections,
        }
        return {
            "figures": figures,
            "accepted_votes": self.accepted_votes,
            "unknown_votes": self.unknown_votes,
            "accepted_proposals": {code: self.accepted_proposals},
        }


async def _call(sio, event: str, payload: dict):
    try:
        return await sio.call(event, payload, timeout=ANSWER_TIMEOUT)
    except socketio.exceptions.SocketIOError:
        return None


async def attack(url: str, code: str, address: str, texts: dict, settings: dict, control, out) -> None:
    rates = settings["rates"]
    rng = random.Random(99)
    gate = Gate()
    tally = Tally()
    # Guessing spends the address's allowance of failed codes, and once it is spent this address's
    # phone page and joins are refused too, its own participants' included (allowances.code_guesses,
    # events._participant_joining): the attacker first takes every participant it can, and guesses
    # once the page refuses it, or in the last part of a leg (``guess_after`` seconds into it).
    guessing = asyncio.Event()
    phones: list = []
    guess_connections = 0
    tasks: set = set()
    session = aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(local_addr=(address, 0), limit=0),
        cookie_jar=aiohttp.DummyCookieJar(),
        timeout=aiohttp.ClientTimeout(total=ANSWER_TIMEOUT),
    )

    def client() -> socketio.AsyncClient:
        # A session of its own per connection: python-engineio moves the Cookie header into the
        # session's cookie jar, so connections sharing one would share (or, dummy, drop) the cookie.
        return socketio.AsyncClient(
            reconnection=False,
            http_session=lambda: aiohttp.ClientSession(connector=aiohttp.TCPConnector(local_addr=(address, 0))),
        )

    def spawn(coroutine) -> None:
        task = asyncio.create_task(coroutine)
        tasks.add(task)
        task.add_done_callback(tasks.discard)

    async def paced(kind: str, act) -> None:
        """``act()`` as often as the server's limit for ``kind`` lets one through."""
        bucket = Bucket(*rates[kind])
        while await gate.ready():
            if wait := bucket.wait():
                await gate.sleep(wait)
                continue
            async with gate.flight():
                if await act() is False:
                    return

    async def phone(sio, proposals: list[int]) -> None:
        n, mine = 0, None

        async def vote() -> None:
            nonlocal n, mine
            # A dot on and off again, so the budget never stops it: every one is a write.
            pid, delta = (rng.choice(proposals), 1) if mine is None else (mine, -1)
            n += 1
            ack = await _call(sio, "vote", {"client_id": f"attack-{id(sio)}-v{n}", "proposal_id": pid, "delta": delta})
            tally.note("votes", _answer(ack))
            if ack is None:
                tally.unknown_votes.append((code, pid, delta))
            elif ack.get("ok"):
                tally.accepted_votes.append((code, pid, delta, ack["seq"]))
                mine = pid if delta == 1 else None

        async def similar() -> None:
            sent = time.monotonic()
            tally.note("similar", _answer(await _call(sio, "similar", {"text": rng.choice(texts["similar"])})), sent)

        async def post() -> bool:
            nonlocal n
            n += 1
            ack = await _call(sio, "proposal", {"client_id": f"attack-{id(sio)}-p{n}", **rng.choice(texts["posts"])})
            answer = _answer(ack)
            tally.note("proposals", answer)
            if answer == "ok":
                tally.accepted_proposals.append(ack["proposal"]["id"])
            # This participant has posted all it may.
            return answer != "too_many:participant"

        await asyncio.gather(paced("vote", vote), paced("similar", similar), paced("post", post))

    async def enter(cookie: str) -> None:
        """A new participant joins; in flight from the moment mint() got its cookie (see there)."""
        sio = client()
        phones.append(sio)
        try:
            await sio.connect(
                url, headers={"Cookie": f"deelnemer_{code}={cookie}"}, transports=["websocket"], wait_timeout=30
            )
            ack = await _call(sio, "join", {"code": code})
            tally.note("joins", _answer(ack))
        except (socketio.exceptions.SocketIOError, OSError):
            tally.note("joins", "no connection")
            return
        finally:
            gate.in_flight -= 1
        if ack and ack.get("ok"):
            await phone(sio, [p["id"] for p in ack["snapshot"]["proposals"]])

    async def mint() -> None:
        """New participants: the phone page without a cookie, as fast as it gives one."""
        while await gate.ready():
            async with gate.flight():
                try:
                    async with session.get(f"{url}/b/{code}", allow_redirects=False) as response:
                        await response.read()
                        cookie, status = response.cookies.get(f"deelnemer_{code}"), response.status
                except (aiohttp.ClientError, OSError):
                    cookie, status = None, "error"
            if status == 200 and cookie is not None:
                tally.note("mint", "participant")
                # Counted before the task starts, so a hold cannot fall between the page and the join.
                gate.in_flight += 1
                spawn(enter(cookie.value))
            else:
                tally.note("mint", f"HTTP {status}")
                guessing.set()
                # Refused (429 for a while, 409 for good): asking again at once only costs both sides.
                await gate.sleep(0.5)

    def made_up() -> str:
        wrong = code
        while wrong == code:
            wrong = "".join(rng.choice(CODE_ALPHABET) for _ in range(len(code)))
        return wrong

    async def guess() -> None:
        """``join`` with made-up codes over Socket.IO: a connection's whole allowance of reads at
        once, then a new connection, which has a fresh one (only the address's allowance of failed
        codes is left to stop it)."""
        nonlocal guess_connections
        while True:
            started, stopping = asyncio.ensure_future(guessing.wait()), asyncio.ensure_future(gate.stopping.wait())
            await asyncio.wait([started, stopping], return_when=asyncio.FIRST_COMPLETED)
            started.cancel()
            stopping.cancel()
            if not await gate.ready():
                return
            if not guessing.is_set():  # a new leg began meanwhile
                continue
            sio = client()
            async with gate.flight():
                try:
                    await sio.connect(url, transports=["websocket"], wait_timeout=30)
                except (socketio.exceptions.SocketIOError, OSError):
                    tally.note("guesses", "no connection")
                    await gate.sleep(0.5)
                    continue
                guess_connections += 1
                answers = await asyncio.gather(
                    *(_call(sio, "join", {"code": made_up()}) for _ in range(rates["read"][0]))
                )
                for ack in answers:
                    tally.note("guesses", _answer(ack))
                with contextlib.suppress(Exception):
                    await sio.disconnect()

    for _ in range(settings["minters"]):
        spawn(mint())
    for _ in range(settings["guessers"]):
        spawn(guess())
    out.put(("ready",))
    timer = None
    while (message := await _get(control)) != "stop":
        if message[0] == "go":
            tally, guess_connections = Tally(), 0
            guessing.clear()
            timer = asyncio.get_running_loop().call_later(message[1], guessing.set)
            gate.running.set()
        else:  # "hold": the leg is over
            timer.cancel()
            await gate.hold()
            out.put(("leg", tally.report(code, address, len(phones), guess_connections)))
    gate.stop()
    await asyncio.wait(set(tasks), timeout=ANSWER_TIMEOUT + 30)
    for sio in phones:
        with contextlib.suppress(Exception):
            await sio.disconnect()
    await session.close()
    out.put(("stopped",))


def attacker_main(url, code, address, texts, settings, control, out) -> None:
    asyncio.run(attack(url, code, address, texts, settings, control, out))


class Attacker:
    """One process with the board's code, from ``address``, for a whole run: ``begin()`` before a leg
    and ``end()`` after it (Room.leg calls both; ``end()`` returns what it got in the leg), ``close()``
    at the end. In between it holds still, its phones connected. ``texts``: {"similar": [...],
    "posts": [...]}, what it types."""

    def __init__(
        self,
        url: str,
        code: str,
        address: str,
        texts: dict,
        minters: int = 8,
        guessers: int = 5,
        guess_from: float = 0.75,
    ):
        from sessie_app.realtime.auth import RATES  # the attacker has read the code

        self.guess_from = guess_from  # the share of a leg after which it guesses, refused or not

        rates = {kind: (rate.burst, rate.per_second) for kind, rate in RATES.items()}
        self.args = (url, code, address, texts, {"minters": minters, "guessers": guessers, "rates": rates})
        self._process = self.process = None

    def begin(self, seconds: float) -> None:
        if self._process is None:
            ctx = mp.get_context("spawn")
            self.control, self.out = ctx.Queue(), ctx.Queue()
            self._process = ctx.Process(target=attacker_main, args=(*self.args, self.control, self.out), daemon=True)
            self._process.start()
            assert self.out.get(timeout=120)[0] == "ready"
            self.process = psutil.Process(self._process.pid)
        self.control.put(("go", self.guess_from * seconds))

    def end(self) -> dict:
        self.control.put(("hold",))
        kind, result = self.out.get(timeout=ANSWER_TIMEOUT + 120)
        assert kind == "leg", kind
        return result

    def close(self) -> None:
        if self._process is None:
            return
        self.control.put("stop")
        with contextlib.suppress(queue.Empty):
            self.out.get(timeout=ANSWER_TIMEOUT + 60)
        self._process.join(timeout=30)
        if self._process.is_alive():
            self._process.kill()


def attacker_address_works(address: str) -> bool:
    """Whether this machine can send from ``address`` (any 127.x.y.z on Linux's loopback)."""
    import socket

    with socket.socket() as sock:
        try:
            sock.bind((address, 0))
        except OSError:
            return False
    return True
