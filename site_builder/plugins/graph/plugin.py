"""The ``tongda-graph`` plugin: citations as edges, ``graph.json``, pictures and the explorer."""

from __future__ import annotations

import hashlib
import json
import logging
import time
from pathlib import Path
from typing import Any, cast

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from site_builder.content.corpus import Corpus, Entry
from site_builder.plugins.core.buildctx import BuildContext, build_context
from site_builder.plugins.core.generated import generated_page
from site_builder.plugins.core.plugin import page_root

from . import cache as citation_cache
from .builder import GraphBuild, add_citations, graph_json
from .config import GraphConfig
from .explorer import explorer_context
from .lineage import chain, chain_context
from .neighbourhood import drawn, neighbour_count, render_svg
from .versions import in_force_link

log = logging.getLogger("mkdocs.plugins.tongda-graph")
ASSETS_CSS = ["components/graph/graph.css"]
ASSETS_JS = ["components/graph/graph.js"]
_PAGE_SRC = "_tongda/graph.md"


class GraphPlugin(BasePlugin[GraphConfig]):
    """Adds found citations to the core's graph and shows the graph on every page."""

    def __init__(self) -> None:
        self.corpus: Corpus | None = None
        self.result: GraphBuild | None = None
        self.unresolved: list[tuple[str, int, str]] = []
        """(source path, line, cited text) of citations that resolve to nothing."""
        self.chains: dict[str, list[Any]] = {}
        """Each page's lineage as the page signature computed it, for the page's context
        when the page is rendered after all (computed once per page a build)."""
        self._options = ""
        self._json_sig: str | None = None
        """What ``graph.json`` depends on besides the site signature, when it is known."""
        self._parents: dict[str, Entry | None] = {}
        """Each policy's parent in the lineage, found once a build."""
        self._page: tuple[bool, int, str | None] = (False, 0, None)
        """The options every page reads, read once a build: picture on, its node limit,
        the explorer's folder (None when there is no explorer)."""
        self.seconds = 0.0
        """Time spent finding citations and adding them (for the benchmark)."""
        self._ctx: BuildContext | None = None

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        # The pictures are on every document page, so their CSS is too; the explorer's
        # script loads on the explorer page only (page.meta td_js).
        if self.config.enabled:
            config.extra_css.extend(p for p in ASSETS_CSS if p not in config.extra_css)
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        self._ctx = ctx = build_context(config)
        self.corpus = corpus = ctx.corpus if ctx is not None else None
        if not self.config.enabled or ctx is None or corpus is None:
            return files
        if self.config.explorer_enabled:  # the explorer's place in the default nav
            ctx.add_nav(self.config.explorer_title, _PAGE_SRC)
        ctx.add_signature_part("graph", self.page_signature_extra)
        started = time.perf_counter()
        self.chains = {}
        self._parents = {}
        self._page = (self.config.picture_enabled, self.config.picture_max_nodes,
                      self._explorer_dir() if self.config.explorer_enabled else None)
        # The options as set (mkdocs.yml is in the site signature; options set otherwise,
        # by a command or a test, are not): part of every page's signature.
        self._options = hashlib.blake2b(repr(sorted(self.config.items())).encode(),
                                        digest_size=12).hexdigest()
        basis = self.config.citations_basis
        folder = ctx.cache_folder("graph")
        key = citation_cache.fingerprint(corpus, basis) if folder else None
        # graph.json follows from the content files (key), the options and what the site
        # signature of the core's page reuse covers (code, theme, mkdocs.yml, the day).
        self._json_sig = f"graph.json {key} {self._options}" if key else None
        if self.config.citations_enabled:
            found = citation_cache.load(folder, key) if folder and key else None
            self.result = add_citations(corpus, basis=basis, found=found)
            if folder and key and found is None:
                try:
                    citation_cache.save(folder, key, self.result.findings.citations)
                except OSError as exc:  # a cache that cannot be written costs only time
                    log.warning("政策图谱：无法保存引用缓存（%s）", exc)
            self.unresolved = self.result.unresolved
            ctx.citations = list(self.result.findings.citations)
            log.info("政策图谱：从正文识别引用 %d 处，新增关系 %d 条，未能对应的引用 %d 处%s",
                     len(self.result.findings.resolved), self.result.added, len(self.unresolved),
                     "（内容未变，沿用上次的识别结果）" if found is not None else "")
        self.seconds = time.perf_counter() - started
        ctx.stats.record("graph", {"seconds": self.seconds})
        if self.config.explorer_enabled:
            files.append(generated_page(config, _PAGE_SRC, self._explorer_dir() + "index.html"))
        return files

    def _explorer_dir(self) -> str:
        return self.config.explorer_path.strip("/") + "/"

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig,
                         files: Files) -> str:
        if page.file.src_uri == _PAGE_SRC:
            page.meta.update(template="graph.html", title=self.config.explorer_title,
                             td_js=list(ASSETS_JS))
        return markdown

    @event_priority(-50)  # after the core plugin: the picture is drawn from its panels
    def on_page_context(self, context: TemplateContext, *, page: Page, config: MkDocsConfig,
                        nav: Any) -> TemplateContext:
        if not self.config.enabled or self.corpus is None:
            return context
        if page.file.src_uri == _PAGE_SRC:
            cast(dict[str, Any], context)["graph_explorer"] = self._explorer_context()
            return context
        entry = self.corpus.by_path.get(page.file.src_uri)
        if entry is None or entry.kind in ("topic", "scenario") or page.meta.get("td_reused"):
            return context  # a reused page keeps its previous output, picture included
        # The core's related panels hold the neighbours, found citations included: they
        # are the picture's text alternative, and the picture draws their first items.
        values = cast(dict[str, Any], context)
        picture, limit, explorer_dir = self._page
        panels = values.get("panels") or []
        total, shown = neighbour_count(panels), len(drawn(panels, limit))
        svg = render_svg(entry, panels, limit, "td-graph-title") if shown and picture else ""
        root = page_root(page)
        explorer = root + explorer_dir + "#" + entry.id if explorer_dir is not None else None
        for panel in panels:  # a panel that lists only the first items leads to the rest
            if panel["more"] and explorer:
                panel["explorer_href"] = explorer
        lineage = self.chains.pop(entry.id, None)
        if lineage is None:
            lineage = self._lineage(entry)
        values["graph"] = {
            "svg": svg, "lineage": chain_context(entry, lineage, root),
            "explorer_href": explorer,
            "id": entry.id, "count": total, "more": total - shown,
        }
        return context

    def page_signature_extra(self, page: Page) -> Any:
        """What the graph section depends on beyond the core's part of the signature (its
        panels carry each neighbour's level and whether its edge was declared): the
        lineage, which follows found edges and the levels of every policy above."""
        corpus = self.corpus
        entry = corpus.by_path.get(page.file.src_uri) if corpus is not None else None
        if corpus is None or entry is None or not self.config.enabled:
            return None
        lineage = self.chains[entry.id] = self._lineage(entry)
        return [self._options, [(e.id, e.meta.title, e.level)
                                for e in lineage]]

    def _lineage(self, entry: Entry) -> list[Entry]:
        """A policy's chain up the levels (only policies have one)."""
        assert self.corpus is not None
        return chain(entry, self.corpus, self._parents) if entry.kind == "policy" else [entry]

    def _explorer_context(self) -> dict[str, Any]:
        return explorer_context(self._explorer_dir())

    def on_env(self, env: Any, *, config: MkDocsConfig, files: Files) -> Any:
        # A list item of a replaced document names the version in force (partials/doc_link).
        if self.config.enabled and self.corpus is not None:
            env.globals["td_in_force"] = lambda doc_id: in_force_link(doc_id, self.corpus)
        return env

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if not self.config.enabled or self.corpus is None:
            return
        dest = self._explorer_dir() + "graph.json"
        # Unchanged content, options and site: the previous file stands (a rebuild after a
        # save in `tongda serve` need not serialise 3,000 nodes again).
        reuse = self._ctx.reuse if self._ctx is not None else None
        if reuse is not None and self._json_sig is not None and reuse.check(dest, self._json_sig) \
                and reuse.link(dest, Path(config.site_dir)):
            return
        target = Path(config.site_dir) / dest
        target.parent.mkdir(parents=True, exist_ok=True)
        data = graph_json(self.corpus)
        target.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")),
                          encoding="utf-8")
