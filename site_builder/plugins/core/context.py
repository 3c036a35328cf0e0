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


def related_panels(entry: Entry, corpus: Corpus, root: str | None = None) -> list[dict[str, Any]]:
    """Related documents grouped by relation, in both directions, declared first.

    A relation written on both sides (a policy's ``services`` and the service's
    ``policies``) names the same thing twice; panels are grouped by what they say to the
    reader, so it shows once.
    """
    panels: dict[str, dict[str, Any]] = {}
    order = {kind: n for n, kind in enumerate(PANEL_ORDER)}
    documents = corpus.documents
    links: dict[tuple[str, str | None], dict[str, Any]] = corpus.memo.setdefault("doc_link", {})
    for direction, edges in ((0, corpus.graph.outgoing(entry.id)), (1, corpus.graph.incoming(entry.id))):
        for edge in sorted(edges, key=lambda e: not e.declared):
            if edge.kind == "topic":
                continue
            other = documents.get(edge.target if direction == 0 else edge.source)
            if other is None:
                continue
            label = EDGE_LABELS[edge.kind][direction]
            panel = panels.get(label)
            if panel is None:
                panel = panels[label] = {
                    "kind": edge.kind, "direction": "out" if direction == 0 else "in",
                    "label": label, "items": [], "seen": set(),
                    "rank": (order.get(edge.kind, len(order)), direction)}
            if other.id in panel["seen"]:
                continue
            panel["seen"].add(other.id)
            # A basic law is cited by hundreds: only the shown items get a link built.
            if len(panel["items"]) < PANEL_LIMIT:
                base = links.get((other.id, root))
                if base is None:
                    base = links[(other.id, root)] = doc_link(other, root)
                link = dict(base)
                link["declared"] = edge.declared
                panel["items"].append(link)
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
