"""Helpers for crawl tests: a hostile HTTP server on 127.0.0.1 and a crawl in a subprocess.

Scrapy's reactor runs once per process, so every crawl of a test runs in a
fresh Python process through `crawlers.run.crawl` (the CLI adds the matcher's
refresh, which these tests do not need) and prints its report as JSON.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]


@dataclass
class Reply:
    """What the server answers; the extra fields make it misbehave."""

    status: int = 200
    body: bytes | str = b""
    content_type: str | None = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0            # seconds before answering (timeouts)
    declared_length: int | None = None  # a Content-Length that lies (cut-off bodies)
    stream_bytes: int = 0         # send this many filler bytes without Content-Length


Route = Reply | Callable[["Request"], Reply]


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    at: float


@dataclass
class Site:
    base_url: str
    requests: list[Request]

    def paths(self) -> list[str]:
        return [request.path for request in self.requests]

    def count(self, path: str) -> int:
        return self.paths().count(path)


@contextlib.contextmanager
def serve(routes: dict[str, Route]) -> Iterator[Site]:
    """Serve `routes` ('{base}' in str bodies becomes the server's address)."""
    requests: list[Request] = []
    base: dict[str, str] = {}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            request = Request(self.path, dict(self.headers.items()), time.monotonic())
            requests.append(request)
            route = routes.get(self.path, Reply(404, "niet gevonden", "text/plain"))
            reply = route(request) if callable(route) else route
            if reply.delay:
                time.sleep(reply.delay)
            body = reply.body.replace("{base}", base["url"]) if isinstance(reply.body, str) \
                else reply.body
            data = body.encode("utf-8") if isinstance(body, str) else body
            try:
                self.send_response(reply.status)
                if reply.content_type:
                    self.send_header("Content-Type", reply.content_type)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                if reply.stream_bytes:
                    self.send_header("Connection", "close")
                    self.end_headers()
                    chunk = b"<p>" + b"x" * 65533
                    for _ in range(reply.stream_bytes // len(chunk)):
                        self.wfile.write(chunk)
                    return
                self.send_header("Content-Length", str(reply.declared_length or len(data)))
                if reply.declared_length:
                    self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(data)
                if reply.declared_length:
                    self.close_connection = True
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True

        def log_message(self, *args: object) -> None:
            pass

        def handle_one_request(self) -> None:
            try:
                super().handle_one_request()
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    base["url"] = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Site(base_url=base["url"], requests=requests)
    finally:
        server.shutdown()
        server.server_close()


def sources_toml(*tables: dict[str, Any]) -> str:
    """A sources file from dicts (download_delay 0 and concurrency 4 unless given)."""
    lines: list[str] = []
    for table in tables:
        lines.append("[[source]]")
        for key, value in {"download_delay": 0, "concurrency": 4, **table}.items():
            lines.append(f"{key} = {json.dumps(value)}")
    return "\n".join(lines) + "\n"


_SCRIPT = """
import json, sys
from pathlib import Path
from config import Settings
from crawlers.run import crawl
from crawlers.sources import load_sources
settings = Settings(**json.loads(sys.argv[1]))
reports = crawl(sources=[s for s in load_sources(Path(sys.argv[2])) if s.enabled],
                settings=settings)
print(json.dumps({name: report.as_json() for name, report in reports.items()}))
"""

FAST = {"download_timeout": 2, "retry_times": 1, "retry_after_max": 5,
        "crawl_autothrottle": False, "download_delay": 0, "log_level": "ERROR"}


def start_crawl(tmp_path: Path, toml: str, *, db: Path, **settings: Any) -> subprocess.Popen:
    """Start a crawl in a subprocess (fast fault settings unless overridden)."""
    path = tmp_path / "sources.toml"
    path.write_text(toml, encoding="utf-8")
    overrides = {**FAST, "db": str(db), **settings}
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SPOORZOEKER_")}
    return subprocess.Popen([sys.executable, "-c", _SCRIPT, json.dumps(overrides), str(path)],
                            cwd=REPO, env=environment, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def run_crawl(tmp_path: Path, toml: str, *, db: Path, timeout: float = 120,
              **settings: Any) -> dict[str, Any]:
    """Crawl in a subprocess and return its report per source."""
    process = start_crawl(tmp_path, toml, db=db, **settings)
    stdout, stderr = process.communicate(timeout=timeout)
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr, stderr
    return json.loads(stdout.strip().splitlines()[-1])
