"""Participant pages of the live board."""

from flask import Blueprint

from . import services  # noqa: F401  (the views below use it; importing it registers the models)

bp = Blueprint("board", __name__)
