"""Rules of the Python runtime that hold for every query: the order of results, pages,
filters, date sorting, facets, which documents may appear at all; and its small parts
(date ranges, the title factor, rounding, excerpts, suggestions, the file cache).

The indexes are the in-memory ones of ``test_search_runtime_answers`` (built once, at
import, so the mutation run's one process per mutant does not build them again).
"""
from __future__ import annotations

import gzip
import json
import math
import re

import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st
from test_search_runtime_answers import LAWS, PORTAL

from search_index.asks import ask_scores
from search_index.runtime import (
    Searcher,
    date_bound,
    is_word_term,
    make_excerpt,
    notice_text,
    round6,
    title_factor,
)

pytestmark = pytest.mark.unit

#: Pieces a citizen's query is made of: words of the fixtures, typos, pinyin, initials,
#: function words, document numbers, a space, latin, nonsense.
PIECES = ["身份证", "身分证", "居民", "护照", "出国", "我要", "怎么", "办理", "补办", "到期",
          "条例", "管理", "北京", "停车", "养狗", "低保", "个人所得税", "税", "法", "换", "补",
          "住房公积金", "户口等记", "拆迁", "吸烟", "huzhao", "sfz", "gongjijin", "banhuzhao",
          "国办函[2011]15号", "主席令第51号", " ", "app", "zzz", "的", "吗", "被", "政策",
          "小店", "手续", "狗证", "残疾证", "丢了", "家里困难", "申请"]
queries = st.lists(st.sampled_from(PIECES), min_size=1, max_size=4).map("".join)
INDEXES = {"laws": LAWS, "portal": PORTAL}
#: No shrinking: a failing query is short already, and the mutation run pays for every
#: shrinking step of every mutant these tests detect.
NO_SHRINK = (Phase.explicit, Phase.reuse, Phase.generate)


def everything(s: Searcher, q: str, **kw: object) -> list[tuple[str, float]]:
    res = s.search(q, limit=1000, **kw)  # type: ignore[arg-type]
    assert res["total"] == len(res["results"])
    return [(r["id"], r["score"]) for r in res["results"]]


@settings(max_examples=60, deadline=None, phases=NO_SHRINK)
@given(q=queries, which=st.sampled_from(sorted(INDEXES)))
def test_results_are_best_first_and_ties_go_by_document_number(q: str, which: str) -> None:
    s = Searcher(INDEXES[which])
    res = s.search(q, limit=1000)
    keys = [(-r["score"], r["doc"]) for r in res["results"]]
    finite = [k for k in keys if k[0] != -math.inf]
    assert finite == sorted(finite)
    # exact 文号 hits come first, and nothing else scores infinity
    exact = [k for k in keys if k[0] == -math.inf]
    assert keys[:len(exact)] == exact
    assert all(r["score"] == round6(r["score"]) for r in res["results"] if r["score"] != math.inf)
    assert len({r["id"] for r in res["results"]}) == len(res["results"])


@settings(max_examples=60, deadline=None, phases=NO_SHRINK)
@given(q=queries, which=st.sampled_from(sorted(INDEXES)))
def test_a_result_holds_a_word_of_the_query_or_is_asked_for(q: str, which: str) -> None:
    """Results are exactly the pages holding a required concept's term, those the
    question asks for by their aliases, and an exact 文号 hit."""
    s = Searcher(INDEXES[which])
    res = s.search(q, limit=1000)
    plan = res["plan"]
    holding: set[int] = set()
    for c in plan["concepts"]:
        if c.get("opt"):
            continue
        for a in c["alts"]:
            for t in a["terms"]:
                p = s.postings(t) or [0]
                doc = 0
                for k in range(1, len(p), 2):
                    doc += p[k]
                    holding.add(doc)
    asked = set(ask_scores(plan, s.bucket)) if plan["concepts"] else set()
    exact = {r["doc"] for r in res["results"] if r["score"] == math.inf}
    assert {r["doc"] for r in res["results"]} == holding | asked | exact


@settings(max_examples=40, deadline=None, phases=NO_SHRINK)
@given(q=queries, offset=st.integers(0, 12), limit=st.integers(1, 6))
def test_a_page_of_results_is_a_slice_of_all_of_them(q: str, offset: int, limit: int) -> None:
    s = Searcher(PORTAL)
    full = everything(s, q)
    page = s.search(q, offset=offset, limit=limit)
    assert [(r["id"], r["score"]) for r in page["results"]] == full[offset:offset + limit]
    assert page["total"] == len(full)


