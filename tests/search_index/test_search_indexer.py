from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from search_fixture_docs import DOCS, build

from search_index.indexer import SearchIndex
from search_index.store import EXT, read_file

pytestmark = pytest.mark.unit


def test_every_index_file_is_named_by_its_content(index_dir: Path) -> None:
    import gzip
    import hashlib

    files = [p for p in index_dir.iterdir() if p.suffix == EXT and p.name != "manifest.tdz"]
    assert len(files) > 20
    for p in files:
        raw = gzip.decompress(p.read_bytes())
        assert p.name.endswith(hashlib.sha256(raw).hexdigest()[:12] + EXT)


def test_manifest_is_small_and_lists_families(index_dir: Path) -> None:
    manifest = read_file(index_dir / "manifest.tdz")
    assert manifest["n"] == len(DOCS)
    assert set(manifest["fam"]) >= {"t", "py", "pyi", "pyp", "chr", "dn", "sug"}
    assert (index_dir / "manifest.tdz").stat().st_size < 20_000  # lexicon included
    # Doc ids are grouped by kind, so the runtime knows a kind without fetching anything.
    assert manifest["kinds"]["service"][0] == 0


def test_lexicon_carries_the_editors_synonyms(index_dir: Path) -> None:
    lex = read_file(index_dir / "manifest.tdz")["lexicon"]
    assert lex["syn"]["出国"] == ["护照", "出境入境"]
    assert "办理" in lex["cues"]["service"]


def test_rebuild_with_one_changed_document_rewrites_only_its_shards(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    build(tmp_path / "a", cache=cache)
    total = len(list(cache.iterdir()))
    docs = list(DOCS)
    i = next(k for k, d in enumerate(docs) if d.id == "beijing-dogs")
    docs[i] = dataclasses.replace(docs[i], body=docs[i].body + "\n犬只应当佩戴犬牌。")
    index = SearchIndex(synonyms_path=tmp_path / "a" / "synonyms.yml")
    for d in docs:
        index.add(d)
    stats = index.write(tmp_path / "b" / "search", cache_dir=cache)
    assert 0 < stats.files_written < total / 3
    assert stats.files_reused > stats.files_written
    # The output folder holds exactly the files of the new build.
    out = {p.name for p in (tmp_path / "b" / "search").iterdir()} - {"manifest.tdz"}
    assert len(out) <= stats.files_written + stats.files_reused


def test_an_unchanged_rebuild_writes_nothing_new(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    build(tmp_path / "a", cache=cache)
    index = SearchIndex(synonyms_path=tmp_path / "a" / "synonyms.yml")
    for d in DOCS:
        index.add(d)
    assert index.write(tmp_path / "b" / "search", cache_dir=cache).files_written == 0
