"""Add found citations to a corpus' graph and export the graph as JSON."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from site_builder.content.corpus import Corpus, Entry

from .citations import Citation, CitationFinder, Findings


@dataclass
class GraphBuild:
    """What adding the citations did: edges added and citations left unresolved."""

    findings: Findings = field(default_factory=Findings)
    added: int = 0
    unresolved: list[tuple[str, int, str]] = field(default_factory=list)
    """(source path, line, cited text) of every citation that resolves to nothing."""


def add_citations(corpus: Corpus, *, basis: bool = True,
                  found: list[Citation] | None = None) -> GraphBuild:
    """Find citations in every document and add them as found edges (``found``: the
    citations of this very corpus found before, see ``cache``).

    A resolved citation becomes a ``cites`` edge, or, when the text says the document is
    made under the cited one (and ``basis`` is on), a found ``based_on`` edge instead: one
    edge per pair, so the related panels list the law once, as 上位政策.
    """
    findings = Findings(found) if found is not None else CitationFinder(corpus).find_all()
    result = GraphBuild(findings)
    graph = corpus.graph
    # A document may cite a law in passing before saying it is made under it: the pair
    # then gets only the based_on edge.
    basis_pairs = {(c.source, c.target) for c in findings.citations if basis and c.basis}
    # Pairs already related by a declared edge, either way round: a citation adds nothing.
    declared = {p for e in graph.edges if e.declared
                for p in ((e.source, e.target), (e.target, e.source))}
    for citation in findings.citations:
        if citation.target is None:
            path = corpus.documents[citation.source].src_path
            result.unresolved.append((path, citation.line, citation.text))
            continue
        if (citation.source, citation.target) in declared:
            continue  # an interpretation naming the policy it interprets says nothing new
        before = len(graph)
        kind = "based_on" if (citation.source, citation.target) in basis_pairs else "cites"
        graph.add(citation.source, citation.target, kind, declared=False, where=citation.where)
        result.added += len(graph) - before
    return result


def node(entry: Entry) -> dict[str, Any]:
    """One node of ``graph.json``."""
    meta: Any = entry.meta
    date = getattr(meta, "published", None) or getattr(meta, "effective", None)
    return {
        "id": entry.id, "title": meta.title, "kind": entry.kind, "level": entry.level,
        "url": entry.url, "status": entry.status, "doc_number": getattr(meta, "doc_number", None),
        "issuer": getattr(meta, "issuer", None), "date": date.isoformat() if date else None,
    }


def graph_json(corpus: Corpus) -> dict[str, Any]:
    """``{"nodes": [...], "edges": [{"source", "target", "kind", "declared"}]}``."""
    nodes = [node(e) for e in sorted(corpus.documents.values(), key=lambda e: e.id)]
    edges = [{"source": e.source, "target": e.target, "kind": e.kind, "declared": e.declared}
             for e in corpus.graph.edges
             if e.source in corpus.documents and e.target in corpus.documents]
    return {"nodes": nodes, "edges": edges}
