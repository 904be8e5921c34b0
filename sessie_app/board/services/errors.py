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


class BoardLocked(BoardError):
    code = "locked"


class WrongPhase(BoardError):
    code = "wrong_phase"


class BudgetExceeded(BoardError):
    code = "budget_exceeded"


class TooManyOnOne(BoardError):
    code = "max_per_proposal"


class NothingToTakeBack(BoardError):
    code = "no_vote_to_take_back"
