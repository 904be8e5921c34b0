"""Organiser pages for the sessions: login, dashboard, editing a session, registrations and check-in."""

from dataclasses import asdict
from pathlib import Path

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_user

from .. import tokens
from ..i18n import safe_next
from ..outbox import services as outbox
from ..outbox.models import FAILED, SENT, WAITING
from ..realtime.auth import end_organiser_connections
from ..registration import notifications
from ..registration import services as registration_services
from ..registration.forms import ConfirmForm
from ..registration.ics import location_text
from ..registration.meetings import MeetingNotFound, is_valid_slug, meeting_by_slug
from ..registration.models import CANCELLED, WAITLISTED, Meeting
from ..timeutil import utcnow
from . import (
    accounts,
    audit,
    bp,
    download,
    forget_login,
    log,
    may,
    meeting_or_404,
    of_check_in_code,
    of_registration,
    of_session,
    requires,
    roles,
    services,
    throttle,
)
from .forms import (
    AddRegistrationForm,
    CheckInSearchForm,
    LoginForm,
    MeetingEditForm,
    MeetingForm,
    NewMeetingForm,
    PresenceForm,
    RegistrationFilterForm,
    SureForm,
)

# The session last used at the check-in desk, so a code opened from the phone's camera app can
# warn about a registration for another session.
CHECK_IN_MEETING = "check_in_meeting"
MEETING_FIELDS = ("city", "venue", "address", "date", "starts_at", "ends_at", "capacity", "registration_open")


def _meeting_or_none(slug: str) -> Meeting | None:
    try:
        return meeting_by_slug(slug)
    except MeetingNotFound:
        return None


