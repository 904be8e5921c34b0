"""Absolute links for mails and QR codes."""

from flask import current_app, url_for


def external_url(endpoint: str, **values) -> str:
    """BASE_URL when set (behind a proxy, or from the CLI); otherwise the host of the current request."""
    base = current_app.config.get("BASE_URL")
    if base:
        return base + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)
