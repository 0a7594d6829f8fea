"""The bundled demo career site, served on 127.0.0.1 for the quick start and the tests.

"Werkpunt Zuid-Holland" (`crawlers/demo_site/`, shipped as package data) is a
fictional regional job site: vacancy pages with schema.org `JobPosting` (JSON-LD,
`@graph`, a JSON list, and microdata on two pages), a listing, a robots.txt that
names the sitemap, and a sitemap with `<lastmod>`. `serve_demo_site()` reads the
site from the package resources, fills in the real base URL where the files say
`{{BASE_URL}}`, serves it from a daemon thread and stops the server when the
block ends. Pages answer with `Last-Modified` (the sitemap's `<lastmod>`) and
honour `If-Modified-Since`, like a well-behaved career site.
"""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.utils import format_datetime, parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.resources import files
from importlib.resources.abc import Traversable
from urllib.parse import unquote, urlsplit
from xml.etree import ElementTree

from vacancies.errors import SpoorzoekerError

logger = logging.getLogger(__name__)

BASE_URL_PLACEHOLDER = "{{BASE_URL}}"
SITE_PACKAGE = "crawlers"
SITE_FOLDER = "demo_site"
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json; charset=utf-8",
}
_SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
_NOT_FOUND = (
    b"<!DOCTYPE html>\n<html lang=\"nl\"><head><meta charset=\"utf-8\">"
    b"<title>Pagina niet gevonden | Werkpunt Zuid-Holland</title></head>"
    b"<body><h1>Pagina niet gevonden</h1>"
    b"<p>Deze pagina bestaat niet (meer). <a href=\"/\">Naar alle vacatures</a></p>"
    b"</body></html>\n"
)


class DemoSiteError(SpoorzoekerError):
    """The demo site cannot be served (missing package data, port in use)."""


@dataclass(frozen=True)
class DemoPage:
    """One file of the demo site as the server sends it."""

    body: bytes
    content_type: str
    last_modified: datetime


def site_files() -> dict[str, bytes]:
    """Every file of the bundled demo site, keyed by its URL path ("/vacatures/x.html")."""
    root = files(SITE_PACKAGE) / SITE_FOLDER
    if not root.is_dir():
        raise DemoSiteError("De demosite ontbreekt in de installatie (crawlers/demo_site). "
                            "Installeer Spoorzoeker opnieuw.")
    found: dict[str, bytes] = {}

    def walk(folder: Traversable, prefix: str) -> None:
        for entry in folder.iterdir():
            if entry.name.startswith(".") or entry.name == "__pycache__":
                continue
            if entry.is_dir():
                walk(entry, f"{prefix}{entry.name}/")
            elif entry.is_file():
                found[f"{prefix}{entry.name}"] = entry.read_bytes()

    walk(root, "/")
    return found


def sitemap_lastmod(sitemap: bytes) -> dict[str, date]:
    """URL path → `<lastmod>` date of each `<url>` in the sitemap (placeholder left in)."""
    lastmod: dict[str, date] = {}
    for url in ElementTree.fromstring(sitemap).iter(f"{_SITEMAP_NS}url"):
        loc = (url.findtext(f"{_SITEMAP_NS}loc") or "").strip()
        when = (url.findtext(f"{_SITEMAP_NS}lastmod") or "").strip()
        if loc and when:
            path = loc.removeprefix(BASE_URL_PLACEHOLDER)
            lastmod[path] = date.fromisoformat(when[:10])
    return lastmod


