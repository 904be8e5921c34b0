"""Public pages: the series, a session with its form, and the personal manage page."""

from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from .. import tokens
from ..extensions import limiter
from ..i18n import current_language
from ..urls import external_url
from . import mail, services
from .forms import ConfirmForm, DetailsForm, RegistrationForm
from .ics import calendar_for
from .meetings import MeetingNotFound, meeting_by_slug, meetings_in_date_order
from .models import CANCELLED, Registration

bp = Blueprint("registration", __name__)

JUST_REGISTERED = "registered_email"
# Pages that show one person's data: never kept in a shared browser's or proxy's cache.
PRIVATE_ENDPOINTS = {
    "registration.manage",
    "registration.register_again",
    "registration.cancel",
    "registration.reconfirm",
    "registration.delete",
    "registration.calendar",
    "registration.check_mail",
}


@bp.after_request
def no_store_for_personal_pages(response):
    if request.endpoint in PRIVATE_ENDPOINTS:
        response.headers["Cache-Control"] = "no-store"
    return response


def _registration_rate_limit() -> str:
    return current_app.config["REGISTRATION_RATE_LIMIT"]


def _meeting_or_404(slug: str):
    try:
        return meeting_by_slug(slug)
    except MeetingNotFound:
        abort(404)


@bp.get("/")
def index():
    return render_template(
        "registration/index.html",
        meetings=meetings_in_date_order(),
        availability=services.availability(),
        is_open=services.is_open,
        share_url=external_url(".index"),
    )


@bp.route("/sessies/<slug>", methods=["GET", "POST"])
@limiter.limit(_registration_rate_limit, methods=["POST"])
def meeting(slug: str):
    meeting = _meeting_or_404(slug)
    form = RegistrationForm()
    if services.is_open(meeting) and form.validate_on_submit():
        if not form.is_bot:
            try:
                services.register(meeting.id, form.details(form.email.data, current_language()))
            except services.RegistrationClosed:
                flash(_("Aanmelden voor deze sessie is gesloten."), "error")
                return redirect(url_for(".meeting", slug=slug))
        # Same answer for a new registration, a repeat and a bot: the page never tells whether
        # an address was known.
        session[JUST_REGISTERED] = form.email.data
        return redirect(url_for(".check_mail", slug=slug, _anchor="main"))
    return _meeting_page(meeting, form)


EMPTY_FIELDS = "empty_registration_fields"


def _fields_of_an_empty_form(form: RegistrationForm) -> Markup | None:
    """The fields of a form nobody has filled in or been shown errors for, rendered once per language
    and app: they are a third of the page's render, and the page is what fifty people at once load
    before registering (bench/registration_load.py). None for any other form, and while templates
    reload (development), so an edited template shows at once."""
    if form.is_submitted() or any(field.data for field in form if field.name != "csrf_token"):
        return None
    if current_app.jinja_env.auto_reload:
        return None
    rendered = current_app.extensions.setdefault(EMPTY_FIELDS, {})
    language = current_language()
    if language not in rendered:
        # The output of an autoescaped template: every value in it was escaped as it was rendered.
        rendered[language] = Markup(render_template("registration/_fields.html", form=form))  # nosec B704
    return rendered[language]


def _meeting_page(meeting, form: RegistrationForm, again: bool = False):
    return render_template(
        "registration/meeting.html",
        meeting=meeting,
        form=form,
        empty_fields=_fields_of_an_empty_form(form),
        open_for_registration=services.is_open(meeting),
        availability=services.availability([meeting.id])[meeting.id],
        share_url=external_url(".meeting", slug=meeting.slug),
        again=again,
    )


@bp.get("/sessies/<slug>/controleer-uw-mail")
def check_mail(slug: str):
    meeting = _meeting_or_404(slug)
    return render_template("registration/check_mail.html", meeting=meeting, email=session.pop(JUST_REGISTERED, None))


def _registration_from_link(signed: str) -> Registration:
    token = tokens.unsign(tokens.MANAGE, signed)
    if token is None:
        abort(404)
    try:
        return services.find_by_token(token)
    except services.RegistrationNotFound:
        abort(404)


