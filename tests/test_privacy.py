"""After `purge`, nothing that points at a person is left in any table."""

import logging
from datetime import date, timedelta

from sqlalchemy import String, Text, select

from sessie_app.board import services as board
from sessie_app.board.models import OPPEREN, STEMMEN
from sessie_app.extensions import db
from sessie_app.registration import services as registration

PERSONAL = ["Marijke", "verhoeven@example.nl", "Klimop", "Glutenvrij", "Rolstoel", "Mvh73"]


def _text_cells() -> list[tuple[str, str, str]]:
    """Every string cell of every table the migrations made."""
    cells = []
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, (String, Text))]
        if not columns:
            continue
        for row in db.session.execute(select(*columns)):
            cells.extend((table.name, column.name, value) for column, value in zip(columns, row, strict=True) if value)
    return cells


def test_purge_leaves_no_personal_data_of_past_sessions_in_any_table(app, runner, meetings, caplog):
    caplog.set_level(logging.DEBUG)
    past, future = meetings["zwolle"], meetings["utrecht"]
    registration.register(
        past.id,
        registration.Details(
            name="Marijke Verhoeven",
            email="marijke.verhoeven@example.nl",
            organisation="OBS De Klimop",
            role="leraar",
            sector="PO",
            meal=True,
            health_consent=True,
            dietary="Glutenvrij",
            accessibility="Rolstoel",
        ),
    )
    registration.register(
        future.id,
        registration.Details(
            name="Kees",
            email="kees@example.nl",
            organisation="Kennisinstituut",
            role="onderzoeker",
            sector="WO",
            meal=False,
        ),
    )
    live = board.create_board("Zwolle", meeting_id=past.id)
    phone = board.join(live.id, None, nickname="Mvh73", role="leraar", sector="PO")
    old_token = phone.token
    board.set_phase(live.id, OPPEREN, None)
    proposal = board.add_proposal(phone.id, "client-0001", "Tijd voor onderzoek in het rooster")["proposal"]
    board.set_phase(live.id, STEMMEN, None)
    board.vote(phone.id, "client-0002", proposal["id"], 1)
    # Dietary and access needs are health data: never in the log, not even at DEBUG.
    assert not any(word in caplog.text for word in ("Glutenvrij", "Rolstoel"))
    assert {w for _t, _c, v in _text_cells() for w in PERSONAL if w in v} == set(PERSONAL)  # the scan sees them

    past.date = date.today() - timedelta(days=40)
    db.session.commit()
    result = runner.invoke(args=["registrations", "purge", "--older-than", "30"])
    assert result.exit_code == 0, result.output
    assert "1 aanmelding" in result.output and "1 deelnemer" in result.output

    left = [(t, c, v) for t, c, v in _text_cells() for word in PERSONAL if word in v]
    assert left == []
    # The phone's old cookie leads nowhere; the proposal and its vote stay as anonymous counts.
    try:
        board.participant_by_token(live.id, old_token)
        raise AssertionError("the old participant token still works")
    except board.NotFound:
        pass
    counts = board.tally(live.id)["counts"]
    assert counts == {str(proposal["id"]): 1}
    # Sessions still ahead keep their people.
    assert any(v == "kees@example.nl" for _t, _c, v in _text_cells())
