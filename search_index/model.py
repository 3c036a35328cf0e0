"""What the indexer needs to know about one document."""
from __future__ import annotations

from dataclasses import dataclass, field

#: Order of kinds in doc ids; the manifest gives each kind a contiguous id range.
KINDS = ("service", "faq", "interpretation", "policy", "scenario", "topic")


@dataclass
class SearchDoc:
    """One page of the site as the search sees it.

    Attributes:
        id: stable document id (front matter ``id``).
        url: site-relative URL, e.g. ``policies/xyz/``.
        kind: policy, interpretation, service, faq, topic or scenario.
        title: the title.
        body: plain text of the body (paragraphs separated by newlines).
        headings: section headings.
        summary: front-matter summary.
        doc_number: 文号 (policies).
        issuer: 发文机关 or department.
        level: national, province, city or district.
        status: effective, expired, ... (computed by the core).
        date: ISO date used for sorting and the year facet (published or updated).
        topics: topic ids.
        audiences: audience names.
        tags: free tags.
        keywords: words and phrases people use to ask for this page (front matter ``tags``
            and ``aliases``); with the title of a service, scenario or FAQ they become the
            page's learned aliases (:mod:`search_index.asks`).
        links: ids of the pages this one answers for (an FAQ's ``about``, a scenario's
            ``sections.do``): its title asks for them too.
    """

    id: str
    url: str
    kind: str
    title: str
    body: str = ""
    headings: list[str] = field(default_factory=list)
    summary: str = ""
    doc_number: str = ""
    issuer: str = ""
    level: str = ""
    status: str = ""
    date: str = ""
    topics: list[str] = field(default_factory=list)
    audiences: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)

    @property
    def year(self) -> str:
        """Four-digit year of :attr:`date`, or empty."""
        return self.date[:4] if len(self.date) >= 4 else ""

    def sort_key(self) -> tuple[int, str]:
        """Doc ids follow (kind order, id): stable across rebuilds that edit a document."""
        rank = KINDS.index(self.kind) if self.kind in KINDS else len(KINDS)
        return (rank, self.id)
