"""``tongda-a11y``: holds the accessibility options and runs the static rules in every build.

The browser checks are too slow for every ``serve`` reload; they run in ``tongda a11y``
(and CI). The build logs each static finding as a warning, so ``mkdocs build --strict``
stops on them, and writes the static-only report into the site's report folder.

The static rules read only the site's HTML pages. ``tongda build`` of a large site
(:data:`APART_FROM` pages) runs them in a process of their own, on the machine's other
core: each page is sent there as soon as it and the files other plugins made for it
(``ctx.add_output``) are written, so the rules run while the build renders the next pages;
at ``post_build`` the process checks every page again listed from the finished site,
taking the early result of each file still as it was, and the build collects the report
before the quality report reads it. ``tongda serve`` and small sites run them in the
build's process at ``post_build`` (no process is started beside its server).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from a11y.report import Report
from a11y.runner import Settings, check_early, run
from search_index.processes import stop_pool
from site_builder.plugins.a11y.config import A11yConfig
from site_builder.plugins.a11y.settings import build_settings
from site_builder.plugins.core import cancel
from site_builder.plugins.core.buildctx import BuildContext, build_context

log = logging.getLogger("mkdocs.plugins.tongda.a11y")

#: Findings logged one per line before the rest is summed up.
MAX_LOGGED = 30
#: Pages from which the rules run in a process of their own: below, starting one (about a
#: second of imports) costs more than it saves (the demo has 436 pages).
APART_FROM = 1000
#: Pages sent to that process at a time while the build writes them.
EARLY_BATCH = 100
#: How much lower the rules' process's scheduling priority is (``nice``).
NICER = 10


class A11yPlugin(BasePlugin[A11yConfig]):
    """MkDocs entry point ``tongda-a11y``."""

    def __init__(self) -> None:
        self._pages = 0
        self._pool: ProcessPoolExecutor | None = None
        self._running: Future[Report] | None = None
        self._settings: Settings | None = None
        self._ctx: BuildContext | None = None
        self._early: list[str] = []
        self._last_page: str | None = None

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        self._pages = len(files.documentation_pages())
        self._ctx = build_context(config)
        self._settings, self._early, self._last_page = None, [], None
        return files

    def _settings_for(self, config: MkDocsConfig) -> Settings | None:
        """This build's settings (made once), None when the static rules are off."""
        if self._settings is None and self.config.enabled and self.config.static_on_build:
            project = Path(config.config_file_path or ".").resolve().parent
            ctx = build_context(config)
            # The static rules' cache sits with the core's caches (beside the project without).
            cache = ctx.cache_dir if ctx is not None and ctx.cache_dir is not None \
                else project / ".tongda-cache"
            self._settings = build_settings(self.config, site_dir=Path(config.site_dir),
                                            docs_dir=Path(config.docs_dir),
                                            site_url=config.site_url, project_dir=project,
                                            browser=False, cache_dir=cache)
        return self._settings

    def _apart(self, config: MkDocsConfig) -> bool:
        """Whether the rules run in a process of their own (a large site, tongda build)."""
        return not cancel.in_serve() and self._pages >= APART_FROM \
            and self._settings_for(config) is not None

    @event_priority(-100)  # after the plugins that write a page's other files
    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str | None:
        """Send the pages written so far to the rules' process: MkDocs writes this page
        after this event, the previous one is on disk, and so is what other plugins wrote
        for this page (its plain-text twin) in their own ``on_post_page``."""
        if not self._apart(config):
            return output
        if self._last_page is not None:
            self._early.append(self._last_page)
        self._last_page = page.file.dest_uri
        if self._ctx is not None:
            self._early += self._ctx.outputs_of(page.file.dest_uri)
        if len(self._early) >= EARLY_BATCH:
            self._send_early()
        return output

    def _send_early(self) -> None:
        paths, self._early = self._early, []
        if not paths or self._settings is None:
            return
        self._process().submit(check_early, self._settings, paths)

    @event_priority(100)  # every page is written; before the search index and the rest
    def _start(self, *, config: MkDocsConfig) -> None:
        """Start the static rules over the built site (they write the static report)."""
        cancel.check()  # tongda serve: the sources changed again
        settings = self._settings_for(config)
        if settings is None or not self._apart(config):  # off, or they run in _finish
            return
        if self._last_page is not None:
            self._early.append(self._last_page)
            self._last_page = None
        self._send_early()
        # The same process, after the early checks: it keeps their results.
        self._running = self._process().submit(run, settings)

    def _process(self) -> ProcessPoolExecutor:
        """The rules' process. It yields the core to the build's own processes (lower
        priority): it runs in the time they leave, while pages are rendered and analysed."""
        if self._pool is None:
            self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"),
                                             initializer=os.nice, initargs=(NICER,))
        return self._pool

    @event_priority(-45)  # before the quality report (-50) reads a11y.json
    def _finish(self, *, config: MkDocsConfig) -> None:
        """Collect the static rules' results and log them."""
        settings, self._settings = self._settings, None
        if settings is None:
            return
        try:
            report = self._running.result() if self._running is not None else run(settings)
        finally:
            self._stop()
        for finding in report.violations[:MAX_LOGGED]:
            log.warning("无障碍: %s", finding.one_line())
        if len(report.violations) > MAX_LOGGED:
            log.warning("无障碍: 另有 %d 处问题，见 %s", len(report.violations) - MAX_LOGGED,
                        settings.report_dir)
        log.info("静态规则（完整检查请运行 tongda a11y）：%s", report.summary_line())

    on_post_build = CombinedEvent(_start, _finish)

    def on_build_error(self, *, error: Exception) -> None:
        """A build that failed or was stopped does not wait for its static rules."""
        self._settings = None
        self._stop(wait=False)

    def _stop(self, wait: bool = True) -> None:
        pool, self._pool, self._running = self._pool, None, None
        stop_pool(pool, wait=wait)
