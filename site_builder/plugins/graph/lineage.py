"""A policy's vertical lineage: the chain of higher-level policies it is made under.

Follows ``based_on`` edges upward (declared ones first, then those found in the text), one
level at a time where the documents allow, and returns the chain from the top (national)
down to the document itself, e.g.
中华人民共和国港口法 → 浙江省港口管理条例 → 宁波市港口管理条例.
"""

from __future__ import annotations

from typing import Any

from site_builder.content.corpus import Corpus, Entry
from site_builder.content.model import LEVEL_LABELS

LEVEL_RANK = {"national": 0, "province": 1, "city": 2, "district": 3}
_MAX_DEPTH = 8
_UNKNOWN: Any = object()


def _rank(entry: Entry) -> int:
    return LEVEL_RANK.get(entry.level or "", 9)


def parent(entry: Entry, corpus: Corpus) -> Entry | None:
    """The policy this one is made under: declared first, then the nearest level above (a
    district's measures made under a province's and the national law have the province's as
    parent, so the chain shows every level), then the first found; a parent is never at a
    lower level than the child, and one at the same level only when none is higher."""
    options = []
    own = _rank(entry)
    for edge in corpus.graph.outgoing(entry.id):
        other = corpus.documents.get(edge.target)
        if (edge.kind == "based_on" and other is not None and other.kind == "policy"
                and _rank(other) <= own):
            options.append((not edge.declared, _rank(other) == own, -_rank(other), other))
    if not options:
        return None
    options.sort(key=lambda o: o[:3])
    return options[0][3]


def chain(entry: Entry, corpus: Corpus,
          parents: dict[str, Entry | None] | None = None) -> list[Entry]:
    """Ancestors from the top down, ending with ``entry``; just ``[entry]`` when it has none.

    ``parents`` keeps each policy's parent between calls (pages of one build share their
    ancestors: a national law heads hundreds of chains); it must be emptied when the
    graph changes."""
    out = [entry]
    seen = {entry.id}
    current = entry
    while len(out) < _MAX_DEPTH:
        if parents is None:
            up = parent(current, corpus)
        else:
            known = parents.get(current.id, _UNKNOWN)
            up = parents[current.id] = parent(current, corpus) if known is _UNKNOWN else known
        if up is None or up.id in seen:
            break
        seen.add(up.id)
        out.append(up)
        current = up
    return list(reversed(out))


def chain_context(entry: Entry, links: list[Entry], root: str = "") -> list[dict[str, Any]]:
    """The chain ``links`` (from ``chain``) as breadcrumbs: title, href (``root`` + url),
    level label; empty when there is no chain."""
    if entry.kind != "policy" or len(links) < 2:
        return []
    return [{"id": e.id, "title": e.meta.title, "href": root + e.url, "current": e is entry,
             "level_label": LEVEL_LABELS.get(e.level or "", "")}
            for e in links]
