"""Socket.IO: the live board's events and the coalesced tallies."""


def register(app) -> None:
    from . import events  # noqa: F401  (registers the handlers on import)
