"""After "Verwijder mijn gegevens" or `purge`, nothing of the person is left in any file under the
instance folder: not in the SQLite file, not in its write-ahead log (-wal, -shm), not in an .eml of
the outbox. The app runs as it is configured for real (create_app: WAL, secure_delete), without the
tests' shortcuts, with the outbox writing files because no MAIL_SERVER is set."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from sessie_app import create_app
from sessie_app.board import services as board
from sessie_app.extensions import db
from sessie_app.registration import seed
from sessie_app.registration.meetings import meeting_by_slug
from sessie_app.timeutil import today_local
from tests.helpers import VALID_REGISTRATION, deliver, outbox, post_form

PERSON = {
    "name": "Zoekmij Vindbaarheid",
    "email": "zoek-mij-0001@voorbeeld.nl",
    "organisation": "Speurschool De Vindplaats",
    "dietary": "Zoekbaar notenvrij",
    "accessibility": "Vindbare ringleiding",
}
# Someone who stays: the scan still reads the database after an erasure.
OTHER = {"name": "Blijft Bewaard", "email": "blijf-0002@voorbeeld.nl", "organisation": "Blijfschool"}
NICKNAME = "Zoeknick77"


@pytest.fixture
def instance(app_config) -> Path:
    return Path(app_config["INSTANCE_DIR"])


@pytest.fixture
def real_app(app_config):
    app = create_app(app_config)
    with app.app_context():
        seed.seed(seed.load_file(seed.DEFAULT_FILE), today_local())
        yield app
        db.session.remove()
        db.engine.dispose()


def files_holding(folder: Path, words) -> dict[str, list[str]]:
    """file (relative to ``folder``) → the words found in its bytes, as UTF-8, in any case."""
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            data = path.read_bytes().lower()
            hits = [word for word in words if word.lower().encode() in data]
            if hits:
                found[str(path.relative_to(folder))] = hits
    return found


def register(client, person: dict, slug: str = "tilburg") -> None:
    response = post_form(client, f"/sessies/{slug}", {**VALID_REGISTRATION, **person, "health_consent": "y"})
    assert response.status_code == 302, response.status_code


def manage_link(app, address: str) -> str:
    message = next(m for m in outbox(app) if m["To"].addresses[0].addr_spec == address)
    text_part = message.get_body(preferencelist=("plain",)).get_content()
    return re.search(r"http://sessie\.test(/aanmelding/\S+)", text_part).group(1)


def registered_and_mailed(app, client, instance: Path) -> None:
    """Both registered, their mails written; the scan sees them where they are."""
    register(client, PERSON)
    register(client, OTHER)
    assert deliver(app) == 2
    assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    held = files_holding(instance, PERSON.values())
    assert any(name.endswith(".eml") for name in held), held
    assert any(name.startswith("test.sqlite") and set(words) == set(PERSON.values()) for name, words in held.items())


def test_delete_my_data_leaves_nothing_of_the_person_under_instance(real_app, instance):
    # One browser throughout: Flask-WTF keeps the CSRF token of the open app context's first one.
    client = real_app.test_client()
    registered_and_mailed(real_app, client, instance)
    link = manage_link(real_app, PERSON["email"])

    response = post_form(client, link, {}, post_url=link + "/verwijderen")
    assert "Uw gegevens zijn verwijderd" in response.get_data(as_text=True)

    assert files_holding(instance, PERSON.values()) == {}
    kept = files_holding(instance, [OTHER["email"]])
    assert any(name.startswith("test.sqlite") for name in kept) and any(name.endswith(".eml") for name in kept)


def test_purge_leaves_nothing_of_the_person_or_their_nickname_under_instance(real_app, instance):
    client = real_app.test_client()
    registered_and_mailed(real_app, client, instance)
    tilburg = meeting_by_slug("tilburg")
    live = board.create_board("Tilburg", meeting_id=tilburg.id)
    board.join(live.id, None, nickname=NICKNAME, role="leraar", sector="PO")
    # The one who stays registered for a session still ahead.
    register(client, {**OTHER, "email": "blijf-0003@voorbeeld.nl"}, slug="utrecht")
    deliver(real_app)
    assert files_holding(instance, [NICKNAME]), "the scan does not see the nickname"

    tilburg.date = today_local() - timedelta(days=40)
    db.session.commit()
    result = real_app.test_cli_runner().invoke(args=["registrations", "purge", "--older-than", "30"])
    assert result.exit_code == 0, result.output
    assert "2 aanmelding" in result.output and "1 deelnemer" in result.output

    assert files_holding(instance, [*PERSON.values(), OTHER["email"], NICKNAME]) == {}
    assert files_holding(instance, ["blijf-0003@voorbeeld.nl"])
