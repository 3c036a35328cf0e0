"""MkDocs adapter: pages in (``on_page_content``), sharded index out (``on_post_build``)."""
from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import shutil
from importlib import resources
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from search_index.indexer import IndexMemory, SearchIndex
from site_builder.plugins.core import cancel
from site_builder.plugins.core.buildctx import BuildContext, build_context
from site_builder.plugins.core.generated import generated_page

from .collect import search_doc
from .config import SearchConfig

log = logging.getLogger("mkdocs.plugins.tongda-search")
SCRIPT = "tongda-search.js"
PAGE_SRC = "_tongda-search/index.md"

PAGE_BODY = """\
<div class="td-search" data-module="td-search-page">
<form class="td-search__form" role="search" method="get" action="./">
<label class="td-search__label" for="td-search-q">搜索政策、解读、办事指南和常见问题</label>
<input class="td-search__input" id="td-search-q" name="q" type="search" autocomplete="off"
 enterkeyhint="search">
<button class="td-search__button" type="submit">搜索</button>
</form>
<p class="td-search__nojs">搜索需要浏览器启用 JavaScript。您也可以从首页按栏目、专题和服务对象浏览全部内容。</p>
<div class="td-search__status" role="status" aria-live="polite" aria-atomic="true"></div>
<div class="td-search__notice"></div>
<div class="td-search__body"></div>
</div>
"""


def _front_matter(page: Page, ctx: BuildContext | None) -> dict[str, Any]:
    """The validated front matter from the core's corpus (kind and status included)."""
    entry = ctx.corpus.by_path.get(page.file.src_uri) if ctx is not None else None
    if entry is None:
        return dict(page.meta)
    meta = entry.meta.model_dump()
    meta["kind"], meta["status"] = entry.kind, entry.status
    return meta


class SearchPlugin(BasePlugin[SearchConfig]):
    """Collects every content page, then writes ``<site>/<index_dir>/``."""

    def __init__(self) -> None:
        self.index: SearchIndex | None = None
        self._ctx: BuildContext | None = None
        self._memory: IndexMemory | None = None

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Defined, so MkDocs keeps this plugin from one build to the next in a process;
        without a cache, ``tongda serve`` keeps every document's analysis in memory between
        rebuilds (with one, the index's state folder keeps it, for any later build)."""
        if command == "serve" and self._memory is None:
            self._memory = IndexMemory()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return config
        self.index = self._new_index(config)
        if self._memory is not None:
            self.index.use_memory(self._memory)
        config.extra_javascript.append(f"{self.config.index_dir}/{SCRIPT}")
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        self._ctx = build_context(config)
        if self.config.enabled and self.config.page_enabled:
            files.append(generated_page(config, PAGE_SRC, f"{self.config.index_dir}/index.html",
                                        title=self.config.page_title, body=f"\n{PAGE_BODY}"))
        return files

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig,
                        files: Files) -> str | None:
        if self.index is None:
            return html
        meta = _front_matter(page, self._ctx)
        if meta.get("kind") and meta.get("id"):
            key = _input_key(meta, page.url, html)
            if self.index.reuse(key):
                return html
            model = self._ctx.page_model(page, html) if self._ctx is not None else None
            self.index.add(search_doc(meta, page.url, html, str(meta.get("status") or ""),
                                      model), key)
        return html

    def on_build_error(self, *, error: Exception) -> None:
        """A build that failed or stopped leaves no worker process behind."""
        if self.index is not None:
            self.index.close()
            self.index = None

    @event_priority(50)  # before the core's atomic commit (priority -100)
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.index is None:
            return
        out = Path(config.site_dir) / self.config.index_dir
        cache = None
        if self.config.cache_enabled:
            cache = Path(config.config_file_path).parent / self.config.cache_dir / "files"
        stats = self.index.write(out, cache_dir=cache, between=cancel.check)
        runtime = resources.files("search_index").joinpath("runtime", SCRIPT)
        with resources.as_file(runtime) as src:
            shutil.copyfile(src, out / SCRIPT)
        if self._ctx is not None:
            self._ctx.stats.record("search", stats)
        log.info("搜索索引：%d 篇文档（%d 篇沿用上次的索引），写出 %d 个文件，沿用 %d 个",
                 stats.docs, stats.docs_reused, stats.files_written, stats.files_reused)
        self.index = None  # the next build (serve) makes its own in on_config

    def _new_index(self, config: MkDocsConfig) -> SearchIndex:
        synonyms = Path(config.docs_dir) / self.config.index_synonyms
        analysis = None
        if self.config.cache_enabled:
            analysis = Path(config.config_file_path).parent / self.config.cache_dir / "analysis"
        feedback = Path(config.docs_dir) / self.config.index_feedback
        # One state per configuration: two configurations of a project (with and without
        # audio, say) render other pages and would each start the other's state afresh.
        config_name = Path(config.config_file_path or "mkdocs.yml").stem
        state = analysis.parent / "state" / config_name if analysis is not None else None
        # Documents the cache lacks are analysed in worker processes, one per core beside
        # this one (tongda serve analyses here: few documents change between its builds).
        workers = 0 if cancel.in_serve() else min(4, (os.cpu_count() or 1) - 1)
        return SearchIndex(synonyms_path=synonyms, analysis_cache=analysis, feedback_path=feedback,
                           state_dir=state, state_salt=_salt(), workers=workers)


@functools.cache
def _salt() -> str:
    """A hash of the sources that turn a page into what the index reads (the page model
    and :func:`search_doc`): the index's kept state is another code's once they change."""
    from site_builder.plugins.core import pagemodel

    from . import collect
    h = hashlib.sha256()
    for module in (pagemodel, collect):
        h.update(Path(module.__file__ or "").read_bytes())
    return h.hexdigest()[:12]


def _input_key(meta: dict[str, Any], url: str, html: str) -> str:
    """A hash of everything a page gives the index: its front matter (kind and status
    included), URL and rendered HTML."""
    h = hashlib.blake2b(digest_size=20)
    h.update(json.dumps(meta, ensure_ascii=False, sort_keys=True, default=str).encode())
    h.update(b"\0" + url.encode() + b"\0")
    h.update(html.encode())
    return h.hexdigest()
