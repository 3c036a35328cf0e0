"""The index's state between builds: a rebuild that inherits the earlier build's documents
writes, file for file, the index a fresh build of the same documents writes; an unchanged
document is not analysed again, and after a small edit only the buckets of the edited
document's terms are encoded."""
from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from search_fixture_docs import DOCS, SYNONYMS

from search_index import postings
from search_index import state as state_mod
from search_index.analyze import analyze
from search_index.indexer import SearchIndex
from search_index.model import SearchDoc
from search_index.text import fnv1a, term_key

pytestmark = pytest.mark.unit


def _key(doc: SearchDoc) -> str:
    """What the search plugin's input key is to a page: a hash of all it gives the index."""
    return hashlib.sha256(repr(doc).encode()).hexdigest()


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


class Builder:
    """Builds with a kept state (``inherit``) or afresh, as the search plugin does."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.synonyms = root / "synonyms.yml"
        self.synonyms.write_text(SYNONYMS, "utf-8")
        self.n = 0

    def begin(self, docs: list[SearchDoc], base: Path | None = None) -> SearchIndex:
        """A build with the kept state (or ``base``'s), its documents added, not written."""
        base = base or self.root / "kept"
        index = SearchIndex(synonyms_path=self.synonyms, analysis_cache=base / "analysis",
                            state_dir=base / "state")
        for doc in docs:
            if not index.reuse(_key(doc)):
                index.add(doc, _key(doc))
        return index

    def build(self, docs: list[SearchDoc], *, fresh: bool = False) -> tuple[Path, SearchIndex]:
        self.n += 1
        base = self.root / (f"fresh{self.n}" if fresh else "kept")
        index = self.begin(docs, base)
        out = self.root / f"site{self.n}"
        index.write(out, cache_dir=base / "files")
        return out, index


def _edit(docs: list[SearchDoc], op: str, i: int) -> list[SearchDoc]:
    i %= len(docs)
    d = docs[i]
    if op == "body":
        return [*docs[:i], dataclasses.replace(d, body=d.body + "\n新增一款：依法办理居住证。"),
                *docs[i + 1:]]
    if op == "title":
        return [*docs[:i], dataclasses.replace(d, title=d.title + "（修订）"), *docs[i + 1:]]
    if op == "meta":
        return [*docs[:i], dataclasses.replace(d, issuer="临江市人民政府", tags=["便民"]),
                *docs[i + 1:]]
    if op == "remove" and len(docs) > 2:
        return [*docs[:i], *docs[i + 1:]]
    if op == "add":
        return [*docs, dataclasses.replace(d, id=f"{d.id}-copy{len(docs)}",
                                           url=f"copies/{len(docs)}/",
                                           body=d.body + "\n另行规定护照补领。")]
    if op == "rename":
        return [*docs[:i], dataclasses.replace(d, id=d.id + "-new", url=d.url + "new/"),
                *docs[i + 1:]]
    if op == "move":  # the same documents added in another order
        return [*docs[i:], *docs[:i]]
    return docs


OPS = st.lists(st.tuples(st.sampled_from(["none", "body", "title", "meta", "remove", "add",
                                          "rename", "move"]),
                         st.integers(0, 40)), min_size=1, max_size=4)


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=OPS)
def test_every_rebuild_from_the_kept_state_equals_a_fresh_build(tmp_path_factory: pytest.TempPathFactory,
                                                               ops: list[tuple[str, int]]) -> None:
    builder = Builder(tmp_path_factory.mktemp("state"))
    docs = list(DOCS)
    builder.build(docs)
    for op, i in ops:
        docs = _edit(docs, op, i)
        kept, index = builder.build(docs)
        fresh, _ = builder.build(docs, fresh=True)
        assert _files(kept) == _files(fresh), (op, i)
        # what was not changed was inherited, not analysed again
        assert index.doc_cache is not None
        assert index.doc_cache.hits + index.doc_cache.misses <= 2


