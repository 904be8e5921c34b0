"""Under gevent (make serve) a PDF renders in a process of its own, waited for without holding the hub: the
hall's phones keep moving."""

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
    # Another greenlet ticked on while the long render was waited for: the hub kept running.
    assert result.pop("ticks_while_rendering") >= 10, result
    assert result == {"pdf": True, "timed_out": True, "render_processes_left": 0, "again": True}, result
    assert "weasyprint.progress" not in done.stderr
