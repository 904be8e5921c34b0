"""Clean free text from strangers before it is validated or stored, and make text safe for a spreadsheet."""

import re
import unicodedata

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_CONTROL_SINGLE_LINE = re.compile(r"[\x00-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def clean_line(value):
    """One line of text: NFC, no control or direction-override characters, trimmed."""
    if not isinstance(value, str):
        return value
    return _CONTROL_SINGLE_LINE.sub("", unicodedata.normalize("NFC", value)).strip()


def clean_block(value):
    """Several lines of text: as clean_line, but newlines and tabs stay."""
    if not isinstance(value, str):
        return value
    value = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", value).strip()


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value) -> str:
    """A cell no spreadsheet reads as a formula: text starting with = + - @ tab or CR gets a leading '.

    Leading spaces are looked through, since some spreadsheets skip them before a formula.
    """
    text = "" if value is None else str(value)
    if text.lstrip(" ").startswith(FORMULA_START):
        return "'" + text
    return text
