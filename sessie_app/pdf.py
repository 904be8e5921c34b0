"""HTML to PDF with WeasyPrint, fetching nothing but the app's own static files, within a time limit (docs/reports.md)."""

import base64
import gc
import logging
import mimetypes
import multiprocessing
import os
import sys
import threading
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import current_app, has_app_context

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_CONCURRENT = 2
MAX_STATIC_FILE = 5 * 1024 * 1024
MAX_LOGGED = 500
# Audit events (https://docs.python.org/3/library/audit_events.html) a render process refuses.
NETWORK_EVENTS = frozenset(
    {"socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr", "socket.sendto"}
)
# What the forkserver imports once, so that every render process starts with it: this module (and
# so the app's package, where the fetcher lives), WeasyPrint, and the main module, which a process
# that multiprocessing starts imports again unless its parent already did (a script that makes
# PDFs needs multiprocessing's `if __name__ == "__main__":` guard).
PRELOAD = ["__main__", "weasyprint", "weasyprint.pdf", __name__]

_slots_lock = threading.Lock()
_slots: dict[int, threading.BoundedSemaphore] = {}
_forkserver = None


class PdfError(Exception):
    """The PDF could not be made."""


class PdfTimeout(PdfError):
    """Rendering took longer than the time limit."""


class PdfBusy(PdfError):
    """Too many PDFs are being made at once; try again shortly."""


class RefusedURL(ValueError):
    """The fetcher does not serve this URL."""


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


def make_fetcher(base_url: str | None, static_folder: str | Path, static_url_path: str = "/static"):
    """A WeasyPrint URL fetcher that serves only ``data:`` URIs and files in ``static_folder``."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    root = Path(static_folder).resolve()
    prefix = static_url_path.rstrip("/") + "/"
    origin = _origin(base_url) if base_url else None

    class StaticOnlyFetcher(URLFetcher):
        def __init__(self):
            # No handlers are used (fetch never calls urllib), but keep the base class's guards.
            super().__init__(
                timeout=1, allowed_protocols=("data", "http", "https"), allow_redirects=False, fail_on_errors=False
            )
            # Every URL asked for, served or refused, in order.
            self.requested: list[str] = []

        def fetch(self, url, headers=None):
            self.requested.append(url[:MAX_LOGGED])
            try:
                response = self._serve(url)
            except RefusedURL:
                log.warning("PDF rendering refused to fetch %.200s", url)
                raise
            return response

        def _serve(self, url: str):
            if url[:5].lower() == "data:":
                return _data_uri(url, URLFetcherResponse)
            parts = urlsplit(url)
            if origin is None or (parts.scheme.lower(), parts.netloc.lower()) != origin:
                raise RefusedURL(f"not this app's origin: {url[:200]}")
            path = unquote(parts.path)
            if not path.startswith(prefix) or "\\" in path or "\x00" in path:
                raise RefusedURL(f"not a static file: {url[:200]}")
            target = (root / path[len(prefix) :]).resolve()
            if not target.is_relative_to(root) or not target.is_file():
                raise RefusedURL(f"no such static file: {url[:200]}")
            if target.stat().st_size > MAX_STATIC_FILE:
                raise RefusedURL(f"static file too large: {url[:200]}")
            content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, target.read_bytes(), {"Content-Type": content_type})

    return StaticOnlyFetcher()


def _data_uri(url: str, response_class):
    """Decode a ``data:`` URI ourselves, so urllib is never involved."""
    header, comma, payload = url[5:].partition(",")
    if not comma:
        raise RefusedURL("malformed data: URI")
    params = header.split(";")
    content_type = params[0].strip() or "text/plain"
    if "base64" in (p.strip().lower() for p in params[1:]):
        try:
            body = base64.b64decode(unquote(payload), validate=False)
        except ValueError as error:
            raise RefusedURL("malformed base64 in data: URI") from error
    else:
        body = unquote(payload).encode("utf-8")
    headers = {"Content-Type": content_type}
    for param in params[1:]:
        if param.strip().lower().startswith("charset="):
            headers["Content-Type"] = f"{content_type}; {param.strip()}"
    return response_class(url[:64], body, headers)


def _slots_for(limit: int) -> threading.BoundedSemaphore:
    with _slots_lock:
        if limit not in _slots:
            _slots[limit] = threading.BoundedSemaphore(limit)
        return _slots[limit]


def _processes():
    """multiprocessing's forkserver, whose one clean process has WeasyPrint imported and forks a
    render process off itself on demand (docs/reports.md, Making a PDF)."""
    global _forkserver
    with _slots_lock:
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


class _Warnings(logging.Handler):
    """The render process's warnings (a refused URL, an image WeasyPrint could not read), kept to be
    logged again by the process that asked for the PDF, where the app's logging is set up."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.records: list[tuple[str, int, str]] = []

    def emit(self, record):
        self.records.append((record.name, record.levelno, record.getMessage()[:MAX_LOGGED]))


