"""Extensions, created unbound here and bound to the app in create_app."""

import json
import logging

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_socketio import SocketIO
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    # Stable constraint names, so Alembic migrations read the same on SQLite and PostgreSQL.
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
migrate = Migrate()
csrf = CSRFProtect()
login_manager = LoginManager()
babel = Babel()
limiter = Limiter(key_func=get_remote_address, default_limits=[])

log = logging.getLogger(__name__)


def empty_sqlite_wal() -> None:
    """After an erasure has been committed: SQLite's write-ahead log (``-wal`` beside the database,
    which runs in WAL mode, see create_app) still holds the pages as they were, the person's address
    in them, until it is checkpointed and overwritten. TRUNCATE copies it into the database file,
    where secure_delete has zeroed what was erased, and empties it. PostgreSQL's log is the
    server's, outside instance/: nothing to do."""
    if db.engine.dialect.name != "sqlite":
        return
    with db.engine.connect() as connection:
        busy, _log_pages, _copied = connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
    if busy:
        # A reader held on to an older snapshot for all of busy_timeout; the log empties at a
        # later erasure, and whoever copies instance/ meanwhile should know.
        log.warning("The SQLite write-ahead log could not be emptied after an erasure")


class Utf8Json:
    """Socket.IO's JSON with text as UTF-8, not ``\\u`` escapes: a snapshot weighs what its texts weigh
    (an "ë" two bytes, not six), which is what the board's text budget counts."""

    @staticmethod
    def dumps(value, **options) -> str:
        text = json.dumps(value, ensure_ascii=False, **options)
        try:
            text.encode()
        except UnicodeEncodeError:
            # A lone surrogate cannot go out as UTF-8: the websocket's writer would die on it and
            # the connection fall silent. python-socketio's JSON is process-wide, so this holds for
            # a Python client in the same process too (the tests' and the benches').
            return json.dumps(value, **options)
        return text

    loads = staticmethod(json.loads)


socketio = SocketIO(json=Utf8Json)
