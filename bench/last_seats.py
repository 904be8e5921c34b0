"""The last seats of a session, fought over by many people at once, against a running server.

    .venv/bin/python bench/last_seats.py                     # 20 rounds of 200 people for 5 seats
    .venv/bin/python bench/last_seats.py --rounds 1 --clients 50

Starts `make serve`'s server on a fresh PostgreSQL database (TEST_DATABASE_URL), then per round: sets
the session's capacity to five more than its confirmed registrations, lets every client open the
registration form, and submits all forms at the same moment. Counts what the database confirmed.
Then the same against bench/unlocked_wsgi.py (the app without its seat lock): the control run that
shows the race is real. Prints one JSON line.
"""

import argparse
import asyncio
import json
import tempfile
import uuid
from pathlib import Path

import aiohttp
import sqlalchemy as sa
from registration_load import CSRF, ROLES, SECTORS, new_session

from testkit.servers import BIN, Gunicorn, PostgresDatabase, Server, environment, flask

SLUG = "tilburg"


async def person(url: str, n: int, ready: asyncio.Barrier, outcomes: list) -> None:
    async with new_session(60) as http:
        async with http.get(f"{url}/sessies/{SLUG}") as response:
            token = CSRF.search(await response.text())
        await ready.wait()
        form = {
            "csrf_token": token.group(1) if token else "",
            "name": f"Persoon {n}",
            "email": f"p{n}-{uuid.uuid4().hex[:8]}@example.org",
            "organisation": "School",
            "role": ROLES[n % len(ROLES)],
            "sector": SECTORS[n % len(SECTORS)],
            "meal": "ja",
            "privacy_consent": "y",
            "website": "",
        }
        try:
            async with http.post(f"{url}/sessies/{SLUG}", data=form, allow_redirects=False) as response:
                await response.read()
                ok = response.status == 302 and "/controleer-uw-mail" in response.headers.get("Location", "")
                outcomes.append("ok" if ok else f"http_{response.status}")
        except (TimeoutError, aiohttp.ClientError) as error:
            outcomes.append(type(error).__name__)


async def round_(url: str, clients: int) -> list[str]:
    outcomes: list[str] = []
    ready = asyncio.Barrier(clients)
    await asyncio.gather(*(person(url, n, ready, outcomes) for n in range(clients)))
    return outcomes


def run(server: Server, engine, rounds: int, clients: int, seats: int) -> dict:
    confirmed_per_round, errors = [], 0
    with engine.begin() as db:
        meeting_id = db.execute(sa.text("SELECT id FROM meetings WHERE slug = :s"), {"s": SLUG}).scalar_one()
    count = sa.text("SELECT count(*) FROM registrations WHERE meeting_id = :m AND status = 'confirmed'")
    for _ in range(rounds):
        with engine.begin() as db:
            before = db.execute(count, {"m": meeting_id}).scalar_one()
            db.execute(
                sa.text("UPDATE meetings SET capacity = :c WHERE id = :m"), {"c": before + seats, "m": meeting_id}
            )
        outcomes = asyncio.run(round_(server.url, clients))
        errors += sum(1 for o in outcomes if o != "ok")
        with engine.begin() as db:
            confirmed_per_round.append(db.execute(count, {"m": meeting_id}).scalar_one() - before)
    return {
        "confirmed_per_round": confirmed_per_round,
        "exact_rounds": sum(1 for c in confirmed_per_round if c == seats),
        "oversold_rounds": sum(1 for c in confirmed_per_round if c > seats),
        "errors": errors,
    }


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--seats", type=int, default=5)
    parser.add_argument("--control-rounds", type=int, default=3, help="rounds without the lock (0: none)")
    args = parser.parse_args(argv)
    result = {"rounds": args.rounds, "clients": args.clients, "seats": args.seats}
    database = PostgresDatabase()
    engine = sa.create_engine(database.url)
    try:
        with tempfile.TemporaryDirectory(prefix="last-seats-") as tmp:
            env = environment(Path(tmp), DATABASE_URL=database.url, REGISTRATION_RATE_LIMIT="100000 per minute")
            flask(env, "db", "upgrade")
            flask(env, "sessions", "seed")
            server = Gunicorn(env).start()
            try:
                result["locked"] = run(server, engine, args.rounds, args.clients, args.seats)
            finally:
                server.stop()
            if args.control_rounds:
                unlocked = Server(
                    [
                        str(BIN / "gunicorn"),
                        "-c",
                        "deploy/gunicorn.conf.py",
                        "--pythonpath",
                        "bench",
                        "unlocked_wsgi:app",
                    ],
                    env,
                    Path(tmp),
                ).start()
                try:
                    result["control_without_lock"] = run(
                        unlocked, engine, args.control_rounds, args.clients, args.seats
                    )
                finally:
                    unlocked.stop()
    finally:
        engine.dispose()
        database.drop()
    print(json.dumps(result), flush=True)
    return result


if __name__ == "__main__":
    main()
