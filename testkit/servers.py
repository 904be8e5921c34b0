"""Real server processes for the benches and the serving tests: gunicorn with deploy/gunicorn.conf.py,
as `make serve` runs it, throwaway PostgreSQL databases, free ports, and the load generator against
a fresh server."""

import json
import os
import random
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
# Variables of the developer's own shell that would point a test server at their database or queue.
INHERITED_SETTINGS = {
    "DATABASE_URL",
    "REDIS_URL",
    "BASE_URL",
    "FLASK_APP",
    "SESSIE_INSTANCE_PATH",
    "SOCKETIO_CHANNEL",
    "BIND",
}


PG_ADMIN_URL = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


# Below Linux's ephemeral range (32768-60999), where the load generator's thousands of outgoing
# connections take their local ports: a server's port there can be taken between choosing and binding.
SERVER_PORTS = range(20000, 32768)


def free_port() -> int:
    while True:
        port = random.choice(SERVER_PORTS)
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port


def environment(instance: Path, **settings: str) -> dict:
    env = {key: value for key, value in os.environ.items() if key not in INHERITED_SETTINGS}
    env.update(
        {
            "SESSIE_INSTANCE_PATH": str(instance),
            # Every instance of one deployment signs cookies with the same key.
            "SECRET_KEY": "serving-test-secret-key",
            "MAIL_OUTBOX_DIR": str(instance / "outbox"),
        }
    )
    env.update(settings)
    return env


def flask(env: dict, *args: str) -> str:
    done = subprocess.run(
        [str(BIN / "flask"), "--app", "sessie_app", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


class PostgresDatabase:
    """A database of its own on the PostgreSQL server at PG_ADMIN_URL, dropped by `drop()`."""

    def __init__(self):
        import sqlalchemy as sa

        self._admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        self.name = f"sessie_bench_{uuid.uuid4().hex[:10]}"
        with self._admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{self.name}"'))
        self.url = self._admin.url.set(database=self.name).render_as_string(hide_password=False)

    def drop(self) -> None:
        import sqlalchemy as sa

        with self._admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
        self._admin.dispose()


class Server:
    """A server process: `start()` waits until /healthz answers, `stop()` ends it and keeps its log.
    Their timeouts bound a process that hangs on a loaded machine; they measure nothing."""

    def __init__(self, command: list[str], env: dict, log_dir: Path, port: int | None = None):
        self.command = command
        self._env = env
        self._log_dir = Path(log_dir)
        self._port_chosen_here = port is None
        self._use_port(port or free_port())
        self.process: subprocess.Popen | None = None
        self._log_file = None

    def _use_port(self, port: int) -> None:
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.env = {**self._env, "BIND": f"127.0.0.1:{port}"}
        self.log = self._log_dir / f"server-{port}.log"

    def start(self, timeout: float = 180.0) -> "Server":
        """Another test's server may have taken the same port in the meantime and answer /healthz in
        this one's place: the port counts as ours only when this process (or its worker) listens on it."""
        self._start(timeout)
        while not self._listening():
            self.stop()
            if not self._port_chosen_here:
                raise AssertionError(f"another process answers on port {self.port}:\n{self.log_text()}")
            self._use_port(free_port())
            self._start(timeout)
        # A restart after stop() or kill() comes back on the same port.
        self._port_chosen_here = False
        return self

    def _listening(self) -> bool:
        root = psutil.Process(self.process.pid)
        for process in (root, *root.children(recursive=True)):
            try:
                connections = process.net_connections(kind="tcp")
            except psutil.Error:
                continue
            if any(c.status == psutil.CONN_LISTEN and c.laddr.port == self.port for c in connections):
                return True
        return False

    def _start(self, timeout: float) -> None:
        self._log_file = self.log.open("ab")
        self.process = subprocess.Popen(
            [part.format(port=self.port) for part in self.command],
            cwd=ROOT,
            env=self.env,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"{self.command[0]} exited with {self.process.returncode}:\n{self.log_text()}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise AssertionError(f"{self.command[0]} did not answer within {timeout} s:\n{self.log_text()}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self._log_file:
            self._log_file.close()
            self._log_file = None

    def kill(self) -> None:
        """SIGKILL, as a crash ends it; ``start()`` runs it again on the same port."""
        self.process.kill()
        self.process.wait()
        self._log_file.close()
        self._log_file = None

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")[-5000:] if self.log.exists() else ""


class Gunicorn(Server):
    """One instance of the app as `make serve` runs it."""

    def __init__(self, env: dict, port: int | None = None):
        super().__init__(
            [str(BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "wsgi:app"],
            env,
            Path(env["SESSIE_INSTANCE_PATH"]),
            port,
        )


def board_load_on_fresh_server(
    work: Path, *arguments: str, timeout: float | None = None, **settings: str
) -> tuple[dict, str]:
    """The load generator (testkit.board_load) against `make serve`'s server on a fresh SQLite file in
    ``work``: the generator's JSON line and the end of the server's log."""
    env = environment(work, **settings)
    flask(env, "db", "upgrade")
    server = Gunicorn(env).start()
    try:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "testkit.board_load",
                "--url",
                server.url,
                "--server-pid",
                str(server.process.pid),
                *arguments,
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    finally:
        server.stop()
    if done.returncode != 0:
        raise RuntimeError(f"board_load failed\n{done.stderr[-3000:]}\nserver log:\n{server.log_text()}")
    return json.loads(done.stdout.strip().splitlines()[-1]), server.log_text()
