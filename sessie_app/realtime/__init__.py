"""Socket.IO: the live board's events and the coalesced tallies."""


def register(app) -> None:
    from ..extensions import socketio
    from . import events

    # SocketIO.on binds to the server that exists at that moment, and every create_app makes a
    # new server (tests make one per test): bind the handlers to this app's server each time.
    for handler in events.HANDLERS:
        socketio.on_event(handler.event, handler.handle)
    socketio.on_event("disconnect", events.disconnect)
    socketio.on_error_default(events.on_error)
