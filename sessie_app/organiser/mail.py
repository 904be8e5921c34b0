"""The mails an organiser receives: an invitation to an account and a password reset, each with a
single-use link that is made when the mail is rendered (accounts.issue_link), so the outbox row
holds no usable link."""

from email.message import EmailMessage

from flask import render_template
from flask_babel import format_datetime
from flask_babel import gettext as _

from .. import mailer
from ..urls import external_url
from . import accounts

ORGANISER_KINDS = {kind: purpose for purpose, kind in accounts.MAIL_KINDS.items()}


def organiser_mail(organiser_id: int | None, kind: str, recipient: str) -> EmailMessage | None:
    """The mail of ``kind`` for the account, or None when the account is gone or deactivated
    (nothing to send). Replaces the account's earlier link."""
    purpose = ORGANISER_KINDS[kind]
    link = accounts.issue_link(organiser_id, purpose) if organiser_id is not None else None
    if link is None:
        return None
    subject = (
        _("Uw account voor de organisatie van de sessies")
        if purpose == accounts.INVITE
        else _("Een nieuw wachtwoord kiezen")
    )
    context = {
        "purpose": purpose,
        "invite": purpose == accounts.INVITE,
        "url": external_url("organiser.password_from_link", token=link.url_token),
        "expires": format_datetime(link.expires_at, "d MMMM yyyy, HH:mm"),
        "forgot_url": external_url("organiser.forgot_password"),
    }
    message = mailer.new_message(recipient, subject)
    message.set_content(render_template("emails/organiser.txt", **context))
    return message
