"""Signing in applicants through an OpenID Connect provider (统一身份认证平台).

The portal's sign-in sends the applicant to the provider and gets back an ID token (a
JWT); the application page sends it as ``Authorization: Bearer <ID token>``. This module
checks such a token the way OpenID Connect Core 1.0 §3.1.3.7 asks, with ``cryptography``
alone:

- the provider is configured by its issuer URL; its discovery document
  (``/.well-known/openid-configuration``) gives the ``jwks_uri``, whose keys are cached
  and fetched again when a token names a key id not seen yet (key rotation), at most
  once a minute;
- the signature must verify with ``RS256``, ``ES256`` or ``EdDSA`` (never ``none`` and
  never a shared-secret ``HS*`` algorithm: the public key is not a secret);
- ``iss`` is the issuer, ``aud`` holds the client id (and ``azp`` names it when several
  audiences are given), ``exp`` is in the future and ``nbf``/``iat`` are not, with a
  minute's leeway for clocks;
- the applicant's subject id (统一社会信用代码 or 公民身份号码) is read from a configurable
  claim, since providers carry it in a claim of their own rather than in ``sub``.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

ALGORITHMS = ("RS256", "ES256", "EdDSA")
Fetch = Callable[[str], Any]


class OidcError(ValueError):
    """A token that is not accepted; ``reason`` is a short code, the message Chinese."""

    def __init__(self, reason: str, message: str) -> None:
        self.reason = reason
        super().__init__(message)


def b64url_decode(text: str) -> bytes:
    """Decode base64url without padding (RFC 7515 §2)."""
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise OidcError("malformed", "令牌格式不对：不是有效的 base64url") from exc


def fetch_json(url: str, timeout: float = 5.0) -> Any:
    """GET a JSON document over HTTPS (HTTP only on loopback, for tests)."""
    parsed = urllib.parse.urlsplit(url)
    loopback = parsed.hostname in ("127.0.0.1", "localhost", "::1")
    if parsed.scheme != "https" and not (parsed.scheme == "http" and loopback):
        raise OidcError("config", f"身份认证平台的地址必须是 https://：{url}")
    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310 - scheme checked above
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - scheme checked above
            return json.loads(response.read(1024 * 1024))
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
        raise OidcError("unavailable", f"无法访问身份认证平台（{url}）：{exc}") from exc


def public_key(jwk: dict[str, Any]) -> Any:
    """The ``cryptography`` public key of a JWK (RSA, EC P-256 or Ed25519)."""
    kty = jwk.get("kty")
    try:
        if kty == "RSA":
            n = int.from_bytes(b64url_decode(jwk["n"]), "big")
            e = int.from_bytes(b64url_decode(jwk["e"]), "big")
            return rsa.RSAPublicNumbers(e, n).public_key()
        if kty == "EC" and jwk.get("crv") == "P-256":
            x = int.from_bytes(b64url_decode(jwk["x"]), "big")
            y = int.from_bytes(b64url_decode(jwk["y"]), "big")
            return ec.EllipticCurvePublicNumbers(x, y, ec.SECP256R1()).public_key()
        if kty == "OKP" and jwk.get("crv") == "Ed25519":
            return ed25519.Ed25519PublicKey.from_public_bytes(b64url_decode(jwk["x"]))
    except (KeyError, ValueError) as exc:
        raise OidcError("bad_key", f"身份认证平台公布的密钥有误：{exc}") from exc
    raise OidcError("bad_key", f"不支持的密钥类型 {kty}")


def _verify_signature(alg: str, key: Any, signed: bytes, signature: bytes) -> None:
    try:
        if alg == "RS256" and isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, signed, padding.PKCS1v15(), hashes.SHA256())
            return
        if alg == "ES256" and isinstance(key, ec.EllipticCurvePublicKey):
            if len(signature) != 64:
                raise InvalidSignature
            der = encode_dss_signature(int.from_bytes(signature[:32], "big"),
                                       int.from_bytes(signature[32:], "big"))
            key.verify(der, signed, ec.ECDSA(hashes.SHA256()))
            return
        if alg == "EdDSA" and isinstance(key, ed25519.Ed25519PublicKey):
            key.verify(signature, signed)
            return
    except InvalidSignature:
        raise OidcError("bad_signature", "令牌签名无效") from None
    raise OidcError("bad_key", f"密钥类型与签名算法 {alg} 不符")


@dataclass
class OidcVerifier:
    """Checks ID tokens of one provider for one client.

    Args:
        issuer: The provider's issuer URL (``https://id.example.gov.cn``).
        audience: This portal's client id at the provider.
        subject_claim: The claim holding the subject id (default ``sub``).
        name_claim: The claim holding the person's or enterprise's name.
        leeway: Seconds of clock difference tolerated.
        keys_ttl: Seconds the provider's keys are kept before they are fetched again (a
            key the provider withdrew stops being accepted within this time).
        fetch: How JSON documents are fetched (tests may pass their own).
        clock: Seconds since the epoch (tests may pass their own).
    """

    issuer: str
    audience: str
    subject_claim: str = "sub"
    name_claim: str = "name"
    leeway: int = 60
    keys_ttl: float = 3600.0
    fetch: Fetch = fetch_json
    clock: Callable[[], float] = time.time
    _keys: dict[str, tuple[str | None, Any]] = field(default_factory=dict, repr=False)
    _fetched_at: float = field(default=-1e18, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def _refresh(self, *, force: bool) -> None:
        with self._lock:
            now = self.clock()
            if not force and self._keys and now - self._fetched_at < self.keys_ttl:
                return
            if force and now - self._fetched_at < 60:
                return  # a token naming an unknown key must not make us hammer the provider
            self._fetched_at = now
            config = self.fetch(self.issuer.rstrip("/") + "/.well-known/openid-configuration")
            if not isinstance(config, dict) or config.get("issuer") != self.issuer:
                raise OidcError("config", "身份认证平台的配置文档与所配置的 issuer 不一致")
            jwks = self.fetch(str(config.get("jwks_uri")))
            keys: dict[str, tuple[str | None, Any]] = {}
            for jwk in (jwks or {}).get("keys", []):
                if jwk.get("use", "sig") != "sig":
                    continue
                try:
                    keys[str(jwk.get("kid", ""))] = (jwk.get("alg"), public_key(jwk))
                except OidcError:
                    continue  # one key of a type we do not use must not hide the others
            self._keys = keys

    def _key(self, kid: str) -> tuple[str | None, Any]:
        self._refresh(force=False)
        if kid not in self._keys:
            self._refresh(force=True)
        if kid not in self._keys:
            raise OidcError("unknown_key", "令牌所用的签名密钥不在身份认证平台公布的密钥中")
        return self._keys[kid]

    def verify(self, token: str) -> dict[str, Any]:
        """The token's claims once its signature and claims are checked.

        Raises:
            OidcError: The token is not accepted; ``reason`` says why.
        """
        parts = token.split(".")
        if len(parts) != 3:
            raise OidcError("malformed", "令牌格式不对：应为三段式 JWT")
        try:
            header = json.loads(b64url_decode(parts[0]))
            claims = json.loads(b64url_decode(parts[1]))
        except ValueError as exc:
            raise OidcError("malformed", "令牌格式不对：不是 JSON") from exc
        if not isinstance(header, dict) or not isinstance(claims, dict):
            raise OidcError("malformed", "令牌格式不对")
        alg = header.get("alg")
        if alg not in ALGORITHMS:
            raise OidcError("bad_algorithm", f"不接受签名算法 {alg!r}，只接受 {'、'.join(ALGORITHMS)}")
        key_alg, key = self._key(str(header.get("kid", "")))
        if key_alg is not None and key_alg != alg:
            raise OidcError("bad_algorithm", "令牌的签名算法与密钥声明的算法不符")
        _verify_signature(alg, key, f"{parts[0]}.{parts[1]}".encode("ascii"),
                          b64url_decode(parts[2]))
        self._check_claims(claims)
        return claims

    def _check_claims(self, claims: dict[str, Any]) -> None:
        now = self.clock()
        if claims.get("iss") != self.issuer:
            raise OidcError("bad_issuer", "令牌不是本门户信任的身份认证平台签发的")
        audience = claims.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if self.audience not in audiences:
            raise OidcError("bad_audience", "令牌不是签发给本门户的")
        if len(audiences) > 1 and claims.get("azp") != self.audience:
            raise OidcError("bad_audience", "令牌有多个受众，却没有指明本门户（azp）")
        exp = claims.get("exp")
        if not isinstance(exp, (int, float)) or isinstance(exp, bool) or exp + self.leeway <= now:
            raise OidcError("expired", "登录已过期，请重新登录")
        for name in ("nbf", "iat"):
            value = claims.get(name)
            if value is not None and (not isinstance(value, (int, float))
                                      or value - self.leeway > now):
                raise OidcError("not_yet_valid", "令牌尚未生效（请检查服务器时钟）")
        subject = claims.get(self.subject_claim)
        if not isinstance(subject, str) or not 1 <= len(subject) <= 64:
            raise OidcError("no_subject", f"令牌中没有主体编号（{self.subject_claim}）")

    def expires(self, claims: dict[str, Any]) -> dt.datetime:
        """When a verified token expires."""
        return dt.datetime.fromtimestamp(float(claims["exp"]), dt.UTC)
