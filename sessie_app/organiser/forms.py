"""Organiser forms; every message is Dutch by default."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    SearchField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import (
    AnyOf,
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from .. import limits
from ..board import services as board_services
from ..choices import ROLES, SECTORS, select_choices
from ..registration import messages
from ..registration.forms import TOO_LONG, DetailsForm, normalised_email
from ..registration.meetings import SLUG_RE
from ..textclean import clean_block, clean_line
from .services import STATUS_LABELS

MAX_CAPACITY = 5000


class LoginForm(FlaskForm):
    email = EmailField(
        _l("E-mailadres"),
        filters=[clean_line],
        validators=[DataRequired(_l("Vul uw e-mailadres in.")), Length(max=limits.EMAIL, message=TOO_LONG)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Wachtwoord"),
        validators=[DataRequired(_l("Vul uw wachtwoord in.")), Length(max=200, message=TOO_LONG)],
        render_kw={"autocomplete": "current-password"},
    )


# Declared before MeetingForm so WTForms (which orders fields by creation) puts it first on the
# create form, in the page and in the error summary alike.
_SLUG_FIELD = StringField(
    _l("Korte naam in de link"),
    filters=[clean_line],
    validators=[
        DataRequired(_l("Vul een korte naam in, bijvoorbeeld den-haag.")),
        Length(max=limits.SLUG, message=TOO_LONG),
        Regexp(SLUG_RE, message=_l("Gebruik alleen kleine letters, cijfers en streepjes, bijvoorbeeld den-haag.")),
    ],
    render_kw={"autocapitalize": "none", "autocomplete": "off", "spellcheck": "false"},
)


class MeetingForm(FlaskForm):
    """A session's details; the slug is fixed once people have links to it."""

    city = StringField(
        _l("Plaats"),
        filters=[clean_line],
        validators=[DataRequired(_l("Vul de plaats in.")), Length(max=limits.CITY, message=TOO_LONG)],
    )
    venue = StringField(
        _l("Locatie (optioneel)"),
        filters=[clean_line],
        validators=[Optional(), Length(max=limits.VENUE, message=TOO_LONG)],
    )
    address = StringField(
        _l("Adres (optioneel)"),
        filters=[clean_line],
        validators=[Optional(), Length(max=limits.ADDRESS, message=TOO_LONG)],
        render_kw={"autocomplete": "off"},
    )
    date = DateField(
        _l("Datum"),
        invalid_value_message=_l("Vul een geldige datum in."),
        validators=[InputRequired(_l("Vul de datum in."))],
    )
    starts_at = TimeField(
        _l("Begintijd"),
        format=["%H:%M", "%H:%M:%S"],
        invalid_value_message=_l("Vul een geldige tijd in, bijvoorbeeld 15:00."),
        validators=[InputRequired(_l("Vul de begintijd in."))],
    )
    ends_at = TimeField(
        _l("Eindtijd"),
        format=["%H:%M", "%H:%M:%S"],
        invalid_value_message=_l("Vul een geldige tijd in, bijvoorbeeld 20:00."),
        validators=[InputRequired(_l("Vul de eindtijd in."))],
    )
    capacity = IntegerField(
        _l("Aantal plaatsen"),
        invalid_value_message=_l("Vul een heel getal in."),
        validators=[
            InputRequired(_l("Vul het aantal plaatsen in.")),
            NumberRange(min=0, max=MAX_CAPACITY, message=_l("Kies een aantal van %(min)s tot en met %(max)s.")),
        ],
        render_kw={"min": 0, "max": MAX_CAPACITY, "inputmode": "numeric"},
    )
    registration_open = BooleanField(_l("Aanmelden is open"), default=True)

    def validate_date(self, field):
        if field.data and not 2000 <= field.data.year <= 2100:
            raise ValidationError(_l("Kies een datum tussen 2000 en 2100."))

    def validate_ends_at(self, field):
        if field.data and self.starts_at.data and field.data <= self.starts_at.data:
            raise ValidationError(_l("De eindtijd moet na de begintijd liggen."))


