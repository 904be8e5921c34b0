"""Run under gevent's monkey-patching (as gunicorn's gevent worker does), by
`python -m gevent.monkey gevent_render.py <instance folder>`: render a PDF in one greenlet while
another one ticks, then a render that overruns its time limit. Prints JSON."""

import itertools
import json
import sys
import time

import gevent

from sessie_app import create_app
from sessie_app.pdf import PdfTimeout, render_pdf

app = create_app({"TESTING": True, "SECRET_KEY": "x", "INSTANCE_DIR": sys.argv[1], "SOCKETIO_ASYNC_MODE": "gevent"})
html = "<h1>Verslag</h1>" + "".join(f"<p>Voorstel {n}: groot denken, klein doen.</p>" for n in range(1000))
ticks: list[float] = []


def tick():
    while True:
        ticks.append(time.monotonic())
        gevent.sleep(0.01)


def render(**options):
    with app.app_context():
        return render_pdf(html, "http://sessie.test/", **options)


ticker = gevent.spawn(tick)
started = time.monotonic()
pdf = gevent.spawn(render).get()
finished = time.monotonic()
during = [t for t in ticks if started <= t <= finished]
gaps = [b - a for a, b in itertools.pairwise(during)]

try:
    gevent.spawn(render, timeout=0.2).get()
    timed_out = False
except PdfTimeout:
    timed_out = True
again = gevent.spawn(render).get()  # the stopped render gave its slot back
ticker.kill()
print(
    json.dumps(
        {
            "pdf": pdf.startswith(b"%PDF"),
            "render_s": finished - started,
            "ticks_during_render": len(during),
            "longest_gap_s": max(gaps, default=finished - started),
            "timed_out": timed_out,
            "again": again.startswith(b"%PDF"),
        }
    )
)
