"""testkit's server processes: a port is a server's own only when its own process listens on it, so a
test never talks to another test's server that happens to answer on the same port."""

import http.server
import sys
import threading

import pytest

from testkit.servers import SERVER_PORTS, Server, free_port


class _Healthy(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.end_headers()

    def log_message(self, *_args):
        pass


@pytest.fixture
def someone_elses_server():
    """An HTTP server of another test on a port of the range test servers use, answering /healthz."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), _Healthy)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


# Waits for its own port and never binds it: /healthz can only be answered by the other server.
NOT_LISTENING = [sys.executable, "-c", "import time; time.sleep(60)"]


def test_a_server_on_a_port_another_process_answers_is_refused(tmp_path, start_server, someone_elses_server):
    server = Server(NOT_LISTENING, {}, tmp_path, port=someone_elses_server)
    with pytest.raises(AssertionError, match=f"another process answers on port {someone_elses_server}"):
        start_server(server)
    assert server.process.poll() is not None


# Answers every GET with 200 on the port it is given.
HEALTHY = """
import http.server, sys

class Healthy(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.end_headers()

http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Healthy).serve_forever()
"""


def test_a_server_that_listens_on_its_port_is_its_own(tmp_path, start_server):
    server = start_server(Server([sys.executable, "-c", HEALTHY, "{port}"], {}, tmp_path))
    assert server.port in SERVER_PORTS
    assert server.url == f"http://127.0.0.1:{server.port}"
