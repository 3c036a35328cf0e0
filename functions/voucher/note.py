"""C2SP signed notes (c2sp.org/signed-note) and transparency-log checkpoints (c2sp.org/tlog-checkpoint).

A note is UTF-8 text ending in a newline, a blank line, then one signature line per
signer: ``— <key name> <base64(key id || signature)>``. The key id is the first four bytes
of ``SHA-256(name || "\\n" || 0x01 || public key)`` for Ed25519. A checkpoint is a note
whose text is the log's origin, the tree size and the root hash (base64), one per line.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .encoding import EncodingError, b64, unb64

ED25519 = 1
_DASH = "\u2014 "
#: The most signatures a note may carry (as the Go reference limits it).
MAX_SIGNATURES = 100


class NoteError(ValueError):
    """A malformed or unverified note; the message is in Chinese."""


def _raw(public: Ed25519PublicKey) -> bytes:
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _check_name(name: str) -> None:
    if not name or "+" in name or any(c.isspace() for c in name):
        raise NoteError(f"签名密钥名称 {name!r} 不合规：不能为空，不能含空白或“+”。")


def key_id(name: str, public: bytes) -> bytes:
    """The 4-byte key id of an Ed25519 key named ``name``."""
    return hashlib.sha256(name.encode("utf-8") + b"\n" + bytes([ED25519]) + public).digest()[:4]


@dataclass(frozen=True)
class Verifier:
    """A note verifier key: name, key id and the raw Ed25519 public key."""

    name: str
    id: bytes
    public: bytes

    @classmethod
    def of(cls, name: str, public: Ed25519PublicKey | bytes) -> Verifier:
        """The verifier for ``public`` under ``name``."""
        _check_name(name)
        raw = public if isinstance(public, bytes) else _raw(public)
        return cls(name, key_id(name, raw), raw)

    @classmethod
    def parse(cls, text: str) -> Verifier:
        """Read ``<name>+<hex id>+<base64(0x01 || key)>``."""
        name, sep1, rest = text.partition("+")
        hex_id, sep2, material = rest.partition("+")
        try:
            _check_name(name)
            if not (sep1 and sep2) or len(hex_id) != 8 or hex_id != hex_id.lower():
                raise NoteError("校验密钥格式应为 名称+8位十六进制+base64。")
            data = unb64(material)
            if len(data) != 33 or data[0] != ED25519:
                raise NoteError("校验密钥不是 Ed25519 密钥。")
            verifier = cls(name, bytes.fromhex(hex_id), data[1:])
        except (EncodingError, ValueError) as exc:
            raise NoteError(f"无法读取校验密钥：{exc}") from exc
        if key_id(name, verifier.public) != verifier.id:
            raise NoteError("校验密钥的编号与公钥不符。")
        return verifier

    def __str__(self) -> str:
        return f"{self.name}+{self.id.hex()}+{b64(bytes([ED25519]) + self.public)}"

    def verify(self, message: bytes, signature: bytes) -> bool:
        """Whether ``signature`` is this key's Ed25519 signature of ``message``."""
        try:
            Ed25519PublicKey.from_public_bytes(self.public).verify(signature, message)
        except (InvalidSignature, ValueError):
            return False
        return True


def sign(text: str, name: str, private: Ed25519PrivateKey) -> str:
    """Sign ``text`` (ending in a newline) as ``name``; return the whole note."""
    _check_text(text)
    _check_name(name)
    kid = key_id(name, _raw(private.public_key()))
    signature = private.sign(text.encode("utf-8"))
    return f"{text}\n{_DASH}{name} {b64(kid + signature)}\n"


def _check_text(text: str) -> None:
    if not text.endswith("\n") or "\n\n" in text or any(
            ord(c) < 0x20 and c != "\n" for c in text):
        raise NoteError("签名文本须以换行结尾，不能有空行或控制字符。")


@dataclass(frozen=True)
class Signature:
    """One signature line of a note."""

    name: str
    id: bytes
    signature: bytes


def split(note: str) -> tuple[str, list[Signature]]:
    """The text and the signature lines of a note (nothing verified yet)."""
    head, sep, tail = note.rpartition("\n\n")
    if not sep or not tail.endswith("\n"):
        raise NoteError("不是签名文本：正文与签名之间应有一个空行，签名以换行结尾。")
    text = head + "\n"
    _check_text(text)
    signatures = []
    for line in tail[:-1].split("\n"):
        if not line.startswith(_DASH):
            raise NoteError(f"签名行格式不对：{line[:40]!r}")
        name, _, blob = line[len(_DASH):].partition(" ")
        try:
            data = unb64(blob)
        except EncodingError as exc:
            raise NoteError("签名不是有效的 base64。") from exc
        if len(data) < 5 or not name or " " in blob:
            raise NoteError("签名行格式不对。")
        signatures.append(Signature(name, data[:4], data[4:]))
    if len(signatures) > MAX_SIGNATURES:
        raise NoteError("签名过多。")
    return text, signatures


def open_note(note: str, verifiers: Sequence[Verifier]) -> tuple[str, list[Verifier]]:
    """Verify a note: the text and the known keys that signed it.

    A signature by a known key that does not verify is an error (the note was altered or
    forged); signatures by unknown keys are ignored; at least one known key must sign.
    """
    text, signatures = split(note)
    known = {(v.name, v.id): v for v in verifiers}
    signed: list[Verifier] = []
    for sig in signatures:
        verifier = known.get((sig.name, sig.id))
        if verifier is None:
            continue
        if not verifier.verify(text.encode("utf-8"), sig.signature):
            raise NoteError(f"“{sig.name}”的签名无效：签名文本被改动或伪造。")
        if verifier not in signed:
            signed.append(verifier)
    if not signed:
        raise NoteError("签名文本没有受信任密钥的签名。")
    return text, signed


@dataclass(frozen=True)
class Checkpoint:
    """A log checkpoint: origin, tree size, root hash and optional extension lines."""

    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    def text(self) -> str:
        """The note text of this checkpoint."""
        lines = [self.origin, str(self.size), b64(self.root), *self.extensions]
        return "\n".join(lines) + "\n"

    def sign(self, name: str, private: Ed25519PrivateKey) -> str:
        """This checkpoint as a signed note."""
        return sign(self.text(), name, private)

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        """Read a checkpoint from note text (already verified, or to be verified)."""
        lines = text.split("\n")
        if len(lines) < 4 or lines[-1] != "":
            raise NoteError("检查点至少应有来源、树大小和根哈希三行。")
        origin, size, root, *extensions = lines[:-1]
        if not origin or not size.isdigit() or (size != "0" and size.startswith("0")):
            raise NoteError("检查点的来源或树大小格式不对。")
        try:
            digest = unb64(root)
        except EncodingError as exc:
            raise NoteError("检查点的根哈希不是 base64。") from exc
        if len(digest) != 32 or any(not e for e in extensions):
            raise NoteError("检查点的根哈希应为 32 字节，扩展行不能为空。")
        return cls(origin, int(size), digest, tuple(extensions))


def open_checkpoint(note: str, verifiers: Sequence[Verifier], origin: str) -> Checkpoint:
    """Verify a signed checkpoint of the log ``origin``; :class:`NoteError` otherwise."""
    text, _ = open_note(note, verifiers)
    checkpoint = Checkpoint.parse(text)
    if checkpoint.origin != origin:
        raise NoteError(f"检查点来自另一个日志（{checkpoint.origin}），不是 {origin}。")
    return checkpoint
