"""Citations found in an unchanged corpus, kept between builds.

Finding and resolving the citations of 3,000 laws takes a tenth of a second; a rebuild
after a save (``tongda serve``) or a rebuild of unchanged content should not pay it again.
The findings depend only on the documents' files and on the finder's code, so they are
stored under a fingerprint of both: every file's path, inode, size, modification and
change time (the change time moves on every write and cannot be set back), the option
that turns on ``based_on`` edges, and the source of the modules that find and resolve.
Any difference, and the citations are found again.
"""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path

from search_index.store import write_atomic
from site_builder.content.corpus import Corpus

from .citations import Citation

_FILE = "citations.json"
_CODE = ("citations.py", "titles.py", "cache.py")


@functools.cache
def _code_version() -> str:
    here = Path(__file__).parent
    digest = hashlib.sha256()
    for name in _CODE:
        digest.update((here / name).read_bytes())
    return digest.hexdigest()


def fingerprint(corpus: Corpus, basis: bool) -> str | None:
    """What the findings depend on, hashed; ``None`` when a file's state is unknown."""
    files = []
    for entry in corpus.documents.values():
        if entry.stat is None:
            return None
        files.append((entry.src_path, *entry.stat))
    files.sort()
    blob = json.dumps([_code_version(), basis, files], ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()


def load(folder: Path, key: str) -> list[Citation] | None:
    """The stored citations when they were found for ``key``, else ``None``."""
    try:
        data = json.loads((folder / _FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("key") != key:
        return None
    try:
        citations = list(map(Citation._make, data["citations"]))
    except (KeyError, TypeError, ValueError):
        return None
    # A row of the wrong length fails in _make; the flag must be a real bool.
    return citations if all(type(c.basis) is bool for c in citations) else None


def save(folder: Path, key: str, citations: list[Citation]) -> None:
    """Store the citations for ``key``; written aside and moved into place, so a build
    stopped half-way leaves the previous file whole."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = [[c.source, c.text, c.where, c.line, c.target, c.basis] for c in citations]
    write_atomic(folder / _FILE, json.dumps({"key": key, "citations": rows}, ensure_ascii=False,
                                            separators=(",", ":")).encode("utf-8"))
