"""The organiser's group review: one form per group and one for the proposals in no group."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField, SubmitField
from wtforms.validators import Length, NumberRange, Optional

from .. import limits
from ..choices import select_choices
from ..textclean import clean_line
from .review import SHOW_ALL, SHOW_CONFIRMED, SHOW_LOOSE, SHOW_SUGGESTED

TOO_LONG = _l("Gebruik hoogstens %(max)d tekens.")
NOT_A_GROUP = _l("Kies een groepsnummer uit de lijst.")


class GroupForm(FlaskForm):
    """Everything done to one group. The proposals it acts on are checkboxes named "proposal",
    read by the view: how many there are depends on the group."""

    title = StringField(
        _l("Titel van de groep"), filters=[clean_line], validators=[Length(max=limits.GROUP_TITLE, message=TOO_LONG)]
    )
    # Choices set by the view (the boards' themes, the actors); the review service checks the value.
    theme = SelectField(_l("Thema"), choices=[], validate_choice=False)
    actor = SelectField(_l("Wie moet aan de slag?"), choices=[], validate_choice=False)
    target = IntegerField(
        _l("Naar groep nr."),
        invalid_value_message=NOT_A_GROUP,
        validators=[Optional(), NumberRange(min=1, message=NOT_A_GROUP)],
    )
    # The button Enter presses in a text field: the first in the form, out of sight. The view reads it
    # as moving when a group number was typed and as saving otherwise, never as taking proposals out.
    enter = SubmitField(_l("Opslaan"))
    confirm = SubmitField(_l("Accepteren"))
    rename = SubmitField(_l("Opslaan"))
    reopen = SubmitField(_l("Terug naar suggestie"))
    dissolve = SubmitField(_l("Groep opheffen"))
    remove = SubmitField(_l("Uit de groep halen"))
    move = SubmitField(_l("Verplaatsen"))


class ReviewFilterForm(FlaskForm):
    """Which part of the review the page shows; sent with GET, so the choice stays in the address.
    The view sets the choices; the review service leaves out a value it does not know."""

    class Meta:
        csrf = False  # it changes nothing, and a token would only lengthen the address

    sessie = SelectField(_l("Sessie"), choices=[], validate_choice=False)
    thema = SelectField(_l("Thema"), choices=[], validate_choice=False)
    toon = SelectField(
        _l("Toon"),
        choices=select_choices(
            [
                (SHOW_ALL, _l("Alles")),
                (SHOW_SUGGESTED, _l("Alleen suggesties")),
                (SHOW_CONFIRMED, _l("Alleen geaccepteerde groepen")),
                (SHOW_LOOSE, _l("Alleen losse voorstellen")),
            ]
        ),
        validate_choice=False,
    )


class LooseForm(FlaskForm):
    """Proposals in no group: make a new group of them, or add them to an existing one."""

    title = StringField(
        _l("Titel van de nieuwe groep"),
        filters=[clean_line],
        validators=[Length(max=limits.GROUP_TITLE, message=TOO_LONG)],
    )
    target = IntegerField(
        _l("Groep nr."),
        invalid_value_message=NOT_A_GROUP,
        validators=[Optional(), NumberRange(min=1, message=NOT_A_GROUP)],
    )
    # As GroupForm.enter: adding when a group number was typed, else a new group.
    enter = SubmitField(_l("Opslaan"))
    create = SubmitField(_l("Nieuwe groep maken"))
    add = SubmitField(_l("Toevoegen aan groep"))
