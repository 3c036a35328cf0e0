"""Which version of a document is in force now, for a citation of one that was replaced.

A document may cite a version that has since been superseded (or amended): the citation
still names the version it meant, and readers should learn which one applies today. The
related panels say so beside the cited version, and the quality rule ``cites-inactive``
warns only where nothing replaces the cited text.
"""

from __future__ import annotations

from site_builder.content.corpus import Corpus, Entry

#: Statuses of a document that no longer applies as written.
INACTIVE = frozenset({"expired", "repealed", "superseded", "amended"})
_IN_FORCE_FIRST = {"effective": 0, "pending": 1, "amended": 2}


def _successors(entry: Entry, corpus: Corpus) -> list[Entry]:
    """Documents that replace ``entry``: those superseding it, else those amending it."""
    docs = corpus.documents
    found = [docs[i] for i in entry.superseded_by if i in docs]
    if not found:
        found = [docs[e.source] for e in corpus.graph.incoming(entry.id)
                 if e.kind == "amends" and e.source in docs]
    return found


def in_force(entry: Entry, corpus: Corpus) -> Entry | None:
    """The version in force that replaces ``entry``, following replacements forward.

    Returns ``None`` when ``entry`` still applies, or when nothing replaces it (an expired
    or repealed document without a successor: a citation of it deserves a warning).
    """
    if entry.status not in INACTIVE:
        return None
    current, seen = entry, {entry.id}
    while current.status in INACTIVE:
        nexts = [e for e in _successors(current, corpus) if e.id not in seen]
        if not nexts:
            break
        nexts.sort(key=lambda e: (_IN_FORCE_FIRST.get(e.status, 9), e.id))
        current = nexts[0]
        seen.add(current.id)
    if current is entry or current.status in ("expired", "repealed", "superseded"):
        return None
    return current


def in_force_link(doc_id: str, corpus: Corpus | None) -> dict[str, str] | None:
    """``{"title", "url"}`` of the version in force that replaces ``doc_id``, if any: what
    the theme's list items show beside a replaced document (``td_in_force``)."""
    entry = corpus.documents.get(doc_id) if corpus is not None else None
    now = in_force(entry, corpus) if entry is not None and corpus is not None else None
    return {"title": now.meta.title, "url": now.url} if now is not None else None
