"""The outbox's sender: delivers due mails in the background of whatever serves the app (`make
run`, `make serve`: nothing extra to start), one batch at a time, with retries and back-off.

Each serving process runs one; several (instances on PostgreSQL) share the work through the
outbox's claims, so a mail goes out once. A sender that dies after sending and before recording it
leaves a claim that expires, and that mail goes out again: at least once, never lost.
"""

import logging
import os
import smtplib
import threading
from datetime import datetime, timedelta

from flask import Flask, current_app

from .. import mailer
from ..extensions import db, socketio
from ..registration import services as registration_services
from ..registration.mail import registration_mail
from ..timeutil import utcnow
from ..urls import link_context
from . import services

log = logging.getLogger(__name__)

# A mail queued by a request waits at most this long; an idle sender costs one small query per poll.
POLL_SECONDS = 2.0


def deliver_due(now: datetime | None = None) -> int:
    """Queue the reminders whose moment has come, then send what is due, batch after batch; returns
    how many mails were tried. In an app context."""
    config = current_app.config
    registration_services.queue_due_reminders(
        now or utcnow(),
        timedelta(days=config["REMINDER_DAYS_BEFORE"]),
        timedelta(days=config["NUDGE_DAYS_BEFORE"]),
    )
    tried = 0
    while claimed := services.claim_due(now):
        with mailer.Transport(current_app.config) as transport:
            for mail in claimed:
                _deliver(transport, mail, now)
                # Rendering a mail (QR image, calendar file) takes about 15 ms of the one gevent
                # worker; between two mails the phones and the registration form get their turn.
                socketio.sleep(0)
        tried += len(claimed)
    return tried


def _deliver(transport: mailer.Transport, mail: services.Claimed, now: datetime | None) -> None:
    try:
        with link_context():
            message = registration_mail(
                mail.registration_id, mail.kind, mail.recipient, message_id=mail.message_id, changes=mail.changes
            )
    except Exception as error:  # a mail that cannot be rendered is a bug: keep it, say why, go on
        log.exception("Rendering outbox mail %d (%s) failed", mail.id, mail.kind)
        db.session.rollback()
        services.mark_failed(mail.id, f"{type(error).__name__}: {error}", now)
        return
    if message is None:
        services.drop(mail.id)
        return
    try:
        file_name = transport.send(message, f"{mail.id:08d}-{mail.kind}")
    except (OSError, smtplib.SMTPException) as error:
        status = services.mark_failed(mail.id, f"{type(error).__name__}: {error}", now)
        log.warning("Sending outbox mail %d (%s) failed (%s): %s", mail.id, mail.kind, status, error)
        return
    services.mark_sent(mail.id, transport.outbox, now, file_name)


class Sender:
    """Starts one background loop per process, on the first request: gunicorn forks its worker
    after create_app, and a thread started before the fork would not exist in the worker."""

    def __init__(self):
        self._pid = None
        self._lock = threading.Lock()

    def ensure_running(self, app: Flask) -> None:
        if self._pid == os.getpid():
            return
        with self._lock:
            if self._pid != os.getpid():
                self._pid = os.getpid()
                socketio.start_background_task(self._loop, app)

    def _loop(self, app: Flask) -> None:
        while True:
            with app.app_context():
                try:
                    deliver_due()
                except Exception:  # the database away for a moment: try again at the next poll
                    log.exception("The outbox's sender failed; trying again in %s s", POLL_SECONDS)
                    db.session.rollback()
                finally:
                    db.session.remove()
            socketio.sleep(POLL_SECONDS)


def register(app: Flask) -> None:
    if app.config["OUTBOX_SENDER"]:
        sender = app.extensions["outbox_sender"] = Sender()
        app.before_request(lambda: sender.ensure_running(app))
