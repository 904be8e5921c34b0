"""Reports in the organiser area: review the suggested groups, then download PDF, JSON or CSV."""

import logging

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..choices import ACTOR_LABELS, ACTORS
from ..organiser import download, no_store, organiser_context, requires, roles
from ..pdf import PdfBusy, PdfError, PdfTimeout
from ..registration.forms import ConfirmForm
from ..registration.meetings import meetings_in_date_order
from . import exports, labels, services
from .document import report_pdf
from .docx import DOCX_CONTENT_TYPE, report_docx
from .forms import GroupForm, LooseForm
from .report import Report

bp = Blueprint("reports", __name__, url_prefix="/organisator/rapport")
log = logging.getLogger(__name__)

bp.after_request(no_store)
bp.context_processor(organiser_context)


@bp.before_request
@requires(roles.REPORTS)
def require_login():
    # Every page here shows the synthesis; one check for the whole blueprint leaves no route open.
    return None


def _report_or_404(scope: str, suggest: bool = False) -> Report:
    # The report is a Dutch document whatever language the organiser's screen is in: its role and
    # actor labels must be Dutch too.
    try:
        with force_locale("nl"):
            return services.build_report(scope, suggest=suggest)
    except services.UnknownSession:
        abort(404)


def _filename(scope: str, extension: str) -> str:
    return f"plan-van-aanpak-{scope}.{extension}"


def _index_page(status: int = 200):
    return render_template("reports/index.html", meetings=meetings_in_date_order(), review=services.review()), status


@bp.get("/")
def index():
    return _index_page()


@bp.get("/<scope>.pdf")
def report_pdf_download(scope: str):
    report = _report_or_404(scope)
    try:
        body = report_pdf(report)
    except PdfBusy:
        return _pdf_failed(_("Er worden nu al rapporten gemaakt. Probeer het over een minuut opnieuw."))
    except PdfTimeout:
        return _pdf_failed(
            _("Het rapport maken duurde te lang en is afgebroken. Probeer het opnieuw of download de CSV.")
        )
    except PdfError:
        log.exception("Report PDF for %s failed", scope)
        return _pdf_failed(_("Het rapport kon niet worden gemaakt. De CSV en JSON bevatten dezelfde gegevens."))
    log.info("Organiser %s downloaded the %s report (PDF)", current_user.email, scope)
    return (
        body,
        200,
        {
            "Content-Type": "application/pdf",
            "Content-Disposition": f'attachment; filename="{_filename(scope, "pdf")}"',
        },
    )


@bp.get("/<scope>.docx")
def report_docx_download(scope: str):
    # The same permission as the PDF: the blueprint's require_login asks roles.REPORTS for every route.
    report = _report_or_404(scope)
    body = report_docx(report)
    log.info("Organiser %s downloaded the %s report (DOCX)", current_user.email, scope)
    return (
        body,
        200,
        {
            "Content-Type": DOCX_CONTENT_TYPE,
            "Content-Disposition": f'attachment; filename="{_filename(scope, "docx")}"',
        },
    )


def _pdf_failed(message: str):
    flash(message, "error")
    return _index_page(503)


@bp.get("/<scope>.json")
def report_json(scope: str):
    suggest = request.args.get("groepering") == "suggestie"
    report = _report_or_404(scope, suggest=suggest)
    log.info("Organiser %s downloaded the %s report (JSON)", current_user.email, scope)
    return download(exports.synthesis_json(report), _filename(scope, "json"), "application/json")


@bp.get("/<scope>.csv")
def report_csv(scope: str):
    report = _report_or_404(scope)
    log.info("Organiser %s downloaded the %s report (CSV)", current_user.email, scope)
    return download(exports.synthesis_csv(report), _filename(scope, "csv"), "text/csv")


# --- the group review ------------------------------------------------------------------------


LOOSE_PREFIX = "los"


def _prefix(group_id: int) -> str:
    # Many group forms share one page: the prefix keeps their field ids and names apart.
    return f"groep{group_id}"


def _review_page(status: int = 200, forms: dict | None = None, loose_form: LooseForm | None = None):
    review = services.review()
    group_forms = forms or {}
    shown = {group.id for group in review.groups}
    if any(group_id not in shown for group_id in group_forms):
        # A stale tab: the group was dissolved or merged meanwhile, so its form has nowhere to show errors.
        flash(_("Deze groep bestaat niet meer. Vernieuw de pagina."), "error")
    themes = services.theme_keys()
    for group in review.groups:
        if group.id not in group_forms:
            group_forms[group.id] = GroupForm(
                formdata=None, prefix=_prefix(group.id), title=group.title, theme=group.theme, actor=group.actor
            )
        _group_choices(group_forms[group.id], group, themes)
    return render_template(
        "reports/groups.html",
        review=review,
        group_forms=group_forms,
        loose_form=loose_form or LooseForm(formdata=None, prefix=LOOSE_PREFIX),
        suggest_form=ConfirmForm(formdata=None),
    ), status


