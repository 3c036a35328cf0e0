"""What the rules read: the corpus, the site's settings, and facts computed once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from site_builder.content.corpus import Corpus, Entry
from site_builder.content.model import Policy
from site_builder.content.regions import Regions, load_regions
from site_builder.errors import ContentError

from .markdown_scan import BodyScan, anchors, scan
from .memo import BodyMemo

INACTIVE = ("expired", "repealed", "superseded")
"""Computed statuses under which a policy no longer applies as written."""
CURRENT = ("effective", "pending")


@dataclass
class Settings:
    """A site's quality settings (``tongda-quality`` options in ``mkdocs.yml``).

    Attributes:
        review_days: A page not reviewed (or updated) for this many days is overdue.
        expiry_notice_days: A policy that expires within this many days gets a notice.
        consultation_days: A draft or consultation older than this is stale.
        similarity: Least similarity (0–1) of two bodies to call them near-duplicates.
        interpretation_types: Policy doc types that should have an interpretation.
        interpretation_levels: Levels at which an interpretation is expected.
        severity: Severity overrides by rule id (``off`` disables a rule).
        max_errors: The check fails when there are more errors than this.
        max_warnings: The check fails when there are more warnings than this (-1: never).
        max_notices: The same for notices (-1: never).
    """

    review_days: int = 365
    expiry_notice_days: int = 60
    consultation_days: int = 90
    similarity: float = 0.85
    interpretation_types: tuple[str, ...] = ("规范性文件",)
    interpretation_levels: tuple[str, ...] = ("city", "district")
    severity: dict[str, str] = field(default_factory=dict)
    max_errors: int = 0
    max_warnings: int = -1
    max_notices: int = -1


@dataclass
class Citation:
    """A citation found in a body (from the graph plugin when present)."""

    source: str
    text: str
    line: int
    target: str | None


class CheckContext:
    """Everything a rule may use; expensive facts are computed on first use and shared."""

    def __init__(self, corpus: Corpus, settings: Settings | None = None, *,
                 citations: list[Citation] | None = None,
                 slugify: Callable[[str, str], str] | None = None,
                 memo: BodyMemo | None = None) -> None:
        self.corpus = corpus
        self.memo = memo or BodyMemo()
        self.settings = settings or Settings()
        self.today: dt.date = corpus.today
        self._citations = citations
        self._slugify = slugify
        self._scans: dict[str, BodyScan] = {}
        self._anchors: dict[str, set[str]] = {}

    # Rules read kind-specific fields (doc_number, materials…) after filtering by kind, so
    # these lists are typed loosely rather than casting in every rule.
    @property
    def entries(self) -> list[Any]:
        """Every valid document."""
        return list(self.corpus.documents.values())

    def policies(self) -> list[Any]:
        """Every policy."""
        return [e for e in self.corpus.documents.values() if isinstance(e.meta, Policy)]

    def of_kind(self, *kinds: str) -> list[Any]:
        """Documents of the given kinds, in file order."""
        return [e for e in self.corpus.documents.values() if e.kind in kinds]

    @cached_property
    def regions(self) -> Regions:
        """The site's administrative divisions (``_data/regions.yml``): codes listed there are
        valid whatever the national table says (fictional or newly created divisions). Empty
        when the file is absent or malformed (the build names a malformed table itself)."""
        try:
            return load_regions(self.corpus.docs_dir / "_data")
        except ContentError:
            return Regions()

    def line(self, entry: Entry, *path: str | int) -> int:
        """The line of a front-matter field (or of its nearest parent)."""
        return entry.source.line_of(tuple(path))

    def scan(self, entry: Entry) -> BodyScan:
        """Links, images and headings of a document's body."""
        if entry.id not in self._scans:
            self._scans[entry.id] = self.memo.get("scan", entry.body, entry.body_line,
                                                  lambda: scan(entry.body, entry.body_line))
        return self._scans[entry.id]

    def anchors(self, entry: Entry) -> set[str]:
        """Ids the document's rendered page will have."""
        if entry.id not in self._anchors:
            self._anchors[entry.id] = anchors(self.scan(entry), self._slugify)
        return self._anchors[entry.id]

    def is_inactive(self, doc_id: str) -> bool:
        """Whether a document is a policy no longer in force as written."""
        other = self.corpus.documents.get(doc_id)
        return other is not None and other.kind == "policy" and other.status in INACTIVE

    def is_current(self, entry: Entry) -> bool:
        """Whether readers are meant to rely on the document today."""
        return entry.kind != "policy" or entry.status in CURRENT

    @cached_property
    def families(self) -> dict[str, int]:
        """Version families: documents joined by supersedes/amends share a number."""
        parent: dict[str, str] = {}

        def find(x: str) -> str:
            while parent.get(x, x) != x:
                parent[x] = parent.get(parent[x], parent[x])
                x = parent[x]
            return x

        for edge in self.corpus.graph.edges:
            if edge.kind in ("supersedes", "amends"):
                parent[find(edge.source)] = find(edge.target)
        roots: dict[str, int] = {}
        return {doc: roots.setdefault(find(doc), len(roots)) for doc in self.corpus.documents}

    def same_family(self, a: str, b: str) -> bool:
        """Whether two documents are versions of one another (directly or by a chain)."""
        fam = self.families
        return fam.get(a) is not None and fam.get(a) == fam.get(b) and a != b

    @cached_property
    def citations(self) -> list[Citation]:
        """Citations found in bodies: given, else the graph plugin's finder, else edges."""
        if self._citations is not None:
            return self._citations
        return find_citations(self.corpus)

    @cached_property
    def files(self) -> set[str]:
        """Every file under the content folder (posix, relative), for links and images."""
        root = Path(self.corpus.docs_dir)
        if not root.is_dir():
            return set()
        return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}

    @cached_property
    def urls(self) -> dict[str, Entry]:
        """Documents by their site URL (``policies/x/``)."""
        return {e.url: e for e in self.corpus.documents.values()}


def find_citations(corpus: Corpus) -> list[Citation]:
    """Citations by the graph plugin's finder when it is installed, else ``cites`` edges."""
    try:
        from site_builder.plugins.graph.citations import CitationFinder
    except ImportError:
        CitationFinder = None  # type: ignore[assignment,misc]
    if CitationFinder is not None:
        found: Any = CitationFinder(corpus).find_all()
        return [Citation(c.source, c.text, c.line, c.target) for c in found.citations]
    out = []
    for edge in corpus.graph.edges:
        if edge.kind == "cites":
            line = int(edge.where.rsplit(":", 1)[1]) if edge.where and ":" in edge.where else 0
            out.append(Citation(edge.source, edge.target, line, edge.target))
    return out
