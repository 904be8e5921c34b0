"""flask commands: seed the sessions, manage organisers, purge personal data, live boards."""

import json
import os
from datetime import timedelta
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from .board import io as board_io
from .board import models as board_models
from .board import services as board_services
from .extensions import empty_sqlite_wal
from .organiser import audit
from .organiser import services as organiser_services
from .registration import seed as seed_module
from .registration import services as registration_services
from .registration.meetings import MeetingNotFound, meeting_by_slug
from .reports import exports as report_exports
from .reports import services as report_services
from .reports.report import Report
from .textclean import spreadsheet_safe
from .timeutil import today_local
from .urls import link_context

sessions_cli = AppGroup("sessions", help="De sessies van de reeks.")
organiser_cli = AppGroup("organiser", help="Organisator-accounts.")
registrations_cli = AppGroup("registrations", help="Aanmeldingen.")
board_cli = AppGroup("board", help="Live borden.")
report_cli = AppGroup("report", help="Rapporten voor het Plan van Aanpak.")

CREDENTIALS_FILE = "organiser-credentials.txt"


@sessions_cli.command("seed")
@click.option(
    "--file", "path", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=seed_module.DEFAULT_FILE
)
def seed_sessions(path: Path) -> None:
    """Load the sessions from the data file; sessions that exist are left untouched."""
    result = seed_module.seed(seed_module.load_file(path), today_local())
    click.echo(
        f"Sessies aangemaakt: {', '.join(result.created) or 'geen'}; al aanwezig: {', '.join(result.kept) or 'geen'}."
    )


@organiser_cli.command("create")
@click.option("--email", prompt="E-mailadres")
@click.password_option("--password", prompt="Wachtwoord (minstens 10 tekens)")
def create_organiser(email: str, password: str) -> None:
    """Create an organiser, or give an existing one a new password."""
    try:
        organiser = organiser_services.create_or_update_organiser(email, password)
    except organiser_services.OrganiserError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Organisator {organiser.email} kan inloggen.")


def _credentials_path() -> Path:
    return Path(current_app.config["INSTANCE_DIR"]) / CREDENTIALS_FILE


@organiser_cli.command("ensure")
def ensure_organiser() -> None:
    """Make sure someone can log in: from ORGANISER_EMAIL/ORGANISER_PASSWORD, or a generated first account."""
    email, password = os.environ.get("ORGANISER_EMAIL"), os.environ.get("ORGANISER_PASSWORD")
    if email and password:
        try:
            organiser_services.create_or_update_organiser(email, password)
        except organiser_services.OrganiserError as error:
            raise click.ClickException(str(error)) from None
        return
    if organiser_services.organiser_count():
        return
    email, password = "organisator@example.org", organiser_services.generate_password()
    organiser_services.create_or_update_organiser(email, password)
    path = _credentials_path()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(f"{email}\n{password}\n")
    click.echo(f"Eerste organisator aangemaakt; inloggegevens staan in {path}.")


@organiser_cli.command("hint")
def organiser_hint() -> None:
    """Tell how to log in as organiser."""
    path = _credentials_path()
    if os.environ.get("ORGANISER_EMAIL"):
        click.echo(
            f"  Inloggen met ORGANISER_EMAIL={os.environ['ORGANISER_EMAIL']} en het wachtwoord uit ORGANISER_PASSWORD."
        )
    elif path.exists():
        email, password = path.read_text().split()[:2]
        click.echo(f"  E-mail: {email}   wachtwoord: {password}   (uit {path})")
    else:
        click.echo("  Maak een organisator aan met: .venv/bin/flask --app sessie_app organiser create")
    click.echo("  Een ander account of nieuw wachtwoord: .venv/bin/flask --app sessie_app organiser create")


