"""The build context: what the core plugin shares with the other plugins, and how.

Plugins never read each other's attributes. The core publishes one typed
:class:`BuildContext` per build (``build_context(config)``) holding the corpus, the
listings, the cache folder, page reuse and a registry of figures; plugins *declare* what
the core needs from them through it, in their ``on_files``:

- ``ctx.add_nav(title, src)``: a generated page's place in the default nav;
- ``ctx.add_signature_part(name, part)``: what a page's output depends on besides its
  content and the core's context (so page reuse stays exact);
- ``ctx.stats.record(name, figures)``: figures of the build for the report;
- ``ctx.citations``: citations found in the text (the graph plugin), for the quality rules.

A plugin that writes a file per page records it with ``ctx.add_output(dest, rel)``: a
reused page brings it along (see :mod:`.reuse`), and the static accessibility rules check
it as soon as it is written.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.pages import Page

    from site_builder.content.corpus import Corpus
    from site_builder.validation import Validation

    from .listings import Listing
    from .pagemodel import PageModel
    from .reuse import PageReuse

SignaturePart = Callable[["Page"], Any]
"""A page's share of a plugin's inputs, as plain data (JSON-able)."""


class FoundCitation(Protocol):
    """A citation found in a document's text (what the quality rules read)."""

    @property
    def source(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def line(self) -> int: ...
    @property
    def target(self) -> str | None: ...


@dataclass(frozen=True)
class PublishedRules:
    """The policies' eligibility rules as one build publishes them (tongda-match)."""

    ruleset: dict[str, Any]
    path: str
    """Where ``rules.json`` is in the site (``api/match/rules.json``)."""


@dataclass(frozen=True)
class NavEntry:
    """A generated page in the site's default nav."""

    title: str
    src: str


class StatsRegistry:
    """Figures of the build by part (``audio``, ``search``, ``markdown``…), for the report."""

    def __init__(self) -> None:
        self._figures: dict[str, dict[str, Any]] = {}

    def record(self, name: str, figures: Any) -> None:
        """Keep ``figures`` (a mapping or a dataclass instance) under ``name``, replacing
        earlier ones."""
        if dataclasses.is_dataclass(figures) and not isinstance(figures, type):
            self._figures[name] = dataclasses.asdict(figures)
        elif isinstance(figures, Mapping):
            self._figures[name] = dict(figures)
        else:
            raise TypeError(f"figures of {name} must be a mapping or a dataclass instance")

    def get(self, name: str) -> dict[str, Any] | None:
        """The figures recorded under ``name``, if any."""
        return self._figures.get(name)

    def all(self) -> dict[str, dict[str, Any]]:
        """Every part's figures."""
        return {k: dict(v) for k, v in self._figures.items()}


@dataclass
class BuildContext:
    """One build's shared state. Made by the core plugin in ``on_files``, before any
    other plugin's ``on_files`` (its priority is 100)."""

    cache_dir: Path | None
    """The folder of Tongda's caches when they are on (each plugin keeps its part in a
    subfolder, see :meth:`cache_folder`); None when caches are off."""
    validation: Validation
    """The build's validation (the quality plugin runs its last stage)."""
    corpus: Corpus
    listings: dict[str, Listing] = field(default_factory=dict)
    """Generated listing pages by their source path."""
    home_src: str = "index.md"
    reuse: PageReuse | None = None
    """Page reuse, when on (set before the first page's content is final)."""
    stats: StatsRegistry = field(default_factory=StatsRegistry)
    nav: list[NavEntry] = field(default_factory=list)
    signature_parts: dict[str, SignaturePart] = field(default_factory=dict)
    citations: list[FoundCitation] | None = None
    """Citations found in the text, when a plugin finds them (tongda-graph)."""
    rules: PublishedRules | None = None
    """The rule set, when a plugin builds it (tongda-match; tongda-apply reads it)."""
    _models: dict[str, tuple[int, PageModel]] = field(default_factory=dict, repr=False)
    _outputs: dict[str, list[str]] = field(default_factory=dict, repr=False)

    def add_output(self, dest_uri: str, rel: str) -> None:
        """A plugin wrote ``rel`` (site-relative) for the page ``dest_uri`` (its plain-text
        twin, its audio): page reuse brings it along with the page."""
        if self.reuse is not None:
            self.reuse.add_output(dest_uri, rel)
        files = self._outputs.setdefault(dest_uri, [])
        if rel not in files:
            files.append(rel)

    def outputs_of(self, dest_uri: str) -> list[str]:
        """The files plugins recorded for the page ``dest_uri`` in this build."""
        return self._outputs.get(dest_uri, [])

    def add_nav(self, title: str, src: str) -> None:
        """Put a generated page in the default nav (ignored when ``mkdocs.yml`` has one)."""
        if all(e.src != src for e in self.nav):
            self.nav.append(NavEntry(title, src))

    def add_signature_part(self, name: str, part: SignaturePart) -> None:
        """Declare what pages depend on besides their content and the core's context."""
        self.signature_parts[name] = part

    def signature_extra(self, page: Page) -> list[Any]:
        """Every declared part for ``page``, in a stable order."""
        return [[name, part(page)] for name, part in sorted(self.signature_parts.items())]

    def page_model(self, page: Page, html: str) -> PageModel:
        """The page's readable blocks (:mod:`.pagemodel`), extracted once per page and
        content, whichever plugin asks first."""
        from .pagemodel import page_model

        key = hash(html)
        known = self._models.get(page.file.dest_uri)
        if known is not None and known[0] == key:
            return known[1]
        entry = self.corpus.by_path.get(page.file.src_uri)
        model = page_model(html, entry.meta if entry else None, entry.kind if entry else None)
        self._models[page.file.dest_uri] = (key, model)
        return model

    def forget_page(self, page: Page) -> None:
        """Drop a page's model once no plugin needs it (memory stays one page's worth)."""
        self._models.pop(page.file.dest_uri, None)

    def cache_folder(self, name: str) -> Path | None:
        """``<cache_dir>/<name>`` when caches are on."""
        return self.cache_dir / name if self.cache_dir is not None else None


def build_context(config: MkDocsConfig) -> BuildContext | None:
    """The current build's context, or None without the core plugin (or before its
    ``on_files``, or when its content model is off)."""
    from .plugin import TongdaPlugin

    core = config.plugins.get("tongda")
    return core.context if isinstance(core, TongdaPlugin) else None
