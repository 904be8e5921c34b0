"""The board benchmark, small: 50 phones for 10 seconds against `make serve`'s server on SQLite.

It checks the benchmark's own verdict on correctness (nothing lost, nothing counted twice, nobody
dropped), never its timings: those are for bench/ and the README."""

import json
import subprocess
import sys

from servers import ROOT, Gunicorn, environment, flask


def test_fifty_phones_voting_for_ten_seconds_lose_nothing(tmp_path):
    env = environment(tmp_path)
    flask(env, "db", "upgrade")
    server = Gunicorn(env).start()
    try:
        done = subprocess.run(
            [sys.executable, "bench/board_load.py", "--url", server.url, "--clients", "50", "--rate", "25",
             "--seconds", "10", "--boards", "2", "--server-pid", str(server.process.pid)],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=180,
        )
    finally:
        server.stop()
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    print(result)
    assert result["connected"] == 50, result
    assert result["votes"] >= 200, result  # 25 votes/s for 10 s, less a few refusals at most
    assert result["lost"] == 0 and result["duplicated"] == 0 and result["disconnects"] == 0, result
    assert "Traceback" not in server.log_text()
