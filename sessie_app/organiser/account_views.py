"""Organiser pages for accounts: a beheerder invites, changes a role, assigns sessions and
deactivates; everyone changes their own password; a forgotten password is reset by a mailed link;
beheerders read the audit log."""

from datetime import UTC, datetime, time, timedelta

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from ..extensions import limiter
from ..realtime.auth import end_organiser_connections
from ..registration.forms import ConfirmForm
from ..registration.meetings import meetings_in_date_order
from ..timeutil import AMSTERDAM
from . import accounts, audit, bp, forget_login, requires, roles
from .account_forms import (
    AccountForm,
    AuditFilterForm,
    ForgotPasswordForm,
    InviteForm,
    NewPasswordForm,
    PasswordChangeForm,
)


def _session_choices() -> list[SelectChoice]:
    return [SelectChoice(m.id, f"{m.city} – {m.date.strftime('%d-%m-%Y')}") for m in meetings_in_date_order()]


def _sessions_ended(organiser_id: int) -> None:
    """After the account's session version went up: its open consoles hear it and are closed."""
    end_organiser_connections(organiser_id)


# --- accounts (beheerder) ------------------------------------------------------------------------


@bp.route("/accounts", methods=["GET", "POST"])
@requires(roles.MANAGE_ACCOUNTS)
def accounts_page():
    form = InviteForm()
    form.meetings.choices = _session_choices()
    if form.validate_on_submit():
        try:
            organiser = accounts.invite(form.email.data, form.role.data, form.meetings.data or [])
        except accounts.EmailTaken:
            form.email.errors.append(_("Er is al een account met dit e-mailadres."))
        else:
            audit.record(current_user.id, audit.ACCOUNT_INVITED, organiser.email, f"role {organiser.role}")
            flash(_("%(email)s is uitgenodigd; de mail met de link gaat nu weg.", email=organiser.email), "success")
            return redirect(url_for(".accounts_page"))
    status = 422 if form.errors else 200
    return render_template("organiser/accounts.html", form=form, accounts=accounts.all_accounts(), meeting=None), status


def _account_or_404(organiser_id: int):
    try:
        return accounts.get_account(organiser_id)
    except accounts.AccountNotFound:
        abort(404)


@bp.route("/accounts/<int(max=2147483647):organiser_id>", methods=["GET", "POST"])
@requires(roles.MANAGE_ACCOUNTS)
def account_edit(organiser_id: int):
    account = _account_or_404(organiser_id)
    form = AccountForm(obj=None if request.method == "POST" else account)
    form.meetings.choices = _session_choices()
    if request.method == "GET":
        form.meetings.data = sorted(account.assigned)
    if form.validate_on_submit():
        before = account.role
        try:
            change = accounts.update_account(
                account.id, role=form.role.data, meeting_ids=form.meetings.data or [], active=form.active.data
            )
        except accounts.LastBeheerder:
            flash(_("Dan is er geen actieve beheerder meer. Maak eerst iemand anders beheerder."), "error")
        else:
            _record_change(account, change, before)
            if change.role_changed or change.deactivated:
                _sessions_ended(account.id)
            flash(_("Het account %(email)s is opgeslagen.", email=account.email), "success")
            return redirect(url_for(".accounts_page"))
    status = 422 if form.errors else 200
    return render_template("organiser/account_edit.html", form=form, account=account, meeting=None), status


def _record_change(account, change: accounts.AccountChange, role_before: str) -> None:
    if change.role_changed:
        audit.record(current_user.id, audit.ROLE_CHANGED, account.email, f"{role_before} -> {account.role}")
    if change.meetings_changed:
        slugs = ",".join(m.slug for m in account.meetings) or "-"
        audit.record(current_user.id, audit.SESSIONS_ASSIGNED, account.email, slugs)
    if change.deactivated:
        audit.record(current_user.id, audit.ACCOUNT_DEACTIVATED, account.email)
    if change.reactivated:
        audit.record(current_user.id, audit.ACCOUNT_REACTIVATED, account.email)


