"""gunicorn settings for sessie_app: `gunicorn -c deploy/gunicorn.conf.py wsgi:app` (what `make serve` runs).

One worker process per instance: Flask-SocketIO keeps each connection's state in the process that
accepted it, so more capacity means more instances behind nginx (sticky by ip_hash) sharing one
PostgreSQL and one Redis, never more workers in one instance. The worker is gevent's: one process
holds a whole hall of open WebSockets, where threads need several OS threads per phone and
collapse beyond a few hundred (README, Performance, has the figures behind this choice).
"""

import importlib.util
import os
import resource
import sys
from pathlib import Path

# The app refuses an empty, example or short SECRET_KEY in production (sessie_app/config.py,
# check_production). Checked here too, so the master stops once with the reason instead of booting
# worker after worker that each stop. Loaded by path: importing the sessie_app package would import
# Flask and its friends here, before gevent patches the worker.
_config_spec = importlib.util.spec_from_file_location(
    "sessie_app_config", Path(__file__).resolve().parent.parent / "sessie_app" / "config.py"
)
_config = importlib.util.module_from_spec(_config_spec)
_config_spec.loader.exec_module(_config)
_config.check_production({"SESSIE_ENV": os.environ.get("SESSIE_ENV"), "SECRET_KEY": os.environ.get("SECRET_KEY")})

bind = os.environ.get("BIND", "127.0.0.1:5000")
# A Unix socket is reachable only on this machine, like loopback.
reachable_from_outside = not bind.startswith("unix:") and bind.rpartition(":")[0].strip("[]") not in (
    "127.0.0.1",
    "localhost",
    "::1",
)
# Every absolute link (mails, calendar files, QR codes, the poster) is built on BASE_URL, never on a
# request's Host header. On loopback the default names this machine; reachable from other machines,
# only the operator knows the address phones use.
if reachable_from_outside and not os.environ.get("BASE_URL"):
    raise SystemExit(
        f"BASE_URL ontbreekt: de app luistert op {bind} en is dus van buitenaf bereikbaar. Zet BASE_URL op het"
        " adres dat deelnemers gebruiken, bijvoorbeeld: make serve HOST=0.0.0.0 BASE_URL=http://192.168.1.20:5000"
    )
# With TRUSTED_PROXIES the app takes the client's address from X-Forwarded-For. Reachable without the
# proxy, anyone can write that header, and a new address per request escapes every per-address limit
# (registration, login, board codes): the proxy must be the only way in.
if reachable_from_outside and int(os.environ.get("TRUSTED_PROXIES") or "0") > 0:
    raise SystemExit(
        f"TRUSTED_PROXIES={os.environ['TRUSTED_PROXIES']} maar de app luistert op {bind}: zo kan iedereen de proxy"
        " omzeilen en met een verzonnen X-Forwarded-For elke limiet per adres ontlopen. Laat de app alleen op"
        " loopback luisteren achter de proxy (BIND=127.0.0.1:5001), of zet TRUSTED_PROXIES=0 zonder proxy.\n"
        f"TRUSTED_PROXIES={os.environ['TRUSTED_PROXIES']} but the app listens on {bind}: anyone can bypass the"
        " proxy and escape every per-address limit with a made-up X-Forwarded-For. Bind to loopback behind the"
        " proxy (BIND=127.0.0.1:5001), or set TRUSTED_PROXIES=0 without one."
    )
workers = 1
# gevent-websocket's worker, not `-k gevent` with simple-websocket: at 1,000 phones and 100 votes/s it
# gave p95 487 ms against 787 ms (README, Performance). With gevent-websocket installed, plain
# `-k gevent` answers every request with a 500: keep the two together. sessie_app.serving adds a time
# limit on headers and a cap per client address (HEADER_TIMEOUT, MAX_CONNECTIONS_PER_ADDRESS), without
# which 3,000 half-open connections froze the venue laptop (README, Serving: the venue laptop).
worker_class = "sessie_app.serving.GuardedWorker"
# Each phone holds one WebSocket; room for a full hall, the projector and page loads, and for those
# who open connections and send nothing until the header time limit closes them.
worker_connections = int(os.environ.get("WORKER_CONNECTIONS", "10000"))
# Every connection is a file descriptor; Debian's default soft limit (1,024) would refuse new ones
# (and log "Too many open files") long before worker_connections. The hard limit is the ceiling.
_soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
_wanted = worker_connections + 200  # the listening socket, the database, log files, Redis
if _hard != resource.RLIM_INFINITY and _hard < _wanted:
    print(
        f"Let op: de limiet op open bestanden ({_hard}) is lager dan worker_connections ({worker_connections})."
        f" Warning: the open-file limit ({_hard}) is below worker_connections; raise it (ulimit -Hn, LimitNOFILE=).",
        file=sys.stderr,
    )
if _soft != resource.RLIM_INFINITY and _soft < _wanted:
    resource.setrlimit(
        resource.RLIMIT_NOFILE, (_wanted if _hard == resource.RLIM_INFINITY else min(_wanted, _hard), _hard)
    )
# A worker that is busy for this long is hung (a PDF renders in a process of its own, waited for without
# blocking), and is restarted.
timeout = 120
graceful_timeout = 10
keepalive = 5
# Several instances of the same user on one machine would share ~/.gunicorn/gunicorn.ctl.
control_socket_disable = True
# The proxy in front (deploy/nginx.conf) runs on the same machine in the documented set-up.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info")
# Read by create_app in the worker: the app's Socket.IO must use the same async mode as the worker.
os.environ["SOCKETIO_ASYNC_MODE"] = "gevent"
