"""The site's postings with bounded memory: term ids, spilled by partition, encoded per bucket.

Each document's terms go into the :class:`PostingSpool` as it is added: a term becomes an
integer id (one table for the whole build), and the document's ``(term id, document,
packed frequencies)`` rows are appended to one of :data:`PARTITIONS` spill files, chosen by
the low bits of the term's bucket hash. A bucket of the ``t`` family (``fnv1a(key) % B``,
``B`` a power of two, at least :data:`PARTITIONS`) therefore lies in exactly one partition,
whatever ``B`` turns out to be. Writing reads one partition at a time, computes every
posting's impact with numpy, sorts, and encodes the buckets: memory holds one partition's
rows, a sixteenth of the site's, instead of the whole site's postings as Python objects.

A bucket whose content is the same as at an earlier build (same terms, document
frequencies, documents and impacts: a digest of the arrays) keeps its file without being
encoded again; only changed buckets are turned into JSON, compressed and written.

Between builds the spill files are kept (:mod:`search_index.state`): a rebuild *inherits*
the rows of the documents it did not change (:meth:`PostingSpool.inherit`) and adds only
the changed documents' rows. When nothing global moved (the bucket count, the average field
lengths, every document's number), :func:`write_terms` looks only at the buckets that
hold a term of a changed document, old text or new (``Touched``), and takes every other
bucket's name from the earlier build.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from search_index.store import EXT, FileWriter, page_size, write_atomic
from search_index.text import fnv1a, term_key

#: Spill partitions (a power of two, at most the smallest bucket count).
PARTITIONS = 16
#: Rows kept in memory before they are written to the spill files (12 bytes a row).
SPILL_ROWS = 1_000_000
DIGESTS = "t-digests.json"

_ROW = np.dtype([("term", "<i4"), ("seq", "<i4"), ("packed", "<u4")])


def row_file(folder: Path | str, p: int) -> str:
    """The spill file of partition ``p`` in ``folder``."""
    return os.path.join(folder, f"{p}.rows")


class Part(NamedTuple):
    """One partition's rows: ``rows[:inherited]`` come from the earlier build, the rest
    from the documents added to this one; ``gone`` are the term ids of the earlier build's
    rows of documents this build does not inherit (changed or removed)."""

    rows: np.ndarray
    inherited: int
    gone: np.ndarray


class TermTable:
    """Term strings to dense ids, with each term's bucket hash."""

    def __init__(self, terms: list[str] | None = None, hashes: np.ndarray | None = None) -> None:
        """An empty table, or one holding ``terms`` (ids by position) with their bucket
        ``hashes`` (an earlier table's :attr:`terms` and :meth:`hashes`)."""
        self.terms: list[str] = list(terms or [])
        self.ids: dict[str, int] = {t: i for i, t in enumerate(self.terms)}
        self._hashes = np.empty(max(2 * len(self.terms), 1 << 16), dtype=np.uint32)
        if hashes is not None:
            self._hashes[:len(self.terms)] = hashes
        self._key_hash: dict[str, int] = {}

    def ids_of(self, terms: list[str]) -> np.ndarray:
        """The ids of ``terms``, adding the new ones."""
        ids = self.ids
        get = ids.get
        out = np.asarray([get(t, -1) for t in terms], dtype=np.int32)
        if len(out) and out.min() < 0:
            for k in np.flatnonzero(out < 0).tolist():
                term = terms[k]
                found = get(term)
                if found is None:  # new (a term twice in the list is added once)
                    found = ids[term] = len(self.terms)
                    self._add(term)
                out[k] = found
        return out

    def _add(self, term: str) -> None:
        n = len(self.terms)
        self.terms.append(term)
        if n == len(self._hashes):
            self._hashes = np.resize(self._hashes, 2 * n)
        key = term_key(term)
        h = self._key_hash.get(key)
        if h is None:
            h = self._key_hash[key] = fnv1a(key)
        self._hashes[n] = h

    def hashes(self) -> np.ndarray:
        """Bucket hash of every term, by id (a view: valid until terms are added)."""
        return self._hashes[:len(self.terms)]


class PostingSpool:
    """Collects every document's postings in partitions on disk."""

    def __init__(self, table: TermTable | None = None) -> None:
        self.table = table or TermTable()
        self.total = 0
        self._dir = tempfile.TemporaryDirectory(prefix="tongda-postings-")
        self._buffers: list[list[np.ndarray]] = [[] for _ in range(PARTITIONS)]
        self._buffered = 0
        self._inherit: tuple[Path, np.ndarray] | None = None

    def inherit(self, folder: Path, seq_map: np.ndarray, rows: int) -> None:
        """Take the rows an earlier build kept in ``folder`` (one file a partition, its
        term ids those of :attr:`table`) for the documents ``seq_map`` maps to this
        build's sequence numbers (``-1``: a document this build does not inherit).

        Args:
            rows: How many rows the inherited documents have (counted in :attr:`total`).
        """
        self._inherit = (folder, seq_map)
        self.total += rows

    def add(self, seq: int, terms: list[str], packed: np.ndarray) -> None:
        """Append one document's postings (``packed[i]`` belongs to ``terms[i]``)."""
        if terms:
            self.add_ids(seq, self.table.ids_of(terms), packed)

    def add_ids(self, seq: int, tids: np.ndarray, packed: np.ndarray) -> None:
        """:meth:`add` with the terms as ids of :attr:`table` already."""
        if not len(tids):
            return
        rows = np.empty(len(tids), dtype=_ROW)
        rows["term"], rows["seq"], rows["packed"] = tids, seq, packed
        part = self.table.hashes()[tids] & np.uint32(PARTITIONS - 1)
        order = np.argsort(part, kind="stable")
        rows, part = rows[order], part[order]
        cuts = np.searchsorted(part, np.arange(PARTITIONS + 1))
        for p in range(PARTITIONS):
            if cuts[p] < cuts[p + 1]:
                self._buffers[p].append(rows[cuts[p]:cuts[p + 1]])
        self.total += len(tids)
        self._buffered += len(tids)
        if self._buffered >= SPILL_ROWS:
            self._spill()

    def _spill(self) -> None:
        for p, chunks in enumerate(self._buffers):
            if chunks:
                with open(os.path.join(self._dir.name, f"{p}.rows"), "ab") as fh:
                    for chunk in chunks:
                        chunk.tofile(fh)
                chunks.clear()
        self._buffered = 0

    def partitions(self) -> Iterator[np.ndarray]:
        """Each partition's rows, one at a time."""
        for part in self.parts():
            yield part.rows

    def parts(self) -> Iterator[Part]:
        """Each partition's rows, inherited ones first, with the term ids of the rows not
        inherited, one partition at a time."""
        self._spill()
        empty = np.empty(0, np.int32)
        for p in range(PARTITIONS):
            own = _read_rows(row_file(self._dir.name, p))
            if self._inherit is None:
                yield Part(own, 0, empty)
                continue
            folder, seq_map = self._inherit
            old, gone = inherited(_read_rows(row_file(folder, p)), seq_map)
            yield Part(np.concatenate([old, own]), len(old), gone)

    def close(self) -> None:
        self._dir.cleanup()


