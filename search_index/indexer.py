"""The index builder: collect documents, then write the sharded index.

Usage::

    index = SearchIndex(synonyms_path=Path("content/_data/synonyms.yml"),
                        analysis_cache=Path(".cache/search/analysis"))
    for doc in docs:
        index.add(doc)
    stats = index.write(Path("site/search"), cache_dir=Path(".cache/search"))
"""
from __future__ import annotations

import dataclasses
import gzip
import math
import multiprocessing
import os
import tempfile
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from search_index import state as state_mod
from search_index import vocab as vocab_mod
from search_index.analyze import (
    CAPS,
    FIELDS,
    SHIFTS,
    TITLE_PREFIX,
    CompactTerms,
    DocCache,
    WorkerAnswer,
    analyse_in_worker,
    analyze,
    doc_key,
    init_worker,
)
from search_index.asks import AskTable, feedback_table, load_feedback
from search_index.lexicon import build_lexicon
from search_index.model import SearchDoc
from search_index.postings import PostingSpool, TermTable, Touched, impacts, write_terms
from search_index.processes import stop_pool
from search_index.store import (
    EXT,
    FileWriter,
    bucket_count,
    dumps,
    link_file,
    page_size,
    write_family,
)
from search_index.text import normalize

#: Field weights and length normalisation (BM25F); baked into each posting's impact.
WEIGHTS = {"title": 3.0, "meta": 6.0, "head": 3.0, "body": 1.0}
B = {"title": 0.75, "meta": 0.0, "head": 0.3, "body": 0.75}
K1 = 1.2
MANIFEST = "manifest.tdz"
DOC_CHUNK = 8
EXCERPT_CHARS = 12000
#: Target number of postings per term bucket (about 2-3 KB gzipped).
POSTINGS_PER_BUCKET = 600
#: Documents the cache lacks that are analysed in the caller's process before worker
#: processes are started (a rebuild after a few edits, or a small site, starts none:
#: a worker's start, about a second of imports, would cost more than it saves).
INLINE_MISSES = 200
#: Analyses sent to the workers and not yet taken back, at most (memory).
MAX_PENDING = 256
#: Documents a worker may have waiting (per worker): with more, the indexing process
#: analyses the next document itself rather than wait for the workers (on two cores the
#: one worker is slower than the rendering that feeds it).
AHEAD = 12


@dataclass
class BuildStats:
    """What a write did: documents, files written and reused, bytes, seconds."""

    docs: int
    files_written: int
    files_reused: int
    bytes_written: int
    total_bytes: int
    seconds: float
    #: Documents taken from the earlier build's state without being analysed again.
    docs_reused: int = 0


def _round2(x: float) -> float:
    """Two significant digits, so one edited document rarely moves the averages."""
    if x <= 0:
        return 1.0
    e = math.floor(math.log10(x)) - 1
    return round(x / 10**e) * 10**e


@dataclass
class _Known:
    """A document's analysis as :class:`IndexMemory` keeps it: terms as ids, no strings."""

    tids: np.ndarray
    packed: np.ndarray
    lengths: tuple[int, int, int, int]
    words: np.ndarray
    title_words: np.ndarray
    docnums: list[str]


class IndexMemory:
    """What a long-lived process (``tongda serve``) keeps from one index build to the next:
    the term table and each document's analysis as term ids, by content. An unchanged
    document then costs neither a cache read nor a term lookup; only the documents a save
    changed are analysed. Documents no build used any more are forgotten."""

    def __init__(self) -> None:
        self.table = TermTable()
        self.docs: dict[str, _Known] = {}
        self.used: set[str] = set()

    def known(self, key: str) -> _Known | None:
        self.used.add(key)
        return self.docs.get(key)

    def keep(self, key: str, terms: CompactTerms) -> _Known:
        ids = self.table.ids_of
        known = self.docs[key] = _Known(ids(terms.terms), terms.packed, terms.lengths,
                                        ids(terms.words), ids(terms.title_words), terms.docnums)
        return known

    def forget_unused(self) -> None:
        self.docs = {k: v for k, v in self.docs.items() if k in self.used}
        self.used = set()


