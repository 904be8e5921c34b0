"""Reports in the organiser area: review the suggested groups, then download PDF, JSON or CSV."""

import logging

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from ..choices import ACTOR_LABELS, ACTORS, select_choices
from ..organiser import download, no_store, organiser_context, requires, roles
from ..pdf import PdfBusy, PdfError, PdfTimeout, prepare
from ..registration.forms import ConfirmForm
from ..registration.meetings import meetings_in_date_order
from . import exports, labels, services
from .document import report_pdf
from .docx import DOCX_CONTENT_TYPE, report_docx
from .forms import GroupForm, LooseForm, ReviewFilterForm
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
    # A download usually follows: the render processes' forkserver imports WeasyPrint meanwhile.
    prepare()
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
#
# Every action answers with a redirect to the review page (Post/Redirect/Get): a reload or the back
# button never posts twice, and the address in the browser is always one that shows the page. The
# filters and pages travel in the query string of each form's action and come back in the redirect;
# the action's outcome is shown where the organiser acted (the group's card or the loose list), which
# the redirect's anchor scrolls to.


LOOSE_PREFIX = "los"
LOOSE_ANCHOR = "los"
# The query parameters of the review page, as the services' Filter names them.
FILTER_ARGS = {"sessie": "session", "thema": "theme", "toon": "show", "pagina": "page", "lospagina": "loose_page"}
NOTICE_KEY = "review_notice"
# What the organiser typed into a form whose action was refused (a title, a theme, a group number):
# the redirect would lose it, so it waits in the session for the page to fill the form in again.
TYPED_KEY = "review_typed"
TYPED_FIELDS = ("title", "theme", "actor", "target")
TYPED_LENGTH = 200


def _prefix(group_id: int) -> str:
    # Many group forms share one page: the prefix keeps their field ids and names apart.
    return f"groep{group_id}"


def _group_anchor(group_id) -> str:
    return f"groep-{group_id}"


def _loose_anchor(proposal_id) -> str:
    return f"voorstel-{proposal_id}"


def _kept_filter() -> dict[str, str]:
    """The review page's filters and pages from this request's address, to carry through an action."""
    return {name: value for name in FILTER_ARGS if (value := request.args.get(name, "")[:100])}


def _filter_args(applied: services.Filter) -> dict[str, str]:
    """The query string of a filter, without the values every page has by default."""
    args = {
        "sessie": applied.session,
        "thema": applied.theme,
        "toon": None if applied.show == services.Filter().show else applied.show,
        "pagina": applied.page if applied.page > 1 else None,
        "lospagina": applied.loose_page if applied.loose_page > 1 else None,
    }
    return {name: value for name, value in args.items() if value}


def _back(anchor: str | None, message: str, category: str = "success"):
    """To the review page with the same filters, the outcome shown at ``anchor`` (a group's card, the
    loose list) or at the top of the page (None)."""
    session[NOTICE_KEY] = {"anchor": anchor, "message": str(message), "category": category}
    return redirect(url_for(".groups", **_kept_filter(), _anchor=anchor), 303)


def _refused(anchor: str, form=None, error: Exception | None = None):
    # A form that does not validate has an error to show (a bad token never gets here: CSRFProtect).
    message = str(error) if error else next(str(m) for messages in form.errors.values() for m in messages)
    if form is not None:
        typed = {
            field.name: str((field.raw_data or [""])[0])[:TYPED_LENGTH]
            for name, field in form._fields.items()
            if name in TYPED_FIELDS
        }
        session[TYPED_KEY] = typed
    return _back(anchor, message, "error")


def _typed_again(typed, prefix: str) -> MultiDict | None:
    """The values typed into the refused form with this prefix, as form data; None for another form."""
    if not isinstance(typed, dict) or not all(isinstance(v, str) for v in typed.values()):
        return None
    mine = {name: value for name, value in typed.items() if name.startswith(f"{prefix}-")}
    return MultiDict(mine) if mine else None


