"""Time the synthesis report and its PDF on a full series and print one JSON line.

A fresh migrated SQLite database gets the data set of bench/report_data.py (by default five
sessions of 150 participants and 150 proposals, five votes each). Then, as an organiser would:

* ``synthesis_s``: ``build_report(None, suggest=True)``, the automatic grouping of every
  proposal of every session, as the review page shows it;
* ``confirmed_s``: ``build_report(None)`` after storing that suggestion and confirming all of
  its groups, which is the report the PDF download uses;
* ``pdf_s``: the all-sessions PDF of that report (``pdf_pages``, ``pdf_bytes``), and
  ``pdf_unreviewed_s`` for the PDF before any review, when every proposal is a group of its own;
  ``pdf_cpu_s`` is the processor time of the first (its render process), a figure that
  holds better than the wall clock when other work shares the machine;
* ``docx_s``: the editable Word draft of the same report (``docx_bytes``).

Targets (issue 16): synthesis within 2 s, each PDF within 5 s, the DOCX within 3 s, peak memory
within 300 MB: ``peak_rss_mb`` of this process (ru_maxrss, the whole run including the data set),
and ``pdf_process_peak_mb`` of the process each PDF is rendered in (sessie_app/pdf.py), the
highest of the two renders (VmHWM, which counts the pages it shares with the forkserver).

Memory, so the peak can be read: ``rss_after_imports_mb`` is the peak once the app is imported,
``rss_before_pdf_mb`` the peak just before the first PDF (the data set and scikit-learn's
grouping are in it), ``pdf_rss_growth_mb`` how far that PDF took this process's peak above what it
held when the PDF started.
"""

import argparse
import json
import logging
import re
import resource
import shutil
import tempfile
import time
import zlib
from pathlib import Path

TARGETS = {"synthesis_s": 2.0, "pdf_s": 5.0, "docx_s": 3.0, "peak_rss_mb": 300.0}
# The bench measures how long the PDF takes, so the app's time limit must not cut it short.
PDF_TIME_LIMIT = 600.0

_STREAM = re.compile(rb"<<(?:(?!>>\s*stream).)*?/ObjStm.*?>>\s*stream\r?\n", re.DOTALL)
_PAGE = re.compile(rb"/Type\s*/Page(?![A-Za-z])")


def page_count(pdf: bytes) -> int:
    """Pages in a WeasyPrint PDF, whose page objects may sit in compressed object streams."""
    parts = [pdf]
    for match in _STREAM.finditer(pdf):
        end = pdf.find(b"endstream", match.end())
        parts.append(zlib.decompressobj().decompress(pdf[match.end() : end]))
    return sum(len(_PAGE.findall(part)) for part in parts)


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def rss_mb() -> float | None:
    """What the process holds now (Linux); the peak alone hides what a step added."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return None


def timed(work):
    start = time.perf_counter()
    result = work()
    return result, round(time.perf_counter() - start, 3)


def cpu_timed(work):
    """``timed``, and the processor time all threads of this process spent meanwhile."""
    start = time.process_time()
    result, wall = timed(work)
    return result, wall, round(time.process_time() - start, 3)


class Renders(logging.Handler):
    """The render process's peak memory and processor time, which sessie_app.pdf logs with every PDF."""

    def __init__(self):
        super().__init__(logging.INFO)
        self.peaks: list[float] = []
        self.cpu: list[float] = []

    def emit(self, record):
        if hasattr(record, "render_peak_mb"):
            self.peaks.append(record.render_peak_mb)
            self.cpu.append(record.render_cpu_s)


