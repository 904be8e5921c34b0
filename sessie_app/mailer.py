"""Outgoing mail: SMTP when MAIL_SERVER is set, otherwise .eml files in the outbox folder.

Only the outbox's sender calls this (outbox/sender.py); a request never waits for a mail server.
"""

import smtplib
import ssl
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from pathlib import Path

from flask import current_app


def sender_domain() -> str:
    """The domain of MAIL_SENDER, for the Message-ID: a mail's id names the domain it comes from."""
    return parseaddr(current_app.config["MAIL_SENDER"])[1].rpartition("@")[2] or "localhost"


def new_message(to: str, subject: str) -> EmailMessage:
    """A message to the bare address ``to``: no display name, so nothing a registrant typed can add
    a recipient or a line to the headers."""
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_SENDER"]
    message["To"] = Address(addr_spec=to)
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=sender_domain())
    return message


class Transport:
    """One connection for a batch of mails: ``send`` delivers one, raising OSError or
    smtplib.SMTPException when the server refuses, and returns the .eml file's name when there is
    no server."""

    def __init__(self, config):
        self.config = config
        self.outbox = Path(config["MAIL_OUTBOX_DIR"])
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> "Transport":
        return self

    def __exit__(self, *exc) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (OSError, smtplib.SMTPException):
                self._smtp.close()

    def _connection(self) -> smtplib.SMTP:
        if self._smtp is None:
            config = self.config
            smtp_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
            smtp = smtp_class(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=15)
            try:
                if config["MAIL_USE_TLS"]:
                    smtp.starttls(context=ssl.create_default_context())
                if config.get("MAIL_USERNAME"):
                    smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
            except BaseException:
                smtp.close()
                raise
            self._smtp = smtp
        return self._smtp

    def send(self, message: EmailMessage, name: str) -> str | None:
        if not self.config.get("MAIL_SERVER"):
            self.outbox.mkdir(parents=True, exist_ok=True)
            file_name = f"{name}.eml"
            (self.outbox / file_name).write_bytes(bytes(message))
            return file_name
        try:
            self._connection().send_message(message)
        except (OSError, smtplib.SMTPException):
            # The connection may be half-broken; the next mail of the batch opens a new one.
            if self._smtp is not None:
                self._smtp.close()
                self._smtp = None
            raise
        return None
