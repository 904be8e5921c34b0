"""What the report views and the CLI call: the report data (``data``) and the group review (``review``)."""

from .data import build_report
from .review import (
    Filter,
    MergeOffer,
    Offer,
    add_loose,
    confirm,
    delete_board,
    dissolve,
    merge_groups,
    move_proposals,
    new_group,
    remove_proposals,
    rename,
    reopen,
    review,
    review_page,
    suggest,
    theme_keys,
)
from .scope import ALL, ReportError, UnknownSession, counts_in_report

__all__ = [
    "ALL",
    "Filter",
    "MergeOffer",
    "Offer",
    "ReportError",
    "UnknownSession",
    "add_loose",
    "build_report",
    "confirm",
    "counts_in_report",
    "delete_board",
    "dissolve",
    "merge_groups",
    "move_proposals",
    "new_group",
    "remove_proposals",
    "rename",
    "reopen",
    "review",
    "review_page",
    "suggest",
    "theme_keys",
]
