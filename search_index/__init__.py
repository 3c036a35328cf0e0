"""Client-side search for Tongda: the indexer (build time) and the Python runtime.

- :class:`SearchIndex` collects :class:`SearchDoc` objects and writes the sharded index.
- :class:`Searcher` answers queries over a written index exactly as the browser runtime
  ``search_index/runtime/tongda-search.js`` does (used by ``functions/qa`` and the tests).
"""
from __future__ import annotations

from search_index.indexer import SearchIndex
from search_index.model import SearchDoc
from search_index.runtime import Searcher

__all__ = ["SearchDoc", "SearchIndex", "Searcher"]