class SearchIndex:
    """Collects documents (``add``) and writes the sharded index (``write``).

    With ``analysis_cache``, each document's analysis is kept by content hash (an
    unchanged document is read back, not tokenised), its excerpt file is kept there too
    (not compressed again), and so are the pinyin readings of the vocabulary. Postings go
    to partitioned spill files as documents are added (:mod:`search_index.postings`), so
    memory holds a partition's postings at a time, not the site's.
    """

    def __init__(self, synonyms_path: Path | None = None,
                 analysis_cache: Path | None = None, memory: IndexMemory | None = None,
                 feedback_path: Path | None = None, state_dir: Path | None = None,
                 state_salt: str = "", workers: int = 0) -> None:
        self.synonyms_path = synonyms_path
        # The Q&A function's satisfaction votes (exported), read when the index is written.
        self.feedback_path = feedback_path
        self.asks = AskTable()
        self.doc_cache = DocCache(analysis_cache) if analysis_cache else None
        self.pinyin = vocab_mod.PinyinMemo(analysis_cache / "pinyin.pickle"
                                           if analysis_cache else None)
        self.docs: list[SearchDoc] = []
        self.lengths: list[tuple[int, int, int, int]] = []
        self.title_lens: list[int] = []
        # The earlier build's state (search_index.state): needs the excerpt spool of the
        # analysis cache, which it refers to. An index with a state keeps its analyses
        # there, not in a process' memory (the two have term tables of their own).
        self.state_dir = state_dir if analysis_cache is not None else None
        self.memory = memory if self.state_dir is None else None
        self.state_version = state_mod.code_version(state_salt)
        self.prev = state_mod.load(self.state_dir, self.state_version) if self.state_dir else None
        if self.prev is not None and self.prev.worn():
            self.prev.release()
            self.prev = None
        # Per document, by the order added (seq), beside docs/lengths/title_lens/excerpts:
        # its key for the next build, its 文号 keys and its number of posting rows.
        self.keys: list[str] = []
        self.numbers: list[list[str]] = []
        self.rows: list[int] = []
        self._seq_map = np.full(len(self.prev.docs) if self.prev else 0, -1, dtype=np.int32)
        self._next: state_mod.StateWriter | None = None
        # Worker processes analysing what the cache lacks (add), and their answers to come.
        self.workers = workers
        self.in_workers = 0  # documents analysed in worker processes
        self._pool: ProcessPoolExecutor | None = None
        self._pending: deque[tuple[int, Future[WorkerAnswer | CompactTerms]]] = deque()
        #: Per worker process, its term ids (analyse_in_worker) to this index's.
        self._worker_ids: dict[int, _IdMap] = {}
        self._terms_state: state_mod.TermsState | None = None
        #: Whether the last write encoded only the buckets of changed documents' terms.
        self.incremental = False
        if self.prev is not None:
            table: TermTable | None = self.prev.table()
        else:
            table = self.memory.table if self.memory is not None else None
        self.postings = PostingSpool(table)
        self.words = state_mod.WordSpool(Path(self.postings._dir.name) / "words.rows")
        self.vocab = vocab_mod.Vocabulary()
        self._spool_dir: tempfile.TemporaryDirectory[str] | None = None
        if analysis_cache is not None:
            self.spool = FileWriter(analysis_cache / "x")
        else:
            self._spool_dir = tempfile.TemporaryDirectory(prefix="tongda-search-")
            self.spool = FileWriter(Path(self._spool_dir.name))
        self.excerpts: list[str] = []

    def use_memory(self, memory: IndexMemory) -> None:
        """Keep analyses in ``memory`` across the builds of this process (before any add).
        An index with a state folder keeps its state there instead and ignores this."""
        if self.state_dir is not None:
            return
        self.memory = memory
        self.postings.close()
        self.postings = PostingSpool(memory.table)
        self.words = state_mod.WordSpool(Path(self.postings._dir.name) / "words.rows")

    def reuse(self, key: str) -> bool:
        """Take the document the earlier build indexed under ``key`` (a hash of all the
        page gave the index), without modelling or analysing it again; False when there
        is none (then :meth:`add` it)."""
        prev = self.prev
        if prev is None or not key:
            return False
        i = prev.by_key.get(key)
        if i is None or self._seq_map[i] >= 0:
            return False
        d = prev.docs[i]
        if not self.spool.has(d.excerpt):
            return False
        self._seq_map[i] = len(self.docs)
        self._append(key, d.doc, d.lengths, d.title_len, d.excerpt, d.docnums, d.rows)
        self.asks.add(d.doc)
        return True

    def add(self, doc: SearchDoc, key: str = "") -> None:
        """Analyse one document (or read its analysis back) and spool its postings;
        ``key`` names it for the next build's :meth:`reuse`.

        With ``workers``, a document the cache lacks is analysed in a worker process (past
        the first :data:`INLINE_MISSES`), and its postings are spooled when the analysis
        comes back; :meth:`write` waits for the last ones."""
        seq = len(self.docs)
        # Keep memory per document small: the excerpt goes to the spool now, the body goes.
        text = doc.summary + "\n" + doc.body if doc.summary else doc.body
        excerpt = self.spool.put(text[:EXCERPT_CHARS], "x-")
        # lengths, 文号 keys and rows: until the analysis is taken (_take)
        self._append(key, dataclasses.replace(doc, body="", headings=[]), (0, 0, 0, 0),
                     len(normalize_title(doc.title)), excerpt, [], 0)
        self.asks.add(doc)
        if self.memory is not None:
            known = self._known(doc)
            self._take(seq, known.tids, known.packed, known.words, known.title_words,
                       known.lengths, known.docnums)
            return
        terms = self.doc_cache.read(doc) if self.doc_cache is not None else None
        if terms is None:
            if self._worker_pool() is not None:
                assert self.doc_cache is not None and self._pool is not None
                self.doc_cache.misses += 1
                self._drain()
                if self._in_flight() < AHEAD * self.workers:
                    self.in_workers += 1
                    self._pending.append((seq, self._pool.submit(analyse_in_worker, doc)))
                else:  # the workers are behind: this process analyses instead of waiting
                    here: Future[WorkerAnswer | CompactTerms] = Future()
                    here.set_result(self.doc_cache.compute(doc))
                    self._pending.append((seq, here))
                self._drain(keep=MAX_PENDING)
                return
            terms = self.doc_cache.compute(doc) if self.doc_cache else CompactTerms.of(analyze(doc))
        self._take_terms(seq, terms)

    def _in_flight(self) -> int:
        """Documents sent to the workers whose analysis is not back yet."""
        return sum(1 for _seq, future in self._pending if not future.done())

    def _append(self, key: str, doc: SearchDoc, lengths: tuple[int, int, int, int],
                title_len: int, excerpt: str, numbers: list[str], rows: int) -> None:
        """One more document, as the index keeps it (body and headings left out)."""
        self.keys.append(key)
        self.docs.append(doc)
        self.lengths.append(lengths)
        self.title_lens.append(title_len)
        self.excerpts.append(excerpt)
        self.numbers.append(numbers)
        self.rows.append(rows)
        self.vocab.add_title(doc.title)

    def _take_terms(self, seq: int, terms: CompactTerms) -> None:
        ids = self.postings.table.ids_of
        self._take(seq, ids(terms.terms), terms.packed, ids(terms.words), ids(terms.title_words),
                   terms.lengths, terms.docnums)

    def _take(self, seq: int, tids: np.ndarray, packed: np.ndarray, words: np.ndarray,
              title_words: np.ndarray, lengths: tuple[int, int, int, int],
              docnums: list[str]) -> None:
        """A document's analysis, as term ids, into the spools."""
        self.postings.add_ids(seq, tids, packed)
        self.words.add(seq, words, title_words)
        self.lengths[seq] = tuple(lengths)  # type: ignore[assignment]
        self.numbers[seq] = list(docnums)
        self.rows[seq] = len(tids)

    def _worker_pool(self) -> ProcessPoolExecutor | None:
        """The worker processes, started once the cache has missed :data:`INLINE_MISSES`
        documents (an edit or two is analysed here, without starting a process)."""
        if self._pool is None and self.workers > 0 and self.doc_cache is not None \
                and self.doc_cache.misses >= INLINE_MISSES:
            self._pool = ProcessPoolExecutor(
                self.workers, multiprocessing.get_context("spawn"), init_worker,
                (str(self.doc_cache.folder.parent),))
        return self._pool

    def _drain(self, block: bool = False, keep: int | None = None) -> None:
        """Take the analyses the workers have finished, in the order documents came; with
        ``block``, wait for all of them; with ``keep``, for all but that many."""
        pending = self._pending
        while pending and (block or pending[0][1].done()
                           or (keep is not None and len(pending) > keep)):
            seq, future = pending.popleft()
            self._take_answer(seq, future.result())

    def _take_answer(self, seq: int, answer: WorkerAnswer | CompactTerms) -> None:
        """A worker's analysis: its new terms looked up once, then its ids mapped (or
        one this process made while the workers were behind)."""
        if isinstance(answer, CompactTerms):
            self._take_terms(seq, answer)
            return
        known = self._worker_ids.get(answer.worker)
        if known is None:
            known = self._worker_ids[answer.worker] = _IdMap()
        if answer.first != known.size:  # answers of one worker come in the order it made them
            raise RuntimeError(f"search worker {answer.worker}: answer names terms from id "
                               f"{answer.first}, {known.size} known")
        if answer.new:
            known.extend(self.postings.table.ids_of(answer.new.split("\0")))
        self._take(seq, known.of(answer.terms), np.frombuffer(answer.packed, dtype=np.uint32),
                   known.of(answer.words), known.of(answer.title_words), answer.lengths,
                   answer.docnums)

    def close(self) -> None:
        """Stop the worker processes without waiting (a build that failed or stopped)."""
        pool, self._pool = self._pool, None
        self._pending.clear()
        stop_pool(pool, wait=False)

    def _known(self, doc: SearchDoc) -> _Known:
        """A document's analysis through the memory of earlier builds in this process."""
        assert self.memory is not None
        key = doc_key(doc)
        known = self.memory.known(key)
        if known is None:
            terms = self.doc_cache.get(doc) if self.doc_cache else CompactTerms.of(analyze(doc))
            known = self.memory.keep(key, terms)
        return known

    # -- writing -------------------------------------------------------------------------
    def write(self, out_dir: Path, cache_dir: Path | None = None,
              between: Callable[[], None] | None = None) -> BuildStats:
        """Write the index into ``out_dir`` (hash-named files plus ``manifest.tdz``).

        The manifest is the one file with a fixed name (gzip JSON, rewritten by each build);
        it carries the lexicon inline so a first query needs one round trip less.

        With ``cache_dir``, files are written there once and copied, so a rebuild writes
        only the files whose content changed. ``between`` is called between the steps
        (``tongda serve`` stops a build that is out of date there); whatever it raises
        stops the writing, and the index is not to be written again.
        """
        t0 = time.perf_counter()
        store = cache_dir or out_dir
        writer = FileWriter(store, out_dir if cache_dir is not None else None)
        try:
            self._drain(block=True)
        finally:
            self.close()
        order = sorted(range(len(self.docs)), key=lambda s: self.docs[s].sort_key())
        new_id = [0] * len(order)
        for i, s in enumerate(order):
            new_id[s] = i
        if self.prev is not None:
            assert self.prev.folder is not None
            inherited = np.flatnonzero(self._seq_map >= 0)
            self.postings.inherit(self.prev.folder, self._seq_map,
                                  sum(self.prev.docs[i].rows for i in inherited.tolist()))
            self.words.inherit(self.prev.folder / state_mod.WORDS, self._seq_map)
        self._next = state_mod.StateWriter(self.state_dir) if self.state_dir else None
        try:
            manifest = self._manifest(writer, order, new_id, cache_dir, between)
        except BaseException:
            if self._next is not None:
                self._next.abandon()
            raise
        finally:
            self.postings.close()
            self.words.close()
            if self.prev is not None:
                self.prev.release()
        self.pinyin.save()
        if self.memory is not None:
            self.memory.forget_unused()
        names = set(writer.written) | set(writer.reused)
        out_dir.mkdir(parents=True, exist_ok=True)
        if cache_dir is not None:
            there = {n for n in os.listdir(out_dir) if n.endswith(".tdz")}
            for old in there - names:
                os.unlink(os.path.join(out_dir, old))
            src, dest = os.fspath(store), os.fspath(out_dir)
            for name in names - there:
                link_file(os.path.join(src, name), os.path.join(dest, name))
        (out_dir / MANIFEST).write_bytes(gzip.compress(dumps(manifest), 9, mtime=0))
        if self._next is not None:
            self._commit_state()
        folder = os.fspath(out_dir)
        total = sum(os.stat(os.path.join(folder, n)).st_size for n in names)
        return BuildStats(len(self.docs), len(writer.written), len(writer.reused),
                          writer.bytes_written, total, time.perf_counter() - t0,
                          int((self._seq_map >= 0).sum()))

    def _commit_state(self) -> None:
        """Name this build's state current, for the next build's :meth:`reuse`."""
        assert self._next is not None
        table = self.postings.table
        fresh = self.prev.fresh_terms if self.prev is not None else len(table.terms)
        docs = [state_mod.DocState(*fields) for fields in zip(
            self.keys, self.docs, self.lengths, self.title_lens, self.excerpts, self.numbers,
            self.rows, strict=True)]
        state = state_mod.IndexState(self.state_version, table.terms, table.hashes().copy(),
                                     docs, fresh, self._terms_state)
        self._next.commit(state)

    def _manifest(self, writer: FileWriter, order: list[int], new_id: list[int],
                  cache_dir: Path | None, between: Callable[[], None] | None) -> dict:
        n = len(self.docs)
        avg = [_round2(sum(ln[i] for ln in self.lengths) / max(n, 1)) for i in range(4)]
        keep = self._next.words_path() if self._next is not None else None
        self.vocab.word_df, self.vocab.title_df, changed = self.words.count(
            self.postings.table.terms, keep)
        fam: dict[str, Any] = {}
        fam["t"] = self._write_terms(writer, order, new_id, avg, cache_dir, between, changed)
        if between is not None:
            between()
        fam.update(vocab_mod.write_families(writer, self.vocab, n, self.pinyin))
        if between is not None:
            between()
        numbered: dict[str, list[int]] = {}
        for seq, numbers in enumerate(self.numbers):
            for number in numbers:
                numbered.setdefault(number, []).append(new_id[seq])
        dn = {k: (k, sorted(v)) for k, v in numbered.items()}
        fam["dn"] = write_family(writer, "dn", dn, bucket_count(len(dn), 200))
        kinds: dict[str, list[int]] = {}
        for i, s in enumerate(order):
            k = self.docs[s].kind
            kinds.setdefault(k, [i, i + 1])[1] = i + 1
        lexicon = build_lexicon(self.synonyms_path)
        id_of = {self.docs[s].id: new_id[s] for s in order}
        fam["ask"] = self.asks.write(writer, id_of, lexicon["stop"],
                                    lambda bg: self.vocab.word_df[bg] >= 2)
        return {
            "v": 1,
            "n": n,
            "kinds": kinds,
            "fam": fam,
            "lexicon": lexicon,
            "fb": feedback_table(load_feedback(self.feedback_path), id_of),
            "docs": self._write_docs(writer, order),
            "facets": self._write_facets(writer, order),
            "dates": writer.put([_date_int(self.docs[s].date) for s in order], "dates-"),
        }

    def _write_terms(self, writer: FileWriter, order: list[int], new_id: list[int],
                     avg: list[float], cache_dir: Path | None,
                     between: Callable[[], None] | None, changed: np.ndarray) -> dict:
        lengths = np.asarray(self.lengths, dtype=np.float64).reshape(-1, 4)
        title_lens = np.asarray(self.title_lens, dtype=np.int64)
        weights = tuple(WEIGHTS[f] for f in FIELDS)
        b = tuple(B[f] for f in FIELDS)

        def impact(rows: np.ndarray) -> np.ndarray:
            seq = rows["seq"]
            return impacts(rows["packed"], lengths[seq], avg, title_lens[seq], weights, b, K1,
                           CAPS, SHIFTS)

        word_df = self.vocab.word_df
        buckets = bucket_count(self.postings.total, POSTINGS_PER_BUCKET)
        ids = [self.docs[s].id for s in order]
        touched = None
        earlier = self.prev.t if self.prev is not None else None
        if (earlier is not None and cache_dir is not None and earlier.buckets == buckets
                and earlier.avg == avg and earlier.order == ids):
            # Nothing global moved: only the buckets of changed documents' terms change.
            touched = Touched(earlier.names, self.postings.table.hashes()[changed])
        self.incremental = touched is not None
        names: list[str] = []
        fam = write_terms(self.postings, writer, cache_dir, buckets, impact,
                          np.asarray(new_id, dtype=np.int64), lambda t: word_df.get(t, 0),
                          between, touched=touched,
                          keep=self._next.keep_rows if self._next is not None else None,
                          names_out=names)
        self._terms_state = state_mod.TermsState(buckets, avg, ids, names)
        return fam

    def _write_docs(self, writer: FileWriter, order: list[int]) -> dict:
        chunks: list[str] = []
        for start in range(0, len(order), DOC_CHUNK):
            recs = [self._doc_record(writer, s) for s in order[start:start + DOC_CHUNK]]
            chunks.append(writer.put(recs, "d-")[2:-len(EXT)])
        size = page_size(len(chunks))
        pages = [writer.put(chunks[i:i + size], "Pd-") for i in range(0, len(chunks), size)]
        return {"chunk": DOC_CHUNK, "s": size, "pages": pages}

    def _doc_record(self, writer: FileWriter, seq: int) -> dict[str, Any]:
        d = self.docs[seq]
        rec: dict[str, Any] = {"id": d.id, "u": d.url, "t": d.title, "k": d.kind,
                               "x": writer.adopt(self.spool.out_dir / self.excerpts[seq])}
        for key, val in (("d", d.date), ("n", d.doc_number), ("i", d.issuer), ("l", d.level),
                         ("s", d.status), ("p", d.topics), ("a", d.audiences)):
            if val:
                rec[key] = val
        return rec

    def _write_facets(self, writer: FileWriter, order: list[int]) -> dict[str, str]:
        facets: dict[str, dict[str, list[int]]] = {
            f: {} for f in ("kind", "issuer", "level", "topic", "audience", "year", "status")}
        for i, s in enumerate(order):
            d = self.docs[s]
            for f, vals in (("kind", [d.kind]), ("issuer", [d.issuer]), ("level", [d.level]),
                            ("topic", d.topics), ("audience", d.audiences),
                            ("year", [d.year]), ("status", [d.status])):
                for v in vals:
                    if v:
                        facets[f].setdefault(v, []).append(i)
        out = {}
        for f, values in facets.items():
            enc = {v: _deltas(ids) for v, ids in values.items()}
            out[f] = writer.put(enc, "f-")
        return out