@registrations_cli.command("purge")
@click.option("--older-than", "days", type=click.IntRange(min=0), required=True, help="Dagen na de sessie.")
def purge(days: int) -> None:
    """Erase personal data of sessions held more than DAYS ago (anonymous counts stay), and audit-log
    entries older than the audit log's retention."""
    count = registration_services.purge_past(days, Path(current_app.config["MAIL_OUTBOX_DIR"]))
    participants = board_services.forget_participants(today_local() - timedelta(days=days))
    # The audit log has a retention of its own (audit.AUDIT_RETENTION, in the privacy statement);
    # this command is the one cron runs, so it keeps that promise too.
    entries = audit.purge()
    # After both: a checkpoint between them would copy the nicknames' pages into the database file
    # and leave them there while their erased versions waited in the log.
    empty_sqlite_wal()
    click.echo(f"Persoonsgegevens gewist van {count} aanmelding(en) en {participants} deelnemer(s) aan live borden.")
    click.echo(f"Regels uit het logboek van organisatoren gewist (ouder dan 12 maanden): {entries}.")


def _board_or_fail(code: str):
    try:
        return board_services.board_by_code(code)
    except board_services.NotFound:
        raise click.ClickException(f"Er is geen bord met de code {code}.") from None


@board_cli.command("create")
@click.argument("session_slug", required=False)
@click.option("--title", help="Titel van het bord (standaard: de plaats van de sessie).")
@click.option(
    "--votes",
    "votes_per_participant",
    type=int,
    default=5,
    show_default=True,
    help=f"Stemmen per deelnemer ({board_services.MIN_VOTES}–{board_services.MAX_VOTES_PER_PARTICIPANT}).",
)
@click.option(
    "--max-per-proposal",
    "max_votes_per_proposal",
    type=int,
    default=2,
    show_default=True,
    help=(
        f"Hoogstens stemmen van één deelnemer op één voorstel ({board_services.MIN_VOTES}–"
        f"{board_services.MAX_VOTES_PER_PROPOSAL}, niet meer dan --votes)."
    ),
)
@click.option("--practice", is_flag=True, help="Een oefenbord: telt niet mee in de rapporten.")
def create_board(
    session_slug: str | None, title: str | None, votes_per_participant: int, max_votes_per_proposal: int, practice: bool
) -> None:
    """Make a live board, for the session SESSION_SLUG or on its own; prints the code and the link.
    Exits with 1, making nothing, when the board service refuses the votes."""
    from .urls import external_url

    meeting = None
    if session_slug:
        try:
            meeting = meeting_by_slug(session_slug)
        except MeetingNotFound:
            raise click.ClickException(f"Er is geen sessie met de korte naam {session_slug!r}.") from None
    title = title or (f"Regiosessie {meeting.city}" if meeting else "Live bord")
    try:
        board = board_services.create_board(
            title,
            meeting_id=meeting.id if meeting else None,
            votes_per_participant=votes_per_participant,
            max_votes_per_proposal=max_votes_per_proposal,
            practice=practice,
        )
    except board_services.InvalidBoard as refusal:
        raise click.ClickException(f"Geen bord aangemaakt. {refusal}") from None
    with link_context():
        url = external_url("board.phone", code=board.code)
    click.echo(f"Bord aangemaakt: {board.title}")
    click.echo(f"Code: {board.code}")
    click.echo(f"Link: {url}")


@board_cli.command("archive")
@click.argument("code")
@click.option("--restore", is_flag=True, help="Uit het archief halen in plaats van archiveren.")
def archive_board(code: str, restore: bool) -> None:
    """Archive a board (locked, out of the reports unless counted in), or bring it back. In the audit log."""
    from .realtime import broadcast

    board = _board_or_fail(code)
    # Phones still on the page see the lock at once.
    broadcast.board(board.id, board_services.set_archived(board.id, not restore, None))
    audit.record(None, audit.BOARD_RESTORED if restore else audit.BOARD_ARCHIVED, board.code, "command line")
    click.echo(f"Bord {board.code} is {'uit het archief gehaald' if restore else 'gearchiveerd'}.")


