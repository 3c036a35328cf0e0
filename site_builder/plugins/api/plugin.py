"""The ``tongda-api`` plugin: open policy data as static JSON under ``api/v1/``."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, cast

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from search_index.store import KeptFiles, json_bytes
from site_builder.plugins.core.buildctx import BuildContext, build_context
from site_builder.plugins.core.generated import directory_index, generated_page

from . import index_page
from .config import ApiConfig
from .export import api_files
from .openapi import openapi

log = logging.getLogger("mkdocs.plugins.tongda-api")


def write_json(path: Path, data: Any, kept: KeptFiles | None = None) -> None:
    """Compact UTF-8 JSON (Chinese stays readable); with ``kept``, a file an earlier build
    wrote with the same bytes is linked from its store."""
    if kept is not None:
        kept.write(path, json_bytes(data))
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(json_bytes(data))


class ApiPlugin(BasePlugin[ApiConfig]):
    """Writes the API after the site is built, from the core's corpus and full graph."""

    def __init__(self) -> None:
        self._ctx: BuildContext | None = None
        self._index: dict[str, Any] | None = None

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        self._ctx, self._index = build_context(config), None
        if self.config.enabled and self.config.api_page_enabled:
            files.append(generated_page(config, index_page.PAGE_SRC,
                                        directory_index(self.config.api_path),
                                        title=self.config.api_title))
            if self._ctx is not None:  # the page shows the corpus' figures: a reused copy must not
                self._ctx.add_signature_part("api-index", lambda page: self._index_of(page))
        return files

    def _index_of(self, page: Page) -> dict[str, Any] | None:
        """The index page's figures (made once a build), None for any other page."""
        if page.file.src_uri != index_page.PAGE_SRC or self._ctx is None:
            return None
        if self._index is None:
            rules = self._ctx.rules.path if self._ctx.rules is not None else None
            self._index = index_page.context(self._ctx.corpus, page_size=self.config.api_page_size,
                                             rules_path=rules)
        return self._index

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig,
                         files: Files) -> str:
        if page.file.src_uri == index_page.PAGE_SRC:
            page.meta["template"] = index_page.TEMPLATE
        return markdown

    def on_page_context(self, context: TemplateContext, *, page: Page, config: MkDocsConfig,
                        nav: Any) -> TemplateContext:
        index = self._index_of(page)
        if index is not None:
            cast(dict[str, Any], context)["api_index"] = index
        return context

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        ctx = build_context(config)
        if not self.config.enabled or ctx is None:
            return
        corpus = ctx.corpus
        root = Path(config.site_dir) / self.config.api_path.strip("/")
        count = 0
        kept = KeptFiles(ctx.cache_folder("api"))
        for rel, data in api_files(corpus, page_size=self.config.api_page_size,
                                   body=self.config.api_body):
            write_json(root / rel, data, kept)
            count += 1
        write_json(root / "openapi.json", openapi(self.config.api_title), kept)
        kept.prune()
        log.info("开放数据：写出 %d 个 JSON 文件和 openapi.json", count)
