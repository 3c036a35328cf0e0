"""Signed heads of the audit chain, kept outside the database.

After every transaction that appended to ``audit_log`` commits, the newest row's sequence
and hash are signed with Ed25519 and appended as one JSON line to the *heads file* in the
var folder. Each line also carries the SHA-256 of the line before it, so a line removed
from the middle of the file is noticed. The newest head and the public key are published
as ``heads.json`` in a publish folder (``tongda serve`` uses the site's ``api/audit/``), so
a copy lives where whoever rewrites the database and the var folder cannot reach it too.

Because every row hashes the one before it, one signed head vouches for the whole chain up
to its sequence: a crash between commit and signing leaves rows that the next append's head
covers.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import signing

if TYPE_CHECKING:
    from .settings import Settings

HEAD_FORMAT = "tongda-audit-head/1"
PUBLISHED_FORMAT = "tongda-audit-heads/1"
PUBLISHED_NAME = "heads.json"
GENESIS = "0" * 64
log = logging.getLogger("tongda.audit")


@dataclass(frozen=True)
class Head:
    """One signed head: the chain up to ``seq`` ends in ``hash``.

    Attributes:
        seq: The sequence (``audit_log.id``) of the newest row covered.
        hash: That row's hash.
        at: When it was signed (UTC, ISO 8601).
        key: Key id of the signing key.
        prev: SHA-256 of the previous line of the heads file (zeros for the first).
        sig: Ed25519 signature of :meth:`message`, base64.
    """

    seq: int
    hash: str
    at: str
    key: str
    prev: str
    sig: str = ""

    def message(self) -> bytes:
        """The bytes signed: a format tag and the canonical JSON of every field but ``sig``."""
        fields = {k: v for k, v in asdict(self).items() if k != "sig"}
        body = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
        return f"{HEAD_FORMAT}\n{body}".encode("ascii")

    def line(self) -> str:
        """The head as one line of the heads file (no newline)."""
        return json.dumps(asdict(self), sort_keys=True, separators=(",", ":"))

    @classmethod
    def parse(cls, value: str | dict[str, Any]) -> Head:
        """Read a head from a heads-file line or a dict; ``ValueError`` when malformed."""
        data = json.loads(value) if isinstance(value, str) else value
        if not isinstance(data, dict) or set(data) != {"seq", "hash", "at", "key", "prev",
                                                       "sig"}:
            raise ValueError("not a signed head")
        if not isinstance(data["seq"], int) or isinstance(data["seq"], bool) or not all(
                isinstance(data[k], str) for k in ("hash", "at", "key", "prev", "sig")):
            raise ValueError("not a signed head")
        return cls(**data)


def line_digest(line: str) -> str:
    """SHA-256 of one heads-file line (what the next line's ``prev`` names)."""
    return hashlib.sha256(line.encode("utf-8")).hexdigest()


def sign_head(key: signing.SigningKey, seq: int, digest: str, prev: str) -> Head:
    """A new head for the chain ending at ``seq`` with ``digest``."""
    head = Head(seq=seq, hash=digest, at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                key=key.key_id, prev=prev)
    return Head(**{**asdict(head), "sig": key.sign(head.message())})


class HeadsFile:
    """The append-only heads file: JSON lines, appended under an exclusive ``flock``."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def lines(self) -> Iterator[tuple[int, str]]:
        """``(line number, text)`` of every non-empty line, first to last."""
        if not self.path.exists():
            return
        with self.path.open(encoding="utf-8", errors="replace") as f:
            for number, text in enumerate(f, 1):
                if text.strip():
                    yield number, text.rstrip("\n")

    @contextmanager
    def locked(self) -> Iterator[_Locked]:
        """Hold the file's lock; the yielded object reads the last line and appends one."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            # flock serialises signers in every process on this host (all tongda serve
            # functions, the CLI); closing the descriptor releases it.
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield _Locked(fd)
        finally:
            os.close(fd)


class _Locked:
    def __init__(self, fd: int) -> None:
        self.fd = fd

    def last_line(self) -> str | None:
        size = os.fstat(self.fd).st_size
        start = max(0, size - 65536)
        lines = [t for t in os.pread(self.fd, size - start, start).decode(
            "utf-8", "replace").split("\n") if t.strip()]
        return lines[-1] if lines else None

    def append(self, line: str) -> None:
        os.write(self.fd, (line + "\n").encode("utf-8"))
        os.fsync(self.fd)


class HeadSigner:
    """Signs chain heads into a heads file and publishes the newest one.

    Args:
        heads: The heads file.
        key: Returns the signing key (called on the first signature, so a key file is
            only created when something is signed).
        publish_dir: Where ``heads.json`` is written after each signature, or ``None``.
    """

    def __init__(self, heads: HeadsFile, key: Callable[[], signing.SigningKey],
                 publish_dir: Path | None = None) -> None:
        self.heads = heads
        self._key_source = key
        self._key: signing.SigningKey | None = None
        self.publish_dir = publish_dir

    @property
    def key(self) -> signing.SigningKey:
        """The signing key (loaded, or created, on first use)."""
        if self._key is None:
            self._key = self._key_source()
        return self._key

    def sign(self, seq: int, digest: str) -> Head | None:
        """Sign the chain ending at ``seq``; ``None`` when a head as new is signed already."""
        key = self.key
        with self.heads.locked() as f:
            last_line = f.last_line()
            last = _parse_or_none(last_line)
            if last is not None and last.seq >= seq:
                return None
            head = sign_head(key, seq, digest, line_digest(last_line) if last_line else GENESIS)
            f.append(head.line())
            # Published under the same lock, so an older head never overwrites a newer one.
            if self.publish_dir is not None:
                publish(self.publish_dir, head, key)
        return head

    def republish(self, key: signing.SigningKey | None) -> Path | None:
        """Write ``heads.json`` again from the heads file (after a rebuild replaced it).

        Args:
            key: The signing key, whose public half is published beside the head if it
                signed it; ``None`` publishes the head alone.
        """
        if self.publish_dir is None or not self.heads.path.exists():
            return None
        with self.heads.locked() as f:
            last = _parse_or_none(f.last_line())
            if last is None:
                return None
            return publish(self.publish_dir, last, key)


def _parse_or_none(line: str | None) -> Head | None:
    if line is None:
        return None
    try:
        return Head.parse(line)
    except ValueError:
        return None  # a damaged line: verify reports it; signing goes on after it


def published_document(head: Head, key: signing.SigningKey | None) -> dict[str, Any]:
    """The content of ``heads.json``: the newest head and the public key that signed it."""
    keys = ({key.key_id: signing.public_b64(key.public)}
            if key is not None and key.key_id == head.key else {})
    return {"format": PUBLISHED_FORMAT, "algorithm": "Ed25519", "head": asdict(head),
            "keys": keys}


def publish(folder: Path, head: Head, key: signing.SigningKey | None) -> Path:
    """Write ``folder/heads.json`` atomically (a temporary file renamed over the old one)."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / PUBLISHED_NAME
    data = json.dumps(published_document(head, key), ensure_ascii=False, indent=2) + "\n"
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".heads-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)  # a public file: the web server must read it
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def key_loader(settings: Settings, *, create: bool) -> Callable[[], signing.SigningKey | None]:
    """Where ``settings`` say the signing key is: the environment first, then the key file."""
    def load() -> signing.SigningKey | None:
        if settings.audit_signing_key:
            return signing.from_text(settings.audit_signing_key)
        if settings.audit_key_file is None:
            return None
        return signing.load(settings.audit_key_file, create=create)
    return load


def signer_from_settings(settings: Settings) -> HeadSigner | None:
    """The signer ``settings`` describe, or ``None`` when no heads file is configured."""
    if settings.audit_heads_file is None:
        return None
    if settings.audit_signing_key:
        signing.from_text(settings.audit_signing_key)  # a malformed key stops the start-up
    loader = key_loader(settings, create=True)

    def key() -> signing.SigningKey:
        found = loader()
        if found is None:
            raise signing.SigningKeyError(
                "没有审计签名密钥：请设置 TONGDA_AUDIT_SIGNING_KEY 或 TONGDA_AUDIT_KEY_FILE。")
        return found

    return HeadSigner(HeadsFile(settings.audit_heads_file), key, settings.audit_publish_dir)


def republish(settings: Settings, publish_dir: Path | None = None) -> Path | None:
    """Publish the newest signed head again, e.g. after a rebuild replaced the site folder.

    Args:
        settings: The runtime settings (heads file, key, default publish folder).
        publish_dir: Publish here instead of ``settings.audit_publish_dir``.

    Returns:
        The written ``heads.json``, or ``None`` when nothing is signed or configured.
    """
    signer = signer_from_settings(settings)
    if signer is None:
        return None
    if publish_dir is not None:
        signer.publish_dir = publish_dir
    # Never creates a key: a key made now could not have signed the heads on file.
    return signer.republish(key_loader(settings, create=False)())
