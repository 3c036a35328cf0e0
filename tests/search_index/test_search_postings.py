"""The postings spool: the same numbers as one posting at a time, spilled or not, and
analyses read back from the cache."""
from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
from search_fixture_docs import DOCS, SYNONYMS

from search_index import postings
from search_index.analyze import CAPS, FIELDS, SHIFTS, pack, unpack
from search_index.indexer import K1, WEIGHTS, B, SearchIndex

pytestmark = pytest.mark.unit


def one_by_one(packed: int, lens: tuple[int, ...], avg: list[float], title_len: int) -> int:
    """The per-posting formula the vectorised one must match exactly."""
    tfs = unpack(packed)
    tf = 0.0
    for i, name in enumerate(FIELDS):
        if tfs[i]:
            norm = 1 - B[name] + B[name] * lens[i] / avg[i]
            tf += WEIGHTS[name] * tfs[i] / max(norm, 0.1)
    q = max(1, min(255, round(255 * tf / (K1 + tf))))
    return -(q * 128 + min(127, max(1, title_len))) if tfs[0] else q


def test_impacts_equal_the_formula_posting_by_posting() -> None:
    rng = random.Random(7)
    rows = []
    for _ in range(5000):
        freqs = [rng.choice([0, 0, 1, 2, 15]), rng.choice([0, 1, 3]), rng.choice([0, 1, 40]),
                 rng.choice([0, 1, 7, 300])]
        if not any(freqs):
            freqs[3] = 1
        rows.append((pack(freqs), (rng.randint(1, 40), rng.randint(0, 9), rng.randint(0, 300),
                                   rng.randint(1, 60000)), rng.randint(0, 200)))
    avg = [12.0, 3.2, 45.0, 5400.0]
    got = postings.impacts(
        np.array([r[0] for r in rows], dtype=np.uint32),
        np.array([r[1] for r in rows], dtype=np.float64), avg,
        np.array([r[2] for r in rows]), tuple(WEIGHTS[f] for f in FIELDS),
        tuple(B[f] for f in FIELDS), K1, CAPS, SHIFTS)
    assert got.tolist() == [one_by_one(p, lens, avg, t) for p, lens, t in rows]


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def test_spilling_to_disk_changes_nothing_in_the_index(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    synonyms = tmp_path / "synonyms.yml"
    synonyms.write_text(SYNONYMS, "utf-8")

    def build(out: Path) -> None:
        index = SearchIndex(synonyms_path=synonyms)
        for doc in DOCS:
            index.add(doc)
        index.write(out)

    build(tmp_path / "memory")
    monkeypatch.setattr(postings, "SPILL_ROWS", 50)  # a spill every document or two
    build(tmp_path / "spilled")
    assert _files(tmp_path / "spilled") == _files(tmp_path / "memory")


def test_a_rebuild_reads_every_analysis_back_and_encodes_no_bucket(tmp_path: Path) -> None:
    synonyms = tmp_path / "synonyms.yml"
    synonyms.write_text(SYNONYMS, "utf-8")
    stats = []
    for n in range(2):
        index = SearchIndex(synonyms_path=synonyms, analysis_cache=tmp_path / "analysis")
        for doc in DOCS:
            index.add(doc)
        assert index.doc_cache is not None
        stats.append((index.doc_cache.hits, index.doc_cache.misses))
        index.write(tmp_path / f"site{n}", cache_dir=tmp_path / "files")
    assert stats == [(0, len(DOCS)), (len(DOCS), 0)]
    assert _files(tmp_path / "site0") == _files(tmp_path / "site1")
    assert (tmp_path / "files" / postings.DIGESTS).is_file()


def test_memory_of_earlier_builds_gives_the_same_index_and_forgets_old_documents(
        tmp_path: Path) -> None:
    """``tongda serve`` keeps analyses as term ids between rebuilds: the files are those a
    build without memory writes, and a document that changed is analysed again."""
    import dataclasses

    from search_index.indexer import IndexMemory

    synonyms = tmp_path / "synonyms.yml"
    synonyms.write_text(SYNONYMS, "utf-8")
    memory = IndexMemory()
    edited = [dataclasses.replace(d, body=d.body + "\n本条新增：犬只应当佩戴犬牌。")
              if d.id == "beijing-dogs" else d for d in DOCS]
    for n, docs in enumerate((DOCS, DOCS, edited)):
        remembered = SearchIndex(synonyms_path=synonyms)
        remembered.use_memory(memory)
        plain = SearchIndex(synonyms_path=synonyms)
        for doc in docs:
            remembered.add(doc)
            plain.add(doc)
        remembered.write(tmp_path / f"memory{n}")
        plain.write(tmp_path / f"plain{n}")
        assert _files(tmp_path / f"memory{n}") == _files(tmp_path / f"plain{n}")
        assert len(memory.docs) == len(DOCS)  # the edited document's old analysis is gone
    assert _files(tmp_path / "memory2") != _files(tmp_path / "memory1")
