"""The organiser's message to a session's registrants: write, preview with the number of
recipients, send through the outbox (the request only queues; the sender mails in the background)."""

import secrets

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ..choices import select_choices
from ..registration import messages
from ..registration.ics import location_text
from ..registration.mail import paragraphs
from . import audit, bp, meeting_or_404, of_session, requires, roles
from .forms import MessageForm

PREVIEW = "preview"
SEND = "send"


def _counts(meeting_id: int) -> dict[str, int]:
    return {audience: messages.count(meeting_id, audience) for audience in messages.AUDIENCES}


def _page(meeting, form: MessageForm, *, preview: bool, recipients: int | None = None, status: int = 200):
    counts = _counts(meeting.id)
    form.audience.choices = select_choices(
        (audience, f"{label} ({counts[audience]})") for audience, label in messages.AUDIENCES.items()
    )
    return (
        render_template(
            "organiser/message.html",
            meeting=meeting,
            form=form,
            preview=preview,
            recipients=recipients,
            location=location_text(meeting),
            paragraphs=paragraphs(form.body.data or ""),
            sent=messages.sent_messages(meeting.id),
            audiences=messages.AUDIENCES,
        ),
        status,
    )


@bp.route("/sessies/<slug>/bericht", methods=["GET", "POST"])
@requires(roles.MESSAGE_REGISTRANTS, of_session)
def message(slug: str):
    meeting = meeting_or_404(slug)
    form = MessageForm()
    if request.method == "GET":
        form.draft.data = secrets.token_hex(16)
        return _page(meeting, form, preview=False)
    if not form.validate_on_submit():
        if form.csrf_token.errors or form.draft.errors:
            abort(400)
        return _page(meeting, form, preview=False, status=422)
    recipients = messages.count(meeting.id, form.audience.data)
    if recipients == 0:
        form.audience.errors.append(_("In deze groep is niemand met een e-mailadres. Kies een andere groep."))
        return _page(meeting, form, preview=False, status=422)
    if request.form.get("action") != SEND:
        form.expected.data = str(recipients)
        return _page(meeting, form, preview=True, recipients=recipients)
    if form.expected.data != str(recipients):
        form.expected.data = str(recipients)
        flash(
            ngettext(
                "Intussen is het aantal ontvangers veranderd: het bericht gaat nu naar %(num)d persoon. Kijk het na en verstuur opnieuw.",
                "Intussen is het aantal ontvangers veranderd: het bericht gaat nu naar %(num)d personen. Kijk het na en verstuur opnieuw.",
                recipients,
            ),
            "error",
        )
        return _page(meeting, form, preview=True, recipients=recipients)
    sent = messages.send(
        meeting.id,
        draft=form.draft.data,
        audience=form.audience.data,
        subject=form.subject.data,
        body=form.body.data,
        sent_by=current_user.id,
    )
    if sent.again:
        flash(_("Dit bericht was al verstuurd; het gaat niet nog eens."), "success")
    else:
        audit.record(
            current_user.id, audit.MESSAGE_SENT, slug, f"message {sent.message_id} to {sent.recipients} registrants"
        )
        flash(
            ngettext(
                "Het bericht gaat naar %(num)d persoon. Hieronder ziet u wanneer het verstuurd is.",
                "Het bericht gaat naar %(num)d personen. Hieronder ziet u wanneer ze verstuurd zijn.",
                sent.recipients,
            ),
            "success",
        )
    return redirect(url_for(".outbox_view", slug=slug))
