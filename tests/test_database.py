"""The schema comes only from migrations, on SQLite and PostgreSQL; seats cannot be oversold."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from sessie_app import create_app
from sessie_app.board import services as board_services
from sessie_app.board.services import actions
from sessie_app.board.services.moderation import set_phase
from sessie_app.extensions import db
from sessie_app.organiser import services as organiser_services
from sessie_app.registration import seed, services
from sessie_app.registration.meetings import meeting_by_slug
from sessie_app.registration.models import CONFIRMED, Registration
from sessie_app.timeutil import today_local
from testkit.servers import PostgresDatabase
from tests.helpers import base_config


def schema_differences(app) -> list:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection)
        return compare_metadata(context, db.metadata)


@pytest.fixture(scope="module")
def pg_database(postgres_admin_url):
    """A throwaway PostgreSQL database for this module."""
    database = PostgresDatabase()
    yield database.url
    database.drop()


@pytest.fixture(scope="module")
def pg_app(pg_database, tmp_path_factory):
    config = {
        **base_config(tmp_path_factory.mktemp("pg")),
        "SQLALCHEMY_DATABASE_URI": pg_database,
        # Enough connections that fifty requests really run at once.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 60, "max_overflow": 0, "pool_pre_ping": True},
    }
    app = create_app(config)
    with app.app_context():
        upgrade()
        seed.seed(seed.load_file(seed.DEFAULT_FILE), today_local())
        yield app
        db.session.remove()
        db.engine.dispose()


def test_migrations_match_the_models_on_sqlite(app):
    assert schema_differences(app) == []


def test_migrations_match_the_models_on_postgresql(pg_app):
    assert schema_differences(pg_app) == []


def details(email: str) -> services.Details:
    return services.Details(name="Deelnemer", email=email, organisation="School", role="leraar", sector="VO", meal=True)


def register_at_once(app, meeting_id: int, emails: list[str], lock: bool) -> list:
    """Fire one registration per address from its own thread and connection, all released together."""
    barrier = threading.Barrier(len(emails))

    def worker(email):
        with app.app_context():
            try:
                barrier.wait()
                return services.register(meeting_id, details(email), lock=lock)
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=len(emails)) as pool:
        futures = [pool.submit(worker, email) for email in emails]
    # result() raises what the registration raised in its thread.
    return [future.result() for future in futures]


def session_with_seats_left(app, seats_left: int, slug: str):
    meeting = meeting_by_slug(slug)
    meeting.capacity = seats_left
    db.session.commit()
    return meeting.id


def statuses(meeting_id: int) -> list[str]:
    db.session.expire_all()
    return [r.status for r in db.session.query(Registration).filter_by(meeting_id=meeting_id)]


def test_last_three_seats_go_to_exactly_three_of_fifty(pg_app):
    meeting_id = session_with_seats_left(pg_app, 3, "tilburg")
    register_at_once(pg_app, meeting_id, [f"lock{i}@example.nl" for i in range(50)], lock=True)
    result = statuses(meeting_id)
    assert result.count(CONFIRMED) == 3 and result.count("waitlisted") == 47


def test_control_run_without_the_lock_oversells(pg_app):
    """Proves the test above can catch the race: without the lock, the same load oversells."""
    oversold = []
    for attempt, slug in enumerate(("zwolle", "den-haag", "utrecht")):
        meeting_id = session_with_seats_left(pg_app, 3, slug)
        register_at_once(pg_app, meeting_id, [f"race{attempt}-{i}@example.nl" for i in range(50)], lock=False)
        oversold.append(statuses(meeting_id).count(CONFIRMED))
        print(f"control run {attempt + 1}: {oversold[-1]} confirmed for 3 seats")
        if oversold[-1] > 3:
            break
    assert max(oversold) > 3, f"no overselling without the lock in {len(oversold)} runs: {oversold}"


def test_same_address_fifty_times_at_once_is_one_registration(pg_app):
    meeting_id = meeting_by_slug("amsterdam").id
    outcomes = register_at_once(pg_app, meeting_id, ["dubbel@example.nl"] * 50, lock=True)
    assert len({o.registration_id for o in outcomes}) == 1
    assert sum(not o.duplicate for o in outcomes) == 1
    assert len(statuses(meeting_id)) == 1


def test_same_address_without_the_lock_is_still_one_registration(pg_app):
    """The partial unique index holds even when the lock does not."""
    meeting_id = meeting_by_slug("amsterdam").id
    outcomes = register_at_once(pg_app, meeting_id, ["index@example.nl"] * 30, lock=False)
    assert len({o.registration_id for o in outcomes}) == 1
    assert db.session.query(Registration).filter_by(meeting_id=meeting_id, email="index@example.nl").count() == 1


def test_sqlite_also_serialises_the_last_seats(app, meetings):
    meeting_id = session_with_seats_left(app, 3, "tilburg")
    register_at_once(app, meeting_id, [f"s{i}@example.nl" for i in range(20)], lock=True)
    assert statuses(meeting_id).count(CONFIRMED) == 3


def test_a_tally_never_claims_a_board_version_whose_votes_it_lacks(pg_app):
    """Votes commit out of order on PostgreSQL; the version a tally reports must cover its counts,
    or a phone would drop the tally that does hold a vote as 'older' (and with two instances,
    a stale tally could overwrite a newer one)."""
    from sessie_app.board import services as board

    board_id = board.create_board("Versies").id
    board.set_phase(board_id, "opperen", None)
    author = board.join(board_id, None)
    proposal_id = board.add_proposal(author.id, "proposal-0001", title="Eén voorstel")["proposal"]["id"]
    board.set_phase(board_id, "stemmen", None)
    start = board.tally(board_id)["seq"]
    voters = [board.join(board_id, None).id for _ in range(8)]
    db.session.commit()
    db.session.remove()

    broken, done = [], threading.Event()

    def cast(participant_id: int) -> None:
        with pg_app.app_context():
            try:
                for n in range(2):
                    board.vote(participant_id, f"vote-{participant_id}-{n}", proposal_id, 1)
            finally:
                db.session.remove()

    def read() -> None:
        with pg_app.app_context():
            while not done.is_set():
                tally = board.tally(board_id)
                # Every action on this board since `start` is one +1 vote on the one proposal.
                if tally["counts"][str(proposal_id)] < tally["seq"] - start:
                    broken.append(tally)
                db.session.remove()

    reader = threading.Thread(target=read)
    reader.start()
    try:
        with ThreadPoolExecutor(max_workers=len(voters)) as pool:
            futures = [pool.submit(cast, pid) for pid in voters]
    finally:
        done.set()
        reader.join()
    for future in futures:
        future.result()  # raises what a vote raised in its thread
    assert broken == []
    final = board.tally(board_id)
    assert final["seq"] - start == 16 and final["counts"][str(proposal_id)] == 16


def test_migrations_keep_a_filled_sqlite_database(app, meetings):
    """SQLite alters a table by copying it and dropping the old one; with rows pointing at it and
    foreign keys on, that failed on every real database while empty ones migrated fine."""

    organiser_services.create_or_update_organiser("org@example.nl", "een-lang-wachtwoord-123")
    registration = services.register(meeting_by_slug("tilburg").id, details("iemand@example.nl"))
    board = board_services.create_board("Tilburg", meeting_id=meeting_by_slug("tilburg").id)
    participant = board_services.join(board.id, None, nickname="Anna")
    bottleneck = actions.add_bottleneck(participant.id, "knelpunt-1", "Onderzoek is moeilijk te vinden")
    set_phase(board.id, "opperen", None)
    actions.add_proposal(participant.id, "voorstel-1", "Een kennisbank", bottleneck_id=bottleneck["bottleneck"]["id"])
    db.session.remove()

    downgrade(revision="8c3f5a1d0e92")  # before the messages, the accounts and the themes
    upgrade()

    assert db.session.get(Registration, registration.registration_id).email == "iemand@example.nl"
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
        assert connection.exec_driver_sql("SELECT role FROM organisers").scalar() == "beheerder"
        assert connection.exec_driver_sql("SELECT count(*) FROM proposals").scalar() == 1
    assert schema_differences(app) == []
