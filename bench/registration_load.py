"""Concurrent registrations against a running server; prints one JSON line.

    .venv/bin/python bench/registration_load.py --url http://127.0.0.1:5001 --clients 50 --requests-per-client 4

Each client (its own aiohttp session and cookie jar) registers --requests-per-client times in a row as a
person does: GET /sessies/<slug>, then POST the filled form with the page's CSRF token and a new address
bench+<uuid>@example.org. A registration is ok when the POST answers with the redirect to the
check-your-mail page; the latencies (over the ok ones) cover GET + POST. All clients start at the same
moment, spread round robin over the sessions on the home page unless --session is given. A full session
wait-lists people without saying so on the page: "waitlisted" comes from the seats-left badge before
and after the run, so run nothing else against the server meanwhile.

The server limits registrations per IP (REGISTRATION_RATE_LIMIT, default "10 per minute") and all
clients share one address: answers 429 are counted as "rate_limited". Run the server for the bench
with a high limit, on a fresh instance (mails go to /tmp/regbench/outbox without MAIL_SERVER):

    SESSIE_INSTANCE_PATH=/tmp/regbench .venv/bin/flask --app sessie_app db upgrade
    SESSIE_INSTANCE_PATH=/tmp/regbench .venv/bin/flask --app sessie_app sessions seed
    REGISTRATION_RATE_LIMIT="10000 per minute" BIND=127.0.0.1:5001 SESSIE_INSTANCE_PATH=/tmp/regbench \\
        .venv/bin/gunicorn -c deploy/gunicorn.conf.py wsgi:app
"""

import argparse
import asyncio
import json
import math
import os
import re
import time
import uuid
from collections import Counter

import aiohttp

ROLES = ["leraar", "schoolleider", "onderzoeker", "lerarenopleider", "bestuurder", "beleidsmaker", "student", "anders"]
SECTORS = ["PO", "VO", "MBO", "HBO", "WO", "anders"]
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
SEATS = re.compile(r"Nog (\d+) plaats")


def new_session(timeout: float) -> aiohttp.ClientSession:
    # The default jar ignores cookies from a bare IP address such as 127.0.0.1, and without the
    # session cookie every POST would fail its CSRF check.
    return aiohttp.ClientSession(
        cookie_jar=aiohttp.CookieJar(unsafe=True),
        timeout=aiohttp.ClientTimeout(total=timeout),
        # The app speaks Dutch unless a cookie says otherwise; the seats badge is parsed in Dutch.
        cookies={"lang": "nl"},
    )


async def seats_left(http: aiohttp.ClientSession, url: str, slug: str) -> int:
    async with http.get(f"{url}/sessies/{slug}") as response:
        page = await response.text()
    found = SEATS.search(page)
    return int(found.group(1)) if found else 0


async def register(http: aiohttp.ClientSession, url: str, slug: str, n: int) -> str | None:
    """One registration; None when it went through, else the kind of error."""
    async with http.get(f"{url}/sessies/{slug}") as response:
        if response.status != 200:
            return "rate_limited" if response.status == 429 else f"form_page_{response.status}"
        token = CSRF.search(await response.text())
    if token is None:
        return "no_form"  # registration closed for this session
    form = {
        "csrf_token": token.group(1),
        "name": f"Bench Deelnemer {n}",
        "email": f"bench+{uuid.uuid4().hex}@example.org",
        "organisation": "Belastingtest",
        "role": ROLES[n % len(ROLES)],
        "sector": SECTORS[n % len(SECTORS)],
        "meal": "ja" if n % 2 else "nee",
        "privacy_consent": "y",
        "website": "",  # the honeypot: filled in, the app would answer ok without registering
    }
    async with http.post(f"{url}/sessies/{slug}", data=form, allow_redirects=False) as response:
        await response.read()
        if response.status in (302, 303):
            # Anything but check-your-mail is the app's "registration closed" redirect back to the form.
            return (
                None if "/controleer-uw-mail" in response.headers.get("Location", "") else "redirect_not_confirmation"
            )
        if response.status == 200:
            return "form_rejected"  # the form came back with validation errors
        return "rate_limited" if response.status == 429 else f"http_{response.status}"