class NewMeetingForm(MeetingForm):
    slug = _SLUG_FIELD


class _SearchForm(FlaskForm):
    """A GET form: no CSRF, nothing changes."""

    class Meta:
        csrf = False

    q = SearchField(
        _l("Zoeken"),
        filters=[clean_line],
        validators=[Optional(), Length(max=limits.SEARCH, message=TOO_LONG)],
        render_kw={"autocomplete": "off"},
    )

    @property
    def search(self) -> str:
        """The search text, or empty when it was refused."""
        return "" if self.q.errors else (self.q.data or "")


class AddRegistrationForm(DetailsForm):
    """Someone who registers by phone or walks in at the door: name, role and sector at least."""

    organisation = StringField(
        _l("Organisatie (optioneel)"),
        filters=[clean_line],
        validators=[Optional(), Length(max=limits.ORGANISATION, message=TOO_LONG)],
    )
    email = EmailField(
        _l("E-mailadres (optioneel: dan krijgt de persoon de bevestiging en de herinnering)"),
        filters=[clean_line],
        validators=[Optional(), Length(max=limits.EMAIL, message=TOO_LONG)],
    )
    check_in_now = BooleanField(
        _l("Staat nu aan de deur: meteen inchecken (krijgt een plaats, ook als de sessie vol is)")
    )

    def validate_email(self, field):
        if field.data:
            field.data = normalised_email(field.data)


class SureForm(FlaskForm):
    """A button that cannot be undone, with a box to tick first."""

    sure = BooleanField(
        _l("Ja, ik weet het zeker"), validators=[DataRequired(_l("Vink eerst aan dat u het zeker weet."))]
    )


class RegistrationFilterForm(_SearchForm):
    status = SelectField(
        _l("Status"),
        choices=select_choices(STATUS_LABELS.items(), _l("Alle statussen")),
        validate_choice=False,
    )
    role = SelectField(_l("Rol"), choices=select_choices(ROLES, _l("Alle rollen")), validate_choice=False)
    sector = SelectField(_l("Sector"), choices=select_choices(SECTORS, _l("Alle sectoren")), validate_choice=False)


class CheckInSearchForm(_SearchForm):
    pass


def _short(value):
    return value[: limits.SEARCH] if isinstance(value, str) else value


class PresenceForm(FlaskForm):
    """One button on the check-in list: present = "1" marks someone present, "0" undoes it."""

    present = HiddenField(validators=[AnyOf(("0", "1"))])
    # "1" on the button of someone on the waiting list: give them a seat as they are checked in.
    seat = HiddenField(validators=[Optional(), AnyOf(("1",))])
    # The search to return to; it only ends up in a link, so it is trimmed rather than refused.
    q = HiddenField(filters=[clean_line, _short])


# --- live boards -------------------------------------------------------------------------------

NO_MEETING = ""


