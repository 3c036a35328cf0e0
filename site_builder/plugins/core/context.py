"""What templates get besides MkDocs' own context: the document, its panels, labels."""

from __future__ import annotations

import datetime as dt
from typing import Any

from site_builder.content.corpus import Corpus, Entry
from site_builder.content.graph import EDGE_LABELS
from site_builder.content.model import KIND_LABELS, LEVEL_LABELS, STATUS_LABELS

# Panels shown on a page, in this order; "topic" edges show as tags instead.
PANEL_ORDER = [
    "interprets", "based_on", "implements", "services", "supersedes", "amends",
    "about", "scenario", "cites", "related",
]
INACTIVE = {"expired", "repealed", "superseded", "amended"}
PANEL_LIMIT = 20
"""A panel lists at most this many documents (a basic law is cited by hundreds); the rest
are counted and reachable through the policy graph explorer."""


def cn_date(value: dt.date | None) -> str:
    """A date the way people read it: 2021年4月1日."""
    if value is None:
        return ""
    return f"{value.year}年{value.month}月{value.day}日"


def doc_link(entry: Entry, root: str | None = None) -> dict[str, Any]:
    """What a list item needs to show a document. With ``root`` (the way from the page to
    the site root, ``"../../"``), the item also gets its ``href``, so templates need no
    per-item URL filter (a list item costs a third less to render)."""
    meta = entry.meta
    date = getattr(meta, "published", None)
    link = {
        "id": entry.id, "title": meta.title, "url": entry.url, "kind": entry.kind,
        "kind_label": KIND_LABELS[entry.kind], "status": entry.status,
        "status_label": STATUS_LABELS.get(entry.status, ""), "inactive": entry.status in INACTIVE,
        "doc_number": getattr(meta, "doc_number", None), "issuer": getattr(meta, "issuer", None),
        "date": date, "date_label": cn_date(date), "summary": meta.summary,
        "level": entry.level,
    }
    if root is not None:
        link["href"] = root + entry.url
    return link


_PANEL_RANK = {kind: n for n, kind in enumerate(PANEL_ORDER)}
_PANEL_LABELS = ({kind: labels[0] for kind, labels in EDGE_LABELS.items()},
                 {kind: labels[1] for kind, labels in EDGE_LABELS.items()})


def _undeclared(edge: Any) -> bool:
    return not edge.declared


def related_panels(entry: Entry, corpus: Corpus, root: str | None = None) -> list[dict[str, Any]]:
    """Related documents grouped by relation, in both directions, declared first.

    A relation written on both sides (a policy's ``services`` and the service's
    ``policies``) names the same thing twice; panels are grouped by what they say to the
    reader, so it shows once.

    The items are shared: one dict per (document, ``root``, declared or found) a build,
    listed by every page at that depth that relates to the document (a basic law is in
    the panels of hundreds of pages). Treat them as read-only.
    """
    panels: dict[str, dict[str, Any]] = {}
    documents = corpus.documents
    shared: dict[tuple[str, str | None, bool], dict[str, Any]] = \
        corpus.memo.setdefault("panel_item", {})
    graph = corpus.graph
    for direction in (0, 1):
        edges = graph.outgoing(entry.id) if direction == 0 else graph.incoming(entry.id)
        if not edges:
            continue
        edges.sort(key=_undeclared)  # a fresh list; the sort is stable
        labels = _PANEL_LABELS[direction]
        for edge in edges:
            kind = edge.kind
            if kind == "topic":
                continue
            other = edge.target if direction == 0 else edge.source
            label = labels[kind]
            panel = panels.get(label)
            if panel is None:
                if other not in documents:
                    continue
                panel = panels[label] = {
                    "kind": kind, "direction": "out" if direction == 0 else "in",
                    "label": label, "items": [], "seen": {other},
                    "rank": (_PANEL_RANK.get(kind, len(_PANEL_RANK)), direction)}
            else:
                seen = panel["seen"]
                if other in seen or other not in documents:
                    continue
                seen.add(other)
            # A basic law is cited by hundreds: only the shown items get a link built.
            items = panel["items"]
            if len(items) < PANEL_LIMIT:
                key = (other, root, edge.declared)
                link = shared.get(key)
                if link is None:
                    link = shared[key] = doc_link(documents[other], root)
                    link["declared"] = edge.declared
                items.append(link)
    for panel in panels.values():
        panel["total"] = len(panel.pop("seen"))
        panel["more"] = panel["total"] - len(panel["items"])
    return sorted(panels.values(), key=lambda p: p["rank"])


def metadata_rows(entry: Entry) -> list[tuple[str, str]]:
    """The metadata block people expect on a policy page (文号, 发文机关, dates, 有效性)."""
    meta: Any = entry.meta
    if entry.kind != "policy":
        return []
    rows = [
        ("文号", meta.doc_number or "无"),
        ("发文机关", meta.issuer),
        ("层级", LEVEL_LABELS[meta.level]),
        ("文种", meta.doc_type),
        ("成文日期", cn_date(meta.written)),
        ("发布日期", cn_date(meta.published)),
        ("生效日期", cn_date(meta.effective)),
        ("失效日期", cn_date(meta.expires)),
        ("有效性", STATUS_LABELS.get(entry.status, entry.status)),
    ]
    return [(k, v) for k, v in rows if v]


def status_banner(entry: Entry, corpus: Corpus, root: str | None = None) -> dict[str, Any] | None:
    """A clear banner for a policy that is not (or not yet) in force."""
    if entry.kind != "policy" or entry.status in ("effective",):
        return None
    meta: Any = entry.meta
    replacements = [doc_link(corpus.documents[i], root) for i in entry.superseded_by
                    if i in corpus.documents]
    texts = {
        "expired": f"本文件已于{cn_date(meta.expires)}失效，仅供查阅。" if meta.expires
        else "本文件已失效，仅供查阅。",
        "repealed": "本文件已废止，仅供查阅。",
        "superseded": "本文件已被新文件替代，请以新文件为准。",
        "amended": "本文件已被修改，请同时查阅修改后的文件。",
        "pending": f"本文件将于{cn_date(meta.effective)}起施行，目前尚未生效。",
        "draft": "本文件为草案，尚未发布施行。",
        "consultation": "本文件正在公开征求意见，尚未发布施行。",
    }
    return {"status": entry.status, "label": STATUS_LABELS.get(entry.status, ""),
            "text": texts.get(entry.status, ""), "replacements": replacements}


def page_context(entry: Entry, corpus: Corpus, root: str | None = None) -> dict[str, Any]:
    """Everything a document page's template needs from Tongda (``root``: see ``doc_link``)."""
    topics = [doc_link(corpus.documents[t], root) for t in entry.meta.topics
              if t in corpus.documents]
    return {
        "doc": entry, "meta": entry.meta, "kind_label": KIND_LABELS[entry.kind],
        "panels": related_panels(entry, corpus, root), "metadata_rows": metadata_rows(entry),
        "banner": status_banner(entry, corpus, root), "topic_links": topics,
    }
