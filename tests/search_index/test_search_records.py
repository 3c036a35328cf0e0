"""What a search result carries in Python, as in the browser: the 文号 stays the 文号."""

from __future__ import annotations

import pytest

from search_index.runtime import Searcher

pytestmark = pytest.mark.unit


def test_a_result_keeps_its_doc_number_and_says_its_place_in_the_index(
        searcher: Searcher) -> None:
    found = searcher.search("居民身份证法", limit=5)["results"]
    law = next(r for r in found if r.get("n") == "主席令第51号")
    assert isinstance(law["doc"], int) and searcher.doc(law["doc"])["n"] == "主席令第51号"
