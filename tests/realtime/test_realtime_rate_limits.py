"""The in-process token buckets behind the socket rate limits."""

from sessie_app.realtime.auth import RATES, Rate, TokenBuckets


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_posting_allows_a_burst_of_five_then_one_every_three_seconds():
    clock = Clock()
    buckets = TokenBuckets(RATES, clock)
    assert [buckets.take("participant:1", "post") for _n in range(5)] == [0.0] * 5
    assert 2.9 < buckets.take("participant:1", "post") <= 3.0
    clock.now += 3.0
    assert buckets.take("participant:1", "post") == 0.0
    assert buckets.take("participant:1", "post") > 0
    # Each participant and each kind of action has its own bucket.
    assert buckets.take("participant:2", "post") == 0.0
    assert buckets.take("participant:1", "vote") == 0.0


def test_votes_refill_at_ten_per_second_up_to_the_burst():
    clock = Clock()
    buckets = TokenBuckets(RATES, clock)
    assert all(buckets.take("p", "vote") == 0.0 for _n in range(20))
    assert buckets.take("p", "vote") > 0
    clock.now += 60
    assert all(buckets.take("p", "vote") == 0.0 for _n in range(20))
    assert buckets.take("p", "vote") > 0


def test_refilled_buckets_are_forgotten_so_memory_stays_bounded():
    clock = Clock()
    buckets = TokenBuckets({"x": Rate(1, 1)}, clock)
    buckets.MAX_ENTRIES = 10
    for n in range(10):
        buckets.take(f"k{n}", "x")
    clock.now += 5
    buckets.take("new", "x")
    assert len(buckets._buckets) == 1
