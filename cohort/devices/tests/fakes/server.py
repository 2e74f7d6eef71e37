"""A small local HTTP server to fake a device provider in tests and benchmarks.

Each provider's fake subclasses `FakeProvider` and adds routes speaking that provider's
documented protocol (consent page, token endpoint, data endpoints, revocation, webhooks).
Tests shape failures with `fail_next(...)`: the next matching requests get the given status,
headers and body, or a delay past the client's timeout, before normal answers resume.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class FakeRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def form(self) -> dict[str, str]:
        return {k: v[-1] for k, v in parse_qs(self.body.decode()).items()}

    def json(self) -> Any:
        return json.loads(self.body or b"null")

    def arg(self, name: str, default: str = "") -> str:
        return self.query.get(name, [default])[-1]


@dataclass
class FakeResponse:
    status: int = 200
    body: Any = None  # dict/list -> JSON; str/bytes sent as they are
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


Route = Callable[[FakeRequest], FakeResponse]


class FakeProvider:
    """Start with `with FakeX() as fake:` or `.start()`/`.stop()`; `fake.url` is its base."""

    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], Route] = {}
        self.requests: list[FakeRequest] = []
        self._failures: deque[tuple[str | None, FakeResponse]] = deque()
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    # -- set-up ----------------------------------------------------------------------------
    def route(self, method: str, path: str, handler: Route) -> None:
        self.routes[(method.upper(), path)] = handler

    def fail_next(self, response: FakeResponse, *, times: int = 1, path: str | None = None):
        """The next `times` requests (to `path` only, when given) get `response` instead."""
        with self._lock:
            for _ in range(times):
                self._failures.append((path, response))

    def count(self, path: str) -> int:
        return sum(1 for r in self.requests if r.path == path)

    # -- serving ---------------------------------------------------------------------------
    @property
    def url(self) -> str:
        assert self._server is not None, "start() the fake first"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeProvider:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _handle(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                request = FakeRequest(
                    method=self.command,
                    path=parts.path,
                    query=parse_qs(parts.query),
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=self.rfile.read(length) if length else b"",
                )
                response = fake._answer(request)
                if response.delay:
                    time.sleep(response.delay)
                body = response.body
                content_type = response.headers.get("Content-Type")
                if isinstance(body, (dict, list)):
                    body = json.dumps(body).encode()
                    content_type = content_type or "application/json"
                elif isinstance(body, str):
                    body = body.encode()
                    content_type = content_type or "text/html; charset=utf-8"
                body = body or b""
                try:
                    self.send_response(response.status)
                    for key, value in response.headers.items():
                        if key != "Content-Type":
                            self.send_header(key, value)
                    if content_type:
                        self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

            do_GET = do_POST = do_PUT = do_DELETE = _handle

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeProvider:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def _answer(self, request: FakeRequest) -> FakeResponse:
        with self._lock:
            self.requests.append(request)
            for index, (path, response) in enumerate(self._failures):
                if path is None or path == request.path:
                    del self._failures[index]
                    return response
        handler = self.routes.get((request.method, request.path))
        if handler is None:
            return FakeResponse(404, {"error": "not_found", "path": request.path})
        return handler(request)
