"""A stranger with the board's code, beside a hall that votes: do the honest phones notice?

    .venv/bin/python bench/abuse.py                         # 200 phones, 50 votes/s, 60 s quiet, 60 s attacked
    .venv/bin/python bench/abuse.py --clients 100 --seconds 15 --posting-seconds 10

One `make serve` server on a fresh SQLite file with the app's own limits (none raised: what one
address may do is what is measured), one board in "stemmen" with realistic proposals. The honest
phones (testkit/room_load.py) join once and vote, --rate votes a second in all, measured twice with
the same phones: quiet, then while the attacker runs. The attacker is one process for the whole run
(room_load.Attacker; between legs it holds still, its phones connected) that, as fast as the server
lets it:
- mints participants: the phone page without a cookie, over and over, each new one joined over
  Socket.IO and then
- asking ``similar``, voting (a dot on and off again) and posting proposals of the maximum length,
  each as often as the per-participant limit (sessie_app/realtime/auth.py, RATES) lets through;
- guesses codes: ``join`` with made-up codes, a connection's whole allowance of reads at once, then a
  new connection. Wrong codes spend the address's allowance of failed codes, which the phone page
  shares: once it is spent the page refuses the address too, new participants and all. So the
  attacker guesses once the page refuses it new participants, or from --guess-from of each attacked
  leg on (three quarters), whichever comes first.

Addresses. The honest phones come from 127.0.0.1, one address as a hall behind the venue's Wi-Fi
(they fit within the default 500 newcomers a minute and 1,000 participants of a board). The attacker
comes from --attacker-address, 127.0.0.2 by default: another address on the loopback network,
as a phone on its own mobile connection. The server needs no setting for that (TRUSTED_PROXIES with
X-Forwarded-For would give the honest phones addresses of their own too, but only behind a proxy
that sets the header, and a hall behind one venue address is the case the limits are made for).
With --attacker-address 127.0.0.1 the attacker sits on the venue's Wi-Fi instead and spends the
hall's allowances. At the end of each leg, while the attacker still acts, one more phone opens the
board from the hall's address (``latecomer``): whether a phone that arrives or reloads then gets in.

Phases. Votes are taken only in "stemmen", proposals only in "opperen": in the attacked leg the
attacker's posts are refused by the phase (``wrong_phase``, counted as such). With --posting-seconds
a third leg moves the board to "opperen" and attacks again, the honest phones connected but idle
(they cannot vote there): what the attacker gets onto the board, and whether every phone hears it.

Prints one JSON line per leg, a Markdown table, and last one JSON line with the honest p95 quiet and
attacked, their ratio (target at most 1.5), what the attacker got in each leg and the limits the
server ran with. The exit code is 0 whether the target is met or not (tests/serving/
test_room_benches.py checks behaviour only).
"""

import argparse
import json
import os
import random
import sys
import tempfile
from pathlib import Path
from unittest import mock

from testkit.room_load import VOTER, Attacker, Room, attacker_address_works, make_board
from testkit.servers import Gunicorn, environment, flask

TARGET = 1.5
LIMITS = ("BOARD_NEWCOMER_RATE_LIMIT", "BOARD_JOIN_RATE_LIMIT", "BOARD_MAX_PARTICIPANTS")


def server_settings(env: dict) -> dict:
    """The limits as the server reads them from ``env`` (its defaults where unset)."""
    from sessie_app.config import from_environment

    with mock.patch.dict(os.environ, env, clear=True):
        config = from_environment(Path(env["SESSIE_INSTANCE_PATH"]))
    return {key: config[key] for key in LIMITS}


def attacker_texts(seed: int) -> dict:
    """Texts in the room's words at the maximum lengths: a hint asked with all it may carry, and
    proposals that spend the board's text budget fastest."""
    from report_data import IDEAS
    from similar import full_text

    from sessie_app.limits import BOARD_FIELDS

    rng = random.Random(seed)
    words = " ".join(" ".join(idea.titles + idea.bigs + idea.smalls) for idea in IDEAS).split()
    return {
        "similar": [full_text(rng, words, BOARD_FIELDS["title"] + BOARD_FIELDS["big"]) for _ in range(50)],
        "posts": [
            {
                "title": full_text(rng, words, BOARD_FIELDS["title"]),
                "big": full_text(rng, words, BOARD_FIELDS["big"]),
                "small": full_text(rng, words, BOARD_FIELDS["small"]),
            }
            for _ in range(50)
        ],
    }


