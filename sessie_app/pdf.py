"""HTML to PDF with WeasyPrint, fetching nothing but the app's own static files, within a time limit (docs/reports.md)."""

import base64
import ctypes
import logging
import mimetypes
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
STOP_GRACE = 2.0

_slots_lock = threading.Lock()
_slots: dict[int, threading.BoundedSemaphore] = {}


class PdfError(Exception):
    """The PDF could not be made."""


class PdfTimeout(PdfError):
    """Rendering took longer than the time limit."""


class PdfBusy(PdfError):
    """Too many PDFs are being made at once; try again shortly."""


class RefusedURL(ValueError):
    """The fetcher does not serve this URL."""


class _Stop(BaseException):
    # A BaseException, so no ``except Exception`` inside WeasyPrint can swallow it.
    pass


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
            self.fetched: list[str] = []
            self.refused: list[str] = []

        def fetch(self, url, headers=None):
            try:
                response = self._serve(url)
            except RefusedURL:
                self.refused.append(url[:200])
                log.warning("PDF rendering refused to fetch %.200s", url)
                raise
            self.fetched.append(url[:200])
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


def _gevent_patched() -> bool:
    if "gevent" not in sys.modules:
        return False
    from gevent import monkey

    return monkey.is_module_patched("threading")


class _Render:
    """``work`` in an operating-system thread that can be waited for with a timeout and stopped.

    ``release`` runs once the work has ended, in the thread that can safely call it."""

    def __init__(self, work, release):
        self._ident: int | None = None
        if _gevent_patched():
            from gevent import get_hub, monkey

            real_ident = monkey.get_original("_thread", "get_ident")

            def run():
                self._ident = real_ident()
                work()

            self._result = get_hub().threadpool.spawn(run)
            # Called in the hub's thread, where gevent's semaphore lives.
            self._result.rawlink(lambda _result: release())
            self.join = self._result.wait
            self.is_alive = lambda: not self._result.ready()
        else:

            def run():
                self._ident = threading.get_ident()
                try:
                    work()
                finally:
                    release()

            thread = threading.Thread(target=run, name="render-pdf", daemon=True)
            thread.start()
            self.join = thread.join
            self.is_alive = thread.is_alive

    def interrupt(self) -> None:
        if self._ident is None or not self.is_alive():
            return
        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(self._ident), ctypes.py_object(_Stop))


def render_pdf(
    html: str,
    base_url: str | None,
    *,
    timeout: float | None = None,
    static_folder: str | Path | None = None,
    static_url_path: str | None = None,
    pdf_options: dict | None = None,
) -> bytes:
    """The PDF of ``html``. Relative URLs resolve against ``base_url``; only this app's static
    files and ``data:`` URIs are fetched. ``pdf_options`` go to WeasyPrint's ``write_pdf`` as
    they are (e.g. ``{"pdf_variant": "pdf/ua-1"}`` or ``{"pdf_tags": True}``); they cannot
    change the URL fetcher. Raises PdfTimeout after ``timeout`` seconds (default the app's
    PDF_TIME_LIMIT, else 30), PdfBusy when no render slot frees up in that time, and PdfError
    when WeasyPrint fails."""
    from weasyprint import HTML

    config = current_app.config if has_app_context() else {}
    if static_folder is None:
        static_folder = current_app.static_folder
    if static_url_path is None:
        static_url_path = current_app.static_url_path if has_app_context() else "/static"
    if timeout is None:
        timeout = float(config.get("PDF_TIME_LIMIT", DEFAULT_TIMEOUT))
    slots = _slots_for(int(config.get("PDF_MAX_CONCURRENT", DEFAULT_MAX_CONCURRENT)))

    fetcher = make_fetcher(base_url, static_folder, static_url_path)
    outcome: dict = {}

    def work():
        try:
            outcome["pdf"] = HTML(string=html, base_url=base_url, url_fetcher=fetcher).write_pdf(**(pdf_options or {}))
        except _Stop:
            outcome["stopped"] = True
        except Exception as error:  # noqa: BLE001 - handed to the caller below
            outcome["error"] = error

    if not slots.acquire(timeout=timeout):
        raise PdfBusy("no free PDF slot")
    try:
        # Released when the work ends, not when the caller gives up: a render that will not stop keeps its slot.
        worker = _Render(work, release=slots.release)
    except BaseException:
        slots.release()
        raise
    worker.join(timeout)
    if worker.is_alive():
        # The exception can land in a finaliser (``__del__``), where Python drops it: repeat it
        # until the worker stops, for at most STOP_GRACE seconds.
        deadline = time.monotonic() + STOP_GRACE
        while worker.is_alive() and time.monotonic() < deadline:
            worker.interrupt()
            worker.join(0.05)
        log.warning(
            "PDF rendering stopped after %.1f s%s", timeout, "" if not worker.is_alive() else " (still winding down)"
        )
        raise PdfTimeout(f"rendering took longer than {timeout} s")
    if "error" in outcome:
        raise PdfError(str(outcome["error"])) from outcome["error"]
    if "pdf" not in outcome:
        raise PdfTimeout("rendering was stopped")
    return outcome["pdf"]
