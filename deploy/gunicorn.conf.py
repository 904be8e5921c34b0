"""gunicorn settings for sessie_app: `gunicorn -c deploy/gunicorn.conf.py wsgi:app` (what `make serve` runs).

One worker process per instance: Flask-SocketIO keeps each connection's state in the process that
accepted it, so more capacity means more instances behind nginx (sticky by ip_hash) sharing one
PostgreSQL and one Redis, never more workers in one instance. The worker is gevent's: one process
holds a whole hall of open WebSockets, where threads need several OS threads per phone and
collapse beyond a few hundred (README, Performance, has the figures behind this choice).
"""

import os

bind = os.environ.get("BIND", "127.0.0.1:5000")
# Every absolute link (mails, calendar files, QR codes, the poster) is built on BASE_URL, never on a
# request's Host header. On loopback the default names this machine; reachable from other machines,
# only the operator knows the address phones use.
if bind.rpartition(":")[0].strip("[]") not in ("127.0.0.1", "localhost", "::1") and not os.environ.get("BASE_URL"):
    raise SystemExit(
        f"BASE_URL ontbreekt: de app luistert op {bind} en is dus van buitenaf bereikbaar. Zet BASE_URL op het"
        " adres dat deelnemers gebruiken, bijvoorbeeld: make serve HOST=0.0.0.0 BASE_URL=http://192.168.1.20:5000"
    )
workers = 1
# gevent-websocket's worker, not `-k gevent` with simple-websocket: at 1,000 phones and 100 votes/s it
# gave p95 487 ms against 787 ms (README, Performance). With gevent-websocket installed, plain
# `-k gevent` answers every request with a 500: keep the two together.
worker_class = "geventwebsocket.gunicorn.workers.GeventWebSocketWorker"
# Each phone holds one WebSocket; leave room for a full hall plus the projector and page loads.
worker_connections = int(os.environ.get("WORKER_CONNECTIONS", "3000"))
# A worker that is busy for this long (a PDF render runs in a real thread, so this is a hang) is restarted.
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
