"""The shape of a voucher: a W3C Verifiable Credential 2.0, and how it meets the log.

The voucher's body (everything but ``proof`` and ``evidence``) is what the log records:
its ``voucher.issue`` leaf holds the SHA-256 of the body's canonical JSON. The inclusion
proof of that leaf and the signed checkpoint it leads to go into ``evidence``, and the
issuer's ``eddsa-jcs-2022`` proof then covers the whole, evidence included. A verifier
recomputes the leaf from the body, so a voucher altered in any field fails both its
signature and its inclusion proof.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from .encoding import b64
from .integrity import canonical

CONTEXT = ["https://www.w3.org/ns/credentials/v2"]
TYPES = ["VerifiableCredential", "PersonalDataVoucher"]
EVIDENCE_TYPE = "TransparencyLogInclusion"
LEAF_VERSION = 1
ISSUE = "voucher.issue"


def body(credential: dict[str, Any]) -> dict[str, Any]:
    """The part of a voucher the log records (no ``proof``, no ``evidence``)."""
    return {k: v for k, v in credential.items() if k not in ("proof", "evidence")}


def body_digest(credential: dict[str, Any]) -> str:
    """SHA-256 (hex) of the body's RFC 8785 canonical JSON."""
    return hashlib.sha256(canonical(body(credential))).hexdigest()


def issue_entry(credential: dict[str, Any]) -> dict[str, Any]:
    """The log entry that records a voucher's issue (rebuilt by every verifier)."""
    return {"v": LEAF_VERSION, "type": ISSUE, "credential": body_digest(credential)}


def evidence(*, origin: str, index: int, size: int, proof: list[bytes],
             checkpoint: str) -> dict[str, Any]:
    """The ``evidence`` entry: leaf index, inclusion proof and the signed checkpoint."""
    return {"type": [EVIDENCE_TYPE], "log": origin, "leafIndex": index, "treeSize": size,
            "inclusionProof": [b64(p) for p in proof], "checkpoint": checkpoint}


def log_evidence(credential: dict[str, Any]) -> dict[str, Any] | None:
    """The voucher's transparency-log evidence, if it carries one."""
    for item in credential.get("evidence") or []:
        types = item.get("type") if isinstance(item, dict) else None
        if isinstance(types, list) and EVIDENCE_TYPE in types:
            return item
    return None


def sri(data: bytes) -> str:
    """Subresource Integrity digest (``sha256-…``), as VC 2.0 ``digestSRI`` writes it."""
    return "sha256-" + base64.b64encode(hashlib.sha256(data).digest()).decode("ascii")
