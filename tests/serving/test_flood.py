"""One phone sending 100 votes a second, beside forty-five voting as people do, against `make serve`'s
server on SQLite (full variant with the latency comparison: bench/flood.py).

It checks behaviour only, never timings: every vote of the flooder is answered and the vote rate
limit throttles it, the other phones lose nothing and are never refused for it, and the flooder's
accepted dots are in the final counts (the load generator compares every phone's final tally with
all acknowledged dots, the flooder's included, and reports a difference as lost or duplicated)."""

from sessie_app.realtime.auth import RATES

PHONES, RATE, SECONDS = 45, 20, 10
VOTE = RATES["vote"]


def test_a_phone_flooding_votes_is_throttled_and_the_others_lose_nothing(board_load):
    result, log = board_load(
        "--clients", str(PHONES), "--rate", str(RATE), "--seconds", str(SECONDS), "--flood", "1", timeout=600
    )
    print(result)
    flood = result["flood"]
    answered = sum(count for answer, count in flood.items() if answer not in ("phones", "sent", "span_s"))
    assert answered == flood["sent"], result
    limited = flood.get("rate_limited", 0)
    assert limited > 0, result
    # Each vote the limit let through took a token, also those the budget then refused. The bucket
    # is full at the first vote and refills only while the server handles the flood, which lies
    # within the span from the flooder's first vote sent to its last answer received.
    granted = answered - limited
    assert VOTE.burst <= granted <= VOTE.burst + VOTE.per_second * flood["span_s"], result
    assert 0 < flood["ok"] <= granted, result

    assert result["connected"] == PHONES, result
    assert result["votes"] > 0, result
    assert "rate_limited" not in result.get("refusals", {}), result
    assert result["lost"] == 0 and result["duplicated"] == 0, result
    assert result["disconnects"] == 0 and result["unanswered"] == 0, result
    assert "Traceback" not in log
