"""A local Web Push service for tests: an HTTP server on 127.0.0.1 that records each POST,
answers 201 (or the status set for a path: 410 for an expired subscription), and a device
with its own P-256 key pair and auth secret that checks a recorded push the way a browser
and a push service would: the VAPID Authorization header (RFC 8292) verified with py_vapid
against the site's public key, and the aes128gcm body (RFC 8291) decrypted with http_ece."""

import base64
import json
import os
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid02


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Push:
    path: str
    headers: dict[str, str]  # names in lower case
    body: bytes


@dataclass
class PushService:
    """The running server: `url(path)` for an endpoint, `pushes` as they arrive."""

    origin: str = ""
    pushes: list[Push] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)  # path -> status to answer
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str) -> str:
        return self.origin + path

    def to(self, path: str) -> list[Push]:
        with self.lock:
            return [p for p in self.pushes if p.path == path]


def push_service_start() -> tuple[PushService, ThreadingHTTPServer]:
    service = PushService()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's name)
            length = int(self.headers.get("Content-Length", 0))
            body = self.rfile.read(length)
            with service.lock:
                service.pushes.append(
                    Push(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                )
            status = service.statuses.get(self.path, 201)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    service.origin = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return service, server


class PushDevice:
    """A browser's side of a subscription: keys made here, the private one never sent."""

    def __init__(self, endpoint: str):
        self.endpoint = endpoint
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.auth_secret = os.urandom(16)
        public = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        self.p256dh = b64url(public)
        self.auth = b64url(self.auth_secret)

    def subscription_json(self) -> dict:
        """What PushSubscription.toJSON() gives the page."""
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}

    def read(self, push: Push) -> dict:
        """The push's payload, decrypted (aes128gcm) with this device's keys."""
        assert push.headers.get("content-encoding") == "aes128gcm"
        plain = http_ece.decrypt(
            push.body,
            private_key=self.private_key,
            auth_secret=self.auth_secret,
            version="aes128gcm",
        )
        return json.loads(plain)


def vapid_claims(push: Push, public_key: str) -> dict:
    """The VAPID JWT's claims, after checking its signature against the site's public key
    (`k` must be that key, and py_vapid verifies the ES256 signature)."""
    header = push.headers["authorization"]
    assert header.startswith("vapid "), header
    parts = dict(item.split("=", 1) for item in header[len("vapid ") :].split(","))
    assert parts["k"] == public_key
    assert Vapid02.verify(header), "the VAPID signature does not verify"
    return json.loads(unb64url(parts["t"].split(".")[1]))
