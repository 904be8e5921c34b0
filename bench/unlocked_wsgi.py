"""The app with the last-seats lock switched off: the control run of bench/last_seats.py only.

Never serve this. It exists so the bench can show that, against the same running server and load,
the race it measures is real: without the lock the last seats are oversold."""

from functools import partial

from sessie_app import create_app
from sessie_app.registration import services

# Before create_app, which imports the views: every one of them then registers without the lock.
services.register = partial(services.register, lock=False)

app = create_app()
