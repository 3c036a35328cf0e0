"""Documents the analysis cache lacks are analysed in worker processes: the index is the
one a build analysing in its own process writes, the cache is filled alike, and a build
that stops leaves no worker behind."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from search_fixture_docs import DOCS, SYNONYMS
from test_search_state import _corpus, _files

from search_index import indexer
from search_index.indexer import SearchIndex
from tests.conftest import process_ends

pytestmark = pytest.mark.integration


@pytest.fixture(autouse=True)
def few_inline(monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers start after 20 documents here (200 in a build), so small corpora use them."""
    monkeypatch.setattr(indexer, "INLINE_MISSES", 20)


def _build(root: Path, docs: list, workers: int) -> tuple[Path, SearchIndex]:
    syn = root / "synonyms.yml"
    syn.parent.mkdir(parents=True, exist_ok=True)
    syn.write_text(SYNONYMS, "utf-8")
    index = SearchIndex(synonyms_path=syn, analysis_cache=root / "analysis",
                        state_dir=root / "state", workers=workers)
    for n, doc in enumerate(docs):
        index.add(doc, f"k{n}")
    index.write(root / "site", cache_dir=root / "files")
    return root / "site", index


@pytest.mark.parametrize("workers", [1, 2])
def test_workers_write_the_index_analysing_here_writes(tmp_path: Path, workers: int) -> None:
    """Each worker names terms by ids of its own (a term string crosses once per worker),
    and this process analyses documents too while the workers are behind: with one worker
    or two, the index is the one analysing here writes."""
    docs = _corpus(120) + list(DOCS)
    here, alone = _build(tmp_path / "here", docs, 0)
    there, helped = _build(tmp_path / "workers", docs, workers)
    assert alone.in_workers == 0
    assert 1 <= len(helped._worker_ids) <= workers
    # Past the first INLINE_MISSES, each worker takes AHEAD documents before this process
    # shares the analysis (the rest: as the workers keep up); the index is the same.
    missed = len(docs) - indexer.INLINE_MISSES
    assert min(indexer.AHEAD * workers, missed) <= helped.in_workers <= missed
    assert helped._pool is None  # stopped once the index was written
    assert _files(there) == _files(here)
    cached = sorted(p.name for p in (tmp_path / "workers" / "analysis" / "doc").iterdir())
    assert cached == sorted(p.name for p in (tmp_path / "here" / "analysis" / "doc").iterdir())
    # the next build reads every analysis the workers kept
    edited = [dataclasses.replace(d, body=d.body + "。") if n == 3 else d
              for n, d in enumerate(docs)]
    index = SearchIndex(synonyms_path=tmp_path / "here" / "synonyms.yml",
                        analysis_cache=tmp_path / "workers" / "analysis", workers=1)
    for doc in edited:
        index.add(doc)
    assert index.doc_cache is not None
    assert (index.doc_cache.hits, index.doc_cache.misses, index.in_workers) == (len(docs) - 1, 1, 0)
    index.close()


@pytest.mark.parametrize(("ahead", "in_workers"), [(10**6, "all"), (0, "none")])
def test_sharing_the_analysis_either_way_writes_the_same_index(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ahead: int, in_workers: str) -> None:
    """Workers never behind (every document to them) or always behind (every document
    analysed here once the workers are started): the index analysing here writes."""
    docs = _corpus(60) + list(DOCS)
    here, _alone = _build(tmp_path / "here", docs, 0)
    monkeypatch.setattr(indexer, "AHEAD", ahead)
    there, helped = _build(tmp_path / "shared", docs, 1)
    missed = len(docs) - indexer.INLINE_MISSES
    assert helped.in_workers == (missed if in_workers == "all" else 0)
    assert _files(there) == _files(here)


def test_closing_stops_the_workers_at_once(tmp_path: Path) -> None:
    syn = tmp_path / "synonyms.yml"
    syn.write_text(SYNONYMS, "utf-8")
    index = SearchIndex(synonyms_path=syn, analysis_cache=tmp_path / "analysis", workers=1)
    for doc in _corpus(60):
        index.add(doc)
    assert index._pool is not None
    workers = list(index._pool._processes.values())  # type: ignore[attr-defined]
    assert workers
    index.close()
    for worker in workers:  # terminated: gone within seconds, not after its work
        assert process_ends(worker), worker
    assert index._pool is None and not index._pending

