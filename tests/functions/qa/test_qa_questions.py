"""The question set: citizens' questions over the demo portal, answered from its own content."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from qa_testlib import QUESTIONS, search_page_first_results

from functions.qa import evaluate
from functions.qa.answer import Answerer

pytestmark = pytest.mark.integration


def test_the_set_is_written_the_way_citizens_ask() -> None:
    items = evaluate.load(QUESTIONS)
    kinds = Counter(i["kind"] for i in items)
    assert len(items) >= 60
    for kind in ("typo", "pinyin", "ambiguous", "out_of_scope", "complaint", "sensitive", "task"):
        assert kinds[kind] >= 2, kind
    assert len({i["q"] for i in items}) == len(items)


def test_nine_questions_in_ten_get_the_right_answer_clarification_or_fallback(
        answerer: Answerer) -> None:
    scored = evaluate.score(lambda q: answerer.ask(q), evaluate.load(QUESTIONS))
    wrong = [(item["q"], item["expect"], got) for item, got, ok in scored if not ok]
    assert sum(ok for _i, _g, ok in scored) / len(scored) >= 0.9, wrong


@pytest.mark.parametrize("q", ["我要出国", "身份证丢了怎么办", "家里困难怎么申请补助", "护照多久能拿到",
                               "低保标准是多少", "幼儿园", "驾驶证到期了怎么换"])
def test_every_answer_is_text_from_the_page_it_links(answerer: Answerer, q: str) -> None:
    searcher = answerer.site.data().searcher
    res = answerer.ask(q)
    texts = {}
    for rec in searcher.search(q, limit=10)["results"]:
        texts[rec["id"]] = re.sub(r"\s+", " ", searcher.get(rec["x"]))
    for a in res["answers"]:
        passage = a["excerpt"].strip("…")
        assert passage and passage in texts[a["id"]], (a["id"], passage)


@pytest.mark.node
def test_the_first_answer_is_the_search_page_s_first_result(answerer: Answerer,
                                                            demo_site: Path) -> None:
    """The search page runs tongda-search.js: run it (in Node) on the same questions."""
    items = [i for i in evaluate.load(QUESTIONS) if i["kind"] not in ("sensitive", "complaint")]
    page = search_page_first_results(demo_site, [i["q"] for i in items])
    for item, first in zip(items, page, strict=True):
        answers = answerer.ask(item["q"])["answers"]
        assert [a["id"] for a in answers[:1]] == first, item["q"]
