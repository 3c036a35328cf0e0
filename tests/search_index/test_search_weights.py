"""Field weights pinned by what a reader sees: where the word is decides the order.

One word, one page per place it can be: the title, the tags (meta), a heading, the body
twice, the body once, once in a long body. Swapping any two field weights of
``search_index.indexer.WEIGHTS`` that differ, or the body's length normalisation, changes
this order (checked by hand: each swap was made and this test failed).
"""
from __future__ import annotations

import pytest

from search_index.indexer import SearchIndex
from search_index.model import SearchDoc
from search_index.runtime import Searcher

pytestmark = pytest.mark.unit
FILL = "本办法适用于本市行政区域内的有关工作，由市人民政府负责解释并组织实施。"
WORD = "消防"
CHAPTERS = ["第一章 总则和适用范围的一般规定", "第二章 职责分工与协调机制安排", "第三章 监督检查与法律责任追究"]


def _doc(id_: str, title: str, body: str = FILL * 3, **fields: list[str]) -> SearchDoc:
    return SearchDoc(id=id_, url=f"policies/{id_}/", kind="policy", title=title, body=body,
                     **fields)  # type: ignore[arg-type]


DOCS = [
    _doc("in-title", f"临江市城市建筑{WORD}与公共安全综合管理若干规定实施细则"),
    _doc("in-tags-head-body", "城市公共设施规定", FILL + f"做好{WORD}工作。" + FILL * 2,
         tags=[WORD], headings=[WORD]),
    _doc("in-tags", "城市管理办法", tags=[WORD]),
    _doc("in-heading", "城市管理规定", headings=[WORD]),
    _doc("in-body-twice", "城市管理细则", FILL + f"做好{WORD}工作，落实{WORD}责任。" + FILL * 2),
    _doc("in-body", "城市管理条例", FILL + f"做好{WORD}工作。" + FILL * 2),
    _doc("in-long-body", "城市管理意见", FILL + f"做好{WORD}工作。" + FILL * 12),
    _doc("elsewhere", "道路交通条例", headings=CHAPTERS),
    _doc("elsewhere-too", "环境保护条例", headings=CHAPTERS),
]


@pytest.fixture(scope="module")
def searcher(tmp_path_factory: pytest.TempPathFactory) -> Searcher:
    out = tmp_path_factory.mktemp("weights") / "search"
    index = SearchIndex()
    for doc in DOCS:
        index.add(doc)
    index.write(out)
    return Searcher(out)


def test_where_the_word_is_decides_the_order(searcher: Searcher) -> None:
    results = searcher.search(WORD, limit=10)["results"]
    assert [r["id"] for r in results] == [
        "in-title", "in-tags-head-body", "in-tags", "in-heading", "in-body-twice", "in-body",
        "in-long-body"]
    scores = [r["score"] for r in results]
    assert scores == sorted(scores, reverse=True) and len(set(scores)) == len(scores)

