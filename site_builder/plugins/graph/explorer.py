"""What the graph explorer page needs: filters in plain words, labels, where the data is.

The explorer filters relations by what they mean to a citizen, not by how they are stored:
six boxes (上位政策, 下位政策, 解读, 办事服务, 常见问题, 同级相关), each covering the edge
kinds and directions that say it. A relation written on both sides (a policy's
``services`` and a service's ``policies``) is one filter and, in the lists, one group.
"""

from __future__ import annotations

from typing import Any

from site_builder.content.graph import EDGE_LABELS
from site_builder.content.model import KIND_LABELS, LEVEL_LABELS

#: (name, label, relations as "kind:direction" seen from the document in the middle).
FILTERS: list[tuple[str, str, list[str]]] = [
    ("up", "上位政策", ["based_on:out", "implements:out", "services:in"]),
    ("down", "下位政策", ["based_on:in"]),
    ("interpretation", "解读", ["interprets:out", "interprets:in"]),
    ("service", "办事服务", ["services:out", "implements:in"]),
    ("faq", "常见问题", ["about:out", "about:in"]),
    ("peer", "同级相关", ["cites:out", "cites:in", "related:out", "related:in", "supersedes:out",
                      "supersedes:in", "amends:out", "amends:in", "scenario:out", "scenario:in"]),
]


def explorer_context(explorer_dir: str) -> dict[str, Any]:
    """The template's ``graph_explorer``: the data's address, filters, labels and levels."""
    return {"graph_url": explorer_dir + "graph.json",
            "filters": [{"name": n, "label": label, "covers": covers}
                        for n, label, covers in FILTERS],
            "levels": [{"level": k, "label": v} for k, v in LEVEL_LABELS.items()],
            "kind_labels": KIND_LABELS, "edge_labels": EDGE_LABELS}
