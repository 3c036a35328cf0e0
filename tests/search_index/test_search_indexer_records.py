"""What the indexer writes for each page, read back as the runtime reads it: the record a
result shows (title, link, 文号, issuer, date...), the excerpt, the facets and dates the
filters use, kinds in their order, exact 文号 hits, title lengths; and what a rebuild
reports and leaves in the site folder."""
from __future__ import annotations

import dataclasses
import gzip
import json
import random
from pathlib import Path
from typing import Any

import pytest

from search_index.indexer import (
    DOC_CHUNK,
    EXCERPT_CHARS,
    MANIFEST,
    IndexMemory,
    SearchIndex,
    _date_int,
    _deltas,
    _round2,
    normalize_title,
)
from search_index.model import SearchDoc
from search_index.runtime import Searcher

pytestmark = pytest.mark.unit


def _doc(i: str, kind: str, title: str, **kw: object) -> SearchDoc:
    return SearchDoc(id=i, url=f"{kind}s/{i}/", kind=kind, title=title, **kw)  # type: ignore[arg-type]


DOCS = [
    _doc("law-b", "policy", "中华人民共和国护照法", body="护照是公民出入国境的证件。",
         doc_number="主席令第50号", issuer="全国人大常委会", level="national",
         status="effective", date="2006-04-29", topics=["travel"], audiences=["个人"]),
    _doc("law-a", "policy", "居民身份证法", body="公民应当申领居民身份证。", date="2011-10",
         issuer="全国人大常委会", level="national", status="expired"),
    _doc("guide", "service", "护照办理", summary="普通护照的申请。", body="到窗口申请护照。",
         issuer="公安局", date="2024-02-01", topics=["travel", "id"], audiences=["个人", "企业"]),
    _doc("faq-1", "faq", "护照多久能办好？", body="七个工作日。" * 3000, date="2024-03-01"),
    _doc("odd", "notice", "停电通知", body="明天停电。", date="明天"),
    _doc("scene", "scenario", "出国办理", body="先办护照。"),
]


def build(out: Path, docs: list[SearchDoc] | None = None, **kw: object) -> Path:
    index = SearchIndex()
    for d in docs if docs is not None else DOCS:
        index.add(d)
    index.write(out, **kw)  # type: ignore[arg-type]
    return out


def read(folder: Path, name: str) -> Any:
    return json.loads(gzip.decompress((folder / name).read_bytes()))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("records") / "search")


def test_documents_are_numbered_by_kind_then_id(site: Path) -> None:
    s = Searcher(site)
    assert [s.doc(i)["id"] for i in range(s.n)] == ["guide", "faq-1", "law-a", "law-b",
                                                    "scene", "odd"]
    assert s.manifest["n"] == 6 and s.manifest["v"] == 1
    assert s.manifest["kinds"] == {"service": [0, 1], "faq": [1, 2], "policy": [2, 4],
                                   "scenario": [4, 5], "notice": [5, 6]}


def test_a_record_carries_what_a_result_shows_and_nothing_empty(site: Path) -> None:
    s = Searcher(site)
    law = s.doc(3)
    x = law.pop("x")
    assert law == {"id": "law-b", "u": "policys/law-b/", "t": "中华人民共和国护照法",
                   "k": "policy", "d": "2006-04-29", "n": "主席令第50号", "i": "全国人大常委会",
                   "l": "national", "s": "effective", "p": ["travel"], "a": ["个人"]}
    assert s.get(x) == "护照是公民出入国境的证件。"
    scene = s.doc(4)
    assert set(scene) == {"id", "u", "t", "k", "x"}
    assert s.manifest["docs"]["chunk"] == DOC_CHUNK


def test_the_excerpt_is_the_summary_then_the_body_cut_at_its_length(site: Path) -> None:
    s = Searcher(site)
    assert s.get(s.doc(0)["x"]) == "普通护照的申请。\n到窗口申请护照。"
    long = s.get(s.doc(1)["x"])
    assert len(long) == EXCERPT_CHARS and long == ("七个工作日。" * 3000)[:EXCERPT_CHARS]


def test_facets_list_each_value_s_pages(site: Path) -> None:
    s = Searcher(site)
    facets = {f: s.get(name) for f, name in s.manifest["facets"].items()}
    assert facets == {
        # document numbers as deltas
        "kind": {"service": [0], "faq": [1], "policy": [2, 1], "scenario": [4], "notice": [5]},
        "issuer": {"公安局": [0], "全国人大常委会": [2, 1]},
        "level": {"national": [2, 1]},
        "topic": {"travel": [0, 3], "id": [0]},
        "audience": {"个人": [0, 3], "企业": [0]},
        "year": {"2024": [0, 1], "2011": [2], "2006": [3]},  # 明天 is no year
        "status": {"expired": [2], "effective": [3]},
    }
    assert s.get(s.manifest["dates"]) == [20240201, 20240301, 0, 20060429, 0, 0]
    assert s.search("护照", filters={"topic": ["travel"], "kind": ["policy"]})["total"] == 1


