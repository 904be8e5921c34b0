"""Opperen: a hall typing proposals on a board that already holds 300, while votes come in.

    .venv/bin/python bench/opperen.py                       # 1,000 phones, 20 % typing, 60 s
    .venv/bin/python bench/opperen.py --clients 300 --seconds 15 --no-ceiling

A fifth of the phones type (--typing): each asks ``similar`` every 0.4 s with the title typed so far
(testkit/room_load.py, type_titles: the page itself asks only on a pause, so this is its busiest
case), and the room posts 2 proposals a second in all (--posts), each by a typing phone, within the
per-phone post limit. The others vote, 100 votes a second in all (--rate). Proposals are realistic
Dutch ones (bench/report_data.py's ideas, written as people write them): 300 on the board, imported
with `flask board import-csv`, and new ones typed and posted.

The board takes proposals only in the phase "opperen" and votes only in "stemmen"
(board/services/actions.py): no board takes both at once. So the scenario is run two ways:

1. one board in "opperen", every phone on it: typing and posting as above, and the votes sent all the
   same, each refused by the phase (``wrong_phase``): its round trip is the vote figure there is;
2. two boards on the same server: the typing phones on the "opperen" board, the voting phones on a
   board in "stemmen" with the same proposals, so votes are measured beside the typing load.

The ceiling is bench/baseline_ws.py (its ``Baseline`` in bench/board_suite.py) with the voting phones
and votes of run 2 (it answers votes only, on 12 proposals; the app's tallies carry all 300). Each
run starts `make serve`'s server on a fresh SQLite file, with every phone let in from one address
(board_suite's WHOLE_HALL). Prints one JSON line per run as it ends, a Markdown table with each
figure beside its target (vote p95 at most 1.3× the ceiling's, similar p95 at most 50 ms, nothing
lost or duplicated, nobody dropped), and last one JSON line with every run and the verdicts. The
exit code is 0 whether the targets are met or not (tests/serving/test_room_benches.py checks
behaviour only).
"""

import argparse
import json
import random
import tempfile
from pathlib import Path

from board_suite import INTERVAL, WHOLE_HALL, baseline

from testkit.room_load import TYPER, VOTER, Room, make_board
from testkit.servers import Gunicorn, environment, flask

CEILING_RATIO = 1.3
SIMILAR_P95_MS = 50


def room_proposals(count: int, seed: int) -> list[dict]:
    """Proposals as a room writes them: bench/report_data.py's ideas, by popularity, in people's words."""
    from report_data import IDEAS, _proposal_text

    rng = random.Random(seed)
    weights = [idea.popularity for idea in IDEAS]
    return [_proposal_text(rng.choices(IDEAS, weights=weights)[0], rng) for _ in range(count)]


def app_run(args, work: Path, label: str, two_boards: bool) -> dict:
    env = environment(work, TALLY_INTERVAL=INTERVAL, **WHOLE_HALL)
    flask(env, "db", "upgrade")
    on_board = room_proposals(args.proposals, seed=1)
    typing_board = make_board(env, "Opperen", on_board, "opperen")
    voting_board = make_board(env, "Stemmen", on_board, "stemmen") if two_boards else typing_board
    typers = round(args.clients * args.typing)
    server = Gunicorn(env).start()
    try:
        # Typing phones first: Room deals the phones out round robin, so every worker gets its share.
        plan = [
            (server.url, typing_board, TYPER) if n < typers else (server.url, voting_board, VOTER)
            for n in range(args.clients)
        ]
        room = Room(plan, room_proposals(2000, seed=2), args.procs, [server.process.pid])
        try:
            connect = room.start()
            result = room.leg(
                label,
                args.seconds,
                vote_rate=args.rate,
                post_rate=args.posts,
                typing=True,
                similar_every=args.similar_every,
            )
        finally:
            room.close()
    finally:
        server.stop()
    result = {
        **result,
        **connect,
        "typing_phones": typers,
        "voting_phones": args.clients - typers,
        "proposals_on_board": args.proposals,
    }
    if "Traceback" in server.log_text():
        result["server_traceback"] = True
    print(json.dumps(result), flush=True)
    return result


def verdicts(runs: list[dict], ceiling: dict | None) -> list[dict]:
    found = []
    for run in runs:
        if ceiling and run["votes"]:
            value = run["vote_p95_ms"] / ceiling["p95_ms"] if run["vote_p95_ms"] and ceiling["p95_ms"] else None
            found.append(
                {
                    "run": run["label"],
                    "target": f"vote p95 ≤ {CEILING_RATIO}× ceiling",
                    "value": round(value, 2) if value is not None else None,
                    "met": value is not None and value <= CEILING_RATIO,
                }
            )
        found.append(
            {
                "run": run["label"],
                "target": f"similar p95 ≤ {SIMILAR_P95_MS} ms",
                "value": run["similar_p95_ms"],
                "met": run["similar_p95_ms"] is not None and run["similar_p95_ms"] <= SIMILAR_P95_MS,
            }
        )
        for key in ("lost", "duplicated", "disconnects"):
            found.append({"run": run["label"], "target": f"0 {key}", "value": run[key], "met": run[key] == 0})
    return found


