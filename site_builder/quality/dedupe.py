"""Exact and near-duplicate bodies without comparing every pair of full texts.

Each body is normalised (history header, markup, punctuation and whitespace dropped) as
a numpy array of code points, cut into overlapping character 5-grams, and every 5-gram
hashed with a vectorised polynomial hash, so 50 MB of text hashes in about a second.
A bottom-k sketch (the k smallest hashes) stands for each body. Bodies that share many of
their smallest sketch values are candidates (an inverted index, never all pairs), and a
candidate pair's Jaccard similarity is estimated from the two sketches (Broder's bottom-k
estimator). Sketch values found in very many bodies (boilerplate) do not pair documents:
near-duplicates share plenty of rarer ones.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

SHINGLE = 5
SKETCH = 128
_PROBE = 32
"""Only each sketch's 32 smallest values pair candidates; the full sketch scores them."""
_HEADER_END = "<!-- INFO END -->"
_KEEP = np.ones(0x110000, dtype=bool)
"""Whether a code point counts (a lookup table: faster than ``np.isin`` on every body)."""
_KEEP[[ord(c) for c in " \t\r\n#*>`|_-[]()（）《》“”\"'、，。；：！？,.;:!?·\u3000"]] = False
_MULT = np.uint64(0x100000001B3)
_MIX = np.uint64(0x9E3779B97F4A7C15)


def normalise(body: str) -> np.ndarray:
    """The code points that count for duplication: no history header, markup or punctuation."""
    cut = body.find(_HEADER_END)
    if cut >= 0:
        body = body[cut + len(_HEADER_END):]
    codes = np.frombuffer(body.encode("utf-32-le"), dtype=np.uint32)
    return codes[_KEEP[codes]]


def exact_key(codes: np.ndarray) -> str:
    """A digest of the normalised text (equal keys mean equal bodies)."""
    return hashlib.blake2b(codes.tobytes(), digest_size=16).hexdigest()


def sketch(codes: np.ndarray, k: int = SKETCH) -> np.ndarray:
    """The bottom-k hash values of normalised text's character 5-grams (sorted, distinct)."""
    wide = codes.astype(np.uint64)
    if wide.size == 0:
        return np.empty(0, dtype=np.uint64)
    if wide.size < SHINGLE:
        grams = np.array([int(wide.sum()) + 1], dtype=np.uint64)
    else:
        n = wide.size - SHINGLE + 1
        grams = np.zeros(n, dtype=np.uint64)
        with np.errstate(over="ignore"):
            for i in range(SHINGLE):
                grams = grams * _MULT + wide[i:i + n]
    with np.errstate(over="ignore"):
        mixed = (grams ^ (grams >> np.uint64(29))) * _MIX
        mixed ^= mixed >> np.uint64(32)
    return _smallest_distinct(mixed, k)


def _smallest_distinct(values: np.ndarray, k: int) -> np.ndarray:
    """The k smallest distinct values, sorted; partitions instead of sorting everything."""
    take = 2 * k
    while True:
        if values.size <= take:
            head = np.sort(values)
        else:
            head = np.sort(np.partition(values, take)[:take])
        keep: np.ndarray = (np.concatenate(([True], head[1:] != head[:-1])) if head.size
                            else np.zeros(0, dtype=bool))
        distinct = head[keep]
        if distinct.size >= k or head.size == values.size:
            return distinct[:k]
        take *= 4


def jaccard(a: np.ndarray, b: np.ndarray, k: int = SKETCH) -> float:
    """Estimated Jaccard similarity of two texts from their bottom-k sketches."""
    if a.size == 0 or b.size == 0:
        return 0.0
    union = np.union1d(a, b)[:k]
    both = np.intersect1d(a, b, assume_unique=True)
    return float(np.isin(union, both, assume_unique=True).sum()) / float(union.size)


@dataclass(frozen=True)
class Pair:
    """Two documents whose bodies are the same or nearly the same."""

    first: str
    second: str
    similarity: float
    exact: bool


def fingerprint(body: str) -> tuple[int, str, np.ndarray]:
    """A body's normalised length, :func:`exact_key` and :func:`sketch`."""
    codes = normalise(body)
    return int(codes.size), exact_key(codes), sketch(codes)


def find_duplicates(texts: Iterable[tuple[str, str]], threshold: float = 0.85,
                    min_chars: int = 200, max_posting: int = 12,
                    prepare: Callable[[str], tuple[int, str, np.ndarray]] | None = None,
                    ) -> list[Pair]:
    """Pairs of documents (by id) with equal or near-equal normalised bodies.

    Args:
        texts: ``(doc id, body)`` pairs.
        threshold: Least estimated Jaccard similarity of 5-grams for a near-duplicate.
        min_chars: Bodies shorter than this (after normalising) are skipped: short texts
            such as a one-line FAQ answer match by accident.
        max_posting: Sketch values shared by more bodies than this do not pair documents.
        prepare: :func:`fingerprint`, or what gives the same (a memo of it).
    """
    keys: dict[str, list[str]] = defaultdict(list)
    sketches: dict[str, np.ndarray] = {}
    for doc_id, body in texts:
        size, key, values = (prepare or fingerprint)(body)
        if size < min_chars:
            continue
        keys[key].append(doc_id)
        sketches[doc_id] = values
    pairs = [Pair(ids[0], other, 1.0, True) for ids in keys.values() for other in ids[1:]]
    exact = {frozenset((p.first, p.second)) for p in pairs}
    for a, b in sorted(_candidates(sketches, max_posting)):
        if frozenset((a, b)) in exact:
            continue
        score = jaccard(sketches[a], sketches[b])
        if score >= threshold:
            pairs.append(Pair(a, b, round(score, 3), False))
    return sorted(pairs, key=lambda p: (p.first, p.second))


def _candidates(sketches: dict[str, np.ndarray], max_posting: int) -> set[tuple[str, str]]:
    """Pairs sharing at least a quarter of their smallest sketch values."""
    postings: dict[int, list[str]] = defaultdict(list)
    for doc_id, values in sketches.items():
        for value in values[:_PROBE].tolist():
            postings[value].append(doc_id)
    shared: dict[tuple[str, str], int] = defaultdict(int)
    for ids in postings.values():
        if 1 < len(ids) <= max_posting:
            for i, a in enumerate(ids):
                for b in ids[i + 1:]:
                    shared[(a, b) if a < b else (b, a)] += 1
    out = set()
    for pair, count in shared.items():
        size = min(sketches[pair[0]].size, sketches[pair[1]].size, _PROBE)
        if count * 4 >= size:
            out.add(pair)
    return out
