"""Organiser forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from ..textclean import clean_line


class LoginForm(FlaskForm):
    email = EmailField(
        _l("E-mailadres"),
        filters=[clean_line],
        validators=[DataRequired(_l("Vul uw e-mailadres in.")), Length(max=254)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Wachtwoord"),
        validators=[DataRequired(_l("Vul uw wachtwoord in.")), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )
