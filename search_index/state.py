"""What one index build leaves for the next, so a rebuild costs what changed.

A build that has an analysis cache keeps, beside it, its *state*: every document's input
key (a hash of what the page gave the index), its record, lengths and excerpt, the term
table, the posting rows of every document (the spill partitions of
:class:`~search_index.postings.PostingSpool`, term ids and sequence numbers), each
document's vocabulary words as rows too, and the ``t`` family's bucket count, average
lengths, document order and bucket names.

The next build, in a new process (``tongda build``) or the same one (``tongda serve``),
asks for each page whether its key is known (:meth:`SearchIndex.reuse
<search_index.indexer.SearchIndex.reuse>`): an unchanged page is neither modelled nor
analysed, its rows are inherited. When the bucket count, the averages and the document
order are the same as before, only the buckets holding a term of a changed document are
encoded again (:class:`~search_index.postings.Touched`).

Memory stays bounded: rows stay on disk and are read a partition at a time. A state is a
folder ``g-<random>`` under the state folder, named by ``CURRENT`` (replaced atomically
when the folder is complete), so a build stopped half-way leaves the previous state whole.
The state also names the code it was made by (a hash of the analysis and page-model
sources): another version of Tongda starts afresh.

Builds that share a cache may run at once (two terminals, a test suite's workers). Each
build writes its state in a folder of its own (``w-<random>``, renamed ``g-<random>`` when
complete), and reads the earlier state through hard links of its own (``h-<random>``), made
when it starts: a build that commits meanwhile and deletes the earlier state takes nothing
from a build still reading it. A build holds a lock on its ``w-`` and ``h-`` folders while
it runs; the folders of builds that ended without cleaning up (killed) are deleted by the
next commit, once their lock is free.
"""
from __future__ import annotations

import functools
import hashlib
import os
import shutil
import uuid
import weakref
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import numpy as np

from search_index import postings
from search_index.model import SearchDoc
from search_index.postings import PARTITIONS, TermTable, row_file
from search_index.store import link_file, read_kept, write_atomic, write_kept

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: folders of killed builds stay
    fcntl = None  # type: ignore[assignment]

CURRENT = "CURRENT"
META = "meta.pickle"
WORDS = "words.rows"
LOCK = "lock"
#: Tries at reading the current state while other builds replace it.
_LOAD_TRIES = 3
#: A term table grown past this share of unused terms (terms of documents no longer
#: indexed) is started afresh at the next build instead of inherited again.
GROWTH = 1.25

_WROW = np.dtype([("term", "<i4"), ("seq", "<i4"), ("title", "u1")])
_WORD_CHUNK = 4_000_000

_SOURCES = ("analyze.py", "indexer.py", "model.py", "postings.py", "state.py", "text.py",
            "vocab.py")
def code_version(salt: str = "") -> str:
    """A hash of the sources whose change changes what the index keeps of a document."""
    return _sources_hash() + salt


@functools.cache
def _sources_hash() -> str:
    h = hashlib.sha256()
    here = Path(__file__).parent
    for name in _SOURCES:
        h.update((here / name).read_bytes())
    return h.hexdigest()[:16]


@dataclass
class DocState:
    """What the index keeps of one document between builds."""

    key: str
    doc: SearchDoc  # without body and headings
    lengths: tuple[int, int, int, int]
    title_len: int
    excerpt: str
    docnums: list[str]
    rows: int  # posting rows (distinct terms)


@dataclass
class TermsState:
    """The ``t`` family as the earlier build wrote it."""

    buckets: int
    avg: list[float]
    order: list[str]  # document ids by document number
    names: list[str]


