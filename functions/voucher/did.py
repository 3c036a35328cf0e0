"""The issuer's ``did:web`` identifier and DID document (W3C DID Core, did:web method).

``did:web:example.gov.cn`` resolves to ``https://example.gov.cn/.well-known/did.json``; a
port is written ``%3A``. The document lists the issuer's Ed25519 keys as ``Multikey``
verification methods under ``assertionMethod`` (what signs vouchers and the status list),
and the transparency log as a service whose key signs checkpoints.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import quote, unquote

from .encoding import EncodingError, multikey_public, public_from_multikey

CONTEXTS = ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"]
LOG_SERVICE = "TransparencyLog"


def did_web(host: str) -> str:
    """``did:web`` of a host (``127.0.0.1:8000`` → ``did:web:127.0.0.1%3A8000``)."""
    return "did:web:" + quote(host.strip("/").lower(), safe=".-")


def host_of(did: str) -> str:
    """The host of a ``did:web`` without a path (inverse of :func:`did_web`)."""
    if not did.startswith("did:web:") or ":" in did[8:]:
        raise ValueError(f"{did!r} 不是站点根目录的 did:web 标识")
    return unquote(did[8:])


def document(did: str, issuer_keys: Sequence[tuple[str, bytes]], *, log_origin: str,
             log_key: str, log_url: str, log_public: bytes) -> dict[str, Any]:
    """The DID document.

    Args:
        did: The issuer's ``did:web``.
        issuer_keys: ``(fragment, raw public key)`` of every key vouchers may be signed
            with, the current one first (old ones stay listed so old vouchers verify).
        log_origin: The log's checkpoint origin.
        log_key: The log's signed-note verifier key (``name+id+base64``).
        log_url: Where the log's API is.
        log_public: The log key's raw public key (listed as a Multikey too).
    """
    methods = [{"id": f"{did}#{fragment}", "type": "Multikey", "controller": did,
                "publicKeyMultibase": multikey_public(raw)} for fragment, raw in issuer_keys]
    log_method = {"id": f"{did}#log", "type": "Multikey", "controller": did,
                  "publicKeyMultibase": multikey_public(log_public)}
    return {"@context": CONTEXTS, "id": did,
            "verificationMethod": [*methods, log_method],
            "assertionMethod": [m["id"] for m in methods],
            "service": [{"id": f"{did}#transparency-log", "type": LOG_SERVICE,
                         "serviceEndpoint": log_url, "origin": log_origin,
                         "verifierKey": log_key}]}


def assertion_key(doc: dict[str, Any], method: str) -> bytes | None:
    """The raw key of ``method`` if ``doc`` lists it under ``assertionMethod``, else ``None``."""
    if not isinstance(doc, dict) or method not in (doc.get("assertionMethod") or []):
        return None
    for entry in doc.get("verificationMethod") or []:
        if isinstance(entry, dict) and entry.get("id") == method \
                and entry.get("type") == "Multikey" and entry.get("controller") == doc.get("id"):
            try:
                return public_from_multikey(entry.get("publicKeyMultibase", ""))
            except EncodingError:
                return None
    return None


def log_service(doc: dict[str, Any]) -> tuple[str, str] | None:
    """``(origin, verifier key)`` of the transparency log the document names, if any."""
    for service in (doc.get("service") or []) if isinstance(doc, dict) else []:
        if isinstance(service, dict) and service.get("type") == LOG_SERVICE \
                and isinstance(service.get("origin"), str) \
                and isinstance(service.get("verifierKey"), str):
            return service["origin"], service["verifierKey"]
    return None