@board_cli.command("report-marks")
@click.argument("code")
@click.option("--practice/--no-practice", default=None, help="Oefenbord of niet.")
@click.option("--in-report/--not-in-report", default=None, help="Toch meetellen in het rapport, of niet.")
def board_report_marks(code: str, practice: bool | None, in_report: bool | None) -> None:
    """Mark a board as a rehearsal, or count it in the reports although they would leave it out."""
    board = _board_or_fail(code)
    board = board_services.set_report_marks(
        board.id,
        board.practice if practice is None else practice,
        board.in_report if in_report is None else in_report,
    )
    audit.record(None, audit.BOARD_REPORT_MARKS, board.code, f"practice={board.practice} in_report={board.in_report}")
    counted = "telt mee" if report_services.counts_in_report(board) else "telt niet mee"
    click.echo(f"Bord {board.code}: oefenbord {'ja' if board.practice else 'nee'}; {counted} in het rapport.")


@board_cli.command("delete")
@click.argument("code")
@click.option("--yes", is_flag=True, help="Niet om bevestiging vragen.")
def delete_board(code: str, yes: bool) -> None:
    """Delete a board with everything on it. Cannot be undone; asks first. In the audit log."""
    board = _board_or_fail(code)
    if not yes:
        click.confirm(
            f"Bord {board.code} ({board.title}) met alle knelpunten, voorstellen en stemmen verwijderen?", abort=True
        )
    title, code = board.title, board.code
    counts = report_services.delete_board(board.id)
    audit.record(
        None,
        audit.BOARD_DELETED,
        code,
        f"{title}: {counts['participants']} participants, {counts['proposals']} proposals (command line)",
    )
    click.echo(f"Bord {code} verwijderd: {counts['participants']} deelnemers, {counts['proposals']} voorstellen.")


@board_cli.command("import-csv")
@click.argument("code")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_csv(code: str, file: Path) -> None:
    """Import proposals from a CSV file (title, groot_denken, klein_doen, actor, votes).
    Exits with 1 when nothing could be imported."""
    board = _board_or_fail(code)
    with link_context():
        try:
            with file.open("rb") as fh:
                data = fh.read(board_io.MAX_IMPORT_BYTES + 1)
            report = board_io.import_csv(board.id, board_io.decode_upload(data))
        except board_io.ImportFileError as error:
            raise click.ClickException(f"Niets geïmporteerd. {error}") from None
    click.echo(f"Geïmporteerd: {report.imported} voorstel(len) in bord {board.code}.")
    if report.rejected:
        click.echo(f"Overgeslagen: {len(report.rejected)} regel(s):")
        for row_number, reason in report.rejected:
            click.echo(f"  regel {row_number}: {reason}")
    if report.all_rejected:
        raise SystemExit(1)


@board_cli.command("refresh-words")
def refresh_words() -> None:
    """Store every proposal's normalised words again (the "lijkt op" hint compares with them);
    run it after changing sessie_app/data/synonyms_nl.toml, then restart the server."""
    count = board_services.refresh_match_words()
    click.echo(f"Woorden opnieuw opgeslagen van {count} voorstel(len).")


@board_cli.command("phase")
@click.argument("code")
@click.argument("phase", type=click.Choice(board_models.PHASES))
def set_board_phase(code: str, phase: str) -> None:
    """Move a board to PHASE, as the console does. Open screens hear it at once through
    REDIS_URL when that is set; otherwise on their next reconnect."""
    from .realtime import broadcast

    board = _board_or_fail(code)
    state = board_services.set_phase(board.id, phase, None)
    broadcast.board(board.id, state)
    click.echo(f"Bord {board.code} staat in fase {phase}.")


@board_cli.command("export")
@click.argument("code")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Bestand; standaard de uitvoer.",
)
def export_board(code: str, fmt: str, output: Path | None) -> None:
    """Export every proposal of a board as CSV (for Excel) or JSON."""
    board = _board_or_fail(code)
    with link_context():
        if fmt == "csv":
            text = board_io.export_csv(board.id, cell=spreadsheet_safe)
        else:
            text = json.dumps(board_io.export_data(board.id), ensure_ascii=False, indent=2) + "\n"
    if output is None:
        click.echo(text, nl=False)
    else:
        _write(output, text.encode("utf-8"))
        click.echo(f"Geschreven: {output}", err=True)