def table(legs: list[dict]) -> str:
    lines = [
        "| leg | honest votes/s | vote p95 | vote ack p95 | lost | dup. | disc. | latecomer | attacker: participants "
        "| votes in | proposals in | similar answered | guesses answered | server CPU | attacker CPU |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for leg in legs:
        a = leg.get("attacker")
        if a:
            asked = sum(a["similar_answers"].values())
            guesses = ", ".join(f"{answer} {n}" for answer, n in a["guess_answers"].items()) or "none"
            attacker = (
                f"{a['participants']} | {a['votes_accepted']} | {a['proposals_accepted']} "
                f"| {a['similar_answered']} of {asked} | {guesses} | {leg['server_cpu_pct']} % | {a['cpu_pct']} %"
            )
        else:
            attacker = f"– | – | – | – | – | {leg['server_cpu_pct']} % | –"
        lines.append(
            f"| {leg['label']} | {leg['vote_rate']:g} | {_ms(leg['vote_p95_ms'])} | {_ms(leg['vote_ack_p95_ms'])} "
            f"| {leg['lost']} | {leg['duplicated']} | {leg['disconnects']} | {leg.get('latecomer', '–')} | {attacker} |"
        )
    return "\n".join(lines)


def _ms(value) -> str:
    return "–" if value is None else f"{value:g} ms"


def main() -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=200, help="honest phones")
    parser.add_argument("--rate", type=float, default=50, help="honest votes per second in total")
    parser.add_argument("--seconds", type=float, default=60, help="length of the quiet and of the attacked leg")
    parser.add_argument(
        "--posting-seconds", type=float, default=30, help="length of the attack in opperen (0: leave it out)"
    )
    parser.add_argument("--proposals", type=int, default=30, help="proposals on the board")
    parser.add_argument("--attacker-address", default="127.0.0.2", help="the address the attacker sends from")
    parser.add_argument("--minters", type=int, default=8, help="the attacker's page loads at a time")
    parser.add_argument("--guessers", type=int, default=5, help="the attacker's connections guessing codes")
    parser.add_argument(
        "--guess-from", type=float, default=0.75, help="share of an attacked leg after which the attacker guesses"
    )
    parser.add_argument("--newcomer-limit", help="BOARD_NEWCOMER_RATE_LIMIT for the server (default: the app's)")
    parser.add_argument("--procs", type=int, default=2, help="processes of honest phones")
    args = parser.parse_args()
    if not attacker_address_works(args.attacker_address):
        sys.exit(f"cannot send from {args.attacker_address} on this machine")

    from opperen import room_proposals

    with tempfile.TemporaryDirectory(prefix="abuse-") as tmp:
        settings = {"BOARD_NEWCOMER_RATE_LIMIT": args.newcomer_limit} if args.newcomer_limit else {}
        env = environment(Path(tmp), **settings)
        flask(env, "db", "upgrade")
        code = make_board(env, "Belaagd", room_proposals(args.proposals, seed=3), "stemmen")
        texts = attacker_texts(seed=4)
        server = Gunicorn(env).start()
        legs = []
        try:
            room = Room([(server.url, code, VOTER)] * args.clients, [], args.procs, [server.process.pid])
            attacker = Attacker(
                server.url, code, args.attacker_address, texts, args.minters, args.guessers, args.guess_from
            )
            try:
                connect = room.start()

                def leg(label: str, seconds: float, rate: float, attacked: bool) -> dict:
                    result = room.leg(label, seconds, rate, attacker=attacker if attacked else None, latecomer=True)
                    result.update(connect_s=connect["connect_s"])
                    print(json.dumps(result), flush=True)
                    legs.append(result)
                    return result

                quiet = leg("quiet", args.seconds, args.rate, attacked=False)
                attacked = leg("attack, stemmen", args.seconds, args.rate, attacked=True)
                if args.posting_seconds > 0:
                    flask(env, "board", "phase", code, "opperen")
                    leg("attack, opperen (honest phones idle)", args.posting_seconds, 0, attacked=True)
            finally:
                attacker.close()
                room.close()
        finally:
            server.stop()
        traceback = "Traceback" in server.log_text()

    ratio = attacked["vote_p95_ms"] / quiet["vote_p95_ms"] if quiet["vote_p95_ms"] and attacked["vote_p95_ms"] else None
    attacks = [leg["attacker"] for leg in legs if "attacker" in leg]
    summary = {
        "honest_phones": args.clients,
        "connected": connect["connected"],
        "quiet_p95_ms": quiet["vote_p95_ms"],
        "attack_p95_ms": attacked["vote_p95_ms"],
        "ratio": round(ratio, 2) if ratio is not None else None,
        "target": TARGET,
        "within_target": ratio is not None and ratio <= TARGET,
        "limits": server_settings(env),
        "attacker_address": args.attacker_address,
        "attacker": {
            "participants": sum(a["participants"] for a in attacks),
            "votes_accepted": sum(a["votes_accepted"] for a in attacks),
            "proposals_accepted": sum(a["proposals_accepted"] for a in attacks),
            "similar_answered": sum(a["similar_answered"] for a in attacks),
            "guesses": sum(a["guesses"] for a in attacks),
            "guesses_not_joined": sum(a["guess_answers"].get("not_joined", 0) for a in attacks),
            "guesses_rate_limited": sum(a["guess_answers"].get("rate_limited", 0) for a in attacks),
            "by_leg": {leg["label"]: leg["attacker"] for leg in legs if "attacker" in leg},
        },
        "latecomer": {leg["label"]: leg["latecomer"] for leg in legs},
        # Everything the legs must agree on besides latency: nothing lost, counted twice or dropped.
        "lost": sum(leg["lost"] for leg in legs),
        "duplicated": sum(leg["duplicated"] for leg in legs),
        "disconnects": sum(leg["disconnects"] for leg in legs),
        "server_traceback": traceback,
    }
    print()
    print(table(legs))
    print()
    print(
        f"honest vote p95: quiet {_ms(quiet['vote_p95_ms'])}, attacked {_ms(attacked['vote_p95_ms'])}: "
        f"{summary['ratio']}× (target ≤ {TARGET}×) {'✓' if summary['within_target'] else '✗'}"
    )
    print(json.dumps(summary), flush=True)
    return summary


if __name__ == "__main__":
    main()
