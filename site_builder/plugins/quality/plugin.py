"""``tongda-quality``: runs the quality rules in every build and writes the build report.

The rules run in ``on_nav`` (after every plugin's ``on_files``, so the graph plugin's
citations exist, and before any page is written): errors beyond the thresholds stop the
build. The report page is rendered in ``on_post_build`` with the theme's ``report.html``,
so it can show the figures of the whole build, and before the core plugin commits the site.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import Files

from site_builder.errors import ConfigError
from site_builder.plugins.core.buildctx import BuildContext, build_context
from site_builder.quality.engine import QualityResult
from site_builder.quality.report import build_report, load_previous

from .config import QualityConfig
from .figures import StageClock, a11y_summary, caches, site_sizes
from .settings import settings_from
from .writer import ReportWriter

log = logging.getLogger("mkdocs.plugins.tongda.quality")
MAX_LOGGED = 30


class QualityBuildError(PluginError):
    """The content breaks the quality thresholds; the message lists the errors."""


class QualityPlugin(BasePlugin[QualityConfig]):
    """MkDocs entry point ``tongda-quality``."""

    def __init__(self) -> None:
        self.clock = StageClock()
        self.result: QualityResult | None = None
        self.report: dict[str, Any] | None = None
        self.previous: dict[str, Any] | None = None
        self._final_site: Path | None = None
        self._nav: Any = None
        self._files: Files | None = None
        self._env: Any = None

    # -- timing marks: the first handler of an event starts a stage, the last one ends it --
    @event_priority(10_000)
    def _config_start(self, config: MkDocsConfig) -> None:
        self.clock = StageClock()
        self.clock.start("config")
        self._final_site = Path(config.site_dir)
        if self.config.enabled:
            try:
                settings_from(self.config)  # a wrong rule id stops the build before any work
            except ConfigError as exc:
                raise PluginError(str(exc)) from None
            self.previous = self._read_previous(config)

    @event_priority(-10_000)
    def _config_end(self, config: MkDocsConfig) -> None:
        self.clock.stop("config")

    on_config = CombinedEvent(_config_start, _config_end)

    @event_priority(10_000)
    def _files_start(self, files: Files, *, config: MkDocsConfig) -> None:
        self.clock.start("files")

    @event_priority(-10_000)
    def _files_end(self, files: Files, *, config: MkDocsConfig) -> None:
        self._files = files
        self.clock.stop("files")

    on_files = CombinedEvent(_files_start, _files_end)

    @event_priority(10_000)
    def _nav_start(self, nav: Any, *, config: MkDocsConfig, files: Files) -> None:
        self.clock.start("nav")

    @event_priority(-10_000)
    def _nav_end(self, nav: Any, *, config: MkDocsConfig, files: Files) -> None:
        self._nav = nav
        self.clock.stop("nav")
        if self.config.enabled:
            self._check(config)

    on_nav = CombinedEvent(_nav_start, _nav_end)

    @event_priority(10_000)
    def _env_start(self, env: Any, *, config: MkDocsConfig, files: Files) -> None:
        self.clock.start("env")

    @event_priority(-10_000)
    def _env_end(self, env: Any, *, config: MkDocsConfig, files: Files) -> None:
        self._env = env
        self.clock.stop("env")
        self.clock.start("pages")

    on_env = CombinedEvent(_env_start, _env_end)

    @event_priority(10_000)
    def _post_build_start(self, *, config: MkDocsConfig) -> None:
        self.clock.stop("pages")
        self.clock.start("post_build")

    @event_priority(-50)  # after search, audio and a11y; before the core commits the site (-100)
    def _post_build_report(self, *, config: MkDocsConfig) -> None:
        self.clock.stop("post_build")
        if self.config.enabled and self.config.report_enabled and self.result is not None:
            self._write_report(config)

    on_post_build = CombinedEvent(_post_build_start, _post_build_report)

    # -- the work, in plain helpers --
    def _check(self, config: MkDocsConfig) -> None:
        # The last stage of the validation ``tongda check`` runs (site_builder.validation),
        # here with the citations the graph plugin found.
        ctx = build_context(config)
        if ctx is None or ctx.validation.corpus is None:
            return
        validation = ctx.validation
        began = time.perf_counter()
        self.result = validation.check_quality(_found_citations(ctx),
                                               memo_dir=ctx.cache_folder("quality"))
        self.clock.add("quality", time.perf_counter() - began)
        if self.result is None:
            return
        errors = [f.format(validation.prefix) for f in self.result.findings
                  if f.severity == "error"]
        if not self.result.ok:
            shown = "\n".join(errors[:50]) + (f"\n……另有 {len(errors) - 50} 处" if len(errors) > 50 else "")
            raise QualityBuildError(f"{self.result.summary_line()}\n{shown}".rstrip())
        # Errors the thresholds allow are still shown (and fail ``mkdocs build --strict``).
        for line in errors[:MAX_LOGGED]:
            log.warning("质量检核: %s", line)
        log.info(self.result.summary_line())

    def _read_previous(self, config: MkDocsConfig) -> dict[str, Any] | None:
        if self.config.report_previous:
            base = Path(config.config_file_path or ".").parent
            return load_previous(base / self.config.report_previous)
        return load_previous(Path(config.site_dir) / self.config.report_dir / "quality.json")

    def _write_report(self, config: MkDocsConfig) -> None:
        assert self.result is not None
        ctx = build_context(config)
        assert ctx is not None  # the rules ran (self.result), so the core is there
        site = Path(config.site_dir)
        out = site / self.config.report_dir
        timings = self.clock.timings()
        stats = ctx.stats.all()
        graph_seconds = (stats.get("graph") or {}).get("seconds")
        if isinstance(graph_seconds, float) and graph_seconds > 0:
            timings["graph"] = round(graph_seconds, 3)  # part of "files": citations found there
        build: dict[str, Any] = {**site_sizes(site), "timings": timings, "caches": caches(stats)}
        final = self._final_site or site
        a11y = a11y_summary(out / "a11y.json", final / self.config.report_dir / "a11y.json")
        if a11y:
            build["a11y"] = a11y
        corpus = ctx.corpus
        self.report = build_report(self.result, site_name=config.site_name, today=corpus.today,
                                   build=build, previous=self.previous)
        writer = ReportWriter(out, self.config.report_standalone)
        writer.write(self.report, env=self._env, config=config, nav=self._nav, files=self._files,
                     page_urls={e.id: e.url for e in corpus.documents.values()})
        log.info("质量与构建报告：%s", final / self.config.report_dir / "index.html")


def _found_citations(ctx: BuildContext) -> Any:
    """Citations a plugin found in this build's text (the graph plugin), if any."""
    from site_builder.quality.context import Citation

    if ctx.citations is None:
        return None
    return [Citation(c.source, c.text, c.line, c.target) for c in ctx.citations]
