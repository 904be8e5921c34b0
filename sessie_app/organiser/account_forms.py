"""Forms of the account pages: invitations, an account's role and sessions, passwords, the audit filters."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
)
from wtforms.validators import DataRequired, EqualTo, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from .. import limits
from ..registration.forms import TOO_LONG, normalised_email
from ..textclean import clean_line
from . import accounts, audit, roles

MAX_PASSWORD = 200
PASSWORD_TOO_SHORT = _l("Kies een wachtwoord van minstens %(min)d tekens.", min=accounts.MIN_PASSWORD)


def _email_field(label):
    return EmailField(
        label,
        filters=[clean_line],
        validators=[DataRequired(_l("Vul een e-mailadres in.")), Length(max=limits.EMAIL, message=TOO_LONG)],
        render_kw={"autocomplete": "email", "inputmode": "email"},
    )


def _new_password_fields():
    password = PasswordField(
        _l("Nieuw wachtwoord"),
        validators=[
            DataRequired(_l("Kies een wachtwoord.")),
            Length(min=accounts.MIN_PASSWORD, message=PASSWORD_TOO_SHORT),
            Length(max=MAX_PASSWORD, message=TOO_LONG),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    repeat = PasswordField(
        _l("Nieuw wachtwoord nog een keer"),
        validators=[
            DataRequired(_l("Typ het wachtwoord nog een keer.")),
            EqualTo("password", _l("De twee wachtwoorden zijn niet gelijk.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    return password, repeat


class MeetingChecklist(SelectMultipleField):
    """Sessions as a list of checkboxes; the view sets the choices (id, label)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form):
        # An id that is not listed (a session deleted meanwhile, a crafted form) is a refusal, not a 500.
        known = {value for value, _label, *_rest in self.iter_choices()}
        if any(str(value) not in {str(k) for k in known} for value in self.data or ()):
            raise ValidationError(_l("Kies alleen sessies uit de lijst."))


def _role_field():
    return RadioField(
        _l("Rol"),
        choices=[SelectChoice(role, roles.ROLE_LABELS[role]) for role in roles.ROLES],
        validators=[DataRequired(_l("Kies een rol."))],
    )


class InviteForm(FlaskForm):
    email = _email_field(_l("E-mailadres van de organisator"))
    role = _role_field()
    meetings = MeetingChecklist(_l("Sessies (voor een facilitator)"), coerce=int, validate_choice=False)

    def validate_email(self, field):
        field.data = normalised_email(field.data)


class AccountForm(FlaskForm):
    role = _role_field()
    meetings = MeetingChecklist(_l("Sessies (voor een facilitator)"), coerce=int, validate_choice=False)
    active = BooleanField(_l("Account actief (uitzetten beëindigt meteen elke sessie van dit account)"))


class PasswordChangeForm(FlaskForm):
    current = PasswordField(
        _l("Huidig wachtwoord"),
        validators=[DataRequired(_l("Vul uw huidige wachtwoord in.")), Length(max=MAX_PASSWORD, message=TOO_LONG)],
        render_kw={"autocomplete": "current-password"},
    )
    password, repeat = _new_password_fields()


class ForgotPasswordForm(FlaskForm):
    email = _email_field(_l("E-mailadres"))


class NewPasswordForm(FlaskForm):
    password, repeat = _new_password_fields()


class AuditFilterForm(FlaskForm):
    """A GET form: no CSRF, nothing changes. A value that is not valid is ignored (validate)."""

    class Meta:
        csrf = False

    action = SelectField(
        _l("Handeling"),
        choices=[SelectChoice("", _l("Alle handelingen"))]
        + [SelectChoice(k, v) for k, v in audit.ACTION_LABELS.items()],
        validators=[Optional()],
        validate_choice=True,
    )
    account = SelectField(_l("Account"), choices=[], validators=[Optional()], validate_choice=True)
    day_from = DateField(_l("Vanaf (datum)"), validators=[Optional()])
    day_until = DateField(_l("Tot en met (datum)"), validators=[Optional()])
