"""``tongda-text``: every page also as plain-text HTML under ``text/`` (纯文本).

The theme links each page to its plain-text twin (and names it ``rel="alternate"``) when
this plugin is on. Pages are converted from their final HTML (``on_post_page``, after the
other plugins), so what other plugins add to the content shows too, minus controls and media.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from site_builder.plugins.core.buildctx import BuildContext, build_context

from .cache import TextCache
from .config import TextConfig
from .converter import LinkRewriter, PageRef, PlainTextPage

log = logging.getLogger("mkdocs.plugins.tongda.text")
#: The plain-text pages' only stylesheet: spacing and target sizes, no layout or colours.
STYLESHEET = "text.css"


class TextPlugin(BasePlugin[TextConfig]):
    """MkDocs entry point ``tongda-text``."""

    def __init__(self) -> None:
        self.converter: PlainTextPage | None = None
        self.written = 0
        self._ctx: BuildContext | None = None
        self._cache: TextCache | None = None

    @event_priority(-100)
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        """Know every page (generated ones included) before any is written."""
        if self.config.enabled:
            pages = [f.dest_uri for f in files.documentation_pages()]
            rewriter = LinkRewriter(pages, self.config.text_dir)
            self.converter = PlainTextPage(rewriter, self.config.text_drop_classes,
                                           self.config.text_label, STYLESHEET)
            self.written = 0
            self._ctx = ctx = build_context(config)
            folder = ctx.cache_folder("text") if ctx is not None else None
            self._cache = None if folder is None else TextCache(folder, [
                sorted(pages), self.config.text_dir, sorted(self.config.text_drop_classes),
                self.config.text_label, STYLESHEET])
        return files

    @event_priority(-90)
    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str | None:
        if self.converter is None:
            return output
        self.written += 1
        reuse = self._ctx.reuse if self._ctx is not None else None
        if page.meta.get("td_reused"):
            if self._cache is not None and reuse is not None:
                self._cache.keep(reuse.data(page.file.dest_uri, "text"))
            return output  # the core links the page's plain text with the page
        rel = f"{self.config.text_dir}/{page.file.dest_uri}"
        converter, ref = self.converter, PageRef(page.file.dest_uri)
        dest = Path(config.site_dir) / rel
        if self._cache is not None:
            key = self._cache.write(output, dest, lambda: converter.convert(output, ref))
            if reuse is not None:
                reuse.set_data(page.file.dest_uri, "text", key)
        else:
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_text(converter.convert(output, ref), encoding="utf-8")
        if reuse is not None:
            reuse.add_output(page.file.dest_uri, rel)
        return output

    @event_priority(50)  # before the core's atomic commit (priority -100)
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.converter is not None:
            dest = Path(config.site_dir) / self.config.text_dir / STYLESHEET
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(Path(__file__).with_name(STYLESHEET), dest)
            if self._cache is not None:
                self._cache.prune()
                if self._ctx is not None:
                    self._ctx.stats.record("text", {"hits": self._cache.hits,
                                                    "misses": self._cache.misses})
            log.info("纯文本页面：%d 个，位于 %s/", self.written, self.config.text_dir)
