"""Ed25519 keys that sign the audit chain's heads.

The private key is a PEM file created 0600 on first use in the var folder, or given by an
environment variable (``TONGDA_AUDIT_SIGNING_KEY``: the PEM text or the 32-byte seed in
base64) where a deployment keeps its secrets outside the file system. A key is named by its
*key id*, the first 16 hex digits of the SHA-256 of the raw public key, so a verifier can
tell which of several trusted keys (after a rotation) signed a head.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey


class SigningKeyError(ValueError):
    """A signing or public key that cannot be read; the message is in Chinese."""


def key_id(public: Ed25519PublicKey) -> str:
    """The key id of ``public``: SHA-256 of its raw 32 bytes, first 16 hex digits."""
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def public_b64(public: Ed25519PublicKey) -> str:
    """The raw public key in standard base64 (how ``heads.json`` and settings carry it)."""
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def public_from_b64(text: str) -> Ed25519PublicKey:
    """Read a raw Ed25519 public key written in base64."""
    try:
        raw = base64.b64decode(text.strip(), validate=True)
        return Ed25519PublicKey.from_public_bytes(raw)
    except (binascii.Error, ValueError) as exc:
        raise SigningKeyError(f"无法读取公钥 {text[:20]!r}：应为 32 字节 Ed25519 公钥的 base64。") from exc


def verify(public: Ed25519PublicKey, message: bytes, signature_b64: str) -> bool:
    """Whether ``signature_b64`` is ``public``'s signature of ``message``."""
    try:
        public.verify(base64.b64decode(signature_b64, validate=True), message)
    except (InvalidSignature, binascii.Error, ValueError):
        return False
    return True


@dataclass(frozen=True)
class SigningKey:
    """A private key with its public half and key id."""

    private: Ed25519PrivateKey

    @property
    def public(self) -> Ed25519PublicKey:
        """The public half."""
        return self.private.public_key()

    @property
    def key_id(self) -> str:
        """The key id (see :func:`key_id`)."""
        return key_id(self.public)

    def sign(self, message: bytes) -> str:
        """The Ed25519 signature of ``message`` in base64."""
        return base64.b64encode(self.private.sign(message)).decode("ascii")


def from_text(text: str) -> SigningKey:
    """A key from an environment variable: PEM (PKCS #8) or a base64 32-byte seed."""
    text = text.strip()
    try:
        if text.startswith("-----BEGIN"):
            private = serialization.load_pem_private_key(text.encode("ascii"), password=None)
        else:
            private = Ed25519PrivateKey.from_private_bytes(base64.b64decode(text, validate=True))
    except (binascii.Error, ValueError, TypeError) as exc:
        raise SigningKeyError("无法读取签名密钥：应为 PEM 格式的 Ed25519 私钥，"
                              "或 32 字节种子的 base64。") from exc
    if not isinstance(private, Ed25519PrivateKey):
        raise SigningKeyError("签名密钥不是 Ed25519 密钥：审计链头只用 Ed25519 签名。")
    return SigningKey(private)


def load(path: Path, *, create: bool) -> SigningKey | None:
    """The key in ``path``; with ``create``, a new one is written there first if none is.

    Creation is atomic across processes: the key is written to a private temporary file
    and hard-linked into place, so two processes starting at once agree on one key.
    """
    if not path.exists():
        if not create:
            return None
        _create(path)
    try:
        return from_text(path.read_text(encoding="ascii"))
    except (OSError, UnicodeDecodeError) as exc:
        raise SigningKeyError(f"无法读取签名密钥文件 {path}：{exc}") from exc


def _create(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption())
    # mkstemp creates the file 0600, so the key is never readable by others, even briefly.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".key-")
    try:
        os.write(fd, pem)
        os.fsync(fd)
        os.close(fd)
        # Another process may have made the key first: then its key is used.
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)
    finally:
        os.unlink(tmp)
