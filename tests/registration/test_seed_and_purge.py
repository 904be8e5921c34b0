from datetime import date, timedelta

from sessie_app.extensions import db
from sessie_app.registration import seed, services
from sessie_app.registration.models import Meeting, Registration

SERIES = [(11, 7), (11, 15), (11, 22), (11, 27), (12, 6)]


def test_series_lands_in_the_first_season_wholly_ahead():
    assert seed.place_series(SERIES, date(2026, 11, 22))[0] == date(2027, 11, 7)
    assert seed.place_series(SERIES, date(2026, 3, 1)) == [
        date(2026, 11, 7),
        date(2026, 11, 15),
        date(2026, 11, 22),
        date(2026, 11, 27),
        date(2026, 12, 6),
    ]


def test_series_across_new_year_keeps_its_order():
    assert seed.place_series([(12, 10), (1, 15)], date(2026, 6, 1)) == [date(2026, 12, 10), date(2027, 1, 15)]


def test_seed_command_is_idempotent_and_keeps_organiser_edits(app, runner):
    first = runner.invoke(args=["sessions", "seed"])
    assert "amsterdam, zwolle, tilburg, den-haag, utrecht" in first.output
    tilburg = db.session.query(Meeting).filter_by(slug="tilburg").one()
    tilburg.venue = "Nieuwe zaal"
    db.session.commit()
    second = runner.invoke(args=["sessions", "seed"])
    assert "aangemaakt: geen" in second.output
    assert db.session.query(Meeting).count() == 5
    assert db.session.query(Meeting).filter_by(slug="tilburg").one().venue == "Nieuwe zaal"


def details(email: str, **extra) -> services.Details:
    return services.Details(name="Jan", email=email, organisation="OBS", role="leraar", sector="PO", meal=True, **extra)


def test_purge_erases_personal_data_of_past_sessions_and_keeps_counts(app, runner, meetings):
    past, future = meetings["amsterdam"], meetings["utrecht"]
    services.register(past.id, details("oud@example.nl", health_consent=True, dietary="Halal"))
    services.register(future.id, details("nieuw@example.nl"))
    past.date = date.today() - timedelta(days=40)
    db.session.commit()

    result = runner.invoke(args=["registrations", "purge", "--older-than", "30"])
    assert "1 aanmelding" in result.output
    old = db.session.query(Registration).filter_by(meeting_id=past.id).one()
    assert (old.name, old.email, old.organisation, old.dietary, old.token) == (None,) * 5
    assert (old.role, old.sector, old.meal) == ("leraar", "PO", True)
    assert db.session.query(Registration).filter_by(meeting_id=future.id).one().email == "nieuw@example.nl"


def test_organiser_ensure_uses_environment_and_hint_says_how_to_log_in(app, runner, monkeypatch):
    monkeypatch.setenv("ORGANISER_EMAIL", "Org@Example.nl")
    monkeypatch.setenv("ORGANISER_PASSWORD", "een lang wachtwoord")
    runner.invoke(args=["organiser", "ensure"])
    from sessie_app.organiser.services import authenticate

    assert authenticate("org@example.nl", "een lang wachtwoord") is not None
    assert "ORGANISER_EMAIL=Org@Example.nl" in runner.invoke(args=["organiser", "hint"]).output


def test_first_organiser_is_generated_when_none_is_configured(app, runner, monkeypatch, tmp_path):
    monkeypatch.delenv("ORGANISER_EMAIL", raising=False)
    monkeypatch.delenv("ORGANISER_PASSWORD", raising=False)
    runner.invoke(args=["organiser", "ensure"])
    email, password = (tmp_path / "organiser-credentials.txt").read_text().split()
    from sessie_app.organiser.services import authenticate

    assert authenticate(email, password) is not None
    assert password in runner.invoke(args=["organiser", "hint"]).output


def test_organiser_create_refuses_a_short_password(app, runner):
    result = runner.invoke(args=["organiser", "create", "--email", "a@b.nl", "--password", "kort"])
    assert result.exit_code != 0 and "minstens 10 tekens" in result.output
