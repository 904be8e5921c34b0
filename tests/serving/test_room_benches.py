"""The room benches, small: bench/opperen.py and bench/abuse.py with 30 phones for a few seconds
against `make serve`'s server on SQLite.

They check the benches' own verdicts on correctness (nothing lost, nothing counted twice, nobody
dropped) and the limits the attacker meets, never timings or how much the machine managed: those
are for bench/ and the README."""

import math

from limits import parse_many

PHONES = 30
MINTERS, GUESSERS = 8, 5  # the attacker's page loads at a time, and its connections guessing codes
NEWCOMERS = "40 per minute"  # room for the 30 phones and a latecomer per leg; the attacker meets it at once


def allowed(rate: str, windows: list) -> int:
    """What one address may get within the ``[first, last]`` times of ``windows`` under ``rate``:
    its amount for each window the span touches (a fixed window opens at its first hit). Exactly:
    spending the allowance is its check (board/allowances.py), so requests in flight at once add
    nothing."""
    times = [t for window in windows if window for t in window]
    span = max(times) - min(times) if times else 0
    return min(item.amount * (math.floor(span / item.get_expiry()) + 1) for item in parse_many(rate))


def test_typing_on_a_board_in_opperen_loses_nothing_and_its_votes_are_refused_by_the_phase(bench):
    summary = bench(
        "opperen.py", "--clients", str(PHONES), "--seconds", "5", "--rate", "10", "--runs", "one", "--no-ceiling"
    )
    (run,) = summary["runs"]
    print(run)
    assert run["connected"] == PHONES and run["typing_phones"] > 0, run
    assert run["similar_answers"].get("ok", 0) > 0 and run["similar_answers"].get("unanswered", 0) == 0, run
    assert run["proposal_answers"].get("ok", 0) > 0, run
    # "opperen" takes no votes: every one sent is refused, and says why.
    assert run["votes"] == 0 and set(run["vote_refusals"]) == {"wrong_phase"}, run
    assert run["lost"] == 0 and run["duplicated"] == 0 and run["disconnects"] == 0, run
    assert "server_traceback" not in run, run


def test_typing_beside_a_board_in_stemmen_loses_no_vote_and_no_proposal(bench):
    summary = bench(
        "opperen.py", "--clients", str(PHONES), "--seconds", "5", "--rate", "10", "--runs", "two", "--no-ceiling"
    )
    (run,) = summary["runs"]
    print(run)
    assert run["connected"] == PHONES, run
    assert run["votes"] > 0 and run["votes_unanswered"] == 0 and not run["vote_refusals"], run
    assert run["similar_answers"].get("ok", 0) > 0 and run["proposal_answers"].get("ok", 0) > 0, run
    assert run["votes_lost"] == 0 and run["votes_duplicated"] == 0, run
    assert run["proposals_lost"] == 0 and run["proposals_duplicated"] == 0, run
    assert run["disconnects"] == 0 and "server_traceback" not in run, run


def test_an_attacker_with_the_code_is_held_to_the_limits_and_the_hall_loses_nothing(bench):
    summary = bench(
        "abuse.py",
        *("--clients", str(PHONES), "--rate", "15", "--seconds", "4", "--posting-seconds", "2"),
        *("--newcomer-limit", NEWCOMERS, "--minters", str(MINTERS), "--guessers", str(GUESSERS)),
    )
    print(summary)
    legs = summary["attacker"]["by_leg"]
    voting, posting = legs["attack, stemmen"], legs["attack, opperen (honest phones idle)"]
    limits = summary["limits"]
    assert limits["BOARD_NEWCOMER_RATE_LIMIT"] == NEWCOMERS, limits

    # The hall: every phone in, every vote and proposal seen, and a latecomer still gets in.
    assert summary["connected"] == PHONES, summary
    assert summary["quiet_p95_ms"] is not None and summary["attack_p95_ms"] is not None, summary
    assert summary["lost"] == 0 and summary["duplicated"] == 0 and summary["disconnects"] == 0, summary
    assert set(summary["latecomer"].values()) == {"ok"}, summary
    assert not summary["server_traceback"], summary

    # New participants: no more than the address's allowance, and refused beyond it.
    participants = voting["participants"] + posting["participants"]
    windows = [voting["participants_window"], posting["participants_window"]]
    assert 0 < participants <= allowed(NEWCOMERS, windows), summary
    assert voting["mint_answers"].get("HTTP 429", 0) > 0, voting

    # Guessed codes: answered "not_joined" within the allowance of failed codes, refused beyond it.
    not_joined = voting["guess_answers"].get("not_joined", 0) + posting["guess_answers"].get("not_joined", 0)
    windows = [voting["guesses_not_joined_window"], posting["guesses_not_joined_window"]]
    assert not_joined <= allowed(limits["BOARD_JOIN_RATE_LIMIT"], windows), summary
    assert summary["attacker"]["guesses_rate_limited"] > 0, summary
    assert set(voting["guess_answers"]) <= {"not_joined", "rate_limited"}, voting

    # Votes count while the board is in "stemmen"; proposals only in "opperen", each participant's
    # at most 20 (CEILINGS in board/services/actions.py).
    assert voting["votes_accepted"] > 0 and voting["proposals_accepted"] == 0, voting
    assert voting["proposal_answers"].get("wrong_phase", 0) > 0, voting
    assert posting["votes_accepted"] == 0 and set(posting["vote_answers"]) <= {"wrong_phase", "rate_limited"}, posting
    assert 0 < posting["proposals_accepted"] <= 20 * participants, posting
