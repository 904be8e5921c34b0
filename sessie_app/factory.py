"""The Flask app: its configuration, extensions, blueprints, commands, error pages and security headers."""

import logging
import sqlite3
from pathlib import Path

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix
from whitenoise import WhiteNoise

from . import ROOT
from . import config as config_module
from .extensions import babel, csrf, db, limiter, login_manager, migrate, socketio
from .outbox import sender as outbox_sender


def create_app(config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    config = config or {}
    instance_dir = Path(config.get("INSTANCE_DIR") or config_module.instance_dir())
    instance_dir.mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(config_module.from_environment(instance_dir))
    app.config.update(config)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = config_module.engine_options(
        app.config["SQLALCHEMY_DATABASE_URI"]
    ) | app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {})
    config_module.check_production(app.config)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = config_module.persistent_secret_key(instance_dir)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(ROOT / "translations"))
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # A report would log every page laid out and every font table subset; gevent-websocket every request.
    for chatty in ("weasyprint.progress", "fontTools", "geventwebsocket.handler"):
        logging.getLogger(chatty).setLevel(logging.WARNING)

    register_extensions(app)
    app.wsgi_app = WhiteNoise(
        app.wsgi_app,
        root=app.static_folder,
        prefix=app.static_url_path,
        # Not versioned by name: short enough that a deploy reaches every phone before the next session.
        max_age=600,
        allow_all_origins=False,
        add_headers_function=_static_headers,
    )
    # Browsers and home-screen shortcuts ask for /favicon.ico and /apple-touch-icon.png whatever a page links.
    app.wsgi_app.add_files(str(ROOT / "static" / "icons"), prefix="/")
    if app.config["TRUSTED_PROXIES"]:
        # Around Socket.IO's middleware too, so its handshakes see the phone's address and scheme.
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    register_blueprints(app)
    outbox_sender.register(app)
    register_commands(app)
    register_errorhandlers(app)
    register_security_headers(app)
    register_template_helpers(app)
    return app


def _static_headers(headers, _path: str, _url: str) -> None:
    # WhiteNoise answers before Flask, so after_request's headers are not added to static files.
    headers["X-Content-Type-Options"] = "nosniff"


def register_template_helpers(app: Flask) -> None:
    from flask_babel import format_date, format_datetime, format_time

    from . import initiative, limits, words
    from .choices import ROLE_LABELS, SECTOR_LABELS
    from .i18n import current_language, current_language_tag

    # The councils, the contact person and the plan's title: data, as the Jinja global `initiative`.
    initiative.register(app)

    app.jinja_env.globals.update(
        format_date=format_date,
        format_time=format_time,
        format_datetime=format_datetime,
        # What <html lang> says: "nl" or "en-GB".
        current_locale=current_language_tag,
        current_language=current_language,
        role_label=lambda code: ROLE_LABELS.get(code, code),
        sector_label=lambda code: SECTOR_LABELS.get(code, code),
        # The field limits for hand-written fields, and the words the pages' scripts show.
        limits=limits,
        words=words,
    )


def register_extensions(app: Flask) -> None:
    from .i18n import FULL_DATE, select_locale

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    babel.date_formats["date.full"] = FULL_DATE
    login_manager.init_app(app)
    login_manager.login_view = "organiser.login"
    login_manager.login_message = None
    socketio.init_app(
        app,
        async_mode=app.config["SOCKETIO_ASYNC_MODE"],
        message_queue=app.config.get("REDIS_URL"),
        channel=app.config["SOCKETIO_CHANNEL"],
        # Same origin only (python-engineio compares Origin with Host); small messages only.
        cors_allowed_origins=None,
        max_http_buffer_size=16 * 1024,
        manage_session=False,
    )


def register_blueprints(app: Flask) -> None:
    from . import realtime
    from .board.views import bp as board_bp
    from .i18n import bp as i18n_bp
    from .organiser import bp as organiser_bp
    from .pages import bp as pages_bp
    from .registration.views import bp as registration_bp
    from .reports.views import bp as reports_bp

    app.register_blueprint(pages_bp)
    app.register_blueprint(i18n_bp)
    app.register_blueprint(registration_bp)
    app.register_blueprint(organiser_bp)
    app.register_blueprint(board_bp)
    app.register_blueprint(reports_bp)
    realtime.register(app)


def register_commands(app: Flask) -> None:
    from .cli import register

    register(app)


def register_errorhandlers(app: Flask) -> None:
    def render_error(status: int, error=None):
        if request.path == "/healthz" or request.accept_mimetypes.best == "application/json":
            return jsonify(error=status), status
        return render_template("errors/error.html", status=status, error=error), status

    for status in (400, 403, 404, 405, 413, 429):
        app.register_error_handler(status, lambda e, s=status: render_error(s, e))

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_template("errors/error.html", status=400, csrf=True), 400

    @app.errorhandler(500)
    def server_error(error):
        db.session.rollback()
        return render_error(500)


def register_security_headers(app: Flask) -> None:
    # Every script and style comes from our own origin; user text can never run.
    csp = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
        "media-src 'self' blob:; connect-src 'self'; font-src 'self'; object-src 'none'; "
        "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )

    @app.after_request
    def set_headers(response):
        response.headers.setdefault("Content-Security-Policy", csp)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Permissions-Policy", "geolocation=(), microphone=()")
        return response


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    # WAL lets the organiser read while phones write; foreign keys are off by default in SQLite.
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        # With WAL, NORMAL syncs at checkpoints instead of every commit: a commit survives the
        # server process being killed, not the machine losing power. It saves about a millisecond per
        # vote, during which gevent's single thread would wait on the disk with the whole hall.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=15000")
        # Erased personal data (a registrant's, their mails) is overwritten in the file, not left in
        # free pages for anyone who copies instance/; empty_sqlite_wal does the same for the log.
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()
