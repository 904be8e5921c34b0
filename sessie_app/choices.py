"""The lists people choose from, shared by registration, the board and the reports."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice

ROLES = [
    ("leraar", _l("Leraar")),
    ("schoolleider", _l("Schoolleider")),
    ("onderzoeker", _l("Onderzoeker")),
    ("lerarenopleider", _l("Lerarenopleider")),
    ("bestuurder", _l("Bestuurder")),
    ("beleidsmaker", _l("Beleidsmaker")),
    ("student", _l("Student")),
    ("anders", _l("Anders")),
]

SECTORS = [
    ("PO", _l("PO (primair onderwijs)")),
    ("VO", _l("VO (voortgezet onderwijs)")),
    ("MBO", _l("MBO")),
    ("HBO", _l("HBO (hogeschool)")),
    ("WO", _l("WO (universiteit)")),
    ("anders", _l("Anders")),
]

ROLE_LABELS = dict(ROLES)
SECTOR_LABELS = dict(SECTORS)


def select_choices(pairs, placeholder=None) -> list[SelectChoice]:
    """WTForms options from (value, label) pairs, optionally behind an empty "choose" option."""
    options = [SelectChoice(value, label) for value, label in pairs]
    return ([SelectChoice("", placeholder)] if placeholder is not None else []) + options


ACTORS = [
    ("school", _l("School / bestuur")),
    ("lerarenopleiding", _l("Lerarenopleiding")),
    ("kennisinstelling", _l("Kennisinstelling")),
    ("overheid", _l("Overheid")),
    ("sectorraad", _l("Sectorraad")),
    ("anders", _l("Anders")),
]
ACTOR_LABELS = dict(ACTORS)
