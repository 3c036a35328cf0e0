"""Per-document analysis: which terms occur in which field, and how often."""
from __future__ import annotations

import hashlib
import json
import logging
import operator
import os
import pickle
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import NamedTuple

import numpy as np

from search_index.model import SearchDoc
from search_index.store import write_atomic
from search_index.text import CJK_RE, docnum_key, normalize, runs

TITLE_PREFIX = re.compile(r"^中华人民共和国")

#: Fields in posting order. Title, meta (文号, issuer, tags), headings+summary, body.
FIELDS = ("title", "meta", "head", "body")
#: Caps of the per-field term frequencies packed into one 32-bit integer.
CAPS = (15, 15, 255, 65535)
SHIFTS = (28, 24, 16, 0)


@dataclass
class DocTerms:
    """Analysis of one document.

    Attributes:
        tf: term -> packed field frequencies (see :func:`pack`).
        lengths: CJK characters (or tokens) per field.
        words: jieba words (2-6 CJK characters) in the document, for the vocabulary.
        title_words: the subset of ``words`` found in the title.
        docnums: canonical document numbers in the 文号 field.
    """

    tf: dict[str, int] = field(default_factory=dict)
    lengths: tuple[int, int, int, int] = (0, 0, 0, 0)
    words: set[str] = field(default_factory=set)
    title_words: set[str] = field(default_factory=set)
    docnums: list[str] = field(default_factory=list)


def pack(freqs: list[int]) -> int:
    """Pack four field frequencies into one int, each capped."""
    out = 0
    for f, cap, sh in zip(freqs, CAPS, SHIFTS, strict=True):
        out |= min(f, cap) << sh
    return out


def _packed(per_field: list[dict[str, int]]) -> dict[str, int]:
    """Every term's four field frequencies packed (:func:`pack` of each term), written out
    for the four fields: called once per document for each of its terms (5.4 million
    terms for the law corpus), where a call of :func:`pack` per term was most of the
    analysis' own time. The body holds nearly every term: its counts are capped and
    shifted as one array, the three short fields' bits are added term by term."""
    title, meta, headings, body = per_field
    (ct, cm, ch, cb), (st, sm, sh, sb) = CAPS, SHIFTS
    counts = np.fromiter(body.values(), dtype=np.int64, count=len(body))
    out = dict(zip(body, (np.minimum(counts, cb) << sb).tolist(), strict=True))
    get = out.get
    for short, cap, shift in ((title, ct, st), (meta, cm, sm), (headings, ch, sh)):
        for t, c in short.items():
            out[t] = get(t, 0) | (min(c, cap) << shift)
    return out


def unpack(v: int) -> tuple[int, int, int, int]:
    """Inverse of :func:`pack`."""
    return tuple((v >> sh) & cap for cap, sh in zip(CAPS, SHIFTS, strict=True))  # type: ignore[return-value]


def segmenter() -> tuple[str, Callable[[str], Iterable[str]], Callable[[str], Iterable[str]]]:
    """(name, search-mode cut, plain cut) of the word segmenter.

    jieba-rs (``rjieba``), when installed, is jieba's algorithm and dictionary compiled:
    about ten times faster, and the same words on all 1.26 million CJK runs of the laws
    corpus (search mode and plain). jieba itself otherwise.
    """
    global _SEGMENTER
    if _SEGMENTER is None:
        try:
            from importlib.metadata import version

            import rjieba

            _SEGMENTER = (f"rjieba-{version('rjieba')}", rjieba.cut_for_search, rjieba.cut)
        except ImportError:
            import jieba

            jieba.setLogLevel(logging.WARNING)  # no "Building prefix dict" chatter in builds
            _SEGMENTER = (f"jieba-{jieba.__version__}", jieba.cut_for_search, jieba.cut)
    return _SEGMENTER


_SEGMENTER: tuple[str, Callable[[str], Iterable[str]], Callable[[str], Iterable[str]]] | None = None


def _field_terms(text: str, unigrams: bool, cut) -> tuple[Counter[str], int, list[str]]:
    """A field's term counts (bigrams, unigrams of a title, words of three characters or
    more, latin and digit runs), its length and its words. The terms are gathered into
    lists and counted once: a count per run was a third of the analysis' time."""
    grams: list[str] = []
    words: list[str] = []
    latin: list[str] = []
    length = 0
    add = operator.add
    for run in runs(normalize(text)):
        if CJK_RE.fullmatch(run):
            n = len(run)
            length += n
            if n < 2:
                grams.append(run)
                continue
            grams += map(add, run, run[1:])
            if unigrams:
                grams += run
            if n > 2:
                words += [w for w in cut(run) if len(w) >= 2]
        else:
            length += 1
            if len(run) >= 2 or run.isdigit():
                latin.append(run)
    counts = Counter(grams)
    counts.update([w for w in words if len(w) >= 3])
    counts.update(latin)
    return counts, length, words


