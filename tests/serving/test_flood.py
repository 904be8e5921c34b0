"""One phone sending 100 votes a second, beside forty-five voting as people do, against `make serve`'s
server on SQLite (issue item 4; full variant with the latency comparison: bench/flood.py).

It checks behaviour only, never timings: the flooder is throttled to the vote rate limit, the
other phones lose nothing and are never refused for it, and the flooder's accepted dots are in
the final counts (board_load compares every phone's final tally with all acknowledged dots,
the flooder's included, and reports a difference as lost or duplicated)."""

from board_load import GRACE_S
from servers import board_load_on_fresh_server

from sessie_app.realtime.auth import RATES

PHONES, RATE, SECONDS = 45, 20, 10
VOTE = RATES["vote"]
# The flooder's bucket is full at its first vote and refills for as long as the server handles its
# votes: the SECONDS it sends, plus however far the server runs behind. An answer counts only if it
# arrives within board_load's GRACE_S after the sending ends, so that lag is at most GRACE_S:
# 20 + 10 × (10 + 3) = 150 tokens, where an unthrottled phone would get some 900 votes through.
MOST_GRANTED = VOTE.burst + VOTE.per_second * (SECONDS + GRACE_S)


def test_a_phone_flooding_votes_is_throttled_and_the_others_lose_nothing(tmp_path):
    result, log = board_load_on_fresh_server(
        tmp_path, "--clients", str(PHONES), "--rate", str(RATE), "--seconds", str(SECONDS), "--flood", "1", timeout=180
    )
    print(result)
    flood = result["flood"]
    answered = sum(count for answer, count in flood.items() if answer not in ("phones", "sent"))
    assert answered == flood["sent"], result
    limited = flood.get("rate_limited", 0)
    assert limited > 0, result
    # Each vote the limit let through took a token, also those the budget then refused.
    granted = answered - limited
    assert VOTE.burst <= granted <= MOST_GRANTED, result
    assert 0 < flood["ok"] <= granted, result

    assert result["connected"] == PHONES, result
    assert result["votes"] >= 0.9 * RATE * SECONDS, result
    assert "rate_limited" not in result.get("refusals", {}), result
    assert result["lost"] == 0 and result["duplicated"] == 0, result
    assert result["disconnects"] == 0 and result["unanswered"] == 0, result
    assert "Traceback" not in log