def main(argv: list[str] | None = None) -> None:
    # Imported here, not at the top: every PDF render process runs this module again (sessie_app/pdf.py, PRELOAD).
    from flask_migrate import upgrade
    from report_data import bench_app, populate
    from sqlalchemy import select

    from sessie_app.extensions import db
    from sessie_app.pdf import prepare
    from sessie_app.reports import services
    from sessie_app.reports.document import report_pdf
    from sessie_app.reports.docx import report_docx
    from sessie_app.reports.models import ProposalGroup

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=5)
    parser.add_argument("--participants", type=int, default=150)
    parser.add_argument("--proposals", type=int, default=150)
    parser.add_argument("--votes", type=int, default=5, help="votes per participant")
    parser.add_argument("--keep", type=Path, help="copy the database to this file afterwards")
    args = parser.parse_args(argv)
    rss_after_imports_mb = peak_rss_mb()

    renders = Renders()
    pdf_log = logging.getLogger("sessie_app.pdf")
    pdf_log.addHandler(renders)
    pdf_log.setLevel(logging.INFO)

    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "report.sqlite"
        app = bench_app(database, folder, PDF_TIME_LIMIT=PDF_TIME_LIMIT)
        with app.app_context():
            upgrade()
            counts, populate_s = timed(lambda: populate(args.sessions, args.participants, args.proposals, args.votes))
        # Measured as the report pages and the download run: inside a request. Opening the reports
        # page starts the PDF's forkserver (pdf.prepare), which imports WeasyPrint meanwhile.
        with app.test_request_context("/"):
            prepare()
            suggested, synthesis_s = timed(lambda: services.build_report(None, suggest=True))
            unreviewed = services.build_report(None)
            services.suggest()
            for group_id in db.session.scalars(select(ProposalGroup.id)):
                services.confirm(group_id)
            report, confirmed_s = timed(lambda: services.build_report(None))

            rss_before_pdf_mb = peak_rss_mb()
            rss_at_pdf_mb = rss_mb()
            pdf, pdf_s = timed(lambda: report_pdf(report))
            pdf_cpu_s = renders.cpu[-1]
            pdf_rss_growth_mb = None if rss_at_pdf_mb is None else round(peak_rss_mb() - rss_at_pdf_mb, 1)
            pdf_unreviewed_s = timed(lambda: report_pdf(unreviewed))[1]
            docx, docx_s, docx_cpu_s = cpu_timed(lambda: report_docx(report))
            db.session.remove()
            db.engine.dispose()
        if args.keep:
            shutil.copy(database, args.keep)

    result = {
        **{key: counts[key] for key in ("sessions", "participants", "proposals", "visible_proposals", "votes")},
        "populate_s": round(populate_s, 1),
        "synthesis_s": synthesis_s,
        "suggested_groups": suggested.totals.groups,
        "suggested_groups_of_several": suggested.totals.groups_of_several,
        "confirmed_s": confirmed_s,
        "pdf_s": pdf_s,
        "pdf_cpu_s": pdf_cpu_s,
        "pdf_unreviewed_s": pdf_unreviewed_s,
        "pdf_pages": page_count(pdf),
        "pdf_bytes": len(pdf),
        "docx_s": docx_s,
        "docx_cpu_s": docx_cpu_s,
        "docx_bytes": len(docx),
        "rss_after_imports_mb": rss_after_imports_mb,
        "rss_before_pdf_mb": rss_before_pdf_mb,
        "pdf_rss_growth_mb": pdf_rss_growth_mb,
        "peak_rss_mb": peak_rss_mb(),
        "pdf_process_peak_mb": max(renders.peaks, default=None),
        "targets": TARGETS,
    }
    result["synthesis_ok"] = synthesis_s <= TARGETS["synthesis_s"]
    result["pdf_ok"] = max(pdf_s, pdf_unreviewed_s) <= TARGETS["pdf_s"]
    result["docx_ok"] = docx_s <= TARGETS["docx_s"]
    result["memory_ok"] = max(result["peak_rss_mb"], result["pdf_process_peak_mb"] or 0) <= TARGETS["peak_rss_mb"]
    print(json.dumps(result))


if __name__ == "__main__":
    main()
