"""The report's data as JSON and CSV, for whoever writes the Plan van Aanpak in a spreadsheet."""

import csv
import io
import json

from ..textclean import spreadsheet_safe
from .report import Report

# Machine names for the columns, fixed like the keys and "ja"/"nee" in them, so a spreadsheet can
# rely on them; beside each key (actor, thema, sessie) its words for people, in the report's locale.
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
    "actor_naam",
    "thema",
    "thema_naam",
    "sessie",
    "sessie_naam",
    "bord",
    "stemmen",
    "steun",
    "kansrijk",
)


def synthesis_json(report: Report) -> str:
    return json.dumps(report.to_json(), ensure_ascii=False, indent=2)


def synthesis_csv(report: Report) -> str:
    """One row per proposal, in group order, as Dutch Excel and LibreOffice open it (the house way,
    as organiser.services.registrations_csv): a UTF-8 BOM, ``;`` between cells (the comma is the
    decimal sign there), every cell through spreadsheet_safe. ``kansrijk`` is "ja" for a proposal
    the facilitator marked so while harvesting."""
    kansrijk = {entry.id for entry in report.kansrijk}
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for group in report.groups:
        for proposal in group.proposals:
            row = (
                group.rank,
                group.title,
                "ja" if group.confirmed else "nee",
                group.supporters,
                group.votes,
                f"{group.consensus:.4g}",
                proposal.id,
                proposal.title,
                proposal.groot_denken,
                proposal.klein_doen,
                proposal.actor,
                proposal.actor_label,
                proposal.theme,
                proposal.theme_name,
                proposal.session or "",
                proposal.session_city,
                proposal.board,
                proposal.votes,
                proposal.supporters,
                "ja" if proposal.id in kansrijk else "nee",
            )
            writer.writerow([spreadsheet_safe(cell) for cell in row])
    return out.getvalue()