def _write(output: Path, body: bytes) -> None:
    try:
        output.write_bytes(body)
    except OSError as error:
        raise click.ClickException(f"Kan {output} niet schrijven: {error.strerror or error}.") from None


def _report_scope(session_slug: str | None, all_sessions: bool) -> str:
    if bool(session_slug) == all_sessions:
        raise click.UsageError("Kies precies één van --session SLUG en --all.")
    return report_services.ALL if all_sessions else session_slug


def _build_report(scope: str, suggest: bool = False) -> Report:
    try:
        return report_services.build_report(scope, suggest=suggest)
    except report_services.UnknownSession:
        raise click.ClickException(
            f"Geen sessie met de naam {scope!r}. Zie de namen in het organisatiegedeelte."
        ) from None


def _report_target(kind: str):
    """The options every report format takes: which sessions, and the file to write."""

    def decorate(command):
        command = click.option(
            "-o",
            "--output",
            required=True,
            type=click.Path(dir_okay=False, writable=True, path_type=Path),
            help=f"Het {kind}-bestand.",
        )(command)
        command = click.option("--all", "all_sessions", is_flag=True, help="Alle sessies samen.")(command)
        return click.option("--session", "session_slug", metavar="SLUG", help="Eén sessie, bijvoorbeeld amsterdam.")(
            command
        )

    return decorate


@report_cli.command("pdf")
@_report_target("PDF")
def report_pdf(session_slug: str | None, all_sessions: bool, output: Path) -> None:
    """Write the Plan van Aanpak report as PDF, with the groups the organiser confirmed."""
    from .pdf import PdfError, prepare
    from .reports.document import report_pdf as render

    scope = _report_scope(session_slug, all_sessions)
    # WeasyPrint is imported in the forkserver while the report is built.
    prepare()
    with link_context():
        report = _build_report(scope)
        try:
            body = render(report)
        except PdfError as error:
            raise click.ClickException(f"De PDF kon niet worden gemaakt: {error}") from None
    _write(output, body)
    click.echo(f"Geschreven: {output} ({len(body) // 1024} kB)", err=True)


@report_cli.command("docx")
@_report_target("DOCX")
def report_docx(session_slug: str | None, all_sessions: bool, output: Path) -> None:
    """Write the report as an editable Word draft (DOCX), with the same chapters as the PDF."""
    from .reports.docx import report_docx as render

    scope = _report_scope(session_slug, all_sessions)
    with link_context():
        body = render(_build_report(scope))
    _write(output, body)
    click.echo(f"Geschreven: {output} ({len(body) // 1024} kB)", err=True)


@report_cli.command("synthesis")
@click.option("--session", "session_slug", metavar="SLUG", help="Eén sessie, bijvoorbeeld amsterdam.")
@click.option("--all", "all_sessions", is_flag=True, help="Alle sessies samen.")
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json", show_default=True)
@click.option("--suggest", is_flag=True, help="De automatische groepering in plaats van de geaccepteerde.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Bestand; standaard de uitvoer.",
)
def report_synthesis(
    session_slug: str | None, all_sessions: bool, fmt: str, suggest: bool, output: Path | None
) -> None:
    """The report's data (groups, support, bridging proposals, who must act) as JSON or CSV."""
    scope = _report_scope(session_slug, all_sessions)
    with link_context():
        report = _build_report(scope, suggest=suggest)
    text = report_exports.synthesis_json(report) + "\n" if fmt == "json" else report_exports.synthesis_csv(report)
    if output is None:
        click.echo(text, nl=False)
    else:
        _write(output, text.encode("utf-8"))
        click.echo(f"Geschreven: {output}", err=True)


def register(app: Flask) -> None:
    app.cli.add_command(sessions_cli)
    app.cli.add_command(organiser_cli)
    app.cli.add_command(registrations_cli)
    app.cli.add_command(board_cli)
    app.cli.add_command(report_cli)