def _ms(value) -> str:
    return "–" if value is None else f"{value:g} ms"


def table(runs: list[dict], ceiling: dict | None) -> str:
    def times(value, key="p95_ms"):
        return f" ({value / ceiling[key]:.2f}×)" if ceiling and value and ceiling.get(key) else ""

    lines = [
        "| run | phones | typing | votes/s | vote p95 | vote ack p95 | similar p50 | similar p95 | similar answers "
        "| proposals (answers) | proposal seen p95 | lost | dup. | disc. | server CPU | server RSS |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    if ceiling:
        lines.append(
            f"| ceiling (baseline_ws) | {ceiling['connected']}/{ceiling['clients']} | – | {ceiling['rate']:g} "
            f"| {_ms(ceiling['p95_ms'])} | {_ms(ceiling['ack_p95_ms'])} | – | – | – | – | – | {ceiling['lost']} "
            f"| {ceiling['duplicated']} | {ceiling['disconnects']} | {ceiling['server_cpu_pct']} % "
            f"| {ceiling['server_rss_mb']} MB |"
        )
    for run in runs:
        refused = run["vote_refusals"]
        vote_p95 = (
            f"{_ms(run['vote_p95_ms'])}{times(run['vote_p95_ms'])}"
            if run["votes"]
            else f"none taken ({', '.join(f'{k} {v}' for k, v in refused.items()) or 'none sent'})"
        )
        ack = _ms(run["vote_ack_p95_ms"]) if run["votes"] else f"{_ms(run['vote_refused_ack_p95_ms'])} (refusal)"
        lines.append(
            f"| {run['label']} | {run['connected']}/{run['phones']} | {run['typing_phones']} | {run['vote_rate']:g} "
            f"| {vote_p95} | {ack} | {_ms(run['similar_p50_ms'])} | {_ms(run['similar_p95_ms'])} "
            f"| {_answers(run['similar_answers'])} | {_answers(run['proposal_answers'])} "
            f"| {_ms(run['proposal_seen_p95_ms'])} | {run['lost']} | {run['duplicated']} | {run['disconnects']} "
            f"| {run['server_cpu_pct']} % | {run['server_rss_mb']} MB |"
        )
    return "\n".join(lines)


def _answers(counts: dict) -> str:
    return ", ".join(f"{answer} {n}" for answer, n in sorted(counts.items(), key=lambda kv: -kv[1])) or "–"


def main() -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--typing", type=float, default=0.2, help="share of the phones that type")
    parser.add_argument("--rate", type=float, default=100, help="votes per second in total")
    parser.add_argument("--posts", type=float, default=2, help="proposals posted per second in total")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--similar-every", type=float, default=0.4, help="seconds between hints a typing phone asks")
    parser.add_argument("--proposals", type=int, default=300, help="proposals on the board before the run")
    parser.add_argument(
        "--runs", default="one,two", help="one (one board in opperen), two (opperen and stemmen boards), or both"
    )
    parser.add_argument("--no-ceiling", action="store_true", help="leave out the baseline_ws run")
    parser.add_argument("--procs", type=int, default=2, help="generator processes")
    args = parser.parse_args()
    wanted = {name.strip() for name in args.runs.split(",")}
    if not wanted or wanted - {"one", "two"}:
        parser.error("--runs takes one, two or one,two")

    with tempfile.TemporaryDirectory(prefix="opperen-") as tmp:
        work = Path(tmp)
        ceiling = None
        if "two" in wanted and not args.no_ceiling:
            voters = args.clients - round(args.clients * args.typing)
            ceiling = baseline(argparse.Namespace(clients=voters, rate=args.rate, seconds=args.seconds), work)
        runs = []
        if "one" in wanted:
            (work / "one").mkdir()
            runs.append(app_run(args, work / "one", "one board, opperen", two_boards=False))
        if "two" in wanted:
            (work / "two").mkdir()
            runs.append(app_run(args, work / "two", "two boards, opperen + stemmen", two_boards=True))
    found = verdicts(runs, ceiling)
    print()
    print(table(runs, ceiling))
    print()
    for verdict in found:
        print(f"- {verdict['run']}: {verdict['target']}: {verdict['value']} {'✓' if verdict['met'] else '✗'}")
    summary = {"ceiling": ceiling, "runs": runs, "targets": found}
    print(json.dumps(summary), flush=True)
    return summary


if __name__ == "__main__":
    main()
