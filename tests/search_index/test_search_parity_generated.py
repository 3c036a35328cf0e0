"""The browser and Python runtimes agree on generated queries with filters, sorting and pages.

``test_search_parity`` fixes its queries; ``test_search_parity_tasks`` generates queries but
never filters or pages them. Here Hypothesis picks a document of the laws fixture,
cuts a query from its title, body or 文号 (plus words and characters of the vocabulary),
and filters it (kind, level, issuer, and a date range with that document's own date at
one end, by year, month or day: the inclusive edges), sorts it and pages it; Node (``tongda-search.js``) and Python must give the same page, scores and totals.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from node_search import run_node
from search_fixture_docs import DOCS

from search_index.model import SearchDoc
from search_index.runtime import Searcher
from search_index.text import CJK_RE

pytestmark = [pytest.mark.integration, pytest.mark.node]


def _vocabulary() -> list[str]:
    words: set[str] = set()
    for d in DOCS:
        words.update([d.title, d.doc_number, d.issuer])
        for run in CJK_RE.findall(d.title + "\n" + d.body):
            words.update(run[i:i + n] for n in (1, 2, 3, 4) for i in range(0, len(run) - n + 1, 2))
    return sorted(w for w in words if w)


WORDS = _vocabulary()
DATES = sorted({d.date for d in DOCS if d.date})
FACETS = {"kind": sorted({d.kind for d in DOCS}), "level": sorted({d.level for d in DOCS if d.level}),
          "issuer": sorted({d.issuer for d in DOCS if d.issuer})}


@st.composite
def piece(draw: st.DrawFn, doc: SearchDoc) -> str:
    """Some of a document's words: a cut of its title or body, or its 文号."""
    runs = CJK_RE.findall(doc.title + "\n" + doc.body)
    run = draw(st.sampled_from(runs))
    n = draw(st.integers(1, min(4, len(run))))
    i = draw(st.integers(0, len(run) - n))
    return draw(st.sampled_from([run[i:i + n], doc.doc_number or doc.title]))


@st.composite
def request(draw: st.DrawFn) -> list[Any]:
    """A query for one document, filtered so that it sits on an edge of the filter."""
    doc = draw(st.sampled_from(DOCS))
    q = draw(st.sampled_from(["", " "])).join(
        [draw(piece(doc)), *draw(st.lists(st.sampled_from(WORDS), max_size=2))])
    filters: dict[str, list[str]] = {}
    for facet, values in FACETS.items():
        if draw(st.integers(0, 3)) == 0:
            filters[facet] = draw(st.lists(st.sampled_from(values), min_size=1, max_size=2,
                                           unique=True))
    if doc.date and draw(st.booleans()):
        cut = draw(st.sampled_from([4, 7, 10]))  # 2018, 2018-03, 2018-03-30: its own date
        ends = [doc.date[:cut], draw(st.sampled_from(["", draw(st.sampled_from(DATES))]))]
        filters["date"] = ends if draw(st.booleans()) else ends[::-1]
    return [q, {"filters": filters, "sort": draw(st.sampled_from(["relevance", "date"])),
                "offset": draw(st.sampled_from([0, 0, 0, 3]))}]


def _python(py: Searcher, q: str, opts: dict[str, Any]) -> dict[str, Any]:
    r = py.search(q, limit=10, **opts)
    return {"ids": [x["id"] for x in r["results"]], "notice": r["notice"], "total": r["total"]}


# No shrinking: each example costs a Node process, and the message lists the requests.
@settings(max_examples=6, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow],
          phases=[Phase.explicit, Phase.reuse, Phase.generate])
@given(st.lists(request(), min_size=40, max_size=40, unique_by=lambda r: r[0]))
def test_generated_filtered_and_paged_queries_agree(index_dir: Path, tmp_path_factory:
                                                     pytest.TempPathFactory,
                                                     requests: list[list[Any]]) -> None:
    js = run_node(tmp_path_factory.mktemp("parity"), index_dir, requests)
    py = Searcher(index_dir)
    mine = [_python(py, q, opts) for q, opts in requests]
    mismatches = [(r, m, j) for r, m, j in zip(requests, mine, js, strict=True) if m != j]
    assert not mismatches, mismatches[:3]
