"""Typo correction leaves alone what the site often writes (both runtimes share the rule; the
browser's answers to the same queries are held to these by test_search_parity.py)."""
from __future__ import annotations

import pytest
from search_fixture_docs import build

from search_index.runtime import Searcher

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def searcher(tmp_path_factory: pytest.TempPathFactory) -> Searcher:
    return Searcher(build(tmp_path_factory.mktemp("typos")))


@pytest.mark.parametrize("q", ["实施条例", "实施办法", "条例实施"])
def test_a_common_phrase_is_not_corrected_through_a_rare_reading(searcher: Searcher, q: str) -> None:
    # 施 also reads yi, so 一条 (every law's 第一条) once replaced 施条 and the notice said
    # 已为您显示“实一条例”的结果; 实施 is on many pages, so 施 is no typo.
    answer = searcher.search(q)
    assert answer["notice"] == ""
    assert answer["results"], q


@pytest.mark.parametrize(("q", "shown", "first"), [
    ("住房公基金", "住房公积金", "housing-fund"),
    ("身份正到期", "身份证到期", "id-card-renewal"),
])
def test_a_real_typo_is_still_corrected(searcher: Searcher, q: str, shown: str, first: str) -> None:
    answer = searcher.search(q)
    assert answer["notice"] == f"已为您显示“{shown}”的结果，仍搜索“{q}”"
    assert answer["results"][0]["id"] == first