def build_pages(base_url: str) -> dict[str, DemoPage]:
    """The demo site with `base_url` filled in, ready to serve."""
    raw = site_files()
    lastmod = sitemap_lastmod(raw["/sitemap.xml"]) if "/sitemap.xml" in raw else {}
    newest = max(lastmod.values(), default=date(2026, 11, 1))
    pages: dict[str, DemoPage] = {}
    for path, body in raw.items():
        suffix = path[path.rfind("."):] if "." in path.rsplit("/", 1)[-1] else ""
        content_type = CONTENT_TYPES.get(suffix, "application/octet-stream")
        if content_type.endswith("charset=utf-8"):
            body = body.replace(BASE_URL_PLACEHOLDER.encode(), base_url.encode())
        day = lastmod.get(path) or (newest if path.endswith((".xml", ".txt", ".html"))
                                    else date(2026, 1, 5))
        pages[path] = DemoPage(body=body, content_type=content_type,
                               last_modified=datetime(day.year, day.month, day.day, 8,
                                                      tzinfo=UTC))
    if "/index.html" in pages:
        pages["/"] = pages["/index.html"]
    return pages


class _DemoHandler(BaseHTTPRequestHandler):
    server: _DemoServer
    server_version = "WerkpuntDemo/1.0"

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self._answer(with_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._answer(with_body=False)

    def _answer(self, *, with_body: bool) -> None:
        path = unquote(urlsplit(self.path).path) or "/"
        page = self.server.pages.get(path)
        if page is None:
            self._send(HTTPStatus.NOT_FOUND, _NOT_FOUND, "text/html; charset=utf-8", None,
                       with_body=with_body)
            return
        since = self.headers.get("If-Modified-Since")
        if since and _not_modified(page.last_modified, since):
            self._send(HTTPStatus.NOT_MODIFIED, b"", None, page.last_modified, with_body=False)
            return
        self._send(HTTPStatus.OK, page.body, page.content_type, page.last_modified,
                   with_body=with_body)

    def _send(self, status: HTTPStatus, body: bytes, content_type: str | None,
              last_modified: datetime | None, *, with_body: bool) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        if status != HTTPStatus.NOT_MODIFIED:
            self.send_header("Content-Length", str(len(body)))
        if last_modified is not None:
            self.send_header("Last-Modified", format_datetime(last_modified, usegmt=True))
        self.end_headers()
        if with_body and body:
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (stdlib name)
        logger.debug("demosite %s: " + format, self.address_string(), *args)


def _not_modified(last_modified: datetime, since: str) -> bool:
    try:
        stamp = parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=UTC)
    return last_modified <= stamp


class _DemoServer(ThreadingHTTPServer):
    daemon_threads = True
    pages: dict[str, DemoPage]


class _DemoServer6(_DemoServer):
    address_family = socket.AF_INET6


@contextmanager
def serve_demo_site(*, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve the demo site until the block ends; yields its base URL ("http://127.0.0.1:PORT").

    `port=0` lets the system pick a free port. The server runs in a daemon thread
    and is shut down and closed when the block ends, also after an error.
    """
    server_class = _DemoServer6 if ":" in host else _DemoServer
    try:
        server = server_class((host, port), _DemoHandler)
    except OSError as error:
        reason = error.strerror or str(error)
        raise DemoSiteError(f"De demosite kan niet starten op {host}:{port}: {reason}") from error
    try:
        bound_port = server.server_address[1]
        url_host = f"[{host}]" if ":" in host else host
        base_url = f"http://{url_host}:{bound_port}"
        server.pages = build_pages(base_url)
    except BaseException:
        server.server_close()
        raise
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                              name="demo-site", daemon=True)
    thread.start()
    logger.info("Demosite draait op %s (%d bestanden)", base_url, len(server.pages))
    try:
        yield base_url
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        logger.info("Demosite op %s gestopt", base_url)


def main(argv: list[str] | None = None) -> int:
    """`python -m crawlers.demo_server [--port N]`: browse the demo site until Ctrl-C."""
    import argparse
    import time

    parser = argparse.ArgumentParser(prog="python -m crawlers.demo_server",
                                     description="Serveer de demo-vacaturesite op 127.0.0.1.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        with serve_demo_site(host=args.host, port=args.port) as base_url:
            logger.info("Open %s/ in je browser; stoppen met Ctrl-C.", base_url)
            while True:
                time.sleep(3600)
    except DemoSiteError as error:
        logger.error("%s", error)
        return 2
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
