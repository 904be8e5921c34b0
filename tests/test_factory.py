import subprocess
import sys
from pathlib import Path

import pytest

from sessie_app import ROOT, create_app
from sessie_app.config import UnsafeConfiguration


def test_testing_flag_comes_from_the_given_config(app):
    assert app.testing


def test_secret_key_is_generated_once_and_kept_in_instance(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = create_app({"INSTANCE_DIR": str(tmp_path)}).config["SECRET_KEY"]
    second = create_app({"INSTANCE_DIR": str(tmp_path)}).config["SECRET_KEY"]
    assert first == second and len(first) >= 64
    assert (Path(tmp_path) / "secret_key").stat().st_mode & 0o077 == 0


def test_secret_key_from_environment_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    assert create_app({"INSTANCE_DIR": str(tmp_path)}).config["SECRET_KEY"] == "from-the-environment"
    assert not (Path(tmp_path) / "secret_key").exists()


def test_default_database_is_sqlite_in_instance(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app({"INSTANCE_DIR": str(tmp_path)})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'sessie_app.sqlite'}"


def test_postgres_url_gets_the_psycopg_driver(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db/sessie")
    app = create_app({"INSTANCE_DIR": str(tmp_path)})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db/sessie"


def test_production_cookies_are_secure(tmp_path, monkeypatch):
    monkeypatch.setenv("SESSIE_ENV", "production")
    config = create_app({"INSTANCE_DIR": str(tmp_path)}).config
    assert config["SESSION_COOKIE_SECURE"] and config["SESSION_COOKIE_HTTPONLY"]
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_socket_io_sends_text_as_utf8_and_a_lone_surrogate_escaped_rather_than_killing_the_connection():
    from sessie_app.extensions import Utf8Json

    assert Utf8Json.dumps({"title": "Meer tijd voor één 🙂"}) == '{"title": "Meer tijd voor één 🙂"}'
    # Half an emoji, as a script may send it: it cannot be UTF-8, so the whole message goes escaped.
    wire = Utf8Json.dumps({"title": "half \ud83d", "word": "één"})
    assert wire.encode() == b'{"title": "half \\ud83d", "word": "\\u00e9\\u00e9n"}'
    assert Utf8Json.loads(wire) == {"title": "half \ud83d", "word": "één"}


@pytest.mark.parametrize(
    "key",
    ["change-me", "CHANGE-ME ", "", "x" * 31, "é" * 15 + "x"],
    ids=["change-me", "change-me in capitals", "empty", "31 bytes", "16 characters, 31 bytes"],
)
def test_production_refuses_a_public_or_short_secret_key_and_says_why(tmp_path, monkeypatch, key):
    monkeypatch.setenv("SESSIE_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", key)
    with pytest.raises(UnsafeConfiguration) as refused:
        create_app({"INSTANCE_DIR": str(tmp_path)})
    message = str(refused.value)
    assert "sessie_app start niet" in message and "sessie_app does not start" in message
    assert "secrets.token_urlsafe(48)" in message


def test_the_secret_key_in_env_example_is_refused_in_production(tmp_path, monkeypatch):
    lines = (ROOT / "deploy" / "env.example").read_text().splitlines()
    (shipped,) = [line.split("=", 1)[1] for line in lines if line.startswith("SECRET_KEY=")]
    monkeypatch.setenv("SESSIE_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", shipped)
    with pytest.raises(UnsafeConfiguration):
        create_app({"INSTANCE_DIR": str(tmp_path)})


def test_production_starts_with_a_32_byte_key_and_with_the_generated_one(tmp_path, monkeypatch):
    monkeypatch.setenv("SESSIE_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "k" * 32)
    assert create_app({"INSTANCE_DIR": str(tmp_path / "given")}).config["SECRET_KEY"] == "k" * 32
    monkeypatch.delenv("SECRET_KEY")
    assert len(create_app({"INSTANCE_DIR": str(tmp_path / "generated")}).config["SECRET_KEY"]) == 64


def test_development_keeps_starting_with_any_key(tmp_path, monkeypatch):
    monkeypatch.delenv("SESSIE_ENV", raising=False)
    monkeypatch.setenv("SECRET_KEY", "change-me")
    assert create_app({"INSTANCE_DIR": str(tmp_path)}).config["SECRET_KEY"] == "change-me"


def test_the_package_and_the_render_process_code_load_no_flask():
    # gunicorn's master imports sessie_app.serving, and the PDF forkserver sessie_app.pdf_process:
    # neither should load the app, which the master would then hold before gevent patches the worker.
    code = (
        "import sys, sessie_app, sessie_app.pdf_process\n"
        "print(sorted(m for m in ('flask', 'sqlalchemy', 'flask_socketio', 'sessie_app.factory') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert done.stdout.strip() == "[]", done.stdout + done.stderr


def test_create_app_is_loaded_when_asked_for():
    import sessie_app

    assert sessie_app.create_app is create_app
    with pytest.raises(AttributeError):
        sessie_app.no_such_name  # noqa: B018 - the attribute access is the test
