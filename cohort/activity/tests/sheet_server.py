"""A real local HTTP server standing in for a group's published sheet."""

import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Answer:
    body: bytes
    status: int = 200
    content_type: str = "text/csv"
    delay: float = 0.0  # before the headers
    trickle: float = 0.0  # between bytes of the body
    location: str = ""  # a redirect's target


class SheetServer:
    """Serves `answers[path]`; unknown paths get 404. Counts the requests it had and keeps
    the Host header of each."""

    def __init__(self):
        self.answers: dict[str, Answer] = {}
        self.hosts: list[str] = []
        answers, hosts = self.answers, self.hosts

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                hosts.append(self.headers.get("Host", ""))
                answer = answers.get(self.path, Answer(b"not here", status=404))
                time.sleep(answer.delay)
                self.send_response(answer.status)
                if answer.location:
                    self.send_header("Location", answer.location)
                self.send_header("Content-Type", answer.content_type)
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                try:
                    if answer.trickle:
                        for byte in answer.body:
                            self.wfile.write(bytes([byte]))
                            self.wfile.flush()
                            time.sleep(answer.trickle)
                    else:
                        self.wfile.write(answer.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up, as it should

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def requests(self) -> int:
        return len(self.hosts)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_port}{path}"

    def close(self):
        self.server.shutdown()
        self.server.server_close()
