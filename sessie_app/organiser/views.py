"""Organiser area: everything here requires login."""

import logging

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ..extensions import limiter, login_manager
from ..i18n import safe_next
from ..registration.forms import ConfirmForm
from . import services
from .forms import LoginForm

bp = Blueprint("organiser", __name__, url_prefix="/organisator")
log = logging.getLogger(__name__)

# Endpoints a stranger may reach; every other organiser endpoint must require login (a test enumerates them).
PUBLIC_ENDPOINTS = {"organiser.login"}


@login_manager.user_loader
def load_user(organiser_id: str):
    return services.load_organiser(organiser_id)


@bp.after_request
def no_store(response):
    # Lists of people must not linger in a shared browser's cache.
    response.headers["Cache-Control"] = "no-store"
    return response


def _login_rate_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _login_account_key() -> str:
    return "login:" + services.normalise_email(request.form.get("email", ""))[:254]


@bp.route("/inloggen", methods=["GET", "POST"])
@limiter.limit(_login_rate_limit, methods=["POST"])
@limiter.limit(_login_rate_limit, methods=["POST"], key_func=_login_account_key)
def login():
    if current_user.is_authenticated:
        return redirect(url_for(".dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        organiser = services.authenticate(form.email.data, form.password.data)
        if organiser is not None:
            login_user(organiser)
            log.info("Organiser login succeeded for %s from %s", organiser.email, request.remote_addr)
            return redirect(safe_next(request.args.get("next"), url_for(".dashboard")))
        # Never log the password; the address helps spot an attack on one account.
        log.warning("Organiser login failed for %r from %s", form.email.data[:254], request.remote_addr)
        flash(_("Deze combinatie van e-mailadres en wachtwoord kennen we niet."), "error")
    return render_template("organiser/login.html", form=form)


@bp.post("/uitloggen")
@login_required
def logout():
    if ConfirmForm().validate_on_submit():
        logout_user()
        flash(_("U bent uitgelogd."), "success")
    return redirect(url_for(".login"))


@bp.get("/")
@login_required
def dashboard():
    return render_template("organiser/dashboard.html")


@bp.route("/inchecken/code/<code>", methods=["GET", "POST"])
@login_required
def check_in_code(code: str):
    return render_template("organiser/dashboard.html")
