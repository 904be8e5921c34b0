"""One phone flooding the board with votes: do the other phones notice?

    .venv/bin/python bench/flood.py                             # 200 phones, 50 votes/s, 30 s, 1 flooder
    .venv/bin/python bench/flood.py --clients 100 --seconds 15

The load generator (bench/board_load.py) twice against `make serve`'s server, each time on a fresh
SQLite file: first quiet, then with --flood phones that each send 100 votes a second without
waiting for answers.
Measured is the other phones' vote-to-screen latency (p95) with the flood against without it; the
target is at most 1.5 times the quiet figure, with the flooder held to the vote rate limit
(sessie_app/realtime/auth.py). Prints board_load's JSON line for each run, then one JSON line
with both p95s, their ratio and the flooder's accepted and rate-limited votes. It reports: the
exit code is 0 whether the target is met or not (tests/serving/test_flood.py is the check).
"""

import argparse
import json
import sys
import tempfile
from pathlib import Path

from testkit.servers import board_load_on_fresh_server

TARGET = 1.5


def run(args, work: Path, label: str, flood: int) -> dict:
    try:
        result, _log = board_load_on_fresh_server(
            work,
            "--clients",
            str(args.clients),
            "--rate",
            str(args.rate),
            "--seconds",
            str(args.seconds),
            "--flood",
            str(flood),
            "--label",
            label,
        )
    except RuntimeError as error:
        sys.exit(f"{label}: {error}")
    print(json.dumps(result), flush=True)
    return result


def main() -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--rate", type=float, default=50, help="votes per second from the other phones in total")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--flood", type=int, default=1, help="phones sending 100 votes/s each in the second run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="flood-") as tmp:
        work = Path(tmp)
        (work / "quiet").mkdir()
        (work / "flood").mkdir()
        quiet = run(args, work / "quiet", "quiet", 0)
        flooded = run(args, work / "flood", f"flood {args.flood}", args.flood)
    ratio = flooded["p95_ms"] / quiet["p95_ms"] if quiet["p95_ms"] and flooded["p95_ms"] else None
    summary = {
        "quiet_p95_ms": quiet["p95_ms"],
        "flood_p95_ms": flooded["p95_ms"],
        "ratio": round(ratio, 2) if ratio is not None else None,
        "target": TARGET,
        "within_target": ratio is not None and ratio <= TARGET,
        "flood_sent": flooded.get("flood", {}).get("sent", 0),
        "flood_accepted": flooded.get("flood", {}).get("ok", 0),
        "flood_rate_limited": flooded.get("flood", {}).get("rate_limited", 0),
        # Everything the two runs must agree on besides latency: nothing lost, counted twice or dropped.
        "lost": quiet["lost"] + flooded["lost"],
        "duplicated": quiet["duplicated"] + flooded["duplicated"],
        "disconnects": quiet["disconnects"] + flooded["disconnects"],
    }
    print(json.dumps(summary), flush=True)
    return summary


if __name__ == "__main__":
    main()
