"""What the report views and the CLI call: the report data (``data``) and the group review (``review``)."""

from .data import build_report
from .review import (
    confirm,
    dissolve,
    move_proposals,
    new_group,
    remove_proposals,
    rename,
    reopen,
    review,
    suggest,
)
from .scope import ALL, ReportError, UnknownSession

__all__ = [
    "ALL",
    "ReportError",
    "UnknownSession",
    "build_report",
    "confirm",
    "dissolve",
    "move_proposals",
    "new_group",
    "remove_proposals",
    "rename",
    "reopen",
    "review",
    "suggest",
]
