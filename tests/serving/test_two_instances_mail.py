"""Two gunicorn instances on one PostgreSQL database, each with the outbox's sender running in the
background as `make serve` starts it: forty people register through both, and each gets their
confirmation exactly once from a real SMTP server on loopback, whichever instance sent it."""

import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import requests
import sqlalchemy as sa

from testkit.servers import Gunicorn, environment, flask
from tests.helpers import VALID_REGISTRATION, csrf_from

PEOPLE = 40
# The longest wait for the mails: a bound for a sender that hangs, not a measure.
PATIENCE = 120.0


def register(url: str, n: int) -> None:
    http = requests.Session()
    page = http.get(f"{url}/sessies/utrecht", timeout=PATIENCE)
    form = {**VALID_REGISTRATION, "email": f"persoon{n:03d}@example.org", "csrf_token": csrf_from(page.text)}
    answer = http.post(f"{url}/sessies/utrecht", data=form, allow_redirects=False, timeout=PATIENCE)
    assert answer.status_code == 302 and "/controleer-uw-mail" in answer.headers["Location"], answer.status_code


def test_two_instances_send_each_confirmation_once(tmp_path, postgres_url, start_server, smtp_inbox):
    inbox, port = smtp_inbox
    env = environment(
        tmp_path,
        DATABASE_URL=postgres_url,
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=str(port),
        REGISTRATION_RATE_LIMIT="10000 per minute",
        PYTHONUNBUFFERED="1",
    )
    flask(env, "db", "upgrade")
    flask(env, "sessions", "seed")
    a, b = Gunicorn(env), Gunicorn(env)
    with ThreadPoolExecutor() as pool:
        list(pool.map(start_server, (a, b)))
        list(pool.map(register, [(a, b)[n % 2].url for n in range(PEOPLE)], range(PEOPLE)))

    engine = sa.create_engine(postgres_url, poolclass=sa.pool.NullPool)
    deadline = time.monotonic() + PATIENCE
    while True:
        with engine.connect() as connection:
            unsent = connection.scalar(sa.text("SELECT count(*) FROM outbox_mails WHERE status != 'sent'"))
        if unsent == 0 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert unsent == 0
    time.sleep(2 * 2.0)  # two more polls of each sender: a second copy would arrive now

    recipients = Counter(rcpt for rcpts, _message in inbox.messages for rcpt in rcpts)
    assert len(recipients) == PEOPLE and set(recipients.values()) == {1}, recipients.most_common(3)
    assert {message["Subject"] for _rcpts, message in inbox.messages} == {"Aanmelding bevestigd: sessie Utrecht"}
    for server in (a, b):
        assert "Traceback" not in server.log.read_text(errors="replace"), server.log_text()