def forbid_network(attempts: list[str]) -> None:
    """From now on this process opens no connection and looks up no name, whatever asks: the URL
    fetcher already refuses every URL outside the static folder, and this catches anything that
    would go around it. Each attempt is noted in ``attempts`` and fails with PermissionError.
    For a render process only: an audit hook stays for the life of the process."""

    def hook(event: str, args: tuple) -> None:
        if event in NETWORK_EVENTS:
            attempts.append(f"{event} {args[1:] if event == 'socket.connect' else args}"[:MAX_LOGGED])
            raise PermissionError(f"no network in a PDF render ({event})")

    sys.addaudithook(hook)


def _render_process(connection, html, base_url, static_folder, static_url_path, pdf_options) -> None:
    """In a render process: the PDF, what it asked for, its warnings and this process's peak memory
    to ``connection``.

    WeasyPrint makes millions of objects that live until the PDF is written, many of them in
    reference cycles: the collector is off (a pass would walk that heap and free next to nothing),
    and the process ends without freeing any of it."""
    gc.disable()
    warnings = _Warnings()
    logging.getLogger().addHandler(warnings)
    outcome: dict = {"network": []}
    forbid_network(outcome["network"])
    fetcher = make_fetcher(base_url, static_folder, static_url_path)
    try:
        from weasyprint import HTML

        outcome["pdf"] = HTML(string=html, base_url=base_url, url_fetcher=fetcher).write_pdf(**pdf_options)
    except Exception as error:  # noqa: BLE001 - handed to the caller, which raises PdfError
        outcome["error"] = f"{type(error).__name__}: {error}"[:MAX_LOGGED]
    outcome["requested"] = fetcher.requested
    outcome["warnings"] = warnings.records
    outcome["peak_mb"] = _peak_mb()
    try:
        connection.send(outcome)
        connection.close()
    finally:
        os._exit(0)


def _peak_mb() -> float | None:
    """This process's peak resident memory (Linux), pages shared with the forkserver included."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return None


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
        work = (html, base_url, str(static_folder), static_url_path, dict(pdf_options or {}))
        outcome, seconds = _in_a_process(work, timeout)
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
        "PDF made in %.1f s: %d kB, render process peak %s MB",
        seconds,
        len(outcome["pdf"]) // 1024,
        outcome["peak_mb"],
        extra={"render_seconds": seconds, "render_peak_mb": outcome["peak_mb"]},
    )
    return outcome["pdf"]


def _in_a_process(work: tuple, timeout: float) -> tuple[dict, float]:
    """Run ``_render_process`` on ``work``; the process is killed when ``timeout`` runs out.

    Waiting is a poll on a pipe, which gevent (make serve) turns into a wait that lets the other
    greenlets run: the hall's phones keep moving while a report renders."""
    context = _processes()
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_render_process, args=(sender, *work), name="render-pdf", daemon=True)
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
