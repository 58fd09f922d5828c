"""A push service on loopback for tests: it accepts Web Push requests as a browser vendor's
service would, checks the VAPID JWT's ES256 signature against the key sent with it (RFC 8292),
and decrypts the payload with the subscriber's private key (RFC 8291, aes128gcm via http_ece),
exactly what a phone does when a push arrives. No mocks: pywebpush really posts to it."""

from __future__ import annotations

import base64
import json
import os
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Device:
    """A subscribed browser: its push endpoint and the keys it gave the server."""

    endpoint: str
    private_key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    auth_secret: bytes = field(default_factory=lambda: os.urandom(16))

    @property
    def p256dh(self) -> str:
        return b64url(
            self.private_key.public_key().public_bytes(
                Encoding.X962, PublicFormat.UncompressedPoint
            )
        )

    @property
    def auth(self) -> str:
        return b64url(self.auth_secret)

    def subscription(self) -> dict:
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


@dataclass
class Delivery:
    path: str
    jwt_claims: dict
    vapid_key: str
    payload: dict
    ttl: str


def verify_vapid(authorization: str, *, audience: str) -> tuple[dict, str]:
    """Check 'vapid t=<JWT>, k=<key>': the ES256 signature, aud, exp and sub. Returns the
    claims and the key (base64url). Raises ValueError when anything is wrong."""
    scheme, _, params = authorization.partition(" ")
    if scheme.lower() != "vapid":
        raise ValueError(f"not a vapid authorization: {scheme!r}")
    parts = dict(p.strip().split("=", 1) for p in params.split(","))
    token, key = parts["t"], parts["k"]
    head_b64, claims_b64, sig_b64 = token.split(".")
    header = json.loads(unb64url(head_b64))
    if header.get("alg") != "ES256":
        raise ValueError(f"alg {header.get('alg')!r}")
    raw_sig = unb64url(sig_b64)
    if len(raw_sig) != 64:
        raise ValueError("an ES256 signature is 64 bytes")
    der = encode_dss_signature(
        int.from_bytes(raw_sig[:32], "big"), int.from_bytes(raw_sig[32:], "big")
    )
    public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(key))
    public.verify(der, f"{head_b64}.{claims_b64}".encode(), ec.ECDSA(hashes.SHA256()))
    claims = json.loads(unb64url(claims_b64))
    if claims.get("aud") != audience:
        raise ValueError(f"aud {claims.get('aud')!r} is not {audience!r}")
    if not int(claims.get("exp", 0)) > time.time():
        raise ValueError("expired")
    if not str(claims.get("sub", "")).startswith(("mailto:", "https:")):
        raise ValueError("sub must be mailto: or https:")
    return claims, key


class PushService:
    """Run with ``with PushService() as service:``; ``service.device(name)`` makes a subscribed
    device whose endpoint is here; a device named "gone..." answers 410 like an expired one."""

    def __init__(self):
        self.devices: dict[str, Device] = {}
        self.deliveries: list[Delivery] = []
        self.errors: list[str] = []
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                name = self.path.rstrip("/").rsplit("/", 1)[-1]
                status = 410 if name.startswith("gone") else 201
                try:
                    claims, key = verify_vapid(
                        self.headers.get("Authorization", ""), audience=service.origin
                    )
                    device = service.devices[name]
                    if self.headers.get("Content-Encoding") != "aes128gcm":
                        raise ValueError("Content-Encoding must be aes128gcm")
                    plain = http_ece.decrypt(
                        body,
                        private_key=device.private_key,
                        auth_secret=device.auth_secret,
                        version="aes128gcm",
                    )
                    if status == 201:
                        service.deliveries.append(
                            Delivery(
                                self.path,
                                claims,
                                key,
                                json.loads(plain),
                                self.headers.get("TTL", ""),
                            )
                        )
                except Exception as exc:  # the test reads these
                    service.errors.append(f"{type(exc).__name__}: {exc}")
                    status = 400
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def device(self, name: str) -> Device:
        device = Device(endpoint=f"{self.origin}/push/{name}")
        self.devices[name] = device
        return device

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
