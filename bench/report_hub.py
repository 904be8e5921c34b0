"""What the hall feels while an organiser downloads the all-sessions PDF, and print one JSON line.

Run under gevent's monkey-patching, as gunicorn's worker runs the app:
`PYTHONPATH=bench .venv/bin/python -m gevent.monkey bench/report_hub.py`. The data set of bench/report_data.py
(750 proposals) is grouped and confirmed; then the PDF is made in one greenlet while another asks
to wake every 10 ms, as the greenlets serving the phones' WebSockets do. A wake-up that comes late
is a vote or a tally the hall waits for.

* ``pdf_s``: the PDF's wall time under gevent;
* ``wakeups``: how many times the other greenlet woke during the render (ideally pdf_s / 10 ms);
* ``late_p50_ms``, ``late_p99_ms``, ``late_max_ms``: how late it woke, beyond its 10 ms.
"""

import json
import logging
import sys
import tempfile
import time
from pathlib import Path

import gevent

TICK_S = 0.01


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def main() -> dict:
    # Imported here, not at the top: every PDF render process runs this module again (sessie_app/pdf.py, PRELOAD).
    from flask_migrate import upgrade
    from report_data import bench_app, populate
    from sqlalchemy import select

    from sessie_app.extensions import db
    from sessie_app.reports import services
    from sessie_app.reports.document import report_pdf
    from sessie_app.reports.models import ProposalGroup

    logging.getLogger("sessie_app.pdf").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory() as folder:
        app = bench_app(Path(folder) / "report.sqlite", folder, PDF_TIME_LIMIT=600.0, SOCKETIO_ASYNC_MODE="gevent")
        with app.app_context():
            upgrade()
            populate(5, 150, 150, 5)
        with app.test_request_context("/"):
            services.suggest()
            for group_id in db.session.scalars(select(ProposalGroup.id)):
                services.confirm(group_id)
            report = services.build_report(None)
            # The first PDF also starts what a render needs; the hall is measured during the second.
            report_pdf(report)
            late: list[float] = []
            rendering = True

            def tick():
                while rendering:
                    before = time.perf_counter()
                    gevent.sleep(TICK_S)
                    late.append(max(time.perf_counter() - before - TICK_S, 0.0))

            def download():
                # A greenlet starts without the request's context, as a request of its own would.
                with app.test_request_context("/"):
                    report_pdf(report)

            ticker = gevent.spawn(tick)
            started = time.perf_counter()
            gevent.spawn(download).get()
            pdf_s = time.perf_counter() - started
            rendering = False
            ticker.join()
            db.session.remove()
            db.engine.dispose()
    return {
        "pdf_s": round(pdf_s, 2),
        "wakeups": len(late),
        "late_p50_ms": round(percentile(late, 0.5) * 1000, 1),
        "late_p99_ms": round(percentile(late, 0.99) * 1000, 1),
        "late_max_ms": round(max(late, default=0.0) * 1000, 1),
    }


if __name__ == "__main__":
    print(json.dumps(main()), file=sys.stdout)