@settings(max_examples=40, deadline=None, phases=NO_SHRINK)
@given(q=queries, kinds=st.sets(st.sampled_from(["service", "faq", "policy", "interpretation",
                                                 "scenario"]), min_size=1))
def test_a_kind_filter_keeps_the_order_and_scores_of_the_pages_it_lets_through(
        q: str, kinds: set[str]) -> None:
    s = Searcher(PORTAL)
    res = s.search(q, limit=1000, facets=True)
    kept = [(r["id"], r["score"]) for r in res["results"] if r["k"] in kinds]
    assert everything(s, q, filters={"kind": sorted(kinds)}) == kept
    counts = res["facets"]["kind"]
    assert sum(counts.values()) == res["total"]
    assert all(c > 0 for c in counts.values())
    assert list(counts.values()) == sorted(counts.values(), reverse=True)


@settings(max_examples=30, deadline=None, phases=NO_SHRINK)
@given(q=queries)
def test_sorting_by_date_shows_the_same_pages_newest_first(q: str) -> None:
    s = Searcher(LAWS)
    by_date = s.search(q, sort="date", limit=1000)["results"]
    assert sorted((r["id"], r["score"]) for r in by_date) == sorted(everything(s, q))
    dates = [r.get("d", "") for r in by_date]
    assert dates == sorted(dates, reverse=True)


@settings(max_examples=30, deadline=None, phases=NO_SHRINK)
@given(q=queries)
def test_the_notice_says_what_was_searched_instead(q: str) -> None:
    s = Searcher(LAWS)
    res = s.search(q)
    assert res["notice"] == (notice_text(res["shown"], q) if res["shown"] else "")
    literal = s.search(q, literal=True)
    shown = literal["shown"].replace(" ", "")
    # as typed: a typo stays (pinyin is still read as Chinese: sfz in the query brings a
    # 身份证 of its own, so the check holds for queries without latin letters)
    assert "分证" not in q or re.search("[a-z]", q) or "身份证" not in shown
    assert "身分证" not in q or not shown or "身分证" in shown  # what is shown keeps it


def test_the_notice_text() -> None:
    assert notice_text("身份证", "身分证") == "已为您显示“身份证”的结果，仍搜索“身分证”"


def test_literal_search_keeps_a_typo_and_finds_what_matches_it() -> None:
    s = Searcher(LAWS)
    res = s.search("户口等记", literal=True)
    assert (res["shown"], res["notice"]) == ("", "")
    assert [c["text"] for c in res["plan"]["concepts"]] == ["户口等记"]


# ------------------------------------------------------------------------------ filters

@pytest.mark.parametrize(("span", "ids"), [
    (["2011", "2014-11"], ["beijing-smoking", "expropriation"]),
    (["2011", "2014-10"], ["expropriation"]),
    (["2011-01-22", "2014"], ["beijing-smoking"]),
    (["", "2003-09-05"], ["dibao", "hukou-regs"]),
    (["2019-03-24"], ["housing-fund"]),
    (["2019-03-25"], []),
    ([], ["housing-fund", "pit-rules", "beijing-parking", "beijing-smoking", "expropriation",
          "injury-insurance", "dibao", "hukou-regs"]),
])
def test_a_date_range_includes_both_ends(span: list[str], ids: list[str]) -> None:
    res = Searcher(LAWS).search("条例", filters={"date": span}, sort="date", limit=20)
    assert [r["id"] for r in res["results"]] == ids


def test_values_of_one_facet_add_up_and_facets_narrow_each_other() -> None:
    s = Searcher(LAWS)
    both = s.search("条例", filters={"level": ["province"],
                                     "issuer": ["北京市人民代表大会常务委员会", "国务院"]}, limit=20)
    assert [r["id"] for r in both["results"]] == ["beijing-parking", "beijing-smoking"]
    either = s.search("条例", filters={"issuer": ["北京市人民代表大会常务委员会", "国务院"]},
                      limit=20)
    assert sorted(r["id"] for r in either["results"]) == [
        "beijing-parking", "beijing-smoking", "dibao", "expropriation", "housing-fund",
        "injury-insurance", "pit-rules"]
    assert s.search("条例", filters={"level": ["district"]})["total"] == 0


