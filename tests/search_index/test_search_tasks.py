"""Task-first ranking: learned aliases, question types, pinyin verbs, feedback (Python side).

The index is a small portal of every kind of page (``task_fixture_docs``); the browser
runtime is held to the same answers by ``test_search_parity_tasks.py``.
"""
from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from task_fixture_docs import FEEDBACK, build

from search_index.asks import FB_RANGE, feedback_factor, load_feedback
from search_index.lexicon import build_lexicon
from search_index.query import find_cue, prepare_lexicon
from search_index.runtime import Searcher

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("tasks"))


@pytest.fixture(scope="module")
def voted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("voted"), feedback=FEEDBACK)


def ids(s: Searcher, q: str) -> list[str]:
    return [r["id"] for r in s.search(q)["results"]]


def test_a_guide_is_found_by_what_its_tags_call_it_with_words_in_between(index: Path) -> None:
    # 开店 is the guide's tag; the question says 开个小店, and no page says 小店 or 手续.
    first = Searcher(index).search("开个小店要办什么手续")["results"][0]
    assert first["id"] == "shop-service"
    assert first["score"] > 0


def test_an_faq_question_asks_for_the_guide_it_links(index: Path) -> None:
    # Only the FAQ says 丢了 and 补; its question is a way of asking for the guide it links.
    order = ids(Searcher(index), "残疾证丢了怎么补")
    assert order[:2] == ["faq-disability-lost", "disability-card"]
    assert order.index("disability-card") < order.index("disability-law")


def test_a_task_puts_guides_before_the_law(index: Path) -> None:
    order = ids(Searcher(index), "我要出国")
    assert order[0] in ("passport-service", "going-abroad")
    assert order.index("passport-law") > order.index("passport-service")


def test_a_policy_question_puts_the_interpretation_first(index: Path) -> None:
    assert ids(Searcher(index), "小微企业所得税优惠政策")[:2] == ["tax-qa", "tax-policy"]


def test_the_longest_cue_word_decides_and_a_lone_cue_word_is_a_topic(tmp_path: Path) -> None:
    lex = prepare_lexicon(build_lexicon(None))
    assert find_cue("家里困难怎么申请补助", lex) == "service"  # 怎么申请 outweighs 补助
    assert find_cue("研发补助政策", lex) == "interpretation"
    assert find_cue("补助要自己去申请吗", lex) == "faq"  # 自己去 outweighs 申请
    assert find_cue("路灯坏了没人管", lex) == "complaint"
    assert find_cue("补贴", lex) == ""


def test_a_task_verb_in_pinyin_is_split_from_its_object(index: Path) -> None:
    s = Searcher(index)
    res = s.search("banhuzhao")
    assert res["shown"] == "办护照"
    assert res["results"][0]["id"] == "passport-service"
    assert res["plan"]["cue"] == "service"
    assert ids(s, "huanshenfenzheng")[0] == "id-renewal"


def test_a_single_character_beside_a_word_favours_titles_that_hold_it(index: Path) -> None:
    order = ids(Searcher(index), "换身份证")
    assert order.index("id-renewal") < order.index("id-replacement")
    order = ids(Searcher(index), "补身份证")
    assert order.index("id-replacement") < order.index("id-renewal")


def test_a_corrected_typo_is_understood_again(index: Path) -> None:
    res = Searcher(index).search("身分证补领")
    assert res["shown"] == "身份证补领"
    alts = [a["text"] for c in res["plan"]["concepts"] for a in c["alts"]]
    assert "居民身份证" in alts  # the synonym of the corrected word
    assert res["results"][0]["id"] == "id-replacement"


def test_a_typo_hidden_by_a_stop_character_is_corrected(index: Path) -> None:
    res = Searcher(index).search("护找办理")  # 找 is a stop character, 护找 a typo of 护照
    assert res["shown"] == "护照办理"
    assert res["results"][0]["id"] == "passport-service"


def test_votes_move_a_page_within_bounds(index: Path, voted: Path) -> None:
    plain, with_votes = Searcher(index), Searcher(voted)
    for q in ("办狗证", "养狗", "狗证要交钱吗"):
        before = {r["id"]: r["score"] for r in plain.search(q)["results"]}
        after = {r["id"]: r["score"] for r in with_votes.search(q)["results"]}
        for page, score in before.items():
            assert (1 - FB_RANGE) * score - 1e-6 <= after[page] <= (1 + FB_RANGE) * score + 1e-6
    assert with_votes.search("养狗")["results"][0]["score"] < plain.search("养狗")["results"][0]["score"]


def test_a_few_votes_move_a_page_little_and_many_never_beyond_the_bounds() -> None:
    assert feedback_factor(0, 0) == 1.0
    assert 0.96 < feedback_factor(0, 3) < 1.0
    assert feedback_factor(0, 10**9) == 1 - FB_RANGE
    assert feedback_factor(10**9, 0) == 1 + FB_RANGE
    assert feedback_factor(5, 5) == 1.0


def test_a_right_answer_with_a_clear_lead_survives_many_down_votes(tmp_path: Path) -> None:
    votes = {"votes": {"passport-service": [0, 500]}}
    s = Searcher(build(tmp_path, feedback=votes))
    assert s.search("我要出国")["results"][0]["id"] in ("passport-service", "going-abroad")
    assert "passport-service" in ids(s, "我要出国")[:2]


def test_a_malformed_votes_file_is_an_error_naming_it(tmp_path: Path) -> None:
    bad = tmp_path / "qa-feedback.json"
    bad.write_text('{"votes": {"x": "up"}}', "utf-8")
    with pytest.raises(ValueError, match=r"qa-feedback\.json"):
        load_feedback(bad)
    assert load_feedback(tmp_path / "missing.json") == {}


def test_an_index_written_before_the_aliases_still_answers(index: Path, tmp_path: Path) -> None:
    old = tmp_path / "old"
    old.mkdir()
    for f in index.iterdir():
        (old / f.name).write_bytes(f.read_bytes())
    manifest = json.loads(gzip.decompress((old / "manifest.tdz").read_bytes()))
    del manifest["fam"]["ask"], manifest["fb"]
    (old / "manifest.tdz").write_bytes(gzip.compress(json.dumps(manifest).encode()))
    assert ids(Searcher(old), "护照")[:1]


def test_a_small_file_cache_answers_alike_and_stays_bounded(index: Path) -> None:
    big, small = Searcher(index), Searcher(index, cache_files=3)
    for q in ("我要出国", "开个小店要办什么手续", "banhuzhao", "身分证补领", "养狗"):
        assert ids(small, q) == ids(big, q)
        assert len(small._cache) <= 3
