"""The deploy/ files refuse what is unsafe before anything listens: gunicorn.conf.py is plain Python,
run here as gunicorn runs it at start, with the environment of each case."""

import os
import re
import subprocess
import sys

import pytest

from sessie_app import ROOT


def _gunicorn_config(**environment: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key not in ("BIND", "BASE_URL", "TRUSTED_PROXIES")}
    return subprocess.run(
        [sys.executable, str(ROOT / "deploy" / "gunicorn.conf.py")],
        env={**env, **environment},
        capture_output=True,
        text=True,
        timeout=30,
    )


@pytest.mark.parametrize("bind", ["0.0.0.0:5000", "192.168.1.20:5000", "[::]:5000"])
def test_gunicorn_refuses_trusted_proxies_when_reachable_without_the_proxy(bind):
    done = _gunicorn_config(BIND=bind, BASE_URL="https://sessie.example.org", TRUSTED_PROXIES="1")
    assert done.returncode == 1
    assert "TRUSTED_PROXIES=1 maar de app luistert op" in done.stderr
    assert "TRUSTED_PROXIES=1 but the app listens on" in done.stderr


@pytest.mark.parametrize(
    "environment",
    [
        {"BIND": "127.0.0.1:5001", "TRUSTED_PROXIES": "1"},  # behind nginx, as deploy/systemd runs it
        {"BIND": "unix:/run/sessie_app.sock", "TRUSTED_PROXIES": "1"},
        {"BIND": "0.0.0.0:5000", "BASE_URL": "http://192.168.1.20:5000", "TRUSTED_PROXIES": "0"},  # the venue
    ],
)
def test_gunicorn_starts_behind_a_proxy_on_loopback_and_at_the_venue_without_one(environment):
    done = _gunicorn_config(**environment)
    assert done.returncode == 0, done.stderr


def test_the_systemd_instances_listen_on_loopback_with_a_trusted_proxy():
    unit = (ROOT / "deploy" / "systemd" / "sessie_app@.service").read_text()
    assert "Environment=BIND=127.0.0.1:%i" in unit and "Environment=TRUSTED_PROXIES=1" in unit


def test_nginx_sends_hsts_on_https_only():
    config = (ROOT / "deploy" / "nginx.conf").read_text()
    servers = re.split(r"(?m)^server \{", config)[1:]
    (https,) = [server for server in servers if "listen 443" in server]
    (http,) = [server for server in servers if "listen 80;" in server]
    assert 'add_header Strict-Transport-Security "max-age=31536000" always;' in https
    assert "Strict-Transport-Security" not in http
    # An add_header inside a location would silently drop the server's HSTS there.
    assert len(re.findall(r"(?m)^\s*add_header ", https)) == 1


def test_gunicorn_stops_at_once_on_a_public_secret_key_in_production():
    done = _gunicorn_config(SESSIE_ENV="production", SECRET_KEY="change-me")
    assert done.returncode == 1
    assert "sessie_app start niet" in done.stderr and "sessie_app does not start" in done.stderr
    assert _gunicorn_config(SESSIE_ENV="production", SECRET_KEY="k" * 32).returncode == 0


def test_gunicorn_runs_the_guarded_worker_with_a_header_time_limit_and_enough_file_descriptors():
    """What keeps half-open connections from taking the venue laptop (README, Serving): the figures
    are bench/half_open.py's; this only shows the settings are in place."""
    script = (
        "import resource, runpy; c = runpy.run_path('deploy/gunicorn.conf.py');"
        "import sessie_app.serving as s;"
        "print(c['worker_class'], c['worker_connections'], resource.getrlimit(resource.RLIMIT_NOFILE)[0],"
        " s.HEADER_TIMEOUT, s.MAX_CONNECTIONS_PER_ADDRESS)"
    )
    env = {key: value for key, value in os.environ.items() if key not in ("BIND", "BASE_URL", "TRUSTED_PROXIES")}
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    worker, connections, soft_limit, header_timeout, per_address = done.stdout.split()
    assert worker == "sessie_app.serving.GuardedWorker"
    assert int(soft_limit) > int(connections) >= 3000
    assert float(header_timeout) <= 10 and int(per_address) < int(connections)
