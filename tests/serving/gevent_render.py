"""Run under gevent's monkey-patching (as gunicorn's gevent worker does), by
`python -m gevent.monkey gevent_render.py <instance folder>`. Prints one JSON line:

- ``ticks_while_rendering``: how often another greenlet ticked (every 10 ms) while a render of a
  long document was under way (a wait that held the hub would let it tick not once);
- ``pdf``: that render made a PDF;
- ``timed_out``: a render far beyond its time limit raised PdfTimeout;
- ``render_processes_left``: render processes still running after that;
- ``again``: the next render, with the one render slot, made a PDF: the stopped one gave it back.

The guard below is multiprocessing's: the render processes' forkserver imports this module too.
"""

import json
import multiprocessing
import sys
import time

import gevent

TICK_S = 0.01
LONG_DOCUMENT = "".join(f"<p>Voorstel {n}: groot denken, klein doen.</p>" for n in range(20000))


def main(instance: str) -> dict:
    # Imported here, not at the top: every render process runs this module again (sessie_app/pdf.py, PRELOAD).
    from sessie_app import create_app
    from sessie_app.pdf import PdfTimeout, render_pdf

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "INSTANCE_DIR": instance,
            "SOCKETIO_ASYNC_MODE": "gevent",
            "PDF_MAX_CONCURRENT": 1,
        }
    )
    result = {}
    ticks = []
    rendering = []

    def tick():
        while True:
            gevent.sleep(TICK_S)
            if rendering:
                ticks.append(time.monotonic())

    def render(html, timeout):
        with app.app_context():
            return render_pdf(html, "http://sessie.test/", timeout=timeout)

    ticker = gevent.spawn(tick)
    # The first render also starts the forkserver; the second is the one watched.
    render("<p>Eerst</p>", 60)
    rendering.append(True)
    watched = "<h1>Verslag</h1>" + LONG_DOCUMENT[: len(LONG_DOCUMENT) // 10]
    result["pdf"] = gevent.spawn(render, watched, 60).get().startswith(b"%PDF")
    rendering.clear()
    result["ticks_while_rendering"] = len(ticks)
    try:
        gevent.spawn(render, LONG_DOCUMENT, 0.3).get()
        result["timed_out"] = False
    except PdfTimeout:
        result["timed_out"] = True
    result["render_processes_left"] = len(multiprocessing.active_children())
    result["again"] = gevent.spawn(render, "<p>Weer</p>", 60).get().startswith(b"%PDF")
    ticker.kill()
    return result


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1])))
