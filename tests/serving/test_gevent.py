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
    # The first render waited for another greenlet to tick: the hub kept running meanwhile.
    assert result == {"ticked_while_rendering": True, "pdf": True, "timed_out": True, "again": True}, result
    assert "weasyprint.progress" not in done.stderr
