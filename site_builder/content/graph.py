"""The relations between documents, declared in front matter or found in the text."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

# Edge kinds and how a panel names them, seen from the source and from the target.
EDGE_LABELS: dict[str, tuple[str, str]] = {
    "interprets": ("解读的政策", "政策解读"),
    "based_on": ("上位政策", "下位政策（据此制定）"),
    "supersedes": ("替代的政策", "被替代为"),
    "amends": ("修改的政策", "修改文件"),
    "services": ("相关办事服务", "依据的政策"),
    "implements": ("依据的政策", "相关办事服务"),
    "about": ("相关文档", "相关问答"),
    "topic": ("所属专题", "专题内容"),
    "related": ("相关文档", "相关文档"),
    "cites": ("引用", "被引用"),
    "scenario": ("场景内容", "所属场景"),
}


@dataclass(frozen=True)
class Edge:
    """A directed relation ``source → target`` of one kind."""

    source: str
    target: str
    kind: str
    declared: bool = True
    where: str | None = None
    """``path:line`` where the relation was written or found."""


class Graph:
    """Edges indexed both ways, without duplicates."""

    def __init__(self) -> None:
        self._edges: dict[tuple[str, str, str], Edge] = {}
        self._out: dict[str, list[Edge]] = defaultdict(list)
        self._in: dict[str, list[Edge]] = defaultdict(list)

    def add(self, source: str, target: str, kind: str, *, declared: bool = True,
            where: str | None = None) -> Edge | None:
        """Add an edge; a declared edge wins over the same edge found in the text."""
        if source == target:
            return None
        key = (source, target, kind)
        old = self._edges.get(key)
        if old is not None and (old.declared or not declared):
            return old
        edge = Edge(source, target, kind, declared, where)
        if old is not None:
            self._out[source].remove(old)
            self._in[target].remove(old)
        self._edges[key] = edge
        self._out[source].append(edge)
        self._in[target].append(edge)
        return edge

    def outgoing(self, node: str) -> list[Edge]:
        """Edges that start at ``node``."""
        return list(self._out.get(node, ()))

    def incoming(self, node: str) -> list[Edge]:
        """Edges that end at ``node``."""
        return list(self._in.get(node, ()))

    @property
    def edges(self) -> list[Edge]:
        """Every edge, in insertion order."""
        return list(self._edges.values())

    def __len__(self) -> int:
        return len(self._edges)