def inherited(rows: np.ndarray, seq_map: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """An earlier build's rows (``term`` and ``seq`` fields) as this build takes them: those
    of the documents ``seq_map`` maps to this build's ``seq`` (renumbered), and the term ids
    of the others' rows (documents changed or removed)."""
    moved = seq_map[rows["seq"]]
    kept = moved >= 0
    gone = rows["term"][~kept]
    rows = rows[kept]
    rows["seq"] = moved[kept]
    return rows, gone


def _read_rows(path: str) -> np.ndarray:
    return np.fromfile(path, dtype=_ROW) if os.path.exists(path) else np.empty(0, _ROW)


@dataclass
class Touched:
    """What a rebuild may skip: the earlier build's bucket names, valid as long as the
    bucket holds no term of a changed document.

    Attributes:
        names: Every bucket's name (hash part) at the earlier build, same bucket count.
        words: Bucket hashes of the words whose document frequency may have changed (the
            words of every document added or no longer inherited).
    """

    names: list[str]
    words: np.ndarray


def impacts(packed: np.ndarray, lengths: np.ndarray, avg: list[float], title_len: np.ndarray,
            weights: tuple[float, ...], b: tuple[float, ...], k1: float,
            caps: tuple[int, ...], shifts: tuple[int, ...]) -> np.ndarray:
    """BM25F term-frequency parts quantised to 1..255; title hits carry the title length.

    A term in the title is stored as ``-(impact * 128 + title length)``, so the runtime
    can tell an exact or near-exact title match from the postings alone, without fetching
    any document record. The float64 operations are those of the per-posting formula, in
    the same order, so the numbers are the same as computed one by one.

    Args:
        packed: Packed field frequencies of each posting.
        lengths: Each posting's document's field lengths, shape ``(n, 4)``.
        avg: Average field lengths.
        title_len: Each posting's document's normalised title length.
    """
    tf = np.zeros(len(packed), dtype=np.float64)
    title = None
    for i in range(4):
        f = ((packed >> np.uint32(shifts[i])) & np.uint32(caps[i])).astype(np.float64)
        if i == 0:
            title = f > 0
        norm = 1 - b[i] + b[i] * lengths[:, i] / avg[i]
        part = weights[i] * f / np.maximum(norm, 0.1)
        tf = np.where(f > 0, tf + part, tf)
    q = np.clip(np.rint(255 * tf / (k1 + tf)), 1, 255).astype(np.int64)
    assert title is not None
    tl = np.clip(title_len, 1, 127).astype(np.int64)
    return np.where(title, -(q * 128 + tl), q)


class BucketWriter:
    """Encodes the ``t`` family's buckets, reusing the file of any bucket seen before."""

    def __init__(self, writer: FileWriter, store: Path | None) -> None:
        self.writer = writer
        self.path = store / DIGESTS if store is not None else None
        self.known: dict[str, str] = {}
        self.used: dict[str, str] = {}
        self.kept: set[str] = set()
        if self.path is not None:
            try:
                self.known = json.loads(self.path.read_text("utf-8"))
            except (OSError, ValueError):
                self.known = {}

    def bucket(self, terms: list[str], rows: Callable[[], dict[str, Any]], digest: bytes) -> str:
        """The file name (hash part) of a bucket; ``rows`` makes its content when needed."""
        key = hashlib.blake2b(digest, digest_size=16).hexdigest()
        name = self.known.get(key)
        if name is None or not self.writer.take(f"t-{name}{EXT}"):
            name = self.writer.put(rows(), "t-")[2:-len(EXT)]
        self.used[key] = name
        return name

    def keep(self, name: str) -> bool:
        """Keep a bucket of the earlier build unexamined, if its file is still stored."""
        if not self.writer.take(f"t-{name}{EXT}"):
            return False
        self.kept.add(name)
        return True

    def save(self) -> None:
        if self.path is not None:
            used = dict(self.used)
            if self.kept:
                used.update((k, v) for k, v in self.known.items() if v in self.kept)
            write_atomic(self.path, json.dumps(used).encode("utf-8"))


def write_terms(spool: PostingSpool, writer: FileWriter, store: Path | None, buckets: int,
                impact: Callable[[np.ndarray], np.ndarray], new_id: np.ndarray,
                df: Callable[[str], int],
                between: Callable[[], None] | None = None,
                touched: Touched | None = None,
                keep: Callable[[int, np.ndarray], None] | None = None,
                names_out: list[str] | None = None) -> dict[str, Any]:
    """Write the ``t`` family from the spool; return its manifest entry.

    Args:
        impact: Impacts of a partition's rows (given the rows).
        new_id: Document number by the order documents were added (``seq``).
        df: A term's document frequency in the vocabulary (the first number of its list).
        between: Called before each partition; whatever it raises stops the writing
            (``tongda serve`` stopping a build that is out of date).
        touched: The earlier build's names and what changed since (:class:`Touched`):
            only buckets holding a changed document's term are looked at again.
        keep: Given each partition's rows (all of this build's), to keep them for the next.
        names_out: Given every bucket's name (hash part, "" for an empty bucket).
    """
    table = spool.table
    hashes = table.hashes()
    names = [""] * buckets
    out = BucketWriter(writer, store)
    if touched is not None:
        dirty = np.zeros(buckets, dtype=bool)
        dirty[touched.words % np.uint32(buckets)] = True
    for p, part in enumerate(spool.parts()):
        if between is not None:
            between()
        rows = part.rows
        if keep is not None:
            keep(p, rows)
        if touched is not None:
            rows = _only_touched(part, hashes, buckets, dirty, touched.names, names, out, p)
        if not len(rows):
            continue
        doc = new_id[rows["seq"]]
        value = impact(rows)
        order = np.lexsort((doc, rows["term"]))
        tid, doc, value = rows["term"][order], doc[order], value[order]
        starts = np.flatnonzero(np.r_[True, tid[1:] != tid[:-1]])
        ends = np.r_[starts[1:], len(tid)]
        prev = np.empty_like(doc)
        prev[0] = 0
        prev[1:] = doc[:-1]
        prev[starts] = 0
        flat = np.empty(2 * len(doc), dtype=np.int64)
        flat[0::2], flat[1::2] = doc - prev, value
        uniq = tid[starts]
        term_bucket = hashes[uniq] % np.uint32(buckets)
        by_bucket = np.argsort(term_bucket, kind="stable")
        cuts = np.flatnonzero(np.r_[True, term_bucket[by_bucket][1:] != term_bucket[by_bucket][:-1]])
        cuts = np.r_[cuts, len(by_bucket)]
        for c in range(len(cuts) - 1):
            members = by_bucket[cuts[c]:cuts[c + 1]]
            b = int(term_bucket[members[0]])
            names[b] = _bucket(out, table.terms, uniq, starts, ends, flat, members, df)
    out.save()
    if names_out is not None:
        names_out[:] = names
    size = page_size(buckets)
    pages = [writer.put(names[i:i + size], "Pt-") for i in range(0, buckets, size)]
    return {"b": buckets, "s": size, "pages": pages}


def _only_touched(part: Part, hashes: np.ndarray, buckets: int, dirty: np.ndarray,
                  earlier: list[str], names: list[str], out: BucketWriter, p: int) -> np.ndarray:
    """The rows of the partition's buckets that hold a changed document's term; the other
    buckets of the partition take their earlier names (their files kept)."""
    rows = part.rows
    fresh = rows["term"][part.inherited:]
    dirty[hashes[fresh] % np.uint32(buckets)] = True
    dirty[hashes[part.gone] % np.uint32(buckets)] = True
    mine = np.arange(p, buckets, PARTITIONS)  # this partition's buckets (hash & 15 == p)
    for b in mine[~dirty[mine]].tolist():
        name = earlier[b]
        if name and not out.keep(name):
            dirty[b] = True  # its file is gone from the store: make it again
        else:
            names[b] = name
    return rows[dirty[hashes[rows["term"]] % np.uint32(buckets)]]


def _bucket(out: BucketWriter, terms: list[str], uniq: np.ndarray, starts: np.ndarray,
            ends: np.ndarray, flat: np.ndarray, members: np.ndarray,
            df: Callable[[str], int]) -> str:
    entries = sorted((terms[int(uniq[m])], int(starts[m]), int(ends[m])) for m in members)
    dfs = [df(t) for t, _, _ in entries]
    h = hashlib.blake2b(digest_size=16)
    h.update("\0".join(t for t, _, _ in entries).encode())
    h.update(np.asarray(dfs, dtype=np.int64).tobytes())
    for _, s, e in entries:
        h.update(flat[2 * s:2 * e].tobytes())
        h.update(b"|")

    def rows() -> dict[str, Any]:
        return {t: [d, *flat[2 * s:2 * e].tolist()] for (t, s, e), d in zip(entries, dfs, strict=True)}

    return out.bucket([t for t, _, _ in entries], rows, h.digest())
