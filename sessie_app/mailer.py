"""Outgoing mail: SMTP when MAIL_SERVER is set, otherwise .eml files in the outbox folder."""

import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from flask import current_app

from .timeutil import utcnow

log = logging.getLogger(__name__)


def new_message(to: str, subject: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="sessie-app")
    return message


def _write_to_outbox(message: EmailMessage, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    stamp = utcnow().strftime("%Y%m%dT%H%M%S%f")
    path = folder / f"{stamp}-{message['Message-ID'].strip('<>').split('@')[0]}.eml"
    path.write_bytes(bytes(message))
    return path


def send(message: EmailMessage) -> None:
    """Send one message. A failing mail server never loses the registration that caused
    the mail: the message is kept in outbox/failed/ and the error is logged."""
    config = current_app.config
    outbox = Path(config["MAIL_OUTBOX_DIR"])
    if not config.get("MAIL_SERVER"):
        path = _write_to_outbox(message, outbox)
        log.info("No MAIL_SERVER set: mail '%s' written to %s", message["Subject"], path)
        return
    try:
        smtp_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
        with smtp_class(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=15) as smtp:
            if config["MAIL_USE_TLS"]:
                smtp.starttls(context=ssl.create_default_context())
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException):
        path = _write_to_outbox(message, outbox / "failed")
        log.exception("Sending mail '%s' failed; kept in %s", message["Subject"], path)
