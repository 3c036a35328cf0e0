"""Stable ids for imported documents.

An id is ``<pinyin slug>-<YYYYMMDD>-<hash>``: the slug and date help a person recognise the
document, the 8 hex digits of SHA-1 over the NFC source path make it unique and
deterministic. Because a newer pypinyin may read a character differently, a re-import
reuses the id already stored in DEST for the same source path (see ``writer``); the
derivation here is only for documents seen for the first time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re

MAX_ID = 80
_SLUG_MAX = 48
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def _pinyin(text: str) -> list[str]:
    from pypinyin import Style, lazy_pinyin

    return lazy_pinyin(text, style=Style.NORMAL, errors="default")


def slug(text: str, limit: int = _SLUG_MAX) -> str:
    """ASCII slug of a Chinese title: pinyin syllables joined by hyphens, cut at a hyphen."""
    words = [_NOT_SLUG.sub("-", w.lower()).strip("-") for w in _pinyin(text)]
    out = "-".join(w for w in words if w)
    out = re.sub(r"-{2,}", "-", out)
    if len(out) > limit:
        out = out[:limit]
        out = out.rsplit("-", 1)[0] if "-" in out else out
    return out.strip("-")


def path_hash(rel: str, length: int = 8) -> str:
    """Hex digest of the source path (already NFC and POSIX)."""
    return hashlib.sha1(rel.encode("utf-8"), usedforsecurity=False).hexdigest()[:length]


def make_id(rel: str, stem: str, date: dt.date | None, hash_length: int = 8) -> str:
    """Derive the id of a source file.

    Args:
        rel: Source path relative to the source folder (NFC, POSIX).
        stem: The file's short title (file name without date and extension).
        date: The version date from the file name, if any.
        hash_length: Hex digits of the path hash (longer only to break a collision).
    """
    folder = rel.rsplit("/", 2)[-2] if "/" in rel else ""
    if len(stem) <= 3 and folder and folder != stem:
        # 民法典/总则.md: a short name means little alone; add its folder's name.
        stem = folder + stem
    parts = [slug(stem)]
    if date:
        parts.append(date.strftime("%Y%m%d"))
    parts.append(path_hash(rel, hash_length))
    return "-".join(p for p in parts if p)[:MAX_ID]
