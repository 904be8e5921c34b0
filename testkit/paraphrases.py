"""The "lijkt op" hint's labelled board (tests/board/paraphrases_nl.toml): building it and scoring
what an implementation of the hint finds on it. The test and bench/similar.py both use it."""

import csv
import io
import tomllib

from sessie_app.board import io as board_io
from sessie_app.board import services
from sessie_app.board.models import OPPEREN

from .servers import ROOT

PARAPHRASES = ROOT / "tests" / "board" / "paraphrases_nl.toml"


def load_paraphrases() -> dict:
    with PARAPHRASES.open("rb") as fh:
        return tomllib.load(fh)


def board_with(proposals: list[tuple[str, str]]) -> int:
    """A board in "opperen" with these (title, groot denken) proposals, in this order, typed in from
    paper: the import takes any number, where phones are held to the board's ceiling."""
    board = services.create_board("Bench")
    services.set_phase(board.id, OPPEREN, None)
    sheet = io.StringIO()
    writer = csv.writer(sheet)
    writer.writerow(["title", "groot_denken"])
    writer.writerows(proposals)
    report = board_io.import_csv(board.id, sheet.getvalue())
    assert report.imported == len(proposals), report
    return board.id


def quality(implementation, board_id: int, ids: dict[str, int], data: dict) -> dict:
    """Hits (the proposal said again is among the suggestions), suggestions of unrelated proposals,
    suggestions for a new idea, and other suggestions (related, but not the one said again)."""
    unrelated = {ids[p["key"]] for p in data["proposal"] if p.get("unrelated")}
    result = {"paraphrases": 0, "hits": 0, "unrelated": 0, "for_new_ideas": 0, "other": 0, "missed": []}
    for typed in data["typed"]:
        found = [item["id"] for item in implementation(board_id, typed["text"])]
        if not typed["finds"]:
            result["for_new_ideas"] += len(found)
            continue
        target = ids[typed["finds"]]
        result["paraphrases"] += 1
        result["hits"] += target in found
        if target not in found:
            result["missed"].append(typed["text"])
        result["unrelated"] += sum(1 for i in found if i in unrelated)
        result["other"] += sum(1 for i in found if i != target and i not in unrelated)
    return result
