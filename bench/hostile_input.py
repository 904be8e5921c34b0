"""Hostile input, the full run: the whole corpus on every target, against `make serve`'s server.

    .venv/bin/python bench/hostile_input.py              # every value to every field, parameter and event (hours)
    .venv/bin/python bench/hostile_input.py --per-kind 6 # 6 values of each kind per target, all values in all (6 min)
    .venv/bin/python bench/hostile_input.py --no-browser # skip the Chromium part
    HOSTILE_SCREENSHOTS=/tmp/hostile .venv/bin/python bench/hostile_input.py  # and keep a picture of each page

gunicorn with deploy/gunicorn.conf.py on a fresh SQLite file, the five sessions and an organiser;
the stage (a board, registrations, groups) is made through the services on the same database.
Rate limits are off for this run: it measures what the app does with the text, and a stranger
sending this much is throttled long before (bench/flood.py, the rate-limit tests).
Prints one JSON line: values in the corpus, distinct values sent, requests per kind, answers by
status, 5xx answers, stack traces (in answers and in the server's log), pages rendered in
Chromium, scripts executed, CSP violations, and the report PDF's active content.
The fast variant is tests/e2e/test_hostile_input.py.
"""

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

from testkit import hostile
from testkit.render import launch_chromium
from testkit.servers import Gunicorn, environment, flask

ORGANISER = ("bench-organisator@example.org", "een-lang-bench-wachtwoord")


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--per-kind", type=int, default=None, help="values of each kind per target (default: all)")
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="sessie-hostile-") as tmp:
        env = environment(Path(tmp), RATELIMIT_ENABLED="false")
        flask(env, "db", "upgrade")
        flask(env, "sessions", "seed")
        server = Gunicorn(env).start()
        env["BASE_URL"] = server.url
        # The stage is made in this process, through the services, on the server's database.
        os.environ.update(env)
        from sessie_app import create_app
        from sessie_app.organiser.services import create_or_update_organiser

        app = create_app()
        with app.app_context():
            create_or_update_organiser(*ORGANISER)
        playwright = browser = None
        if not args.no_browser:
            playwright, browser = launch_chromium()
        try:
            figures = hostile.run(app, server.url, ORGANISER, args.per_kind, browser)
        finally:
            if browser is not None:
                browser.close()
                playwright.stop()
            server.stop()
        log = server.log.read_text(errors="replace")
        figures["server_log_tracebacks"] = log.count("Traceback (most recent call last)")
    figures.pop("rendered", None)
    print(json.dumps(figures, ensure_ascii=False))
    return figures


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
