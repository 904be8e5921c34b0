"""The board benchmark, small: 50 phones for 10 seconds against `make serve`'s server on SQLite.

It checks the benchmark's own verdict on correctness (nothing lost, nothing counted twice, nobody
dropped, every vote answered), never its timings or how many votes the machine managed: those
are for bench/ and the README."""


def test_fifty_phones_voting_for_ten_seconds_lose_nothing(board_load):
    result, log = board_load("--clients", "50", "--rate", "25", "--seconds", "10", "--boards", "2", timeout=600)
    print(result)
    assert result["connected"] == 50, result
    assert result["votes"] > 0 and result["unanswered"] == 0, result
    assert result["lost"] == 0 and result["duplicated"] == 0 and result["disconnects"] == 0, result
    assert "Traceback" not in log
