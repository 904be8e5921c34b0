"""The one participant form of the board: typing the join code (everything else goes over Socket.IO)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from .services import CODE_LENGTH, normalise_code


class JoinForm(FlaskForm):
    # Case, spaces and hyphens do not matter: "kt4-7mx" is "KT47MX".
    code = StringField(
        _l("Code van het bord"),
        filters=[lambda value: normalise_code(value) if value is not None else value],
        validators=[
            DataRequired(_l("Vul de code van zes tekens in.")),
            Length(min=CODE_LENGTH, max=CODE_LENGTH, message=_l("Een code heeft precies zes tekens.")),
        ],
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false", "maxlength": 20},
    )
