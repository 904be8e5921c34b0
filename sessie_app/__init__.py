"""sessie_app: registration, live board and reports for the regional sessions.

The app is built by ``create_app`` (sessie_app/factory.py), loaded on first use: a process that needs
only a part of the package, such as a PDF render process (sessie_app/pdf_process.py), does not load
Flask, its extensions and every blueprint (about 80 MB and 0.9 s)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def __getattr__(name: str):
    if name == "create_app":
        from .factory import create_app

        return create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
