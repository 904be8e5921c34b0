"""Registration and change forms; every message is Dutch by default."""

from email_validator import EmailNotValidError
from email_validator import validate_email as check_email_syntax
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from .. import limits
from ..choices import ROLES, SECTORS, select_choices
from ..textclean import clean_block, clean_line
from .services import Details

TOO_LONG = _l("Gebruik hoogstens %(max)d tekens.")
MEAL_CHOICES = [("ja", _l("Ja, ik eet mee")), ("nee", _l("Nee, ik eet niet mee"))]


def normalised_email(address: str) -> str:
    """The address as stored, or a ValidationError in Dutch."""
    try:
        result = check_email_syntax(address, check_deliverability=False)
    except EmailNotValidError:
        raise ValidationError(_l("Dit lijkt geen geldig e-mailadres. Controleer het nog eens.")) from None
    # Addresses are case-insensitive in practice; one spelling per person finds duplicates.
    return result.normalized.lower()


class DetailsForm(FlaskForm):
    """What a registrant can fill in and later change."""

    name = StringField(
        _l("Naam"),
        filters=[clean_line],
        validators=[
            DataRequired(_l("Vul uw naam in.")),
            Length(max=limits.NAME, message=TOO_LONG),
        ],
        render_kw={"autocomplete": "name"},
    )
    organisation = StringField(
        _l("Organisatie"),
        filters=[clean_line],
        validators=[
            DataRequired(_l("Vul uw school, instelling of organisatie in.")),
            Length(max=limits.ORGANISATION, message=TOO_LONG),
        ],
        render_kw={"autocomplete": "organization"},
    )
    role = SelectField(
        _l("Uw rol"),
        choices=select_choices(ROLES, _l("Maak een keuze")),
        validators=[DataRequired(_l("Kies uw rol."))],
        validate_choice=False,
    )
    sector = SelectField(
        _l("Sector"),
        choices=select_choices(SECTORS, _l("Maak een keuze")),
        validators=[DataRequired(_l("Kies uw sector."))],
        validate_choice=False,
    )
    meal = RadioField(
        _l("Maaltijd"),
        choices=select_choices(MEAL_CHOICES),
        validators=[InputRequired(_l("Laat weten of u mee-eet."))],
        validate_choice=False,
    )
    health_consent = BooleanField(
        _l("Ik geef toestemming om mijn dieetwensen en toegankelijkheidsbehoeften te bewaren, alleen voor deze sessie.")
    )
    dietary = TextAreaField(
        _l("Dieetwensen of allergieën (optioneel)"),
        filters=[clean_block],
        validators=[Optional(), Length(max=limits.DIETARY, message=TOO_LONG)],
        render_kw={"rows": 2},
    )
    accessibility = TextAreaField(
        _l("Toegankelijkheid: wat heeft u nodig? (optioneel)"),
        filters=[clean_block],
        validators=[Optional(), Length(max=limits.ACCESSIBILITY, message=TOO_LONG)],
        render_kw={"rows": 2},
    )

    def details(self, email: str | None, locale: str = "nl") -> Details:
        """What was filled in, for the registration services."""
        return Details(
            name=self.name.data,
            email=email,
            organisation=self.organisation.data or "",
            role=self.role.data,
            sector=self.sector.data,
            meal=self.meal.data == "ja",
            health_consent=bool(self.health_consent.data),
            dietary=self.dietary.data or None,
            accessibility=self.accessibility.data or None,
            locale=locale,
        )

    def validate_role(self, field):
        if field.data not in dict(ROLES):
            raise ValidationError(_l("Kies een rol uit de lijst."))

    def validate_sector(self, field):
        if field.data not in dict(SECTORS):
            raise ValidationError(_l("Kies een sector uit de lijst."))

    def validate_meal(self, field):
        if field.data not in dict(MEAL_CHOICES):
            raise ValidationError(_l("Laat weten of u mee-eet."))

    def validate_health_consent(self, field):
        if (self.dietary.data or self.accessibility.data) and not field.data:
            raise ValidationError(
                _l(
                    "Dieetwensen en toegankelijkheid zijn gezondheidsgegevens. Vink de toestemming aan, of laat die velden leeg."
                )
            )


class RegistrationForm(DetailsForm):
    email = EmailField(
        _l("E-mailadres"),
        filters=[clean_line],
        validators=[
            DataRequired(_l("Vul uw e-mailadres in.")),
            Length(max=limits.EMAIL, message=TOO_LONG),
        ],
        render_kw={"autocomplete": "email", "inputmode": "email"},
    )
    privacy_consent = BooleanField(
        _l("Ik heb de privacyverklaring gelezen en ga akkoord met het bewaren van mijn gegevens voor deze sessie."),
        validators=[DataRequired(_l("Zonder uw akkoord kunnen wij uw aanmelding niet bewaren."))],
    )
    # Honeypot: hidden from people, filled in by bots.
    website = StringField(_l("Laat dit veld leeg"), render_kw={"autocomplete": "off", "tabindex": "-1"})

    def validate_email(self, field):
        field.data = normalised_email(field.data)

    @property
    def is_bot(self) -> bool:
        return bool(self.website.data)


class ConfirmForm(FlaskForm):
    """A bare form for buttons that change state (cancel, delete): it only carries the CSRF token."""