def _review_page():
    page = services.review_page(**{key: request.args.get(name) for name, key in FILTER_ARGS.items()})
    notice = session.pop(NOTICE_KEY, None)
    if not isinstance(notice, dict):
        notice = None
    anchors = {_group_anchor(group.id) for group in page.groups} | {_loose_anchor(e.proposal.id) for e in page.loose}
    if page.loose:
        anchors.add(LOOSE_ANCHOR)
    if notice and notice.get("anchor") not in anchors:
        # The group is gone, or on another page or filtered out: the top of the page is where it is read.
        notice["anchor"] = None
    if page.unknown:
        flash(_("Dit filter bestaat niet (meer); de pagina toont wat wel bestaat."), "error")
    themes = {key: name for key, name in page.themes.items() if key != labels.NO_THEME}
    typed = session.pop(TYPED_KEY, None)
    group_forms = {}
    for group in page.groups:
        form = GroupForm(
            formdata=_typed_again(typed, _prefix(group.id)),
            prefix=_prefix(group.id),
            title=group.title,
            theme=group.theme,
            actor=group.actor,
        )
        _group_choices(form, group, themes)
        group_forms[group.id] = form
    filter_form = ReviewFilterForm(formdata=None)
    filter_form.sessie.choices = select_choices(page.sessions, placeholder=_("Alle sessies"))
    filter_form.thema.choices = select_choices(page.themes.items(), placeholder=_("Alle thema's"))
    filter_form.sessie.data = page.filter.session or ""
    filter_form.thema.data = page.filter.theme or ""
    filter_form.toon.data = page.filter.show
    query = _filter_args(page.filter)

    def page_url(param: str, number: int, anchor: str) -> str:
        # Page 1 is the page without the parameter: one address per page.
        return url_for(".groups", **{**query, param: number if number > 1 else None}, _anchor=anchor)

    return render_template(
        "reports/groups.html",
        page=page,
        query=query,
        page_url=page_url,
        notice=notice,
        group_forms=group_forms,
        filter_form=filter_form,
        loose_form=LooseForm(formdata=_typed_again(typed, LOOSE_PREFIX), prefix=LOOSE_PREFIX),
        suggest_form=ConfirmForm(formdata=None),
        join_form=ConfirmForm(formdata=None),
        merge_form=ConfirmForm(formdata=None),
    )


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


@bp.get("/groepen/voorstellen")
@bp.get("/groepen/los")
@bp.get("/groepen/<int:group_id>")
@bp.get("/groepen/<int:group_id>/samen/<int:target_id>")
@bp.get("/groepen/los/<int:proposal_id>/bij/<int:group_id>")
def back_to_review(group_id: int | None = None, proposal_id: int | None = None, target_id: int | None = None):
    # The addresses the review's forms post to: reached by a reload, the back button or a bookmark,
    # they lead to the page itself.
    if proposal_id is not None or request.path.endswith("/los"):
        anchor = LOOSE_ANCHOR
    elif target_id is not None:
        # A merge's address: its group went into the target.
        anchor = _group_anchor(target_id)
    elif group_id is not None:
        anchor = _group_anchor(group_id)
    else:
        anchor = None
    return redirect(url_for(".groups", **_kept_filter(), _anchor=anchor), 303)


@bp.post("/groepen/voorstellen")
def suggest_groups():
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    result = services.suggest()
    log.info("Organiser %s asked for group suggestions: %d groups", current_user.email, result.created)
    message = ngettext(
        "%(num)d groep voorgesteld uit %(total)d voorstellen. Bekijk ze hieronder.",
        "%(num)d groepen voorgesteld uit %(total)d voorstellen. Bekijk ze hieronder.",
        result.created,
        total=result.considered,
    )
    return _back(None, message)


def _following(value) -> int | None:
    """The id of the entry after the one acted on (a group's card, a loose proposal), which the page
    sends along: where the organiser goes on once this one is done."""
    try:
        number = int(value or "")
    except ValueError:
        return None
    return number if number > 0 else None


