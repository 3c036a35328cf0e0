"""The analysis cache keeps bodies on their own (a document whose title or metadata
changed re-tokenises only those): a document analysed with its body read back from the
cache has the analysis of one analysed afresh, and a body cached by another document
(the same text, another title) is read, not tokenised again."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from search_fixture_docs import DOCS

from search_index.analyze import BodyCache, analyze

pytestmark = pytest.mark.unit


def _same(a, b) -> bool:  # type: ignore[no-untyped-def]
    return (a.tf, a.lengths, a.words, a.title_words, a.docnums) == \
        (b.tf, b.lengths, b.words, b.title_words, b.docnums)


def test_a_body_read_back_gives_the_analysis_of_a_fresh_one(tmp_path: Path) -> None:
    cache = BodyCache(tmp_path)
    for doc in DOCS:
        fresh = analyze(doc)
        assert _same(analyze(doc, cache), fresh)  # computed and kept
        assert _same(analyze(doc, cache), fresh)  # read back
    assert cache.misses == len({d.body for d in DOCS})
    assert cache.hits == len(DOCS) + (len(DOCS) - cache.misses)


def test_a_new_title_on_a_known_body_reads_the_body_back(tmp_path: Path) -> None:
    cache = BodyCache(tmp_path)
    doc = max(DOCS, key=lambda d: len(d.body))
    analyze(doc, cache)
    retitled = dataclasses.replace(doc, title="关于" + doc.title + "的补充通知", issuer="临江市人民政府")
    misses = cache.misses
    assert _same(analyze(retitled, cache), analyze(retitled))
    assert cache.misses == misses and cache.hits >= 1
