"""HTML to PDF with WeasyPrint, fetching nothing but the app's own static files, within a time limit (docs/reports.md)."""

import logging
import multiprocessing
import tempfile
import threading
import time
from pathlib import Path

from flask import current_app, has_app_context

from . import pdf_process

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_CONCURRENT = 2
# What the forkserver imports once, so that every render process starts with it. A process that
# multiprocessing starts also runs the main module again (as "__mp_main__"), unless the forkserver
# preloaded it, which Python 3.11's does not (it loses the module's path): a script that makes PDFs
# needs multiprocessing's `if __name__ == "__main__":` guard, and imports little at its top.
PRELOAD = ["__main__", "weasyprint", "weasyprint.pdf", pdf_process.__name__]

# Guards the slots and the forkserver's one-time set-up.
_lock = threading.Lock()
_slots: dict[int, threading.BoundedSemaphore] = {}
_forkserver = None


class PdfError(Exception):
    """The PDF could not be made."""


class PdfTimeout(PdfError):
    """Rendering took longer than the time limit."""


class PdfBusy(PdfError):
    """Too many PDFs are being made at once; try again shortly."""


def _slots_for(limit: int) -> threading.BoundedSemaphore:
    with _lock:
        if limit not in _slots:
            _slots[limit] = threading.BoundedSemaphore(limit)
        return _slots[limit]


def _processes():
    """multiprocessing's forkserver, whose one clean process has WeasyPrint imported and forks a
    render process off itself on demand (docs/reports.md, Making a PDF)."""
    global _forkserver
    with _lock:
        if _forkserver is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(PRELOAD)
            _forkserver = context
        return _forkserver


def prepare() -> None:
    """Start the forkserver now, so a PDF asked for in a moment finds WeasyPrint imported. Returns at
    once: the imports happen in the forkserver while the caller goes on."""
    from multiprocessing import forkserver

    _processes()
    forkserver.ensure_running()


def render_pdf(
    html: str,
    base_url: str | None,
    *,
    timeout: float | None = None,
    static_folder: str | Path | None = None,
    static_url_path: str | None = None,
    pdf_options: dict | None = None,
) -> bytes:
    """The PDF of ``html``, made in a process of its own. Relative URLs resolve against
    ``base_url``; only this app's static files and ``data:`` URIs are fetched. ``pdf_options`` go
    to WeasyPrint's ``write_pdf`` as they are (e.g. ``{"pdf_variant": "pdf/ua-1"}`` or
    ``{"pdf_tags": True}``); they cannot change the URL fetcher. Raises PdfTimeout after
    ``timeout`` seconds (default the app's PDF_TIME_LIMIT, else 30), PdfBusy when no render slot
    frees up in that time, and PdfError when WeasyPrint fails."""
    config = current_app.config if has_app_context() else {}
    if static_folder is None:
        static_folder = current_app.static_folder
    if static_url_path is None:
        static_url_path = current_app.static_url_path if has_app_context() else "/static"
    if timeout is None:
        timeout = float(config.get("PDF_TIME_LIMIT", DEFAULT_TIMEOUT))
    slots = _slots_for(int(config.get("PDF_MAX_CONCURRENT", DEFAULT_MAX_CONCURRENT)))
    if not slots.acquire(timeout=timeout):
        raise PdfBusy("no free PDF slot")
    try:
        # The HTML goes by file: in the arguments it would fill the pipe to the new process, and the
        # write would wait (holding gevent's hub) until that process has imported the main module.
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", prefix="sessie-pdf-", suffix=".html") as source:
            source.write(html)
            source.flush()
            work = (source.name, base_url, str(static_folder), static_url_path, dict(pdf_options or {}))
            outcome, seconds = _in_a_process(work, timeout)
    except OSError as error:
        raise PdfError(f"the HTML could not be handed to a render process: {error}") from error
    finally:
        slots.release()
    for url in outcome["requested"]:
        log.debug("PDF rendering asked for %s", url, extra={"pdf_url": url})
    for attempt in outcome["network"]:
        log.warning("PDF rendering tried to reach the network: %s", attempt, extra={"pdf_network": attempt})
    for name, level, message in outcome["warnings"]:
        logging.getLogger(name).log(level, "%s", message)
    if "error" in outcome:
        raise PdfError(outcome["error"])
    log.info(
        "PDF made in %.1f s (%.1f s processor time): %d kB, render process peak %s MB",
        seconds,
        outcome["cpu_s"],
        len(outcome["pdf"]) // 1024,
        outcome["peak_mb"],
        extra={"render_seconds": seconds, "render_cpu_s": outcome["cpu_s"], "render_peak_mb": outcome["peak_mb"]},
    )
    return outcome["pdf"]


def _in_a_process(work: tuple, timeout: float) -> tuple[dict, float]:
    """Run ``pdf_process.render_process`` on ``work``; the process is killed when ``timeout`` runs out.

    Waiting is a poll on a pipe, which gevent (make serve) turns into a wait that lets the other
    greenlets run: the hall's phones keep moving while a report renders."""
    context = _processes()
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=pdf_process.render_process, args=(sender, *work), name="render-pdf", daemon=True)
    started = time.monotonic()
    try:
        process.start()
    except OSError as error:
        receiver.close()
        sender.close()
        raise PdfError(f"no render process could be started: {error}") from error
    sender.close()
    try:
        if not receiver.poll(max(timeout - (time.monotonic() - started), 0)):
            log.warning("PDF rendering stopped after %.1f s", timeout)
            raise PdfTimeout(f"rendering took longer than {timeout} s")
        try:
            outcome = receiver.recv()
        except EOFError as error:
            raise PdfError(f"the render process ended without a PDF (exit code {process.exitcode})") from error
        return outcome, time.monotonic() - started
    finally:
        receiver.close()
        if process.is_alive():
            process.kill()
        process.join()