def test_a_document_number_is_answered_exactly(site: Path) -> None:
    s = Searcher(site)
    res = s.search("主席令第50号")
    assert [(r["id"], r["score"]) for r in res["results"]][:1] == [("law-b", float("inf"))]
    assert s.bucket("dn", "主席令第50号") == {"主席令第50号": [3]}


def test_a_title_posting_carries_the_length_of_the_title_without_the_state_name(
        site: Path) -> None:
    s = Searcher(site)
    p = s.postings("护照")
    assert p is not None
    docs, values, doc = [], [], 0
    for k in range(1, len(p), 2):
        doc += p[k]
        docs.append(doc)
        values.append(p[k + 1])
    assert docs == [0, 1, 3, 4]
    # 护照办理 (4), 护照多久能办好? (8), 中华人民共和国护照法 -> 护照法 (3); 出国办理: body only
    assert [-v & 127 if v < 0 else None for v in values] == [4, 8, 3, None]
    assert all(1 <= (-v >> 7 if v < 0 else v) <= 255 for v in values)


def test_the_same_documents_in_any_order_give_the_same_files(tmp_path: Path) -> None:
    shuffled = list(DOCS)
    random.Random(3).shuffle(shuffled)
    assert shuffled != DOCS
    a, b = build(tmp_path / "a", DOCS), build(tmp_path / "b", shuffled)
    files = {p.name: p.read_bytes() for p in a.iterdir()}
    assert files == {p.name: p.read_bytes() for p in b.iterdir()}


def test_a_build_reports_what_it_wrote_and_a_rebuild_what_it_reused(tmp_path: Path) -> None:
    cache, out = tmp_path / "cache", tmp_path / "site"
    index = SearchIndex()
    for d in DOCS:
        index.add(d)
    first = index.write(out, cache_dir=cache)
    names = {p.name for p in out.iterdir()} - {MANIFEST}
    assert first.docs == 6 and first.files_reused == 0
    assert first.files_written == len(names)
    assert first.total_bytes == sum((out / n).stat().st_size for n in names)
    assert first.bytes_written == sum((cache / n).stat().st_size for n in names)
    assert first.seconds > 0
    (out / "t-stale000000.tdz").write_bytes(b"old")
    (out / "notes.txt").write_text("kept", "utf-8")
    edited = [dataclasses.replace(d, title="居民身份证法（修正）") if d.id == "law-a" else d
              for d in DOCS]
    index = SearchIndex()
    for d in edited:
        index.add(d)
    second = index.write(out, cache_dir=cache)
    now = {p.name for p in out.iterdir()}
    assert "t-stale000000.tdz" not in now and "notes.txt" in now
    assert second.files_written + second.files_reused == len(now - {MANIFEST, "notes.txt"})
    assert 0 < second.files_written < second.files_reused
    assert second.bytes_written == sum((cache / n).stat().st_size
                                       for n in now - {MANIFEST, "notes.txt"}
                                       if n not in names)
    assert Searcher(out).doc(2)["t"] == "居民身份证法（修正）"
    assert read(out, MANIFEST)["n"] == 6  # gzip JSON under its fixed name


def test_an_empty_site_has_an_index_that_finds_nothing(tmp_path: Path) -> None:
    out = build(tmp_path / "empty", [])
    s = Searcher(out)
    assert s.n == 0 and s.manifest["kinds"] == {}
    assert s.search("护照")["total"] == 0


def test_memory_keeps_only_the_documents_the_last_build_used(tmp_path: Path) -> None:
    memory = IndexMemory()
    for n, docs in enumerate((DOCS, DOCS[:2])):
        index = SearchIndex()
        index.use_memory(memory)
        for d in docs:
            index.add(d)
        index.write(tmp_path / f"m{n}")
        assert len(memory.docs) == len(docs)
    plain = build(tmp_path / "plain", DOCS[:2])
    assert {p.name: p.read_bytes() for p in (tmp_path / "m1").iterdir()} == {
        p.name: p.read_bytes() for p in plain.iterdir()}
    assert memory.used == set()


@pytest.mark.parametrize(("x", "rounded"), [
    (0, 1.0), (-3, 1.0), (1234, 1200), (1250, 1200), (1260, 1300), (99, 99), (5, 5.0),
    (0.0456, 0.046), (10, 10), (12.5, 12), (12.6, 13),
])
def test_average_lengths_keep_two_significant_digits(x: float, rounded: float) -> None:
    assert _round2(x) == pytest.approx(rounded)


def test_small_helpers() -> None:
    assert _deltas([2, 3, 7, 7]) == [2, 1, 4, 0]
    assert _deltas([]) == []
    assert [_date_int(d) for d in ("2024-02-01", "2024-02-01T08:00", "2024-02", "", "明天",
                                   "20240201")] == [20240201, 20240201, 0, 0, 0, 20240201]
    assert normalize_title("中华人民共和国 个人所得税法") == "个人所得税法"
    assert normalize_title("个人所得税法 实施条例") == "个人所得税法实施条例"
    assert normalize_title("关于中华人民共和国的决定") == "关于中华人民共和国的决定"
