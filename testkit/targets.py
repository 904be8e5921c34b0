"""What the hostile sweep aims at, learned from the app itself, so that a key or a parameter added
later is swept without editing a test or this module:

- the keys of every Socket.IO event and console action, from the payloads sessie_app/realtime/events.py
  declares (``events.HANDLERS``, ``events.CONTROL``);
- the query parameters the views read, noted while the app's own test client opens every page.
"""

from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.utils import cached_property

# Every message may carry a client id, and a key that no handler reads must be harmless too.
EVERY_EVENT = ("client_id", "unknown_key")
# Tried on every page by strangers, whether the app reads them or not.
GUESSED_PARAMETERS = ("next", "page", "q")


def event_keys() -> dict[tuple[str, str | None], list[str]]:
    """(event, console action or None) → the keys its handler reads, and those of EVERY_EVENT."""
    from sessie_app.realtime import events

    table = {}
    for handler in events.HANDLERS:
        if any(isinstance(field, events.Action) for field in handler.payload.fields):
            for action in events.CONTROL.values():
                table[(handler.event, action.name)] = sorted({*handler.keys, *action.keys, *EVERY_EVENT})
        else:
            table[(handler.event, None)] = sorted({*handler.keys, *EVERY_EVENT})
    return table


class _NotedArgs(ImmutableMultiDict):
    """Query arguments that note every key a view asks for, present or not."""

    def __init__(self, mapping, noted: set[str]):
        super().__init__(mapping)
        self.noted = noted

    def __getitem__(self, key):
        self.noted.add(key)
        return super().__getitem__(key)

    def __contains__(self, key) -> bool:
        self.noted.add(key)
        return super().__contains__(key)

    def get(self, key, default=None, type=None):
        self.noted.add(key)
        return super().get(key, default, type)

    def getlist(self, key, type=None):
        self.noted.add(key)
        return super().getlist(key, type)


def query_names(app, clients, paths) -> list[str]:
    """The query parameters ``app``'s views read while each of ``clients`` (Flask test clients: a
    stranger, a participant, an organiser) opens each of ``paths``, and GUESSED_PARAMETERS.

    A form filled from the query string (``Form(formdata=request.args)``) asks for each of its fields,
    so they are noted too. ``app.request_class`` is swapped for the crawl: nothing else may be
    sending ``app`` requests meanwhile."""
    noted: set[str] = set()
    plain = app.request_class

    class NotingRequest(plain):
        @cached_property
        def args(self):
            return _NotedArgs(plain.args.fget(self), noted)

    app.request_class = NotingRequest
    try:
        for client in clients:
            for path in paths:
                client.get(path).close()
    finally:
        app.request_class = plain
    return sorted(noted | set(GUESSED_PARAMETERS))
