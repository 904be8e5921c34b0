"""Entry point for WSGI servers: `gunicorn wsgi:app`."""

from sessie_app import create_app

app = create_app()
