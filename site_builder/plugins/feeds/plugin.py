"""The ``tongda-feeds`` plugin: Atom and JSON Feed per topic, audience, issuer and level."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, cast

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from site_builder.plugins.core import cancel
from site_builder.plugins.core.buildctx import BuildContext, build_context
from site_builder.plugins.core.generated import directory_index, generated_page

from . import index_page
from .config import FeedsConfig
from .feeds import Feed, FeedWriter, feeds_from_listings, select

log = logging.getLogger("mkdocs.plugins.tongda-feeds")


class FeedsPlugin(BasePlugin[FeedsConfig]):
    """Builds one feed per listing of the chosen facets and links it from that listing."""

    def __init__(self) -> None:
        self.feeds: list[Feed] = []
        self._by_listing: dict[str, Feed] = {}
        self._all: Feed | None = None
        self._core: BuildContext | None = None

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        self._core = core = build_context(config)
        if not self.config.enabled or core is None:
            return files
        corpus = core.corpus
        base = self.config.feeds_path.strip("/") + "/"
        self.feeds = feeds_from_listings(corpus, core.listings, list(self.config.feeds_facets),
                                         base, self.config.feeds_size)
        self._by_listing = {f.key: f for f in self.feeds}
        self._all = None
        if self.config.feeds_all:
            self._all = Feed("all", f"{config.site_name}：最新文件", base + "all/", "",
                             select(list(corpus.documents.values()), self.config.feeds_size))
            self.feeds.append(self._all)
        if self.config.feeds_page_enabled:
            files.append(generated_page(config, index_page.PAGE_SRC,
                                        directory_index(self.config.feeds_path),
                                        title=self.config.feeds_page_title))
            # The page lists every feed: a reused copy must show today's list.
            core.add_signature_part("feeds-index", lambda page: index_page.context(self.feeds)
                                    if page.file.src_uri == index_page.PAGE_SRC else None)
        return files

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig,
                         files: Files) -> str:
        if page.file.src_uri == index_page.PAGE_SRC:
            page.meta["template"] = index_page.TEMPLATE
        return markdown

    def on_page_context(self, context: TemplateContext, *, page: Page, config: MkDocsConfig,
                        nav: Any) -> TemplateContext:
        if not self.feeds or self._core is None:
            return context
        if page.file.src_uri == index_page.PAGE_SRC:
            cast(dict[str, Any], context)["feed_groups"] = index_page.context(self.feeds)
        found: list[Feed] = []
        listing = self._core.listings.get(page.file.src_uri)
        if listing is not None and listing.key in self._by_listing:
            found.append(self._by_listing[listing.key])
        entry = self._core.corpus.by_path.get(page.file.src_uri)
        if entry is not None and entry.kind == "topic":
            feed = self._by_listing.get(f"topic:{entry.id}")
            found += [feed] if feed else []
        is_kind_list = listing is not None and listing.key.startswith("kind:")
        is_home = page.file.dest_uri == "index.html"
        if self._all is not None and (is_home or is_kind_list):
            found.append(self._all)
        if found:
            cast(dict[str, Any], context)["td_feeds"] = [{"title": f.title, "atom": f.atom_path, "json": f.json_path}
                                   for f in found]
        return context

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        cancel.check()  # tongda serve: the sources changed again
        if not self.feeds:
            return
        writer = FeedWriter(config.site_url or "", config.site_name, self.config.feeds_timezone)
        site = Path(config.site_dir)
        for feed in self.feeds:
            folder = site / feed.folder
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "atom.xml").write_text(writer.atom(feed), encoding="utf-8")
            (folder / "feed.json").write_text(writer.json_feed(feed), encoding="utf-8")
        log.info("订阅：写出 %d 组 Atom / JSON Feed", len(self.feeds))