def test_facet_counts_over_all_matching_pages() -> None:
    facets = Searcher(LAWS).search("身份证", facets=True, limit=1)["facets"]
    assert facets == {
        "audience": {"个人": 1}, "issuer": {"临江市公安局": 2, "全国人民代表大会常务委员会": 2},
        "kind": {"policy": 2, "interpretation": 1, "service": 1}, "level": {"national": 2},
        "status": {"effective": 2}, "topic": {"id-documents": 1},
        "year": {"2006": 1, "2011": 1, "2023": 1, "2024": 1}}
    assert "facets" not in Searcher(LAWS).search("身份证")


def test_a_document_number_hit_respects_the_filters() -> None:
    s = Searcher(LAWS)
    assert [(r["id"], r["score"]) for r in s.search("主席令第51号")["results"]] == [
        ("id-card-law", math.inf), ("housing-fund", 0.990151)]
    only = s.search("主席令第51号", filters={"issuer": ["国务院"]})["results"]
    assert [(r["id"], r["score"]) for r in only] == [("housing-fund", 0.990151)]
    dated = s.search("主席令第51号", sort="date")["results"]
    assert [r["id"] for r in dated] == ["housing-fund", "id-card-law"]


# --------------------------------------------------------------------------- small parts

@pytest.mark.parametrize(("text", "start", "end"), [
    ("2018", 20180101, 20181231),
    ("2018-05", 20180501, 20180531),
    ("2018年5月", 20180101, 20181231),  # five digits: a year
    ("2018-05-07", 20180507, 20180507),
    ("2018-05-07T10:00", 20180507, 20180507),
    ("20180507123", 20180507, 20180507),
    ("201", 0, 99999999),
    ("", 0, 99999999),
])
def test_date_bounds(text: str, start: int, end: int) -> None:
    assert (date_bound(text, end=False), date_bound(text, end=True)) == (start, end)


def test_the_title_factor() -> None:
    assert title_factor(None, 10) == 1.0
    assert title_factor([], 10) == 1.0
    assert title_factor([3, 0], 10) == 1.0  # a concept missing from the title
    assert title_factor([3], 0) == 1.0
    assert title_factor([5], 5) == 2.0  # the exact title
    assert title_factor([6], 5) == 2.0
    assert title_factor([4], 5) == pytest.approx(1.5 * (1 + 0.5 * 4 / 5))
    assert title_factor([2, 3], 5) == 1.5 * 1.5  # two concepts covering it all: not exact
    assert title_factor([2, 3], 4) == 1.5 * 1.5  # coverage counts up to the whole title
    assert title_factor([1], 10) == pytest.approx(1.5 * 1.05)


def test_scores_round_half_up_to_a_millionth() -> None:
    assert round6(1.0000005) == 1.000001
    assert round6(1.0000004) == 1.0
    assert round6(2.5e-7) == 0.0
    assert round6(3.0) == 3.0


def test_words_of_three_characters_are_not_counted_for_the_title() -> None:
    assert [is_word_term(t) for t in ("身份证", "身份", "abc", "身", "1号令")] == [
        True, False, False, False, False]


def test_an_excerpt_is_the_window_with_the_most_query_words() -> None:
    text = "甲" * 200 + "护照申请" + "乙" * 50 + "护照" + "丙" * 200
    out = make_excerpt(text, ["护照", "申请"], 60)
    # the window starts 20 characters before the first hit of the best window
    assert out == "…" + "甲" * 20 + "<mark>护照申请</mark>" + "乙" * 36 + "…"
    assert make_excerpt("短文。", ["护照"], 60) == "短文。"
    assert make_excerpt("<b>护照</b>&", ["护照"], 60) == "&lt;b&gt;<mark>护照</mark>&lt;/b&gt;&amp;"
    assert make_excerpt("abc" * 50, [], 10) == "abcabcabca"  # nothing to mark: the start
    # a later window holding two distinct words beats an earlier one holding one
    text = "护照" + "甲" * 100 + "护照" + "乙" + "签证" + "丙" * 100
    out = make_excerpt(text, ["护照", "签证"], 30)
    assert out.startswith("…" + "甲" * 20 + "<mark>护照</mark>乙<mark>签证</mark>")