def _prefill(form: DetailsForm, registration: Registration) -> None:
    for name in ("name", "organisation", "role", "sector"):
        getattr(form, name).data = getattr(registration, name)
    form.meal.data = "ja" if registration.meal else "nee"
    # Health data is shown back only to someone who consented to keeping it.
    if registration.health_consent:
        for name in ("health_consent", "dietary", "accessibility"):
            getattr(form, name).data = getattr(registration, name)


@bp.route("/aanmelding/<token>", methods=["GET", "POST"])
@limiter.limit("60 per minute")
def manage(token: str):
    registration = _registration_from_link(token)
    form = DetailsForm()
    if form.validate_on_submit():
        services.update_details(registration.id, form.details(registration.email, current_language()))
        flash(_("Uw gegevens zijn bijgewerkt."), "success")
        return redirect(url_for(".manage", token=token))
    if not form.is_submitted():
        _prefill(form, registration)
    return render_template(
        "registration/manage.html",
        registration=registration,
        meeting=registration.meeting,
        form=form,
        token=token,
        open_for_registration=services.is_open(registration.meeting),
    )


@bp.get("/aanmelding/<token>/opnieuw")
@limiter.limit("60 per minute")
def register_again(token: str):
    """ "Toch weer aanmelden" after cancelling: the session's form, filled in here on the server with
    what they gave last time (no personal data in a URL), posting to the form's own route, so the new
    registration takes the normal path: limits, seat or waiting list, confirmation mail."""
    registration = _registration_from_link(token)
    if registration.status != CANCELLED:
        return redirect(url_for(".manage", token=token))
    form = RegistrationForm()
    _prefill(form, registration)
    form.email.data = registration.email
    return _meeting_page(registration.meeting, form, again=True)


def _confirm_page(registration: Registration, token: str, action: str):
    """A second step before anything that cannot be undone from the phone: a stray tap changes nothing."""
    return render_template(
        "registration/confirm.html",
        action=action,
        registration=registration,
        meeting=registration.meeting,
        confirm_form=ConfirmForm(),
        token=token,
    )


@bp.route("/aanmelding/<token>/afmelden", methods=["GET", "POST"])
@limiter.limit("30 per minute")
def cancel(token: str):
    registration = _registration_from_link(token)
    if request.method == "GET":
        return _confirm_page(registration, token, "cancel")
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.cancel(registration.id)
    flash(_("U bent afgemeld. Jammer dat u er niet bij kunt zijn!"), "success")
    return redirect(url_for(".manage", token=token))


@bp.route("/aanmelding/<token>/ik-kom", methods=["GET", "POST"])
@limiter.limit("30 per minute")
def reconfirm(token: str):
    """ "Ik kom" from the reminder: the link shows one button, and only pressing it counts."""
    registration = _registration_from_link(token)
    if request.method == "GET":
        return _confirm_page(registration, token, "reconfirm")
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if services.reconfirm(registration.id):
        flash(_("Fijn dat u komt! Tot dan."), "success")
    else:
        flash(_("U heeft (nog) geen plaats bij deze sessie, dus er is niets te bevestigen."), "error")
    return redirect(url_for(".manage", token=token))


@bp.route("/aanmelding/<token>/verwijderen", methods=["GET", "POST"])
@limiter.limit("30 per minute")
def delete(token: str):
    registration = _registration_from_link(token)
    if request.method == "GET":
        return _confirm_page(registration, token, "delete")
    if not ConfirmForm().validate_on_submit():
        abort(400)
    meeting = registration.meeting
    services.delete_personal_data(registration.id, Path(current_app.config["MAIL_OUTBOX_DIR"]))
    return render_template("registration/deleted.html", meeting=meeting)


@bp.get("/aanmelding/<token>/agenda.ics")
@limiter.limit("60 per minute")
def calendar(token: str):
    registration = _registration_from_link(token)
    body = calendar_for(registration, registration.meeting, mail.session_url(registration))
    return (
        body,
        200,
        {
            "Content-Type": "text/calendar; charset=utf-8",
            "Content-Disposition": f'attachment; filename="sessie-{registration.meeting.slug}.ics"',
        },
    )
