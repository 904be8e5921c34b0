"""The last five seats, fought over by fifty people at once through a running server on PostgreSQL
(fast variant: bench/last_seats.py runs twenty rounds of two hundred)."""


def test_fifty_people_for_the_last_five_seats_give_exactly_five_confirmations(bench, postgres_admin_url):
    result = bench("last_seats.py", "--rounds", "2", "--clients", "50", "--control-rounds", "0")
    print(result)
    assert result["locked"] == {"confirmed_per_round": [5, 5], "exact_rounds": 2, "oversold_rounds": 0, "errors": 0}