def test_the_excerpt_of_a_result() -> None:
    s = Searcher(LAWS)
    res = s.search("吸烟")
    assert s.excerpt(res["results"][0], res["plan"]) == (
        "第一条 为了减少<mark>吸烟</mark>造成的危害，维护公共环境卫生，保障公众身体健康，制定本条例。 "
        "在禁止<mark>吸烟</mark>场所<mark>吸烟</mark>的，由卫生计生监督机构责令改正，处五十元罚款。")
    res = s.search("低保")  # the synonym's words are marked, the weak key (0.6) too
    out = s.excerpt(res["results"][0], res["plan"], size=40)
    assert out == ("第一条 为了规范城市居民<mark>最低生活保障</mark>制度，<mark>保障</mark>城市居民基本"
                   "<mark>生活</mark>，制定本条例。 持…")


def test_suggestions() -> None:
    s = Searcher(LAWS)
    assert s.suggest("住") == ["住房公积金管理条例", "住房", "住房公积金"]
    assert s.suggest("zf") == ["住房公积金管理条例", "住房", "住房公积金"]
    assert s.suggest("住房") == ["住房公积金管理条例", "住房公积金"]  # not the prefix itself
    assert s.suggest("个人") == ["个人所得税法", "个人所得税专项附加扣除怎么填?", "个人所得税法实施条例",
                               "个人所得税", "个人所得税的", "个人所得", "个人所有"]
    assert s.suggest("个人", limit=2) == ["个人所得税法", "个人所得税专项附加扣除怎么填?"]
    assert s.suggest("个人", limit=4) == ["个人所得税法", "个人所得税专项附加扣除怎么填?",
                                        "个人所得税法实施条例", "个人所得税"]
    assert s.suggest("身份", limit=3) == ["身份证"]
    assert s.suggest("") == [] and s.suggest("  ") == []
    assert s.suggest("北京")[:4] == ["北京市", "北京市养犬管理规定", "北京市控制吸烟条例", "北京市机动车停车条例"]


def test_files_are_cached_least_recently_used_first_out() -> None:
    reads: list[str] = []

    def read(name: str) -> bytes:
        reads.append(name)
        return LAWS(name)

    s = Searcher(read, cache_files=2)
    assert reads == ["manifest.tdz"] and s.bytes_read == len(LAWS("manifest.tdz"))
    d = s.manifest["docs"]["pages"][0]
    f = s.manifest["facets"]["kind"]
    dates = s.manifest["dates"]
    s.get(d)
    s.get(f)
    s.get(d)  # cached; now the most recent
    s.get(dates)  # drops f, the least recently used
    s.get(d)
    s.get(f)
    assert reads == ["manifest.tdz", d, f, dates, f]
    assert s.bytes_read == sum(len(LAWS(n)) for n in reads)
    assert s.get(dates) == json.loads(gzip.decompress(LAWS(dates)))
    assert Searcher(LAWS, cache_files=0).cache_files == 1


def test_every_document_record_is_found_by_its_number() -> None:
    s = Searcher(LAWS)
    assert s.n == 21
    assert [s.doc(i)["id"] for i in (0, 7, 8, 15, 16, 20)] == [
        "id-card-renewal", "dibao", "exit-entry-law", "legal-aid", "passport-law",
        "shanghai-parking"]
    assert s.doc(12) == {**s.doc(12), "id": "id-card-law", "n": "主席令第51号",
                         "u": "policies/id-card-law/", "k": "policy"}


def test_an_index_without_a_family_answers_with_empty_buckets() -> None:
    s = Searcher(LAWS)
    del s.manifest["fam"]["ask"]
    assert s.bucket("ask", "身份") == {}
    assert s.bucket("t", "身份")["身份证"][0] >= 1
    assert s.postings("不存在的词") is None
    assert [r["id"] for r in s.search("身分证")["results"]][:3] == [
        "id-card-law", "id-card-renewal", "id-card-graphic"]


def test_readers_votes_scale_a_pages_score() -> None:
    s = Searcher(PORTAL)
    assert s.feedback and all(0.8 <= f <= 1.2 for f in s.feedback.values())
    plain = Searcher(PORTAL)
    plain.feedback = {}
    voted = dict(everything(s, "养狗"))
    unvoted = dict(everything(plain, "养狗"))
    dog = next(r["doc"] for r in s.search("养狗")["results"] if r["id"] == "dog-service")
    assert voted["dog-service"] == round6(unvoted["dog-service"] * s.feedback[dog])
