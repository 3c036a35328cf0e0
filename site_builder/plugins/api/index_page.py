"""The page at ``api/v1/``: what the open data holds and how to read it, for people.

``api/v1/index.json`` is the entry for programs; this page is the entry for the people who
write them (and for anyone who follows the README's link to ``api/v1/``, which answered 404
before). It is an ordinary page of the site, rendered by the theme's ``api.html``.
"""

from __future__ import annotations

import math
from typing import Any

from site_builder.content.corpus import Corpus

from .export import COLLECTIONS

PAGE_SRC = "_tongda/api.md"
TEMPLATE = "api.html"
LABELS = {"policies": "政策文件", "interpretations": "政策解读", "services": "办事指南",
          "faqs": "常见问题"}


def context(corpus: Corpus, *, page_size: int, rules_path: str | None) -> dict[str, Any]:
    """The template's ``api_index``: every collection with its size and first page.

    Args:
        corpus: The site's documents.
        page_size: Documents per page of a collection (the plugin's ``api_page_size``).
        rules_path: Where the policy rules are published (``api/match/rules.json``),
            relative to the site, when the match plugin writes them.
    """
    collections = []
    for name, kind in COLLECTIONS.items():
        total = len(corpus.of_kind(kind))
        example = corpus.of_kind(kind)[0].id if total else None
        collections.append({"name": name, "label": LABELS[name], "total": total,
                            "pages": max(1, math.ceil(total / page_size)),
                            "first": f"{name}/page/1.json",
                            "example": f"{name}/{example}.json" if example else None})
    return {"collections": collections, "page_size": page_size, "rules_path": rules_path}
