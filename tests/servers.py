"""Real HTTP servers on 127.0.0.1 for tests: a small site from a dict of routes."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    status: int = 200
    body: bytes | str = b""
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


Route = Reply | Callable[[str], Reply]


@dataclass
class Site:
    base_url: str
    requests: list[tuple[str, str]]  # (path, user agent)

    def paths(self) -> list[str]:
        return [path for path, _ in self.requests]


@contextlib.contextmanager
def serve_site(routes: dict[str, Route]) -> Iterator[Site]:
    """Serve `routes` (path → Reply, '{base}' in bodies filled in) until the block ends."""
    requests: list[tuple[str, str]] = []
    base: dict[str, str] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            requests.append((self.path, self.headers.get("User-Agent", "")))
            route = routes.get(self.path, Reply(404, "niet gevonden", "text/plain"))
            reply = route(self.path) if callable(route) else route
            body = reply.body.replace("{base}", base["url"]) if isinstance(reply.body, str) \
                else reply.body
            data = body.encode("utf-8") if isinstance(body, str) else body
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(data)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    base["url"] = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Site(base_url=base["url"], requests=requests)
    finally:
        server.shutdown()
        server.server_close()
