"""Field checks shared by the services: the length limits and the shape of a phone's action id."""

import re

from ...textclean import clean_block, clean_line
from .errors import Invalid

CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


def check_client_id(client_id) -> str:
    if not isinstance(client_id, str) or not CLIENT_ID.match(client_id):
        raise Invalid("client_id")
    return client_id


def checked_text(value, limit: int, required: bool = False, field: str = "text", multiline: bool = False) -> str | None:
    """``value`` cleaned (one line, or a block when ``multiline``), None when empty; raises
    Invalid(field) when it is no string, longer than ``limit``, or empty but ``required``."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise Invalid(field)
    value = (clean_block if multiline else clean_line)(value)
    if len(value) > limit:
        raise Invalid(field, limit=limit)
    if required and not value:
        raise Invalid(field)
    return value or None
