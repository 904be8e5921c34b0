"""Under gevent (make serve) a PDF render runs in a real thread: the hall's phones keep moving."""

import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def test_a_pdf_render_under_gevent_leaves_other_greenlets_running_and_still_stops_on_time(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "gevent.monkey", str(HERE / "gevent_render.py"), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=HERE.parent.parent,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["pdf"] and result["again"] and result["timed_out"]
    # In a greenlet the render would hold the hub for all of it: no tick at all until it ends.
    assert result["ticks_during_render"] >= 10, result
    assert result["longest_gap_s"] < result["render_s"] / 2, result
    assert "weasyprint.progress" not in done.stderr
