"""Absolute links (mails, calendar files, QR codes, the poster): always on BASE_URL, never on the
Host or X-Forwarded-Host header of a request, which whoever sends the request chooses."""

from flask import current_app, url_for

# What `make run` serves on; deploy/gunicorn.conf.py refuses to listen beyond loopback without a
# BASE_URL, so this default only ever names the machine itself.
DEFAULT_BASE_URL = "http://127.0.0.1:5000"


def base_url() -> str:
    return current_app.config.get("BASE_URL") or DEFAULT_BASE_URL


def external_url(endpoint: str, **values) -> str:
    return base_url() + url_for(endpoint, **values)


def link_context():
    """A request context on BASE_URL, for building links where there is no request (the outbox's
    sender, the CLI), in the default language."""
    return current_app.test_request_context(base_url=base_url())
