"""Client-side search for Tongda: the indexer (build time) and the Python runtime.

- :class:`SearchIndex` collects :class:`SearchDoc` objects and writes the sharded index.
- :class:`Searcher` answers queries over a written index exactly as the browser runtime
  ``search_index/runtime/tongda-search.js`` does (used by ``functions/qa`` and the tests).

Imports are lazy: a function that only searches never loads jieba or pypinyin.
"""
from __future__ import annotations

from typing import Any

__all__ = ["SearchDoc", "SearchIndex", "Searcher"]


def __getattr__(name: str) -> Any:
    if name == "SearchIndex":
        from search_index.indexer import SearchIndex

        return SearchIndex
    if name == "SearchDoc":
        from search_index.model import SearchDoc

        return SearchDoc
    if name == "Searcher":
        from search_index.runtime import Searcher

        return Searcher
    raise AttributeError(name)