@bp.post("/accounts/<int(max=2147483647):organiser_id>/uitnodiging")
@requires(roles.MANAGE_ACCOUNTS)
def account_invite_again(organiser_id: int):
    account = _account_or_404(organiser_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        accounts.invite_again(account.id)
    except accounts.AccountError:
        flash(_("Dit account heeft al een wachtwoord of staat uit; een uitnodiging is niet nodig."), "error")
    else:
        audit.record(current_user.id, audit.ACCOUNT_INVITED, account.email, "again")
        flash(
            _("Een nieuwe uitnodiging gaat naar %(email)s; eerdere links werken niet meer.", email=account.email),
            "success",
        )
    return redirect(url_for(".account_edit", organiser_id=account.id))


# --- one's own password ----------------------------------------------------------------------------


@bp.route("/wachtwoord", methods=["GET", "POST"])
@requires(roles.SIGNED_IN)
def password_change():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        organiser_id = current_user.id
        try:
            accounts.change_password(organiser_id, form.current.data, form.password.data)
        except accounts.WrongPassword:
            form.current.errors.append(_("Dit is niet uw huidige wachtwoord."))
        else:
            audit.record(organiser_id, audit.PASSWORD_CHANGED, current_user.email)
            _sessions_ended(organiser_id)
            forget_login()
            flash(
                _("Uw wachtwoord is gewijzigd. Overal bent u nu uitgelogd; log hier in met het nieuwe wachtwoord."),
                "success",
            )
            return redirect(url_for(".login"))
    status = 422 if form.errors else 200
    return render_template("organiser/password_change.html", form=form, meeting=None), status


# --- a forgotten password and the mailed links (public) ---------------------------------------------


def _reset_rate_limit() -> str:
    return current_app.config["PASSWORD_RESET_RATE_LIMIT"]


@bp.route("/wachtwoord-vergeten", methods=["GET", "POST"])
@limiter.limit(_reset_rate_limit, methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        # The same answer and the same path whether or not the address has an account: the mail,
        # if any, is sent by the outbox's sender, not while this request waits.
        accounts.request_reset(form.email.data)
        flash(
            _(
                "Hoort dit adres bij een organisator-account, dan krijgt u binnen enkele minuten een mail met een"
                " link om een nieuw wachtwoord te kiezen. De link werkt een uur."
            ),
            "success",
        )
        return redirect(url_for(".forgot_password"))
    status = 422 if form.errors else 200
    return render_template("organiser/forgot_password.html", form=form), status


@bp.route("/wachtwoord-kiezen/<token>", methods=["GET", "POST"])
def password_from_link(token: str):
    try:
        account = accounts.account_for_link(token)
    except accounts.LinkInvalid:
        return render_template("organiser/password_link.html", form=None), 404
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            accounts.set_password_from_link(token, form.password.data)
        except accounts.LinkInvalid:
            return render_template("organiser/password_link.html", form=None), 404
        audit.record(account.id, audit.PASSWORD_SET, account.email, account.link_purpose or "")
        _sessions_ended(account.id)
        forget_login()
        flash(_("Uw wachtwoord is ingesteld. Log nu in met uw e-mailadres en dit wachtwoord."), "success")
        return redirect(url_for(".login"))
    status = 422 if form.errors else 200
    return render_template("organiser/password_link.html", form=form, account=account), status


# --- the audit log (beheerder) ----------------------------------------------------------------------


def _audit_filters(form: AuditFilterForm) -> audit.Filters:
    """What the form asks for; a value that is not valid counts as no filter."""
    form.validate()

    def valid(field):
        return field.data if not field.errors else None

    account = valid(form.account)
    day_from, day_until = valid(form.day_from), valid(form.day_until)
    return audit.Filters(
        action=valid(form.action) or "",
        actor_id=int(account) if account else None,
        day_from=_utc_midnight(day_from) if day_from else None,
        day_until=_utc_midnight(day_until + timedelta(days=1)) if day_until else None,
    )


def _utc_midnight(day) -> datetime:
    """The start of ``day`` in Amsterdam, as the naive UTC the database keeps."""
    return datetime.combine(day, time(0), tzinfo=AMSTERDAM).astimezone(UTC).replace(tzinfo=None)


@bp.get("/logboek")
@requires(roles.READ_AUDIT)
def audit_log():
    form = AuditFilterForm(formdata=request.args)
    form.account.choices = [SelectChoice("", _("Alle accounts"))] + [
        SelectChoice(str(a.id), a.email) for a in accounts.all_accounts()
    ]
    filters = _audit_filters(form)
    return render_template(
        "organiser/audit.html",
        form=form,
        entries=audit.entries(filters),
        labels=audit.ACTION_LABELS,
        page_size=audit.PAGE_SIZE,
        meeting=None,
    )
