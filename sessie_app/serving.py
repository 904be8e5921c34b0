"""gunicorn's worker for sessie_app (deploy/gunicorn.conf.py): gevent-websocket's, guarded against
connections that never finish their request.

gevent's server reads a request line and headers without a time limit, and each connection it waits
on holds one of worker_connections. bench/half_open.py measured what that does to the venue laptop:
3,000 connections that send half a request and wait took every slot, and /healthz, the registration
page and Socket.IO went unanswered until they closed (README, Serving). Here:

- a request line and its headers must arrive within HEADER_TIMEOUT seconds in all, however slowly
  they trickle in; otherwise the connection is closed. A kept-alive connection waiting for its next
  request counts the same. The body, the app's work and a WebSocket after its upgrade are not limited;
- one client address holds at most MAX_CONNECTIONS_PER_ADDRESS connections at once; one more is closed
  at once. The proxies in gunicorn's forwarded_allow_ips are exempt: they carry everyone.

Imported only by gunicorn's worker process, after gevent has patched it.
"""

import os
from typing import ClassVar

import gevent
from geventwebsocket.gunicorn.workers import GeventWebSocketWorker
from geventwebsocket.handler import WebSocketHandler

HEADER_TIMEOUT = float(os.environ.get("HEADER_TIMEOUT", "10"))
# A phone holds one WebSocket and a page load's few connections; a hall behind one NAT address (a
# public server without nginx) stays well under this. One address cannot take the worker's slots.
MAX_CONNECTIONS_PER_ADDRESS = int(os.environ.get("MAX_CONNECTIONS_PER_ADDRESS", "500"))


class SlowHeaders(BaseException):
    """Raised in a connection's greenlet when its headers took too long. A BaseException, like
    gevent.Timeout, so gevent's request parsing does not report it as a bad request with a traceback."""


class GuardedHandler(WebSocketHandler):
    exempt: ClassVar[frozenset[str]] = frozenset()
    # Open connections per client address, in this worker process (greenlets: no lock needed).
    open_per_address: ClassVar[dict[str, int]] = {}

    def handle(self):
        address = self.client_address[0] if isinstance(self.client_address, tuple) else ""
        counted = address not in self.exempt
        if counted and self.open_per_address.get(address, 0) >= MAX_CONNECTIONS_PER_ADDRESS:
            self.rfile.close()
            self.socket.close()
            return
        if counted:
            self.open_per_address[address] = self.open_per_address.get(address, 0) + 1
        try:
            super().handle()
        except SlowHeaders:
            pass  # super().handle() closed the socket on the way out
        finally:
            if counted:
                left = self.open_per_address[address] - 1
                if left:
                    self.open_per_address[address] = left
                else:
                    del self.open_per_address[address]

    def handle_one_request(self):
        self._header_deadline = gevent.Timeout.start_new(HEADER_TIMEOUT, SlowHeaders)
        try:
            return super().handle_one_request()
        finally:
            self._header_deadline.cancel()

    def read_request(self, raw_requestline):
        try:
            return super().read_request(raw_requestline)
        finally:
            # The headers are in: what follows (the app, a WebSocket) has no deadline from here.
            self._header_deadline.cancel()


class GuardedWorker(GeventWebSocketWorker):
    wsgi_handler = GuardedHandler

    def init_process(self):
        # The proxy in front (nginx on loopback) carries every phone: never capped. "*" would trust
        # any address as a proxy; the cap then holds for everyone.
        allowed = set(self.cfg.forwarded_allow_ips)
        GuardedHandler.exempt = frozenset() if "*" in allowed else frozenset(allowed)
        super().init_process()