def _group_choices(form: GroupForm, group, themes: dict[str, str]) -> None:
    # The members' own themes and actors first, most frequent first: the likely choice is at the top.
    form.theme.choices = (
        [(key, themes.get(key, key)) for key in group.themes]
        + [(key, name) for key, name in themes.items() if key not in group.themes]
        + [(labels.NO_THEME, str(labels.NO_THEME_LABEL))]
    )
    form.actor.choices = (
        [(key, str(ACTOR_LABELS.get(key, key))) for key in group.actors]
        + [(key, str(label)) for key, label in ACTORS if key not in group.actors]
        + [(labels.NO_ACTOR, str(labels.NO_ACTOR_LABEL))]
    )


@bp.get("/groepen")
def groups():
    return _review_page()


@bp.post("/groepen/voorstellen")
def suggest_groups():
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    result = services.suggest()
    log.info("Organiser %s asked for group suggestions: %d groups", current_user.email, result.created)
    flash(
        ngettext(
            "%(num)d groep voorgesteld uit %(total)d voorstellen. Bekijk ze hieronder.",
            "%(num)d groepen voorgesteld uit %(total)d voorstellen. Bekijk ze hieronder.",
            result.created,
            total=result.considered,
        ),
        "success",
    )
    return redirect(url_for(".groups"))


@bp.post("/groepen/<int:group_id>")
def group_action(group_id: int):
    form = GroupForm(prefix=_prefix(group_id))
    if not form.validate_on_submit():
        return _review_page(400, forms={group_id: form})
    chosen = request.form.getlist("proposal")
    try:
        if form.confirm.data:
            services.confirm(group_id, form.title.data, form.theme.data, form.actor.data)
            message = _("Groep geaccepteerd: die komt zo in het rapport.")
        elif form.rename.data:
            services.rename(group_id, form.title.data, form.theme.data, form.actor.data)
            message = _("Opgeslagen.")
        elif form.reopen.data:
            services.reopen(group_id)
            message = _("De groep is weer een suggestie; in het rapport staan de voorstellen los tot u hem accepteert.")
        elif form.dissolve.data:
            services.dissolve(group_id)
            message = _("Groep opgeheven: elk voorstel staat weer los.")
        elif form.remove.data:
            count = services.remove_proposals(group_id, chosen)
            message = ngettext(
                "%(num)d voorstel uit de groep gehaald.", "%(num)d voorstellen uit de groep gehaald.", count
            )
        elif form.move.data:
            if form.target.data is None:
                raise services.ReportError(_l("Vul het nummer in van de groep waar de voorstellen heen moeten."))
            count = services.move_proposals(chosen, form.target.data)
            if count:
                message = ngettext("%(num)d voorstel verplaatst.", "%(num)d voorstellen verplaatst.", count)
            else:
                message = _("Deze voorstellen zaten al in die groep.")
        else:
            raise services.ReportError(_l("Kies wat er met de groep moet gebeuren."))
    except services.ReportError as error:
        flash(str(error), "error")
        return _review_page(400, forms={group_id: form})
    log.info("Organiser %s changed group %d", current_user.email, group_id)
    flash(message, "success")
    return redirect(url_for(".groups", _anchor=f"groep-{group_id}"))


@bp.post("/groepen/los")
def loose_action():
    form = LooseForm(prefix=LOOSE_PREFIX)
    if not form.validate_on_submit():
        return _review_page(400, loose_form=form)
    chosen = request.form.getlist("proposal")
    try:
        if form.create.data:
            group_id = services.new_group(chosen, form.title.data or None)
            message = _("Nieuwe groep gemaakt en geaccepteerd.")
        elif form.add.data:
            if form.target.data is None:
                raise services.ReportError(_l("Vul het nummer in van de groep waar de voorstellen bij moeten."))
            services.move_proposals(chosen, form.target.data)
            group_id = form.target.data
            message = _("Voorstellen toegevoegd aan de groep.")
        else:
            raise services.ReportError(_l("Kies wat er met de voorstellen moet gebeuren."))
    except services.ReportError as error:
        flash(str(error), "error")
        return _review_page(400, loose_form=form)
    log.info("Organiser %s grouped loose proposals into group %d", current_user.email, group_id)
    flash(message, "success")
    return redirect(url_for(".groups", _anchor=f"groep-{group_id}"))
