"""The live board under load, three ways in one run: the machine's ceiling, one instance, two instances.

    .venv/bin/python bench/board_suite.py                       # 1,000 phones, 100 votes/s, 60 s
    .venv/bin/python bench/board_suite.py --clients 200 --seconds 20

1. bench/baseline_ws.py, a bare asyncio websockets server (the ceiling of this machine and generator);
2. one instance as `make serve` runs it, on a fresh SQLite file;
3. two instances on a fresh PostgreSQL database sharing a Redis message queue, phones spread over both.

Each is measured by bench/board_load.py (its JSON line is printed as it comes), then a Markdown table
with each figure as a ratio to the ceiling. Needs PostgreSQL (TEST_DATABASE_URL) and Redis (REDIS_URL,
default redis://127.0.0.1:6379/0) for the third; --skip-two leaves it out.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

from testkit.servers import ROOT, Gunicorn, PostgresDatabase, Server, environment, flask

# The app's tally interval (sessie_app/config.py), given to the ceiling too so both send as often.
INTERVAL = os.environ.get("TALLY_INTERVAL", "0.2")
# Every phone of the generator comes from 127.0.0.1, one address for a hall larger than a board takes
# by default (README, Live board): the servers here let them all in.
WHOLE_HALL = {"BOARD_NEWCOMER_RATE_LIMIT": "1000000 per minute", "BOARD_MAX_PARTICIPANTS": "1000000"}


class Baseline(Server):
    """bench/baseline_ws.py: the machine's ceiling."""

    def __init__(self, log_dir: Path, interval: float, port: int | None = None):
        super().__init__(
            [sys.executable, "bench/baseline_ws.py", "--port", "{port}", "--interval", str(interval)],
            dict(os.environ),
            log_dir,
            port,
        )


def load(urls: list[str], args, env: dict, label: str, extra: list[str] = ()) -> dict:
    command = [
        sys.executable,
        "bench/board_load.py",
        "--clients",
        str(args.clients),
        "--rate",
        str(args.rate),
        "--seconds",
        str(args.seconds),
        "--label",
        label,
        *extra,
    ]
    for url in urls:
        command += ["--url", url]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{label}: board_load failed\n{done.stderr[-3000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    print(json.dumps(result), flush=True)
    return result


def baseline(args, work: Path) -> dict:
    server = Baseline(work, float(INTERVAL)).start()
    try:
        return load([server.url], args, dict(os.environ), "baseline", ["--codes", "BASE01"])
    finally:
        server.stop()


def one_instance(args, work: Path) -> dict:
    env = environment(work / "one", TALLY_INTERVAL=INTERVAL, **WHOLE_HALL)
    flask(env, "db", "upgrade")
    server = Gunicorn(env).start()
    try:
        return load([server.url], args, env, "one instance, SQLite")
    finally:
        server.stop()


def two_instances(args, work: Path) -> dict:
    database = PostgresDatabase()
    try:
        env = environment(
            work / "two",
            DATABASE_URL=database.url,
            REDIS_URL=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
            SOCKETIO_CHANNEL=f"bench-{uuid.uuid4().hex[:8]}",
            TALLY_INTERVAL=INTERVAL,
            **WHOLE_HALL,
        )
        flask(env, "db", "upgrade")
        servers = [Gunicorn(env).start(), Gunicorn(env).start()]
        try:
            return load([s.url for s in servers], args, env, "two instances, PostgreSQL + Redis")
        finally:
            for server in servers:
                server.stop()
    finally:
        database.drop()


def table(rows: list[dict], ceiling: dict) -> str:
    def ratio(row, key):
        return f" ({row[key] / ceiling[key]:.1f}×)" if row is not ceiling and ceiling.get(key) else ""

    lines = [
        "| run | phones | votes/s | connect | p50 | p95 | p99 | lost | dup. | disc. | server CPU | server RSS |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row['label']} | {row['connected']}/{row['clients']} | {row['rate']:g} | {row['connect_s']} s{ratio(row, 'connect_s')} "
            f"| {row['p50_ms']} ms | {row['p95_ms']} ms{ratio(row, 'p95_ms')} | {row['p99_ms']} ms | {row['lost']} | {row['duplicated']} "
            f"| {row['disconnects']} | {row['server_cpu_pct']} % | {row['server_rss_mb']} MB |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=100)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--skip-two", action="store_true", help="leave out the two instances on PostgreSQL + Redis")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="board-suite-") as tmp:
        work = Path(tmp)
        (work / "one").mkdir()
        (work / "two").mkdir()
        ceiling = baseline(args, work)
        rows = [ceiling, one_instance(args, work)]
        if not args.skip_two:
            rows.append(two_instances(args, work))
    print()
    print(table(rows, ceiling))


if __name__ == "__main__":
    main()