class BoardForm(FlaskForm):
    """A new live board, for a session or on its own. The session choices are set by the view; the
    votes are checked by the board service (its refusal shows under the field it names)."""

    title = StringField(
        _l("Titel"),
        filters=[clean_line],
        validators=[
            DataRequired(_l("Vul een titel in, bijvoorbeeld „Regiosessie Zwolle”.")),
            Length(max=limits.BOARD_TITLE, message=TOO_LONG),
        ],
    )
    meeting = SelectField(_l("Sessie"), choices=[], default=NO_MEETING)
    votes_per_participant = IntegerField(
        _l("Stemmen per deelnemer"),
        default=5,
        invalid_value_message=_l("Vul een heel getal in."),
        validators=[InputRequired(_l("Vul het aantal stemmen per deelnemer in."))],
        render_kw={
            "min": board_services.MIN_VOTES,
            "max": board_services.MAX_VOTES_PER_PARTICIPANT,
            "inputmode": "numeric",
        },
    )
    max_votes_per_proposal = IntegerField(
        _l("Hoogstens stemmen op één voorstel"),
        default=2,
        invalid_value_message=_l("Vul een heel getal in."),
        validators=[InputRequired(_l("Vul in hoeveel stemmen één voorstel van één deelnemer mag krijgen."))],
        render_kw={
            "min": board_services.MIN_VOTES,
            "max": board_services.MAX_VOTES_PER_PROPOSAL,
            "inputmode": "numeric",
        },
    )

    practice = BooleanField(_l("Oefenbord"))

    def set_meetings(self, meetings, standalone: bool = True) -> None:
        """The sessions to choose from, and (``standalone``) a board of no session."""
        loose = [SelectChoice(NO_MEETING, _l("Geen sessie (los bord)"))] if standalone else []
        self.meeting.choices = loose + [
            SelectChoice(m.slug, f"{m.city} – {m.date.strftime('%d-%m-%Y')}") for m in meetings
        ]

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.votes_per_participant.errors or self.max_votes_per_proposal.errors:
            return False
        try:
            board_services.check_budget(self.votes_per_participant.data, self.max_votes_per_proposal.data)
        except board_services.InvalidBoard as refusal:
            self[refusal.field].errors.append(str(refusal))
            return False
        return valid


class BoardImportForm(FlaskForm):
    file = FileField(
        _l("CSV-bestand"),
        validators=[
            FileRequired(_l("Kies een CSV-bestand.")),
            FileAllowed(("csv", "txt"), _l("Kies een bestand dat eindigt op .csv of .txt.")),
        ],
        render_kw={"accept": ".csv,.txt,text/csv"},
    )


class MessageForm(FlaskForm):
    """An organiser's message to a session's registrants: written, previewed, then sent."""

    audience = SelectField(
        _l("Aan wie"),
        choices=select_choices(messages.AUDIENCES.items()),
        validators=[InputRequired(), AnyOf(list(messages.AUDIENCES), message=_l("Kies aan wie het bericht gaat."))],
        validate_choice=False,
    )
    subject = StringField(
        _l("Onderwerp"),
        filters=[clean_line],
        validators=[
            DataRequired(_l("Vul een onderwerp in.")),
            Length(max=limits.MESSAGE_SUBJECT, message=TOO_LONG),
        ],
    )
    body = TextAreaField(
        _l("Bericht"),
        filters=[clean_block],
        validators=[DataRequired(_l("Schrijf het bericht.")), Length(max=limits.MESSAGE_BODY, message=TOO_LONG)],
        render_kw={"rows": 10},
    )
    # The preview's key (messages.send): a second click sends nothing twice.
    draft = HiddenField(validators=[Regexp(r"^[0-9a-f]{32}$")])
    # The number of recipients the preview showed: if it changed, the organiser sees the new one first.
    expected = HiddenField()


class MeetingEditForm(MeetingForm):
    """Editing a session: seats below its confirmed registrations need a tick (services.confirmed_beyond)."""

    lower_capacity = BooleanField(_l("Ja, verlaag het aantal plaatsen toch"))


class BoardManageForm(FlaskForm):
    """What the reports count of a board, and putting it away (reversible)."""

    practice = BooleanField(_l("Oefenbord"))
    in_report = BooleanField(_l("Toch meetellen in het rapport"))
    save = SubmitField(_l("Opslaan"))
    archive = SubmitField(_l("Archiveren"))
    restore = SubmitField(_l("Uit het archief halen"))


class BoardDeleteForm(FlaskForm):
    """Deleting a board cannot be undone: the organiser types its code to confirm."""

    code = StringField(
        _l("Typ de code van het bord om te bevestigen"),
        filters=[lambda value: board_services.normalise_code(value or "")],
        validators=[DataRequired(_l("Typ de code van het bord."))],
    )
    delete = SubmitField(_l("Bord definitief verwijderen"))