class _IdMap:
    """A worker's term ids to the index's: an array grown by doubling (one concatenation
    per answer copied the whole map each time, quadratic in the vocabulary)."""

    def __init__(self) -> None:
        self._ids = np.empty(1 << 12, dtype=np.int32)
        self.size = 0

    def extend(self, ids: np.ndarray) -> None:
        end = self.size + len(ids)
        if end > len(self._ids):
            grown = np.empty(max(end, 2 * len(self._ids)), dtype=np.int32)
            grown[:self.size] = self._ids[:self.size]
            self._ids = grown
        self._ids[self.size:end] = ids
        self.size = end

    def of(self, raw: bytes) -> np.ndarray:
        """The index's ids of a worker's ids (int32 bytes)."""
        local = np.frombuffer(raw, dtype=np.int32)
        if len(local) and int(local.max()) >= self.size:
            raise IndexError(f"a worker's term id {int(local.max())} was never named ({self.size} known)")
        return self._ids[local]


def _deltas(ids: list[int]) -> list[int]:
    prev, out = 0, []
    for i in ids:
        out.append(i - prev)
        prev = i
    return out


def _date_int(iso: str) -> int:
    digits = "".join(ch for ch in iso[:10] if ch.isdigit())
    return int(digits) if len(digits) == 8 else 0


def normalize_title(title: str) -> str:
    """The title as the runtime compares it with the query (for exact-title ranking)."""
    return TITLE_PREFIX.sub("", normalize(title).replace(" ", ""))
