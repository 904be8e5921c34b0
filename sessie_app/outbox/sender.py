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
from collections.abc import Callable
from datetime import datetime, timedelta

from flask import Flask, current_app, g

from .. import mailer
from ..extensions import db, socketio
from ..organiser.mail import ORGANISER_KINDS, organiser_mail
from ..registration import services as registration_services
from ..registration.mail import registration_mail
from ..timeutil import utcnow
from ..urls import link_context
from . import services

log = logging.getLogger(__name__)

# A mail queued by a request waits at most this long; an idle sender costs one small query per poll.
POLL_SECONDS = 2.0
# While requests are in flight the sender waits for a quiet moment between two mails, this long at most.
MAKE_WAY_AT_MOST = 1.0
MAKE_WAY_STEP = 0.05


def _next_turn() -> None:
    socketio.sleep(0)


def deliver_due(now: datetime | None = None, make_way: Callable[[], None] = _next_turn) -> int:
    """Queue the reminders whose moment has come, then send what is due, batch after batch; returns
    how many mails were tried. ``make_way`` runs between two mails. In an app context."""
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
                make_way()
        tried += len(claimed)
    return tried


def _deliver(transport: mailer.Transport, mail: services.Claimed, now: datetime | None) -> None:
    try:
        with link_context():
            if mail.kind in ORGANISER_KINDS:
                message = organiser_mail(mail.organiser_id, mail.kind, mail.recipient)
            else:
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
    after create_app, and a thread started before the fork would not exist in the worker.

    It shares the worker with the phones and the registration form, and a mail (images, calendar
    file, MIME) takes several milliseconds of it: while requests are being served it sends one mail
    per MAKE_WAY_AT_MOST, so a rush of fifty registrations is not slowed by their fifty
    confirmations, which follow a moment later.
    """

    def __init__(self):
        self._pid = None
        self._lock = threading.Lock()
        self._requests = 0

    def request_started(self) -> None:
        with self._lock:
            self._requests += 1
        g.outbox_counted = True

    def request_ended(self, _error=None) -> None:
        # Only a request that was counted: another hook may have answered before request_started ran.
        if g.pop("outbox_counted", False):
            with self._lock:
                self._requests -= 1

    def busy(self) -> bool:
        return self._requests > 0

    def make_way(self) -> None:
        waited = 0.0
        while self.busy() and waited < MAKE_WAY_AT_MOST:
            socketio.sleep(MAKE_WAY_STEP)
            waited += MAKE_WAY_STEP
        _next_turn()

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
                    deliver_due(make_way=self.make_way)
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
        app.before_request(sender.request_started)
        app.teardown_request(sender.request_ended)