def title_phrases(title: str) -> set[str]:
    """Pairs of adjacent words in a title (住房 + 公积金), kept as vocabulary phrases.

    jieba's dictionary lacks many names people type whole (住房公积金); titles name them.
    """
    cut = segmenter()[2]
    out: set[str] = set()
    for run in runs(normalize(title)):
        if not CJK_RE.fullmatch(run):
            continue
        words = [w for w in cut(run) if w.strip()]
        for a, b in pairwise(words):
            if len(a) >= 2 and len(a + b) <= 6:  # 食品安全 + 法 too: titles end in 法, 令
                out.add(a + b)
    return out


class BodyCache:
    """Analysed bodies by content hash, on disk: a rebuild re-tokenises only changed text.

    jieba on the body is nearly all of the indexing time; titles and metadata are cheap.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.hits = 0
        self.misses = 0

    def get(self, text: str, compute: Callable[[], tuple[Counter[str], int, list[str]]]
            ) -> tuple[Counter[str], int, list[str]]:
        """The analysis of ``text`` (:func:`_field_terms`: counts, length, words), computed
        once. Kept as joined strings and an array, its words once each (a pickled Counter
        was a fifth of a worker's time in a build without cache)."""
        key = hashlib.sha256(text.encode()).hexdigest()[:24]
        path = self.folder / f"{key}.b2"
        try:
            terms, counts, length, words = pickle.loads(path.read_bytes())  # noqa: S301 - our own cache
        except (OSError, ValueError, pickle.UnpicklingError, EOFError):
            pass
        else:
            self.hits += 1
            return (Counter(dict(zip(terms.split("\0") if terms else [],
                                     np.frombuffer(counts, dtype=np.uint32).tolist(), strict=True))),
                    length, words.split("\0") if words else [])
        self.misses += 1
        value = compute()
        got, length, all_words = value
        write_atomic(path, pickle.dumps(
            ("\0".join(got), np.fromiter(got.values(), dtype=np.uint32, count=len(got)).tobytes(),
             length, "\0".join(sorted(set(all_words)))), protocol=pickle.HIGHEST_PROTOCOL))
        return value


#: Bump when analysis changes what it returns for the same text (invalidates DocCache).
ANALYSIS_VERSION = "2"


@dataclass
class CompactTerms:
    """A document's analysis as the index keeps it: term strings beside their packed
    frequencies (no dict per document), and the vocabulary's words."""

    terms: list[str]
    packed: np.ndarray
    lengths: tuple[int, int, int, int]
    words: list[str]
    title_words: list[str]
    docnums: list[str]

    @classmethod
    def of(cls, t: DocTerms) -> CompactTerms:
        return cls(list(t.tf), np.fromiter(t.tf.values(), dtype=np.uint32, count=len(t.tf)),
                   t.lengths, sorted(t.words), sorted(t.title_words), list(t.docnums))


def doc_key(doc: SearchDoc) -> str:
    """What a document's analysis depends on, as a hash."""
    blob = json.dumps([ANALYSIS_VERSION, segmenter()[0], doc.title, doc.doc_number,
                       doc.issuer, doc.tags, doc.headings, doc.summary, doc.body],
                      ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()[:32]


class DocCache:
    """Whole documents' analyses by content hash: an unchanged document costs one small
    file read (its terms and packed frequencies), not a tokenisation and a dict per term.

    Bodies are also cached on their own (:class:`BodyCache`), so a document whose title
    or metadata changed re-tokenises only those.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder / "doc"
        self.folder.mkdir(parents=True, exist_ok=True)
        self.bodies = BodyCache(folder)
        self.hits = 0
        self.misses = 0

    def get(self, doc: SearchDoc) -> CompactTerms:
        """The analysis of ``doc``, computed once per content."""
        known = self.read(doc)
        return known if known is not None else self.compute(doc)

    def read(self, doc: SearchDoc) -> CompactTerms | None:
        """The analysis of ``doc`` if the cache holds it."""
        path = self.folder / f"{doc_key(doc)}.pickle"
        try:
            record = pickle.loads(path.read_bytes())  # noqa: S301 - our own cache
        except (OSError, ValueError, pickle.UnpicklingError, EOFError):
            return None
        self.hits += 1
        return from_record(record)

    def compute(self, doc: SearchDoc) -> CompactTerms:
        """Analyse ``doc`` and keep the analysis."""
        self.misses += 1
        out = CompactTerms.of(analyze(doc, self.bodies))
        write_atomic(self.folder / f"{doc_key(doc)}.pickle",
                     pickle.dumps(to_record(out), protocol=pickle.HIGHEST_PROTOCOL))
        return out


Record = tuple[str, bytes, tuple[int, int, int, int], str, str, list[str]]


def to_record(out: CompactTerms) -> Record:
    """An analysis as the cache file (and a worker's answer) holds it: strings joined."""
    return ("\0".join(out.terms), out.packed.astype(np.uint32).tobytes(), out.lengths,
            "\0".join(out.words), "\0".join(out.title_words), out.docnums)


def from_record(record: Record) -> CompactTerms:
    terms, packed, lengths, words, title_words, docnums = record
    return CompactTerms(terms.split("\0") if terms else [],
                        np.frombuffer(packed, dtype=np.uint32), tuple(lengths),  # type: ignore[arg-type]
                        words.split("\0") if words else [],
                        title_words.split("\0") if title_words else [], list(docnums))


_WORKER_CACHE: DocCache | None = None
#: A worker's own term ids: each term string crosses to the indexing process once, with
#: the first answer using it; later answers name it by this id.
_WORKER_IDS: dict[str, int] = {}
_WORKER_NAME = 0


class WorkerAnswer(NamedTuple):
    """A worker's analysis of one document, its terms as the worker's own ids.

    Attributes:
        worker: The worker's name, random (its ids mean something only with it).
        first: The worker's id of the first of ``new``.
        new: Terms this worker names for the first time, joined by NUL (ids ``first``...).
        terms, words, title_words: The document's terms, words and title words as the
            worker's ids (int32 bytes), in :class:`CompactTerms`' order.
    """

    worker: int
    first: int
    new: str
    terms: bytes
    packed: bytes
    lengths: tuple[int, int, int, int]
    words: bytes
    title_words: bytes
    docnums: list[str]


def init_worker(folder: str) -> None:
    """A worker process's start (:class:`~search_index.indexer.SearchIndex` analyses the
    documents its cache lacks in such processes): its cache, and the segmenter loaded."""
    global _WORKER_CACHE, _WORKER_NAME
    _WORKER_CACHE = DocCache(Path(folder))
    _WORKER_IDS.clear()
    _WORKER_NAME = int.from_bytes(os.urandom(8), "little") >> 1
    next(iter(segmenter()[1]("预热分词")), None)


def analyse_in_worker(doc: SearchDoc) -> WorkerAnswer:
    """Analyse ``doc`` in a worker process, keep it in the cache, and answer it with the
    worker's term ids (the indexing process then looks up each term string once per
    worker, not once per document using it)."""
    assert _WORKER_CACHE is not None
    out = _WORKER_CACHE.compute(doc)
    ids, first = _WORKER_IDS, len(_WORKER_IDS)
    new: list[str] = []

    def local(terms: list[str]) -> bytes:
        got = ids.get
        found = [got(t) for t in terms]
        if None in found:
            for k, i in enumerate(found):
                if i is None:
                    term = terms[k]
                    i = got(term)
                    if i is None:
                        i = ids[term] = len(ids)
                        new.append(term)
                    found[k] = i
        return np.array(found, dtype=np.int32).tobytes()

    terms, words, title_words = local(out.terms), local(out.words), local(out.title_words)
    return WorkerAnswer(_WORKER_NAME, first, "\0".join(new), terms,
                        out.packed.astype(np.uint32).tobytes(), out.lengths, words,
                        title_words, out.docnums)


def analyze(doc: SearchDoc, cache: BodyCache | None = None) -> DocTerms:
    """Tokenise a document: bigrams, jieba search-mode words of 3+ characters, latin tokens.

    Titles also index single characters, so a one-character query (税) finds titles.
    """
    cut = segmenter()[1]
    texts = (
        doc.title,
        " ".join([doc.doc_number, doc.issuer, *doc.tags]),
        " ".join([*doc.headings, doc.summary]),
        doc.body,
    )
    per_field: list = []
    out = DocTerms()
    lengths = []
    for i, text in enumerate(texts):
        if i == 3 and cache is not None:
            counts, length, words = cache.get(
                text, lambda body=text: _field_terms(body, False, cut))  # type: ignore[misc]
        else:
            counts, length, words = _field_terms(text, i == 0, cut)
        per_field.append(counts)
        lengths.append(length)
        if i == 0:
            lengths[0] = len(TITLE_PREFIX.sub("", normalize(text)))
        kept = [w for w in set(words) if len(w) <= 6]
        out.words.update(kept)
        if i == 0:
            out.title_words.update(kept)
            phrases = title_phrases(text)
            out.title_words.update(phrases)
            out.words.update(phrases)

            if len(normalize(doc.title)) <= 6 and CJK_RE.fullmatch(normalize(doc.title)):
                out.title_words.add(normalize(doc.title))
    out.tf = _packed(per_field)
    out.lengths = tuple(lengths)  # type: ignore[assignment]
    key = docnum_key(doc.doc_number) if doc.doc_number else None
    out.docnums = [key] if key else []
    return out
