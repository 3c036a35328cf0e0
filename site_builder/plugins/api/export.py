"""The files of the static open-data API, as plain data (path → JSON value).

Layout under ``api/v1/`` (every link inside a file is relative to ``api/v1/``):

- ``index.json``: the collections, their sizes and first pages;
- ``<collection>/page/<n>.json``: one page of summaries, newest first, with links;
- ``<collection>/<id>.json``: one document: metadata, status, relations both ways, text.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from site_builder.content.corpus import Corpus, Entry
from site_builder.content.model import KIND_FOLDERS

COLLECTIONS = {"policies": "policy", "interpretations": "interpretation",
               "services": "service", "faqs": "faq"}
API_VERSION = "1.0.0"


def _date(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def summary(entry: Entry) -> dict[str, Any]:
    """What a list item says about a document."""
    meta: Any = entry.meta
    return {
        "id": entry.id, "kind": entry.kind, "title": meta.title, "url": entry.url,
        "api_url": f"{KIND_FOLDERS[entry.kind]}/{entry.id}.json",
        "status": entry.status if entry.kind == "policy" else None,
        "doc_number": getattr(meta, "doc_number", None), "issuer": getattr(meta, "issuer", None),
        "level": entry.level,
        "published": _date(getattr(meta, "published", None)),
        "updated": _date(meta.updated), "summary": meta.summary,
        "topics": list(meta.topics), "audiences": list(meta.audiences),
    }


def relations(entry: Entry, corpus: Corpus) -> dict[str, list[dict[str, Any]]]:
    """Edges of the document in both directions, with the other document's title."""
    def item(other_id: str, edge: Any) -> dict[str, Any]:
        other = corpus.documents[other_id]
        return {"kind": edge.kind, "id": other_id, "title": other.meta.title,
                "doc_kind": other.kind, "declared": edge.declared,
                "api_url": f"{KIND_FOLDERS[other.kind]}/{other_id}.json"}

    return {
        "outgoing": [item(e.target, e) for e in corpus.graph.outgoing(entry.id)
                     if e.target in corpus.documents],
        "incoming": [item(e.source, e) for e in corpus.graph.incoming(entry.id)
                     if e.source in corpus.documents],
    }


def document(entry: Entry, corpus: Corpus, *, body: bool = True) -> dict[str, Any]:
    """One document's own file."""
    meta = entry.meta.model_dump(mode="json", exclude_none=True)
    out: dict[str, Any] = {
        "id": entry.id, "kind": entry.kind, "title": entry.meta.title, "url": entry.url,
        "status": entry.status if entry.kind == "policy" else None,
        "meta": meta, "relations": relations(entry, corpus),
    }
    if body:
        out["body"] = entry.body
    return out


def pages(name: str, entries: list[Entry], size: int) -> Iterator[tuple[str, dict[str, Any]]]:
    """``(<collection>/page/<n>.json, data)`` for every page of a collection."""
    total = len(entries)
    count = max(1, math.ceil(total / size))

    def link(n: int) -> str | None:
        return f"{name}/page/{n}.json" if 1 <= n <= count else None

    for n in range(1, count + 1):
        chunk = entries[(n - 1) * size:n * size]
        yield link(n) or "", {
            "collection": name, "kind": COLLECTIONS[name], "page": n, "pages": count,
            "per_page": size, "total": total, "items": [summary(e) for e in chunk],
            "links": {"self": link(n), "first": link(1), "last": link(count),
                      "prev": link(n - 1), "next": link(n + 1)},
        }


def api_files(corpus: Corpus, *, page_size: int, body: bool = True) -> Iterator[tuple[str, Any]]:
    """Every file of the API (except ``openapi.json``) as ``(relative path, data)``."""
    index: dict[str, Any] = {"version": API_VERSION, "openapi": "openapi.json", "collections": []}
    for name, kind in COLLECTIONS.items():
        entries = corpus.of_kind(kind)
        yield from pages(name, entries, page_size)
        for entry in entries:
            yield f"{name}/{entry.id}.json", document(entry, corpus, body=body)
        index["collections"].append({
            "name": name, "kind": kind, "total": len(entries),
            "pages": max(1, math.ceil(len(entries) / page_size)), "first": f"{name}/page/1.json",
        })
    yield "index.json", index
