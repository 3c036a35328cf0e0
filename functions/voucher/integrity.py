"""The ``eddsa-jcs-2022`` Data Integrity cryptosuite (W3C VC Data Integrity EdDSA, section 3.3).

The signed bytes are ``SHA-256(JCS(proof options)) || SHA-256(JCS(document))``, where JCS
is the JSON Canonicalization Scheme of RFC 8785 (the ``rfc8785`` package) and the proof
options are the proof without ``proofValue`` and with the document's ``@context``. The
signature is Ed25519, written as base58btc multibase in ``proofValue``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable
from typing import Any

import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .encoding import EncodingError, from_multibase_b58, multibase_b58

CRYPTOSUITE = "eddsa-jcs-2022"
PROOF_TYPE = "DataIntegrityProof"
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


class ProofError(ValueError):
    """Why a proof does not verify; the message is in Chinese, for people."""


def canonical(value: Any) -> bytes:
    """RFC 8785 canonical JSON bytes; :class:`ProofError` for values JSON cannot hold."""
    try:
        return rfc8785.dumps(value)
    except (rfc8785.CanonicalizationError, TypeError, ValueError) as exc:
        raise ProofError(f"文档无法规范化（RFC 8785）：{exc}") from exc


def hash_data(document: dict[str, Any], options: dict[str, Any]) -> bytes:
    """What ``eddsa-jcs-2022`` signs: the options' hash, then the document's."""
    return hashlib.sha256(canonical(options)).digest() + hashlib.sha256(canonical(document)).digest()


def timestamp(moment: dt.datetime) -> str:
    """An XML Schema ``dateTimeStamp`` in UTC, to the second (``2024-06-01T08:00:00Z``)."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def add_proof(document: dict[str, Any], private: Ed25519PrivateKey, verification_method: str,
              *, created: dt.datetime, purpose: str = "assertionMethod") -> dict[str, Any]:
    """Return ``document`` with an ``eddsa-jcs-2022`` proof by ``verification_method``."""
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    options: dict[str, Any] = {"type": PROOF_TYPE, "cryptosuite": CRYPTOSUITE,
                               "created": timestamp(created),
                               "verificationMethod": verification_method,
                               "proofPurpose": purpose}
    if "@context" in unsecured:
        options["@context"] = unsecured["@context"]
    signature = private.sign(hash_data(unsecured, options))
    return {**unsecured, "proof": {**options, "proofValue": multibase_b58(signature)}}


def verify_proof(secured: dict[str, Any], resolve: Callable[[str], bytes | None], *,
                 purpose: str = "assertionMethod") -> str:
    """Verify the ``eddsa-jcs-2022`` proof of ``secured``; return its verification method.

    Args:
        secured: The document with its ``proof``.
        resolve: Maps a verification method id to its raw Ed25519 public key, or ``None``
            when the id is not a key the verifier trusts for ``purpose``.
        purpose: The proof purpose the verifier expects.

    Raises:
        ProofError: With the reason in Chinese.
    """
    proof = secured.get("proof") if isinstance(secured, dict) else None
    if not isinstance(proof, dict):
        raise ProofError("没有签名（proof）。")
    if proof.get("type") != PROOF_TYPE or proof.get("cryptosuite") != CRYPTOSUITE:
        raise ProofError(f"签名类型不是 {PROOF_TYPE} / {CRYPTOSUITE}。")
    if proof.get("proofPurpose") != purpose:
        raise ProofError(f"签名用途应为 {purpose}。")
    if "created" in proof and not (isinstance(proof["created"], str)
                                   and _DATETIME.match(proof["created"])):
        raise ProofError("签名时间格式不对。")
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    unsecured = {k: v for k, v in secured.items() if k != "proof"}
    if "@context" in options:
        context = options["@context"]
        document_context = unsecured.get("@context")
        if not (isinstance(context, list) and isinstance(document_context, list)
                and document_context[:len(context)] == context):
            raise ProofError("签名的 @context 与文档不符。")
        unsecured["@context"] = context
    method = proof.get("verificationMethod")
    if not isinstance(method, str):
        raise ProofError("签名没有写明密钥（verificationMethod）。")
    key = resolve(method)
    if key is None:
        raise ProofError(f"签名密钥 {method!r} 不在签发者公布的密钥中。")
    try:
        signature = from_multibase_b58(proof.get("proofValue", ""))
        Ed25519PublicKey.from_public_bytes(key).verify(signature, hash_data(unsecured, options))
    except (EncodingError, InvalidSignature, ValueError) as exc:
        raise ProofError("签名无效：内容在签发后被改动，或签名不是所称密钥所签。") from exc
    return method
