"""Byte encodings the standards use: base58btc multibase, Multikey, base64 (url-safe too).

Multikey (W3C Controlled Identifiers) writes an Ed25519 public key as ``z`` + base58btc of
the multicodec prefix ``0xed01`` and the 32 key bytes; a private key uses ``0x8026``.
"""

from __future__ import annotations

import base64
import binascii

_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_INDEX = {c: i for i, c in enumerate(_ALPHABET)}
ED25519_PUBLIC = b"\xed\x01"
ED25519_PRIVATE = b"\x80\x26"


class EncodingError(ValueError):
    """Text that does not decode as the expected encoding."""


def b58encode(data: bytes) -> str:
    """Base58 (Bitcoin alphabet); each leading zero byte becomes a ``1``."""
    number = int.from_bytes(data, "big")
    out = []
    while number:
        number, rest = divmod(number, 58)
        out.append(_ALPHABET[rest])
    zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * zeros + "".join(reversed(out))


def b58decode(text: str) -> bytes:
    """Decode base58 (Bitcoin alphabet); :class:`EncodingError` on other characters."""
    number = 0
    for char in text:
        if char not in _INDEX:
            raise EncodingError(f"不是 base58 字符：{char!r}")
        number = number * 58 + _INDEX[char]
    zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * zeros + body


def multibase_b58(data: bytes) -> str:
    """Multibase base58btc: ``z`` followed by base58."""
    return "z" + b58encode(data)


def from_multibase_b58(text: str) -> bytes:
    """Decode multibase base58btc (``z…``)."""
    if not isinstance(text, str) or not text.startswith("z"):
        raise EncodingError("不是 base58btc 多重基编码（应以 z 开头）")
    return b58decode(text[1:])


def multikey_public(raw: bytes) -> str:
    """An Ed25519 public key as Multikey ``publicKeyMultibase`` (``z6Mk…``)."""
    if len(raw) != 32:
        raise EncodingError("Ed25519 公钥应为 32 字节")
    return multibase_b58(ED25519_PUBLIC + raw)


def public_from_multikey(text: str) -> bytes:
    """The 32 raw bytes of an Ed25519 Multikey public key."""
    data = from_multibase_b58(text)
    if len(data) != 34 or not data.startswith(ED25519_PUBLIC):
        raise EncodingError("不是 Ed25519 Multikey 公钥")
    return data[2:]


def seed_from_multikey(text: str) -> bytes:
    """The 32-byte seed of an Ed25519 Multikey private key (``z3u2…``)."""
    data = from_multibase_b58(text)
    if len(data) != 34 or not data.startswith(ED25519_PRIVATE):
        raise EncodingError("不是 Ed25519 Multikey 私钥")
    return data[2:]


def b64(data: bytes) -> str:
    """Standard base64 with padding (signed notes and checkpoints use it)."""
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    """Strict standard base64; :class:`EncodingError` otherwise."""
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise EncodingError("不是有效的 base64") from exc


def b64url(data: bytes) -> str:
    """URL-safe base64 without padding (multibase ``u``)."""
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def unb64url(text: str) -> bytes:
    """Decode URL-safe base64 with or without padding."""
    if "+" in text or "/" in text:
        raise EncodingError("不是 URL 安全的 base64")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise EncodingError("不是有效的 base64url") from exc
