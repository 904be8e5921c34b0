"""Signed links: the random token of a registration, signed per purpose so one link cannot stand in for another."""

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

MANAGE = "registration-manage"
CHECK_IN = "registration-check-in"
PARTICIPANT = "board-participant"
# An organiser's invitation or password-reset link: the account id and a secret whose hash the account keeps.
ORGANISER_LINK = "organiser-link"


def _serializer(purpose: str) -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=purpose)


def sign(purpose: str, value: str) -> str:
    return _serializer(purpose).dumps(value)


def unsign(purpose: str, signed: str) -> str | None:
    try:
        value = _serializer(purpose).loads(signed)
    except BadSignature:
        return None
    return value if isinstance(value, str) else None
