"""A local OpenID Connect issuer for tests: discovery, JWKS, and ID tokens it signs.

Serves ``/.well-known/openid-configuration`` and ``/jwks`` over HTTP on loopback and
signs tokens with its own RSA, EC P-256 and Ed25519 keys (RS256, ES256, EdDSA).
"""

from __future__ import annotations

import base64
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _int(value: int, length: int | None = None) -> str:
    return b64(value.to_bytes(length or (value.bit_length() + 7) // 8, "big"))


class Issuer:
    """A running test issuer; ``url`` is its issuer identifier."""

    def __init__(self) -> None:
        self.keys: dict[str, tuple[str, Any]] = {}
        self.add_key("rsa-1", "RS256")
        self.fetches = 0
        issuer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                issuer.fetches += 1
                if self.path == "/.well-known/openid-configuration":
                    body: Any = {"issuer": issuer.url, "jwks_uri": issuer.url + "/jwks",
                                 "id_token_signing_alg_values_supported": ["RS256", "ES256", "EdDSA"]}
                elif self.path == "/jwks":
                    body = issuer.jwks()
                else:
                    self.send_response(404)
                    self.end_headers()
                    return
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()

    def add_key(self, kid: str, alg: str) -> None:
        key: Any
        if alg == "RS256":
            key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        elif alg == "ES256":
            key = ec.generate_private_key(ec.SECP256R1())
        else:
            key = ed25519.Ed25519PrivateKey.generate()
        self.keys[kid] = (alg, key)

    def jwks(self) -> dict[str, Any]:
        out = []
        for kid, (alg, key) in self.keys.items():
            public = key.public_key()
            if alg == "RS256":
                n = public.public_numbers()
                out.append({"kty": "RSA", "kid": kid, "alg": alg, "use": "sig",
                            "n": _int(n.n), "e": _int(n.e)})
            elif alg == "ES256":
                n = public.public_numbers()
                out.append({"kty": "EC", "crv": "P-256", "kid": kid, "alg": alg, "use": "sig",
                            "x": _int(n.x, 32), "y": _int(n.y, 32)})
            else:
                from cryptography.hazmat.primitives import serialization

                raw = public.public_bytes(serialization.Encoding.Raw,
                                          serialization.PublicFormat.Raw)
                out.append({"kty": "OKP", "crv": "Ed25519", "kid": kid, "alg": alg,
                            "use": "sig", "x": b64(raw)})
        return {"keys": out}

    def token(self, *, kid: str = "rsa-1", alg: str | None = None, **claims: Any) -> str:
        """A signed ID token; claims default to a valid one for client ``portal``."""
        now = int(time.time())
        body = {"iss": self.url, "aud": "portal", "sub": "user-1", "exp": now + 600,
                "iat": now, "id_number": "390102193603040028", "name": "江秀英", **claims}
        body = {k: v for k, v in body.items() if v is not None}
        key_alg, key = self.keys[kid]
        alg = alg or key_alg
        header = b64(json.dumps({"alg": alg, "kid": kid, "typ": "JWT"}).encode())
        payload = b64(json.dumps(body, ensure_ascii=False).encode())
        signed = f"{header}.{payload}".encode()
        if key_alg == "RS256":
            signature = key.sign(signed, padding.PKCS1v15(), hashes.SHA256())
        elif key_alg == "ES256":
            r, s = decode_dss_signature(key.sign(signed, ec.ECDSA(hashes.SHA256())))
            signature = r.to_bytes(32, "big") + s.to_bytes(32, "big")
        else:
            signature = key.sign(signed)
        return f"{header}.{payload}.{b64(signature)}"
