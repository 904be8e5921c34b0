"""The refusals of the board's services; ``code`` is stable for clients (docs/realtime.md)."""


class BoardError(Exception):
    """A refusal a participant or facilitator can be told about."""

    code = "invalid"

    def __init__(self, message: str = "", **details):
        super().__init__(message or self.code)
        self.details = details


class NotFound(BoardError):
    code = "not_found"


class Invalid(BoardError):
    """A field that is missing, too long or of the wrong kind; ``str(error)`` names the field."""

    code = "invalid"


class InvalidBoard(BoardError):
    """A title or votes (per participant, per proposal) that a board may not have. ``field`` names
    the board's attribute at fault; ``str(error)`` is the sentence for people, in the current language."""

    code = "invalid_board"

    def __init__(self, field: str, message: str):
        super().__init__(message, field=field)
        self.field = field


class BoardFull(BoardError):
    """The board has as many participants as it takes; those already in stay in."""

    code = "board_full"


class JoiningClosed(BoardError):
    """The facilitator closed the board to new participants; those already in stay in."""

    code = "joining_closed"


class BoardLocked(BoardError):
    code = "locked"


class WrongPhase(BoardError):
    code = "wrong_phase"


class BudgetExceeded(BoardError):
    code = "budget_exceeded"


class TooManyOnOne(BoardError):
    code = "max_per_proposal"


class TooManyPosts(BoardError):
    """A participant, or the whole board, has as many bottlenecks or proposals as it may hold;
    ``details``: ``scope`` ("participant", "board", or "text" for the board's characters) and ``max``."""

    code = "too_many"


class NothingToTakeBack(BoardError):
    code = "no_vote_to_take_back"
