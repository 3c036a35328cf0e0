"""``tongda-text``: every page also as plain-text HTML under ``text/`` (纯文本).

The theme links each page to its plain-text twin (and names it ``rel="alternate"``) when
this plugin is on. Pages are converted from their final HTML (``on_post_page``, after the
other plugins), so what other plugins add to the content shows too, minus controls and media.
"""

from __future__ import annotations

import logging
import multiprocessing
import shutil
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from search_index.processes import stop_pool
from site_builder.plugins.core import cancel
from site_builder.plugins.core.buildctx import BuildContext, build_context

from . import apart
from .cache import TextCache
from .config import TextConfig
from .converter import LinkRewriter, PlainTextPage

log = logging.getLogger("mkdocs.plugins.tongda.text")
#: The plain-text pages' only stylesheet: spacing and target sizes, no layout or colours.
STYLESHEET = "text.css"
#: Pages from which ``tongda build`` converts in a process of its own (see :mod:`.apart`):
#: below, starting it (about a second) costs more than it saves (the demo has 436 pages).
APART_FROM = 1000
#: Pages sent to that process at a time, and batches it may have waiting: with more, the
#: build converts the next page itself rather than queue it (memory, and a busy machine).
BATCH = 20
AHEAD = 4
#: Pages a build converts itself before it starts that process.
INLINE = 100


class TextPlugin(BasePlugin[TextConfig]):
    """MkDocs entry point ``tongda-text``."""

    def __init__(self) -> None:
        self.converter: PlainTextPage | None = None
        self.written = 0
        self._ctx: BuildContext | None = None
        self._cache: TextCache | None = None
        self._setup: apart.Setup | None = None
        self._pool: ProcessPoolExecutor | None = None
        self._batch: list[tuple[str, str, str, str | None]] = []
        self._sent: deque[Future[int]] = deque()
        self._converted = 0

    @event_priority(-100)
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        """Know every page (generated ones included) before any is written."""
        if self.config.enabled:
            pages = [f.dest_uri for f in files.documentation_pages()]
            rewriter = LinkRewriter(pages, self.config.text_dir)
            self.converter = PlainTextPage(rewriter, self.config.text_drop_classes,
                                           self.config.text_label, STYLESHEET)
            self.written = self._converted = 0
            self._ctx = ctx = build_context(config)
            folder = ctx.cache_folder("text") if ctx is not None else None
            self._cache = None if folder is None else TextCache(folder, [
                sorted(pages), self.config.text_dir, sorted(self.config.text_drop_classes),
                self.config.text_label, STYLESHEET])
            self._setup = None
            if len(pages) >= APART_FROM and not cancel.in_serve():
                self._setup = apart.Setup(tuple(pages), self.config.text_dir,
                                          tuple(self.config.text_drop_classes),
                                          self.config.text_label, STYLESHEET,
                                          str(folder) if folder is not None else None)
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
        dest = Path(config.site_dir) / rel
        cache, key = self._cache, None
        if cache is not None:
            key = cache.key(output)
            if reuse is not None:
                reuse.set_data(page.file.dest_uri, "text", key)
        if cache is None or key is None or not cache.link(key, dest):
            self._convert(output, page.file.dest_uri, dest, key)
        if self._ctx is not None:
            self._ctx.add_output(page.file.dest_uri, rel)
        return output

    def _convert(self, output: str, dest_uri: str, dest: Path, key: str | None) -> None:
        """Convert a page in the conversion process while it keeps up, else here (and
        the first :data:`INLINE` pages here: a rebuild after an edit starts no process)."""
        self._converted += 1
        if self._setup is not None and self._converted > INLINE and self._waiting() < AHEAD:
            self._batch.append((output, dest_uri, str(dest), key))
            if len(self._batch) >= BATCH:
                self._send()
            return
        assert self.converter is not None
        cache = self._cache.folder if self._cache is not None else None
        apart.write(self.converter, cache, output, dest_uri, dest, key)

    def _waiting(self) -> int:
        """Batches the conversion process has not finished (the finished ones, first in
        line, are dropped: their errors are the build's at once)."""
        sent = self._sent
        while sent and sent[0].done():
            sent.popleft().result()
        return len(sent)

    def _send(self) -> None:
        batch, self._batch = self._batch, []
        if not batch or self._setup is None:
            return
        if self._pool is None:
            self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"),
                                             initializer=apart.start, initargs=(self._setup,))
        self._sent.append(self._pool.submit(apart.convert_batch, batch))

    @event_priority(110)  # before the static accessibility rules (100) read the site
    def _collect(self, *, config: MkDocsConfig) -> None:
        """Wait for the conversion process's last pages (its errors are the build's)."""
        self._send()
        sent, self._sent = self._sent, deque()
        try:
            for future in sent:
                future.result()
        finally:
            self._stop()

    def on_build_error(self, *, error: Exception) -> None:
        """A build that failed or was stopped does not wait for its conversions."""
        self._batch, self._sent = [], deque()
        self._stop(wait=False)

    def _stop(self, wait: bool = True) -> None:
        pool, self._pool = self._pool, None
        stop_pool(pool, wait=wait)

    @event_priority(50)  # before the core's atomic commit (priority -100)
    def _finish(self, *, config: MkDocsConfig) -> None:
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

    on_post_build = CombinedEvent(_collect, _finish)
