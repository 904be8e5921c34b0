"""The board benchmark, small: 50 phones for 10 seconds against `make serve`'s server on SQLite.

It checks the benchmark's own verdict on correctness (nothing lost, nothing counted twice, nobody
dropped), never its timings: those are for bench/ and the README."""

from servers import board_load_on_fresh_server


def test_fifty_phones_voting_for_ten_seconds_lose_nothing(tmp_path):
    result, log = board_load_on_fresh_server(
        tmp_path, "--clients", "50", "--rate", "25", "--seconds", "10", "--boards", "2", timeout=180
    )
    print(result)
    assert result["connected"] == 50, result
    assert result["votes"] >= 200, result  # 25 votes/s for 10 s, less a few refusals at most
    assert result["lost"] == 0 and result["duplicated"] == 0 and result["disconnects"] == 0, result
    assert "Traceback" not in log