@bp.route("/inloggen", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for(".dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        account = throttle.account_key(form.email.data)
        wait = throttle.seconds_to_wait(account, request.remote_addr)
        if wait:
            # Not checked at all: a guesser learns nothing and costs no password hash.
            log.warning(
                "Organiser login for %r from %s refused for %d s after failures", account, request.remote_addr, wait
            )
            flash(
                ngettext(
                    "Te veel mislukte pogingen. Wacht nog %(num)d seconde en probeer het dan opnieuw.",
                    "Te veel mislukte pogingen. Wacht nog %(num)d seconden en probeer het dan opnieuw.",
                    wait,
                ),
                "error",
            )
            page = render_template("organiser/login.html", form=form)
            return page, 429, {"Retry-After": str(wait)}
        organiser = services.authenticate(account, form.password.data)
        if organiser is not None:
            throttle.succeeded(account, request.remote_addr)
            login_user(organiser)
            log.info("Organiser login succeeded for %s from %s", organiser.email, request.remote_addr)
            return redirect(safe_next(request.args.get("next"), url_for(".dashboard")))
        throttle.failed(account, request.remote_addr)
        # Never log the password; the address helps spot an attack on one account.
        log.warning("Organiser login failed for %r from %s", account[:254], request.remote_addr)
        audit.login_failed(account, request.remote_addr)
        flash(_("Deze combinatie van e-mailadres en wachtwoord kennen we niet."), "error")
    return render_template("organiser/login.html", form=form)


@bp.post("/uitloggen")
@requires(roles.SIGNED_IN)
def logout():
    if ConfirmForm().validate_on_submit():
        # Every session of the account ends, not only this browser's: a copied cookie stops too.
        organiser_id = current_user.id
        accounts.end_sessions(organiser_id)
        audit.record(organiser_id, audit.LOGGED_OUT, current_user.email)
        end_organiser_connections(organiser_id)
        forget_login()
        flash(_("U bent uitgelogd."), "success")
    return redirect(url_for(".login"))


@bp.get("/")
@requires(roles.SIGNED_IN)
def dashboard():
    if not may(roles.REGISTRATIONS):
        # A facilitator's home: the sessions assigned to them, their check-in desk and boards.
        return render_template(
            "organiser/facilitator_home.html", meetings=current_user.meetings, boards=services.board_overview()
        )
    return render_template("organiser/dashboard.html", overview=services.meeting_overview())


# --- sessions -----------------------------------------------------------------------------------


def _meeting_values(form: MeetingForm) -> dict:
    return {name: getattr(form, name).data for name in MEETING_FIELDS}


@bp.route("/sessies/nieuw", methods=["GET", "POST"])
@requires(roles.EDIT_SESSIONS)
def meeting_new():
    form = NewMeetingForm()
    if form.validate_on_submit():
        try:
            meeting = services.create_meeting(slug=form.slug.data, **_meeting_values(form))
        except services.SlugTaken:
            form.slug.errors.append(_("Deze korte naam is al in gebruik. Kies een andere."))
        else:
            audit.record(current_user.id, audit.SESSION_CREATED, meeting.slug)
            flash(_("De sessie in %(city)s is aangemaakt.", city=meeting.city), "success")
            return redirect(url_for(".dashboard"))
    return render_template("organiser/meeting_form.html", form=form, meeting=None)


@bp.route("/sessies/<slug>/bewerken", methods=["GET", "POST"])
@requires(roles.EDIT_SESSIONS, of_session)
def meeting_edit(slug: str):
    meeting = meeting_or_404(slug)
    form = MeetingEditForm(obj=meeting)
    if form.validate_on_submit():
        confirmed = services.confirmed_beyond(meeting, form.capacity.data)
        if confirmed is not None and not form.lower_capacity.data:
            # Not saved: the form again, saying what fewer seats do, with a box to tick.
            return render_template(
                "organiser/meeting_form.html", form=form, meeting=meeting, confirmed_beyond=confirmed
            )
        change = registration_services.update_meeting(meeting.id, **_meeting_values(form))
        below = f", below its {confirmed} confirmed registrations" if confirmed is not None else ""
        audit.record(current_user.id, audit.SESSION_EDITED, slug, f"seats {form.capacity.data}{below}")
        schedule_mails = change.mails.count(notifications.SCHEDULE_CHANGED)
        promoted = change.mails.count(notifications.PROMOTED)
        flash(_("De sessie is opgeslagen."), "success")
        if change.schedule_changed:
            flash(
                ngettext(
                    "Tijd of locatie gewijzigd: %(num)d deelnemer is gemaild.",
                    "Tijd of locatie gewijzigd: %(num)d deelnemers zijn gemaild.",
                    schedule_mails,
                ),
                "success",
            )
        _flash_promoted(promoted)
        return redirect(url_for(".dashboard"))
    return render_template("organiser/meeting_form.html", form=form, meeting=meeting)


def _flash_promoted(count: int) -> None:
    # Every change that frees seats (fewer confirmed, more seats, a cancellation) says it the same way.
    if count:
        flash(
            ngettext(
                "%(num)d persoon van de wachtlijst heeft een plaats gekregen en is gemaild.",
                "%(num)d personen van de wachtlijst hebben een plaats gekregen en zijn gemaild.",
                count,
            ),
            "success",
        )


# --- registrations ------------------------------------------------------------------------------


def _filters() -> tuple[RegistrationFilterForm, services.Filters]:
    form = RegistrationFilterForm(formdata=request.args)
    form.validate()
    filters = services.Filters.checked(
        q=form.search, status=form.status.data, role=form.role.data, sector=form.sector.data
    )
    # Show what is really applied: an unknown value falls back to "all".
    form.status.data, form.role.data, form.sector.data = filters.status, filters.role, filters.sector
    return form, filters


@bp.get("/sessies/<slug>/aanmeldingen")
@requires(roles.REGISTRATIONS, of_session)
def registrations(slug: str):
    meeting = meeting_or_404(slug)
    form, filters = _filters()
    rows = services.list_registrations(meeting.id, filters)
    export_args = {k: v for k, v in asdict(filters).items() if v}
    return render_template(
        "organiser/registrations.html",
        meeting=meeting,
        form=form,
        filters=filters,
        registrations=rows,
        report=services.meeting_report(meeting.id),
        csv_url=url_for(".registrations_csv", slug=slug, **export_args),
    )


@bp.get("/sessies/<slug>/catering")
@requires(roles.REGISTRATIONS, of_session)
def catering(slug: str):
    """One A4 for the caterer and the reception, to print or forward: numbers and needs, no names."""
    meeting = meeting_or_404(slug)
    return render_template(
        "organiser/catering.html",
        meeting=meeting,
        location=location_text(meeting),
        report=services.meeting_report(meeting.id),
        now=utcnow(),
    )


def _mail_labels() -> dict:
    return {
        notifications.CONFIRMATION: _("Bevestiging of wachtlijst"),
        notifications.LINK_AGAIN: _("Persoonlijke link opnieuw"),
        notifications.PROMOTED: _("Plek vrijgekomen"),
        notifications.SCHEDULE_CHANGED: _("Tijd of locatie gewijzigd"),
        notifications.CANCELLED: _("Afmelding"),
        notifications.REMINDER: _("Herinnering"),
        notifications.NUDGE: _("Tweede herinnering"),
        notifications.MESSAGE: _("Bericht"),
        WAITING: _("Wacht"),
        SENT: _("Verstuurd"),
        FAILED: _("Mislukt"),
    }


@bp.get("/sessies/<slug>/mail")
@requires(roles.REGISTRATIONS, of_session)
def outbox_view(slug: str):
    """What was sent to this session's registrants, what waits, and what failed with the reason."""
    meeting = meeting_or_404(slug)
    return render_template(
        "organiser/outbox.html",
        meeting=meeting,
        outbox=outbox.for_meeting(meeting.id),
        labels=_mail_labels(),
        retry_form=ConfirmForm(),
        max_attempts=outbox.MAX_ATTEMPTS,
    )


@bp.post("/sessies/<slug>/mail/<int(max=2147483647):mail_id>/opnieuw")
@requires(roles.REGISTRATIONS, of_session)
def outbox_retry(slug: str, mail_id: int):
    meeting = meeting_or_404(slug)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        outbox.retry(meeting.id, mail_id)
    except outbox.MailNotFound:
        flash(_("Die mail bestaat niet (meer) of is al verstuurd."), "error")
    else:
        flash(_("De mail wordt opnieuw verstuurd."), "success")
    return redirect(url_for(".outbox_view", slug=slug))


@bp.route("/sessies/<slug>/aanmeldingen/nieuw", methods=["GET", "POST"])
@requires(roles.CHECK_IN, of_session)
def registration_add(slug: str):
    """A phone registration or a walk-in at the door (a facilitator's desk may add one too)."""
    meeting = meeting_or_404(slug)
    form = AddRegistrationForm()
    if form.validate_on_submit():
        details = form.details(form.email.data or None)
        try:
            outcome = registration_services.add_by_organiser(meeting.id, details, check_in_now=form.check_in_now.data)
        except registration_services.AlreadyRegistered:
            form.email.errors.append(_("Met dit e-mailadres is al iemand aangemeld voor deze sessie."))
        else:
            audit.record(current_user.id, audit.REGISTRATION_ADDED, f"registration {outcome.registration_id}", slug)
            if outcome.status == WAITLISTED:
                flash(_("%(name)s staat op de wachtlijst: de sessie is vol.", name=details.name), "success")
            else:
                flash(_("%(name)s is aangemeld.", name=details.name), "success")
            back = ".registrations" if may(roles.REGISTRATIONS, meeting.id, in_session=True) else ".check_in"
            return redirect(url_for(back, slug=slug))
    return render_template("organiser/registration_add.html", meeting=meeting, form=form)


def _registration_or_404(registration_id: int):
    try:
        return registration_services.get_registration(registration_id)
    except registration_services.RegistrationNotFound:
        abort(404)


@bp.get("/aanmeldingen/<int(max=2147483647):registration_id>")
@requires(roles.REGISTRATIONS, of_registration)
def registration_detail(registration_id: int):
    registration = _registration_or_404(registration_id)
    return render_template(
        "organiser/registration_detail.html",
        registration=registration,
        meeting=registration.meeting,
        cancel_form=SureForm(prefix="cancel"),
        delete_form=SureForm(prefix="delete"),
    )


def _not_sure(prefix: str, registration_id: int):
    """Back to the registration's page unless the box of this action was ticked."""
    if SureForm(prefix=prefix).validate_on_submit():
        return None
    flash(_("Vink eerst aan dat u het zeker weet."), "error")
    return redirect(url_for(".registration_detail", registration_id=registration_id))


@bp.post("/aanmeldingen/<int(max=2147483647):registration_id>/afmelden")
@requires(roles.REGISTRATIONS, of_registration)
def registration_cancel(registration_id: int):
    """Cancel for someone (a call, a mail): the waiting list moves up and both hear of it."""
    registration = _registration_or_404(registration_id)
    if back := _not_sure("cancel", registration_id):
        return back
    change = registration_services.cancel(registration.id)
    audit.record(
        current_user.id, audit.REGISTRATION_CANCELLED, f"registration {registration_id}", registration.meeting.slug
    )
    flash(_("De aanmelding is afgemeld."), "success")
    _flash_promoted(len(change.promoted))
    return redirect(url_for(".registrations", slug=registration.meeting.slug))


@bp.post("/aanmeldingen/<int(max=2147483647):registration_id>/verwijderen")
@requires(roles.REGISTRATIONS, of_registration)
def registration_delete(registration_id: int):
    """Erase someone's personal data (a fake or a request by phone); the counts stay."""
    registration = _registration_or_404(registration_id)
    slug = registration.meeting.slug
    if back := _not_sure("delete", registration_id):
        return back
    registration_services.delete_personal_data(registration.id, Path(current_app.config["MAIL_OUTBOX_DIR"]))
    audit.record(current_user.id, audit.REGISTRATION_DELETED, f"registration {registration_id}", slug)
    flash(_("De persoonsgegevens van deze aanmelding zijn verwijderd."), "success")
    return redirect(url_for(".registrations", slug=slug))


@bp.get("/sessies/<slug>/aanmeldingen.csv")
@requires(roles.EXPORT_PERSONAL_DATA, of_session)
def registrations_csv(slug: str):
    """The filtered list as CSV (UTF-8 with BOM, ``;``-separated); see services.registrations_csv."""
    meeting = meeting_or_404(slug)
    _form, filters = _filters()
    rows = services.list_registrations(meeting.id, filters)
    body = services.registrations_csv(rows)
    audit.record(current_user.id, audit.REGISTRATIONS_EXPORTED, meeting.slug, f"{len(rows)} rows")
    return download(body, f"aanmeldingen-{meeting.slug}.csv", "text/csv")


# --- check-in -------------------------------------------------------------------------------------


@bp.get("/sessies/<slug>/inchecken")
@requires(roles.CHECK_IN, of_session)
def check_in(slug: str):
    meeting = meeting_or_404(slug)
    session[CHECK_IN_MEETING] = meeting.slug
    form = CheckInSearchForm(formdata=request.args)
    form.validate()
    return render_template(
        "organiser/check_in.html",
        meeting=meeting,
        form=form,
        q=form.search,
        candidates=services.check_in_candidates(meeting.id, form.search),
        attendance=services.attendance(meeting.id),
        presence_form=PresenceForm(formdata=None),
    )


def _at_the_door(registration_id: int, form: PresenceForm, *, scanned: bool):
    """Check someone in or out as the desk's button asks (services.check_in_at_the_door) and say
    what happened; ``scanned`` for the page of a QR code. Raises RegistrationNotFound."""
    door = services.check_in_at_the_door(registration_id, present=form.present.data == "1", seat=form.seat.data == "1")
    registration = door.registration
    name = registration.name
    if door.refused == WAITLISTED:
        flash(
            _(
                "%(name)s staat op de wachtlijst en is niet aanwezig gemeld. Laat u de persoon binnen, kies dan"
                " „Plaats geven en aanwezig melden”.",
                name=name,
            ),
            "error",
        )
    elif door.refused == CANCELLED:
        flash(
            _(
                "%(name)s heeft zich afgemeld en is niet aanwezig gemeld. Laat u de persoon toch binnen, voeg dan"
                " een aanmelding toe en vink „meteen inchecken” aan.",
                name=name,
            ),
            "error",
        )
    elif door.seated:
        audit.record(
            current_user.id, audit.REGISTRATION_SEATED, f"registration {registration.id}", registration.meeting.slug
        )
        if door.mailed:
            flash(
                _("%(name)s heeft een plaats gekregen, is aanwezig gemeld en krijgt daarvan een mail.", name=name),
                "success",
            )
        else:
            flash(_("%(name)s heeft een plaats gekregen en is aanwezig gemeld.", name=name), "success")
    elif registration.checked_in_at is None:
        flash(_("%(name)s staat weer als niet aanwezig.", name=name), "success")
    elif scanned:
        flash(_("Gelukt: %(name)s is aanwezig gemeld.", name=name), "success")
    else:
        flash(_("%(name)s is aanwezig.", name=name), "success")
    return registration


# The bound keeps an absurd id from overflowing the database integer.
@bp.post("/aanmeldingen/<int(max=2147483647):registration_id>/aanwezig")
@requires(roles.CHECK_IN, of_registration)
def mark_present(registration_id: int):
    form = PresenceForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        registration = _at_the_door(registration_id, form, scanned=False)
    except registration_services.RegistrationNotFound:
        abort(404)
    args = {"q": form.q.data} if form.q.data else {}
    return redirect(url_for(".check_in", slug=registration.meeting.slug, **args, _anchor=f"r-{registration.id}"))


@bp.get("/sessies/<slug>/scannen")
@requires(roles.CHECK_IN, of_session)
def scan(slug: str):
    meeting = meeting_or_404(slug)
    session[CHECK_IN_MEETING] = meeting.slug
    return render_template(
        "organiser/scan.html",
        meeting=meeting,
        # The path every check-in link starts with; scan.js follows only links under it.
        code_prefix=url_for(".check_in_code", code="x")[:-1],
        attendance=services.attendance(meeting.id),
    )


def _registration_from_code(code: str):
    token = tokens.unsign(tokens.CHECK_IN, code)
    if token is None:
        return None
    try:
        return registration_services.find_by_token(token)
    except registration_services.RegistrationNotFound:
        return None


def _expected_arg() -> dict:
    slug = request.args.get("sessie", "")
    return {"sessie": slug} if is_valid_slug(slug) else {}


@bp.route("/inchecken/code/<code>", methods=["GET", "POST"])
@requires(roles.CHECK_IN, of_check_in_code)
def check_in_code(code: str):
    expected = _meeting_or_none(request.args.get("sessie") or session.get(CHECK_IN_MEETING) or "")
    registration = _registration_from_code(code)
    if registration is None:
        return render_template("organiser/check_in_code.html", registration=None, expected=expected), 404
    form = PresenceForm()
    if form.validate_on_submit():
        _at_the_door(registration.id, form, scanned=True)
        return redirect(url_for(".check_in_code", code=code, **_expected_arg()))
    return render_template(
        "organiser/check_in_code.html",
        registration=registration,
        meeting=registration.meeting,
        expected=expected,
        other_meeting=expected is not None and expected.id != registration.meeting_id,
        waitlisted=registration.status == WAITLISTED,
        cancelled=registration.status == CANCELLED,
        form=PresenceForm(formdata=None),
    )
