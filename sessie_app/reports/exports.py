"""The report's data as JSON and CSV, for whoever writes the Plan van Aanpak in a spreadsheet."""

import csv
import io
import json

from ..textclean import spreadsheet_safe

CSV_HEADER = (
    "groep_rang",
    "groep_titel",
    "groep_bevestigd",
    "groep_steun",
    "groep_stemmen",
    "groep_consensus",
    "voorstel_id",
    "titel",
    "groot_denken",
    "klein_doen",
    "actor",
    "thema",
    "sessie",
    "bord",
    "stemmen",
    "steun",
)


def synthesis_json(report: dict) -> str:
    return json.dumps(report, ensure_ascii=False, indent=2)


def synthesis_csv(report: dict) -> str:
    """One row per proposal, in group order; every cell is safe to open in a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for group in report["groups"]:
        for proposal in group["proposals"]:
            row = (
                group["rank"],
                group["title"],
                "ja" if group["confirmed"] else "nee",
                group["supporters"],
                group["votes"],
                f"{group['consensus']:.4g}",
                proposal["id"],
                proposal["title"],
                proposal["groot_denken"],
                proposal["klein_doen"],
                proposal["actor"],
                proposal["theme"],
                proposal["session"] or "",
                proposal["board"],
                proposal["votes"],
                proposal["supporters"],
            )
            writer.writerow([spreadsheet_safe(cell) for cell in row])
    return out.getvalue()
