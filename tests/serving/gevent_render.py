"""Run under gevent's monkey-patching (as gunicorn's gevent worker does), by
`python -m gevent.monkey gevent_render.py <instance folder>`. Prints one JSON line:

- ``ticked_while_rendering``: a render held until another greenlet had ticked TICKS times got
  them (in a greenlet the render would hold the hub: no tick could come, and the wait gives up);
- ``pdf``: that render then made a PDF;
- ``timed_out``: a render that never ends by itself raised PdfTimeout at its time limit;
- ``again``: the next render, with the one render slot, made a PDF: the stopped one gave it back.
"""

import json
import sys

import gevent
from gevent import monkey
from weasyprint import HTML

from sessie_app import create_app
from sessie_app.pdf import PdfTimeout, render_pdf

TICKS = 10
# Bounds a hub that never lets the ticker run; a working one ticks ten times in a tenth of a second.
HOLD_AT_MOST_S = 60
app = create_app(
    {
        "TESTING": True,
        "SECRET_KEY": "x",
        "INSTANCE_DIR": sys.argv[1],
        "SOCKETIO_ASYNC_MODE": "gevent",
        "PDF_MAX_CONCURRENT": 1,
    }
)
html = "<h1>Verslag</h1>" + "".join(f"<p>Voorstel {n}: groot denken, klein doen.</p>" for n in range(20))
write_pdf = HTML.write_pdf
# Real (unpatched) primitives: these run in gevent's pool of operating-system threads.
ticked = monkey.get_original("_thread", "allocate_lock")()
ticked.acquire()
real_sleep = monkey.get_original("time", "sleep")
result = {}


def tick():
    for _ in range(TICKS):
        gevent.sleep(0.01)
    ticked.release()


def held(self, *args, **kwargs):
    result["ticked_while_rendering"] = ticked.acquire(timeout=HOLD_AT_MOST_S)
    return write_pdf(self, *args, **kwargs)


def endless(self, *args, **kwargs):
    while True:
        real_sleep(0.01)


def render(writer, **options):
    HTML.write_pdf = writer
    with app.app_context():
        return render_pdf(html, "http://sessie.test/", **options)


ticker = gevent.spawn(tick)
result["pdf"] = gevent.spawn(render, held).get().startswith(b"%PDF")
try:
    gevent.spawn(render, endless, timeout=0.2).get()
    result["timed_out"] = False
except PdfTimeout:
    result["timed_out"] = True
result["again"] = gevent.spawn(render, write_pdf).get().startswith(b"%PDF")
print(json.dumps(result))