@bp.post("/groepen/<int:group_id>")
def group_action(group_id: int):
    form = GroupForm(prefix=_prefix(group_id))
    anchor = _group_anchor(group_id)
    if not form.validate_on_submit():
        return _refused(anchor, form)
    chosen = request.form.getlist("proposal")
    following = _following(request.form.get("volgende"))
    if form.enter.data:
        (form.move if form.target.data is not None else form.rename).data = True
    try:
        if form.confirm.data:
            services.confirm(group_id, form.title.data, form.theme.data, form.actor.data)
            message = _("Groep %(num)d geaccepteerd: die komt zo in het rapport.", num=group_id)
            # An accepted suggestion leaves the suggestions, so the next one is where the work goes on.
            anchor = _group_anchor(following) if following else anchor
        elif form.rename.data:
            services.rename(group_id, form.title.data, form.theme.data, form.actor.data)
            message = _("Opgeslagen.")
        elif form.reopen.data:
            services.reopen(group_id)
            message = _("De groep is weer een suggestie; in het rapport staan de voorstellen los tot u hem accepteert.")
        elif form.dissolve.data:
            services.dissolve(group_id)
            message = _("Groep %(num)d opgeheven: elk voorstel staat weer los.", num=group_id)
            anchor = _group_anchor(following) if following else None
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
        return _refused(anchor, form, error)
    log.info("Organiser %s changed group %d", current_user.email, group_id)
    return _back(anchor, message)


@bp.post("/groepen/los")
def loose_action():
    form = LooseForm(prefix=LOOSE_PREFIX)
    if not form.validate_on_submit():
        return _refused(LOOSE_ANCHOR, form)
    chosen = request.form.getlist("proposal")
    if form.enter.data:
        (form.add if form.target.data is not None else form.create).data = True
    try:
        if form.create.data:
            group_id = services.new_group(chosen, form.title.data or None)
            message = _("Nieuwe groep %(num)d gemaakt en geaccepteerd.", num=group_id)
        elif form.add.data:
            if form.target.data is None:
                raise services.ReportError(_l("Vul het nummer in van de groep waar de voorstellen bij moeten."))
            services.move_proposals(chosen, form.target.data)
            group_id = form.target.data
            message = _("Voorstellen toegevoegd aan groep %(num)d.", num=group_id)
        else:
            raise services.ReportError(_l("Kies wat er met de voorstellen moet gebeuren."))
    except services.ReportError as error:
        return _refused(LOOSE_ANCHOR, form, error)
    log.info("Organiser %s grouped loose proposals into group %d", current_user.email, group_id)
    # The loose list, where the organiser goes on; the message names the group.
    return _back(LOOSE_ANCHOR, message)


@bp.post("/groepen/los/<int:proposal_id>/bij/<int:group_id>")
def join_group(proposal_id: int, group_id: int):
    """One click on a loose proposal's offer: add it to that group."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        before, after = services.add_loose(proposal_id, group_id)
    except services.ReportError as error:
        return _refused(LOOSE_ANCHOR, error=error)
    log.info("Organiser %s added proposal %d to group %d", current_user.email, proposal_id, group_id)
    following = _following(request.args.get("volgende"))
    if before == after:
        message = _("Toegevoegd aan groep %(num)d: %(title)s", num=group_id, title=after)
    else:
        # The button named the old title; say why the group now has another.
        message = _(
            "Toegevoegd aan groep %(num)d. Dit voorstel heeft de meeste steun, dus de groep heet nu: %(title)s",
            num=group_id,
            title=after,
        )
    # The proposal after it on the page is where the organiser goes on, with the outcome shown there.
    return _back(_loose_anchor(following) if following else LOOSE_ANCHOR, message)


@bp.post("/groepen/<int:group_id>/samen/<int:target_id>")
def merge_groups(group_id: int, target_id: int):
    """One click on a group's offer: move all its proposals into the group it resembles."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        merged = services.merge_groups(group_id, target_id, request.args.get("staat", "")[:100])
    except services.ReportError as error:
        return _refused(_group_anchor(group_id), error=error)
    log.info("Organiser %s merged group %d into group %d", current_user.email, group_id, target_id)
    message = ngettext(
        "Groep %(source)d (%(source_title)s) samengevoegd met groep %(target)d: %(title)s. Het voorstel staat nu daar.",
        "Groep %(source)d (%(source_title)s) samengevoegd met groep %(target)d: %(title)s. De %(num)d voorstellen staan nu daar.",
        merged.moved,
        source=group_id,
        source_title=merged.source_title,
        target=target_id,
        title=merged.title,
    )
    if merged.confirmed_by_merge:
        message += " " + _(
            "Groep %(target)d is nu geaccepteerd, omdat groep %(source)d dat al was.", target=target_id, source=group_id
        )
    return _back(_group_anchor(target_id), message)
