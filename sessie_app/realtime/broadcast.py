"""What the rooms of a board hear: changes at once, tallies coalesced per board (docs/realtime.md, Rooms)."""

import logging
import threading
from dataclasses import dataclass

from flask import Flask, current_app

from ..board import services
from ..extensions import db, socketio
from .auth import registry

log = logging.getLogger(__name__)


def board_room(board_id: int) -> str:
    return f"board:{board_id}"


def console_room(board_id: int) -> str:
    return f"console:{board_id}"


def everyone(board_id: int) -> list[str]:
    return [board_room(board_id), console_room(board_id)]


def _emit(event: str, data, to) -> None:
    socketio.emit(event, data, to=to, namespace="/")


def _public(item: dict) -> dict:
    """What the public room may know of an item: nothing but that a hidden one is gone."""
    return {"id": item["id"], "hidden": True} if item.get("hidden") else item


def board(board_id: int, state: dict) -> None:
    _emit("board", state, everyone(board_id))


def proposal(board_id: int, item: dict) -> None:
    if item["hidden"]:
        _emit("proposal", _public(item), board_room(board_id))
        _emit("proposal", item, console_room(board_id))
    else:
        _emit("proposal", item, everyone(board_id))


def bottleneck(board_id: int, item: dict) -> None:
    if item["hidden"]:
        _emit("bottleneck", _public(item), board_room(board_id))
        _emit("bottleneck", item, console_room(board_id))
    else:
        _emit("bottleneck", item, everyone(board_id))


def merged(board_id: int, result: dict) -> None:
    # Whose votes came back is each phone's own business: it sees its budget in the snapshot it
    # asks for next. The screens hear what is kept and what is gone.
    kept, merged_id = result["kept"], result["merged_id"]
    if kept["hidden"]:
        _emit("merged", {"kept": _public(kept), "merged_id": merged_id}, board_room(board_id))
        _emit("merged", {"kept": kept, "merged_id": merged_id}, console_room(board_id))
    else:
        _emit("merged", {"kept": kept, "merged_id": merged_id}, everyone(board_id))
    mark_dirty(board_id)


def deleted(board_id: int) -> None:
    """The board is gone: this process closes the screens still open on it. They reconnect and are
    refused as for any unknown code, so a phone reloads onto the page that says the board does not
    exist instead of showing proposals that are no more."""
    for sid in registry.on_board(board_id):
        socketio.server.disconnect(sid, namespace="/")


def moderation(board_id: int, entry: dict) -> None:
    _emit("moderation", entry, console_room(board_id))


# --- coalesced: tallies and the participant count --------------------------------------------------


@dataclass
class _Pending:
    # The server the board's connections live on, taken when marked: each create_app makes a
    # new one (tests make many), and a late tally must not reach another app's clients.
    server: object
    tally: bool = False
    participants: int | None = None


_lock = threading.Lock()
_pending: dict[tuple[Flask, int], _Pending] = {}
_task_started = False
_interval = 0.2


def mark_dirty(board_id: int) -> None:
    """Votes on this board changed: a ``tally`` follows within TALLY_INTERVAL."""
    _mark(board_id, tally=True)


def participants(board_id: int, count: int) -> None:
    """Someone joined: ``participants {count}`` follows within TALLY_INTERVAL (a reconnect storm
    of a whole hall becomes a few messages, not one per phone per phone)."""
    _mark(board_id, participants=count)


def _mark(board_id: int, tally: bool = False, participants: int | None = None) -> None:
    global _task_started, _interval
    app = current_app._get_current_object()
    with _lock:
        _interval = float(app.config.get("TALLY_INTERVAL", 0.2))
        entry = _pending.setdefault((app, board_id), _Pending(server=socketio.server))
        entry.tally = entry.tally or tally
        if participants is not None:
            # Counts only grow; of two joins finishing out of order the larger count is the newer.
            entry.participants = max(entry.participants or 0, participants)
        start = not _task_started
        _task_started = True
    if start:
        socketio.start_background_task(_run)


def _run() -> None:
    while True:
        socketio.sleep(_interval)
        try:
            flush()
        except Exception:  # the loop must outlive any one bad round
            log.exception("Sending tallies failed")


def flush() -> None:
    """Send what is pending now (the background task calls this every interval)."""
    global _pending
    with _lock:
        batch, _pending = _pending, {}
    by_app: dict[Flask, list[tuple[int, _Pending]]] = {}
    for (app, board_id), entry in batch.items():
        by_app.setdefault(app, []).append((board_id, entry))
    for app, entries in by_app.items():
        with app.app_context():
            for board_id, entry in entries:
                try:
                    if entry.tally:
                        entry.server.emit("tally", services.tally(board_id), to=everyone(board_id), namespace="/")
                    if entry.participants is not None:
                        entry.server.emit(
                            "participants", {"count": entry.participants}, to=everyone(board_id), namespace="/"
                        )
                except Exception:
                    log.exception("Tally for board %s failed", board_id)
                    db.session.rollback()
