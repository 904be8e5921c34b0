"""Board rules: joining, the four phases, proposals, dot voting within budget, moderation.

Functions take plain arguments, commit their own transaction and return plain data or raise a
BoardError. The modules follow the seams of the work (docs/board.md); callers use the names
re-exported here: ``from sessie_app.board import services; services.vote(...)``.
"""

from .actions import add_bottleneck, add_proposal, vote
from .boards import (
    CODE_LENGTH,
    MAX_VOTES_PER_PARTICIPANT,
    MAX_VOTES_PER_PROPOSAL,
    MIN_VOTES,
    board_by_code,
    bump_version,
    check_budget,
    create_board,
    forget_participants,
    get_board,
    join,
    normalise_code,
    participant_by_token,
)
from .errors import (
    BoardError,
    BoardFull,
    BoardLocked,
    BudgetExceeded,
    Invalid,
    InvalidBoard,
    NotFound,
    NothingToTakeBack,
    TooManyOnOne,
    WrongPhase,
)
from .moderation import (
    assign_theme,
    edit_proposal,
    load_starters,
    merge,
    moderation_log,
    set_bottleneck_hidden,
    set_flag,
    set_hidden,
    set_locked,
    set_phase,
    set_timer,
)
from .similarity import refresh_match_words, similar_proposals
from .snapshots import participant_view, proposal_data, snapshot, tally

__all__ = [
    "CODE_LENGTH",
    "MAX_VOTES_PER_PARTICIPANT",
    "MAX_VOTES_PER_PROPOSAL",
    "MIN_VOTES",
    "BoardError",
    "BoardFull",
    "BoardLocked",
    "BudgetExceeded",
    "Invalid",
    "InvalidBoard",
    "NotFound",
    "NothingToTakeBack",
    "TooManyOnOne",
    "WrongPhase",
    "add_bottleneck",
    "add_proposal",
    "assign_theme",
    "board_by_code",
    "bump_version",
    "check_budget",
    "create_board",
    "edit_proposal",
    "forget_participants",
    "get_board",
    "join",
    "load_starters",
    "merge",
    "moderation_log",
    "normalise_code",
    "participant_by_token",
    "participant_view",
    "proposal_data",
    "refresh_match_words",
    "set_bottleneck_hidden",
    "set_flag",
    "set_hidden",
    "set_locked",
    "set_phase",
    "set_timer",
    "similar_proposals",
    "snapshot",
    "tally",
    "vote",
]
