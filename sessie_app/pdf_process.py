"""What runs in a PDF render process (sessie_app/pdf.py starts it): the URL fetcher, the network ban and
the render itself. Imports neither Flask nor the app, so the forkserver that forks these processes
stays small (docs/reports.md, Making a PDF)."""

import base64
import gc
import logging
import mimetypes
import os
import sys
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

log = logging.getLogger(__name__)

MAX_STATIC_FILE = 5 * 1024 * 1024
MAX_LOGGED = 500
# Audit events (https://docs.python.org/3/library/audit_events.html) a render process refuses.
NETWORK_EVENTS = frozenset(
    {"socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr", "socket.sendto"}
)


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


def render_process(connection, source, base_url, static_folder, static_url_path, pdf_options) -> None:
    """In a render process: the PDF of the HTML file ``source``, what it asked for, its warnings, this
    process's peak memory and processor time to ``connection``.

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

        html = Path(source).read_text(encoding="utf-8")
        outcome["pdf"] = HTML(string=html, base_url=base_url, url_fetcher=fetcher).write_pdf(**pdf_options)
    except Exception as error:  # noqa: BLE001 - handed to the caller, which raises PdfError
        outcome["error"] = f"{type(error).__name__}: {error}"[:MAX_LOGGED]
    outcome["requested"] = fetcher.requested
    outcome["warnings"] = warnings.records
    outcome["peak_mb"] = _peak_mb()
    outcome["cpu_s"] = round(time.process_time(), 3)
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
