"""The voucher function's secrets: the issuer key, the log key and the pseudonym secret.

The two Ed25519 keys are read as the audit heads' key is (:mod:`functions.runtime.signing`):
from the environment, else from a PEM file created 0600 on first use. They are separate
so that the log can be handed to another operator (or its key rotated) without touching
the vouchers' signatures. The pseudonym secret turns a citizen's id into a different,
unlinkable id for each requester (HMAC-SHA-256), so two banks cannot match their vouchers.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import hmac
import os
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization

from functions.runtime import signing

from .config import VoucherConfig
from .note import Verifier


class VoucherKeyError(signing.SigningKeyError):
    """A voucher key that cannot be read; the message is in Chinese."""


def _raw(key: signing.SigningKey) -> bytes:
    return key.public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


@dataclass(frozen=True)
class VoucherKeys:
    """The keys, loaded once per app."""

    issuer: signing.SigningKey
    log: signing.SigningKey
    pseudonym_secret: bytes
    log_name: str

    @classmethod
    def load(cls, config: VoucherConfig) -> VoucherKeys:
        """Load (or create on first use) every key ``config`` names."""
        issuer = _signing_key(config, "TONGDA_VOUCHER_ISSUER_KEY", "issuer.key")
        log = _signing_key(config, "TONGDA_VOUCHER_LOG_KEY", "log.key")
        return cls(issuer, log, _secret(config), config.log_origin)

    @property
    def issuer_public(self) -> bytes:
        """The issuer key's raw public bytes."""
        return _raw(self.issuer)

    @property
    def issuer_fragment(self) -> str:
        """The DID URL fragment naming the issuer key (``key-<key id>``)."""
        return f"key-{self.issuer.key_id}"

    @property
    def log_public(self) -> bytes:
        """The log key's raw public bytes."""
        return _raw(self.log)

    @property
    def log_verifier(self) -> Verifier:
        """The log's signed-note verifier key."""
        return Verifier.of(self.log_name, self.log_public)

    def pseudonym(self, subject_id: str, requester_id: str) -> str:
        """The subject's id as ``requester_id`` sees it (stable, unlinkable across requesters)."""
        mac = hmac.new(self.pseudonym_secret, f"{requester_id}\n{subject_id}".encode(),
                       hashlib.sha256).hexdigest()[:32]
        return f"urn:tongda:subject:{mac}"


def _signing_key(config: VoucherConfig, variable: str, name: str) -> signing.SigningKey:
    text = config.secrets.get(variable)
    if text:
        return signing.from_text(text)
    key = signing.load(config.state_dir / name, create=True)
    if key is None:  # load(create=True) always makes one; this is for the type checker
        raise VoucherKeyError(f"无法创建密钥 {config.state_dir / name}")
    return key


def _secret(config: VoucherConfig) -> bytes:
    text = config.secrets.get("TONGDA_VOUCHER_PSEUDONYM_KEY")
    path = config.state_dir / "pseudonym.key"
    if not text:
        if not path.exists():
            _create_secret(path)
        text = path.read_text(encoding="ascii")
    try:
        value = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise VoucherKeyError("假名密钥应为 32 字节的 base64。") from exc
    if len(value) != 32:
        raise VoucherKeyError("假名密钥应为 32 字节的 base64。")
    return value


def _create_secret(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # mkstemp makes the file 0600; the link makes creation atomic across processes.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".secret-")
    try:
        os.write(fd, base64.b64encode(secrets.token_bytes(32)) + b"\n")
        os.fsync(fd)
        os.close(fd)
        # Another process may have made it first: then use theirs.
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)
    finally:
        os.unlink(tmp)