@dataclass
class IndexState:
    """An earlier build's state (:func:`load`), or the one a build is making."""

    version: str
    terms: list[str]
    hashes: np.ndarray
    docs: list[DocState]
    fresh_terms: int  # size of the term table when it was last started afresh
    t: TermsState | None = None
    folder: Path | None = None
    by_key: dict[str, int] = field(default_factory=dict)
    _claim: _Claim | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.by_key = {d.key: i for i, d in enumerate(self.docs)}

    def release(self) -> None:
        """Delete this build's links to a loaded state (also done when it is collected)."""
        if self._claim is not None:
            self._claim.drop()

    def table(self) -> TermTable:
        """A term table holding this state's terms under the same ids."""
        return TermTable(self.terms, self.hashes)

    def worn(self) -> bool:
        """Whether the term table has grown so much that a fresh start is cheaper."""
        return len(self.terms) > GROWTH * self.fresh_terms + 10_000


class _Claim:
    """A folder of this build's (``w-`` or ``h-``), locked while the build runs: another
    build deletes it only when the lock is free, that is after this process ended."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir()
        self.folder = folder
        self._lock = open(folder / LOCK, "wb")  # noqa: SIM115 - held until drop() or collection
        if fcntl is not None:
            fcntl.flock(self._lock, fcntl.LOCK_EX)
        self._drop = weakref.finalize(self, _drop_folder, folder, self._lock)

    def drop(self) -> None:
        """Delete the folder and free the lock."""
        self._drop()

    def keep(self) -> None:
        """Free the lock and keep the folder (a committed state: it is no build's own)."""
        self._drop.detach()
        (self.folder / LOCK).unlink(missing_ok=True)
        self._lock.close()


def _drop_folder(folder: Path, fh: IO[bytes]) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    fh.close()


def _sweep(root: Path) -> None:
    """Delete the ``w-`` and ``h-`` folders of builds that ended without cleaning up."""
    if fcntl is None:  # pragma: no cover
        return
    for other in root.glob("[hw]-*"):
        try:
            fh = open(other / LOCK, "rb")  # noqa: SIM115 - closed below
        except OSError:
            continue  # being made (the lock comes an instant after the folder)
        with fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                continue  # a running build's
            shutil.rmtree(other, ignore_errors=True)


def load(folder: Path, version: str) -> IndexState | None:
    """The state kept in ``folder`` by an earlier build of the same code, if any. The
    state's files are linked into a folder of this build's, so a build that replaces the
    state meanwhile deletes nothing this one reads; :meth:`IndexState.release` deletes
    the links."""
    for _ in range(_LOAD_TRIES):
        try:
            name = (folder / CURRENT).read_text("utf-8").strip()
        except (OSError, ValueError):
            return None
        if not name.startswith("g-"):
            return None
        claim = _Claim(folder / f"h-{uuid.uuid4().hex[:12]}")
        try:
            for part in (META, WORDS, *(f"{p}.rows" for p in range(PARTITIONS))):
                link_file(folder / name / part, claim.folder / part)
        except FileNotFoundError:  # cut short, or replaced and deleted meanwhile
            claim.drop()
            if (folder / CURRENT).read_text("utf-8").strip() == name:
                return None
            continue
        meta = read_kept(claim.folder / META, version)
        if meta is None:
            claim.drop()
            return None
        state = IndexState(version, meta["terms"], np.frombuffer(meta["hashes"], np.uint32),
                           meta["docs"], meta["fresh_terms"], meta["t"], claim.folder)
        state._claim = claim
        return state
    return None


class StateWriter:
    """Makes the next state's folder as the build writes its index; :meth:`commit` names
    it current, :meth:`abandon` deletes it."""

    def __init__(self, folder: Path) -> None:
        self.root = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.name = uuid.uuid4().hex[:12]
        self._claim = _Claim(folder / f"w-{self.name}")
        self.folder = self._claim.folder

    def keep_rows(self, p: int, rows: np.ndarray) -> None:
        rows.tofile(row_file(self.folder, p))

    def words_path(self) -> Path:
        return self.folder / WORDS

    def commit(self, state: IndexState) -> None:
        """Write the metadata, make this folder current and delete the other states (and
        the folders of builds that were killed)."""
        write_kept(self.folder / META, state.version, {
            "terms": state.terms,
            "hashes": np.ascontiguousarray(state.hashes, dtype=np.uint32).tobytes(),
            "docs": state.docs, "fresh_terms": state.fresh_terms, "t": state.t})
        done = self.root / f"g-{self.name}"
        os.replace(self.folder, done)
        self._claim.folder = self.folder = done
        self._claim.keep()
        write_atomic(self.root / CURRENT, done.name.encode())
        try:
            current = (self.root / CURRENT).read_text("utf-8").strip()
        except OSError:
            current = done.name
        for other in self.root.glob("g-*"):
            if other.name not in (current, done.name):
                shutil.rmtree(other, ignore_errors=True)
        _sweep(self.root)

    def abandon(self) -> None:
        self._claim.drop()


class WordSpool:
    """Each document's distinct words and title words as ``(term id, seq, title)`` rows on
    disk: the vocabulary's document frequencies are counted from them at write time, and
    they are kept for the next build like the postings."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._buffer: list[np.ndarray] = []
        self._buffered = 0
        self._inherit: tuple[Path, np.ndarray] | None = None

    def inherit(self, path: Path, seq_map: np.ndarray) -> None:
        """Take the rows an earlier build kept at ``path`` (see ``PostingSpool.inherit``)."""
        self._inherit = (path, seq_map)

    def add(self, seq: int, words: np.ndarray, title_words: np.ndarray) -> None:
        rows = np.empty(len(words) + len(title_words), dtype=_WROW)
        rows["term"][:len(words)], rows["term"][len(words):] = words, title_words
        rows["seq"] = seq
        rows["title"][:len(words)], rows["title"][len(words):] = 0, 1
        self._buffer.append(rows)
        self._buffered += len(rows)
        if self._buffered >= postings.SPILL_ROWS:
            self._spill()

    def _spill(self) -> None:
        with open(self.path, "ab") as fh:
            for chunk in self._buffer:
                chunk.tofile(fh)
        self._buffer.clear()
        self._buffered = 0

    def count(self, terms: list[str], keep: Path | None = None
              ) -> tuple[Counter[str], Counter[str], np.ndarray]:
        """Document frequencies of words and title words, and the ids of the words whose
        frequency may differ from the earlier build's (those of the documents added and
        of those not inherited). With ``keep``, every row of this build is written there."""
        self._spill()
        n = len(terms)
        df = np.zeros(n, np.int64)
        tdf = np.zeros(n, np.int64)
        changed = np.zeros(n, bool)
        out = open(keep, "wb") if keep is not None else None  # noqa: SIM115 - closed below
        try:
            if self._inherit is not None:
                old, seq_map = self._inherit
                for rows in _chunks(old, inherited=True):
                    taken, gone = postings.inherited(rows, seq_map)
                    changed[gone] = True
                    _tally(taken, df, tdf, out)
            for rows in _chunks(self.path):
                if self._inherit is not None:
                    changed[rows["term"]] = True
                _tally(rows, df, tdf, out)
        finally:
            if out is not None:
                out.close()
        return _counter(terms, df), _counter(terms, tdf), np.flatnonzero(changed)

    def close(self) -> None:
        self.path.unlink(missing_ok=True)


def _chunks(path: Path, inherited: bool = False) -> Any:
    if not inherited and not path.exists():
        return  # no row spilled
    total = path.stat().st_size // _WROW.itemsize
    for start in range(0, total, _WORD_CHUNK):
        yield np.fromfile(path, dtype=_WROW, count=min(_WORD_CHUNK, total - start),
                          offset=start * _WROW.itemsize)


def _tally(rows: np.ndarray, df: np.ndarray, tdf: np.ndarray, out: Any) -> None:
    title = rows["title"].astype(bool)
    df += np.bincount(rows["term"][~title], minlength=len(df))[:len(df)]
    tdf += np.bincount(rows["term"][title], minlength=len(tdf))[:len(tdf)]
    if out is not None:
        rows.tofile(out)


def _counter(terms: list[str], counts: np.ndarray) -> Counter[str]:
    nz = np.flatnonzero(counts)
    return Counter(dict(zip([terms[i] for i in nz.tolist()], counts[nz].tolist(), strict=True)))