async def client(number: int, args, slugs: list[str], barrier: asyncio.Barrier, results: list) -> None:
    async with new_session(args.timeout) as http:
        await barrier.wait()
        for i in range(args.requests_per_client):
            n = number * args.requests_per_client + i
            # Round robin over registrations rather than clients, so every session gets its share
            # even when the client count is a multiple of the session count.
            slug = slugs[n % len(slugs)]
            started = time.perf_counter()
            try:
                error = await register(http, args.url, slug, n)
            except TimeoutError:
                error = "timeout"
            except aiohttp.ClientConnectionError:
                error = "connection_error"
            except aiohttp.ClientError as exc:
                error = type(exc).__name__
            results.append((slug, error, (time.perf_counter() - started) * 1000))


def server_cpu_s(pid: int | None) -> float:
    """CPU seconds used so far by the server process ``pid`` and its children (gunicorn's master and
    worker): a figure that holds when the machine is busy with other work, unlike the latencies."""
    if not pid:
        return 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    pending = [pid]
    while pending:
        current = pending.pop()
        with open(f"/proc/{current}/stat") as stat:
            fields = stat.read().rpartition(")")[2].split()
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
        for task in os.listdir(f"/proc/{current}/task"):
            with open(f"/proc/{current}/task/{task}/children") as children:
                pending.extend(int(child) for child in children.read().split())
    return total


def percentile(ordered: list[float], p: float) -> float | None:
    """Nearest rank."""
    if not ordered:
        return None
    return round(ordered[max(math.ceil(p / 100 * len(ordered)) - 1, 0)], 1)


async def main(args) -> dict:
    async with new_session(args.timeout) as http:
        if args.session:
            slugs = [args.session]
        else:
            async with http.get(f"{args.url}/") as response:
                slugs = list(dict.fromkeys(re.findall(r'href="/sessies/([\w-]+)', await response.text())))
            if not slugs:
                raise SystemExit(f"no sessions on {args.url}/: run `flask --app sessie_app sessions seed` first")
        before = {slug: await seats_left(http, args.url, slug) for slug in slugs}
        results: list[tuple[str, str | None, float]] = []
        cpu_before = server_cpu_s(args.server_pid)
        barrier = asyncio.Barrier(args.clients + 1)
        tasks = [asyncio.create_task(client(c, args, slugs, barrier, results)) for c in range(args.clients)]
        await barrier.wait()
        started = time.perf_counter()
        await asyncio.gather(*tasks)
        wall_s = time.perf_counter() - started
        cpu_s = server_cpu_s(args.server_pid) - cpu_before
        after = {slug: await seats_left(http, args.url, slug) for slug in slugs}

    ok_per_slug = Counter(slug for slug, error, _ in results if error is None)
    latencies = sorted(ms for _, error, ms in results if error is None)
    error_kinds = Counter(error for _, error, _ in results if error is not None)
    report = {
        "clients": args.clients,
        "requests": len(results),
        "ok": len(latencies),
        "waitlisted": sum(max(ok - (before[slug] - after[slug]), 0) for slug, ok in ok_per_slug.items()),
        "errors": sum(error_kinds.values()),
    }
    if error_kinds:
        report["error_kinds"] = dict(error_kinds)
    if error_kinds["rate_limited"]:
        report["rate_limited"] = error_kinds["rate_limited"]
        report["note"] = 'HTTP 429: start the server with REGISTRATION_RATE_LIMIT="10000 per minute"'
    report |= {
        "latency": "GET form + POST registration",
        **{f"p{p}_ms": percentile(latencies, p) for p in (50, 95, 99)},
        "max_ms": round(latencies[-1], 1) if latencies else None,
        "requests_per_s": round(len(results) / wall_s, 1),
        "wall_s": round(wall_s, 2),
    }
    if args.server_pid:
        report["server_cpu_ms_per_registration"] = round(cpu_s * 1000 / max(len(latencies), 1), 2)
    return report


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="base URL of the running server, e.g. http://127.0.0.1:5001")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests-per-client", type=int, default=4)
    parser.add_argument("--session", help="one session slug for every registration (default: all, round robin)")
    parser.add_argument(
        "--server-pid", type=int, help="gunicorn's master pid: adds the server's CPU time per registration"
    )
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per HTTP request")
    args = parser.parse_args()
    args.url = args.url.rstrip("/")
    print(json.dumps(asyncio.run(main(args))))
