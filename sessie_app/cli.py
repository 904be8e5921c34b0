"""flask commands: seed the sessions, manage organisers, purge personal data."""

import os
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from .organiser import services as organiser_services
from .registration import seed as seed_module
from .registration import services as registration_services
from .timeutil import today_local

sessions_cli = AppGroup("sessions", help="De sessies van de reeks.")
organiser_cli = AppGroup("organiser", help="Organisator-accounts.")
registrations_cli = AppGroup("registrations", help="Aanmeldingen.")

CREDENTIALS_FILE = "organiser-credentials.txt"


@sessions_cli.command("seed")
@click.option("--file", "path", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=seed_module.DEFAULT_FILE)
def seed_sessions(path: Path) -> None:
    """Load the sessions from the data file; sessions that exist are left untouched."""
    result = seed_module.seed(seed_module.load_file(path), today_local())
    click.echo(f"Sessies aangemaakt: {', '.join(result.created) or 'geen'}; al aanwezig: {', '.join(result.kept) or 'geen'}.")


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
        click.echo(f"  Inloggen met ORGANISER_EMAIL={os.environ['ORGANISER_EMAIL']} en het wachtwoord uit ORGANISER_PASSWORD.")
    elif path.exists():
        email, password = path.read_text().split()[:2]
        click.echo(f"  E-mail: {email}   wachtwoord: {password}   (uit {path})")
    else:
        click.echo("  Maak een organisator aan met: .venv/bin/flask --app sessie_app organiser create")
    click.echo("  Een ander account of nieuw wachtwoord: .venv/bin/flask --app sessie_app organiser create")


@registrations_cli.command("purge")
@click.option("--older-than", "days", type=click.IntRange(min=0), required=True, help="Dagen na de sessie.")
def purge(days: int) -> None:
    """Erase personal data of sessions held more than DAYS ago; anonymous counts stay."""
    count = registration_services.purge_past(days)
    click.echo(f"Persoonsgegevens gewist van {count} aanmelding(en).")


def register(app: Flask) -> None:
    app.cli.add_command(sessions_cli)
    app.cli.add_command(organiser_cli)
    app.cli.add_command(registrations_cli)
