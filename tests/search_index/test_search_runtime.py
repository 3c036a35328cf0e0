"""The Python runtime over the fixture index: what a citizen would notice."""
from __future__ import annotations

import pytest

from search_index.runtime import Searcher

pytestmark = pytest.mark.unit


def ids(res: dict) -> list[str]:
    return [r["id"] for r in res["results"]]


def test_exact_title_ranks_first(searcher: Searcher) -> None:
    res = searcher.search("个人所得税法")
    assert ids(res)[0] == "pit"


def test_shorter_matching_title_beats_a_long_one_that_repeats_the_words(searcher: Searcher) -> None:
    order = ids(searcher.search("个人所得税"))
    assert order.index("pit") < order.index("savings-tax")


def test_document_number_is_answered_exactly(searcher: Searcher) -> None:
    res = searcher.search("国办函[2011]15号")
    assert ids(res)[0] == "expropriation"
    assert res["results"][0]["score"] == float("inf")


def test_homophone_typo_is_corrected_with_a_notice(searcher: Searcher) -> None:
    res = searcher.search("身分证")
    assert res["notice"] == "已为您显示“身份证”的结果，仍搜索“身分证”"
    assert "id-card-law" in ids(res)[:3]


def test_literal_search_keeps_the_words_as_typed(searcher: Searcher) -> None:
    res = searcher.search("身分证", literal=True)
    assert res["notice"] == ""


def test_typo_inside_a_longer_word(searcher: Searcher) -> None:
    res = searcher.search("户口等记")
    assert res["shown"] == "户口登记"
    assert ids(res)[0] == "hukou-regs"


def test_correct_words_are_left_alone(searcher: Searcher) -> None:
    for q in ("住房公积金", "北京 停车", "劳动合同"):
        assert searcher.search(q)["notice"] == ""


@pytest.mark.parametrize("q,expected", [("huzhao", "passport-law"), ("gongjijin", "housing-fund"),
                                        ("sfz", "id-card-law")])
def test_latin_input_finds_chinese(searcher: Searcher, q: str, expected: str) -> None:
    assert expected in ids(searcher.search(q))[:3]


def test_colloquial_phrase_uses_the_synonyms(searcher: Searcher) -> None:
    top = ids(searcher.search("我要出国"))[:4]
    assert {"passport-law", "exit-entry-law"} <= set(top)
    assert ids(searcher.search("房子被拆迁怎么补偿"))[0] == "expropriation"
    assert "labour-contract" in ids(searcher.search("被公司辞退"))[:2]


def test_question_cue_ranks_the_service_guide_first(searcher: Searcher) -> None:
    assert ids(searcher.search("身份证到期"))[0] == "id-card-renewal"
    assert ids(searcher.search("护照办理"))[0] == "passport-service"


def test_place_and_topic_together(searcher: Searcher) -> None:
    assert ids(searcher.search("北京 停车"))[0] == "beijing-parking"


def test_filters_and_facets(searcher: Searcher) -> None:
    res = searcher.search("身份证", facets=True)
    assert res["facets"]["kind"]["policy"] >= 1
    assert res["facets"]["kind"]["service"] >= 1
    only = searcher.search("身份证", filters={"kind": ["service"]})
    assert {r["k"] for r in only["results"]} == {"service"}
    assert only["total"] < res["total"]


def test_sort_by_date_puts_newest_first(searcher: Searcher) -> None:
    dates = [r.get("d", "") for r in searcher.search("条例", sort="date", limit=20)["results"]]
    assert dates == sorted(dates, reverse=True)


def test_suggestions_complete_chinese_and_pinyin(searcher: Searcher) -> None:
    assert any(s.startswith("住房") for s in searcher.suggest("住"))
    assert "居民身份证" in searcher.suggest("jumin") or any("身份" in s for s in searcher.suggest("sf"))


def test_excerpt_highlights_the_query_and_escapes_html(searcher: Searcher) -> None:
    res = searcher.search("最低生活保障")
    text = searcher.excerpt(res["results"][0], res["plan"])
    assert "<mark>最低生活保障</mark>" in text
    assert "<script" not in text


def test_no_result_for_nonsense(searcher: Searcher) -> None:
    assert searcher.search("zzzzqqq")["total"] == 0


def test_date_range_filter(searcher: Searcher) -> None:
    res = searcher.search("条例", filters={"date": ["2010", "2015"]}, limit=50)
    dates = [r["d"] for r in res["results"]]
    assert dates and all("2010-01-01" <= d <= "2015-12-31" for d in dates)
    everything = searcher.search("条例", limit=50)["total"]
    assert res["total"] < everything