def test_an_unchanged_rebuild_analyses_nothing_and_encodes_no_bucket(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    builder = Builder(tmp_path)
    first, _ = builder.build(DOCS)
    encoded: list[int] = []
    real = postings._bucket

    def bucket(*args):  # type: ignore[no-untyped-def]
        encoded.append(1)
        return real(*args)

    monkeypatch.setattr(postings, "_bucket", bucket)
    again, index = builder.build(DOCS)
    assert index.doc_cache is not None and (index.doc_cache.hits, index.doc_cache.misses) == (0, 0)
    assert index.incremental and encoded == []
    assert _files(again) == _files(first)


def _corpus(n: int) -> list[SearchDoc]:
    """``n`` documents made of the fixture's sentences (enough buckets to tell apart)."""
    sentences = [s for d in DOCS for s in d.body.split("\n") if s]
    return [SearchDoc(id=f"doc-{i:03d}", url=f"docs/{i}/", kind="policy",
                      title=DOCS[i % len(DOCS)].title + f"第{i}号",
                      body="\n".join(sentences[(i * 7 + k) % len(sentences)] for k in range(6)),
                      date="2024-01-01")
            for i in range(n)]


EDITS = {
    "appended": lambda d: dataclasses.replace(d, body=d.body + "居民"),
    "sentence replaced": lambda d: dataclasses.replace(
        d, body="\n".join(["犬只应当佩戴犬牌，养犬人应当办理养犬登记。", *d.body.split("\n")[1:]])),
    "title changed": lambda d: dataclasses.replace(d, title="出境入境管理规定第十七号"),
}


@pytest.mark.parametrize("edit", EDITS)
def test_after_one_edit_only_the_edited_documents_buckets_are_encoded(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edit: str) -> None:
    docs = _corpus(400)
    builder = Builder(tmp_path)
    builder.build(docs)
    edited = list(docs)
    edited[17] = EDITS[edit](docs[17])
    assert edited[17] != docs[17]
    encoded: list[int] = []
    seen: list[int] = []
    real = postings._bucket

    def bucket(out, terms, uniq, starts, ends, flat, members, df):  # type: ignore[no-untyped-def]
        encoded.append(1)
        seen.append(int(fnv1a(term_key(terms[int(uniq[members[0]])])) % buckets))
        return real(out, terms, uniq, starts, ends, flat, members, df)

    earlier = state_mod.load(tmp_path / "kept" / "state", state_mod.code_version())
    assert earlier is not None and earlier.t is not None
    buckets = earlier.t.buckets
    monkeypatch.setattr(postings, "_bucket", bucket)
    kept, index = builder.build(edited)
    assert index.incremental
    assert buckets >= 32
    # exactly the buckets of the edited document's terms and words, old text and new
    def bucket_set(doc: SearchDoc) -> set[int]:
        terms = analyze(doc)
        return {fnv1a(term_key(t)) % buckets for t in [*terms.tf, *terms.words]}

    assert bucket_set(edited[17]) <= set(seen) <= bucket_set(docs[17]) | bucket_set(edited[17])
    assert bucket_set(docs[17]) - bucket_set(edited[17]) or edit == "appended"
    assert len(encoded) == len(set(seen)) < buckets
    monkeypatch.setattr(postings, "_bucket", real)
    fresh, _ = builder.build(edited, fresh=True)
    assert _files(kept) == _files(fresh)


def test_a_state_of_other_code_or_cut_short_is_not_used(tmp_path: Path) -> None:
    builder = Builder(tmp_path)
    builder.build(DOCS)
    folder = tmp_path / "kept" / "state"
    current = (folder / state_mod.CURRENT).read_text()
    assert state_mod.load(folder, state_mod.code_version()) is not None
    assert state_mod.load(folder, state_mod.code_version("other")) is None
    (folder / current / "3.rows").unlink()
    assert state_mod.load(folder, state_mod.code_version()) is None
    _, index = builder.build(DOCS)  # starts afresh, and keeps a whole state again
    assert index.prev is None
    assert state_mod.load(folder, state_mod.code_version()) is not None


def test_a_build_stopped_while_writing_leaves_the_earlier_state_whole(tmp_path: Path) -> None:
    builder = Builder(tmp_path)
    builder.build(DOCS)
    folder = tmp_path / "kept" / "state"
    before = (folder / state_mod.CURRENT).read_text()

    class Stop(Exception):
        pass

    calls = []

    def between() -> None:
        calls.append(1)
        if len(calls) == 3:
            raise Stop

    index = builder.begin(_edit(list(DOCS), "body", 2))
    with pytest.raises(Stop):
        index.write(tmp_path / "stopped", cache_dir=tmp_path / "kept" / "files", between=between)
    assert (folder / state_mod.CURRENT).read_text() == before
    assert sorted(p.name for p in folder.glob("g-*")) == [before]
    site, _ = builder.build(_edit(list(DOCS), "body", 2))
    fresh, _ = builder.build(_edit(list(DOCS), "body", 2), fresh=True)
    assert _files(site) == _files(fresh)


def _state_folders(folder: Path) -> list[str]:
    return sorted(p.name[:2] for p in folder.iterdir() if p.is_dir())


def test_a_build_that_commits_while_another_reads_the_state_takes_nothing_from_it(
        tmp_path: Path) -> None:
    """Two builds share one cache (two terminals; the test suite's workers building the
    demo): the one that commits first deletes the earlier state, which the other is still
    inheriting from. Each build reads its own links to it, so both write what a fresh
    build writes, and the one committing last leaves a whole state."""
    builder = Builder(tmp_path)
    builder.build(DOCS)
    folder = tmp_path / "kept" / "state"
    reading = _edit(list(DOCS), "body", 1)
    index = builder.begin(reading)
    assert index.prev is not None
    other_docs = _edit(list(DOCS), "title", 3)

    def other_build_commits() -> None:
        if not done:
            done.append(builder.build(other_docs)[0])  # deletes the state `index` inherits

    done: list[Path] = []
    other_build_commits()
    index.write(tmp_path / "late", cache_dir=tmp_path / "kept" / "files",
                between=other_build_commits)
    assert _files(done[0]) == _files(builder.build(other_docs, fresh=True)[0])
    assert _files(tmp_path / "late") == _files(builder.build(reading, fresh=True)[0])
    # no folder of either build is left behind but the current state
    assert _state_folders(folder) == ["g-"]
    again, index = builder.build(reading)
    assert index.prev is not None and index.doc_cache is not None
    assert index.doc_cache.misses == 0
    assert _files(again) == _files(builder.build(reading, fresh=True)[0])


def test_a_build_committing_while_another_writes_keeps_the_writers_folder(tmp_path: Path) -> None:
    """The state a build is still writing (its ``w-`` folder) is not another build's to
    delete: the commit in the middle of this build's write leaves it, and this build's
    commit then names a whole state."""
    builder = Builder(tmp_path)
    builder.build(DOCS)
    folder = tmp_path / "kept" / "state"
    docs = _edit(list(DOCS), "add", 0)
    index = builder.begin(docs)
    seen: list[list[str]] = []

    def meanwhile() -> None:
        if not seen:
            builder.build(DOCS)  # commits, and sweeps what no running build holds
            seen.append(_state_folders(folder))

    index.write(tmp_path / "mine", cache_dir=tmp_path / "kept" / "files", between=meanwhile)
    assert seen == [["g-", "h-", "w-"]]  # this build's links and its state in the making
    assert _state_folders(folder) == ["g-"]
    state = state_mod.load(folder, state_mod.code_version())
    assert state is not None and len(state.docs) == len(docs)
    state.release()
    again, _ = builder.build(docs)
    assert _files(again) == _files(builder.build(docs, fresh=True)[0])


def test_the_folders_of_a_killed_build_are_swept_by_the_next_commit(tmp_path: Path) -> None:
    """A build killed half-way leaves its links and its state in the making; their locks
    ended with its process, so the next build to commit deletes them."""
    import subprocess
    import sys
    import textwrap

    builder = Builder(tmp_path)
    builder.build(DOCS)
    folder = tmp_path / "kept" / "state"
    script = textwrap.dedent(f"""
        import os
        from pathlib import Path
        from search_index import state as s
        held = s.load(Path({str(folder)!r}), s.code_version())
        assert held is not None
        w = s.StateWriter(Path({str(folder)!r}))
        os._exit(9)  # killed: nothing cleaned up
    """)
    killed = subprocess.run([sys.executable, "-c", script], cwd=Path(__file__).parents[2],
                            capture_output=True, text=True, timeout=120)
    assert killed.returncode == 9, killed.stderr
    assert _state_folders(folder) == ["g-", "h-", "w-"]
    builder.build(DOCS)
    assert _state_folders(folder) == ["g-"]
