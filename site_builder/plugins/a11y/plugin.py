"""``tongda-a11y``: holds the accessibility options and runs the static rules in every build.

The browser checks are too slow for every ``serve`` reload; they run in ``tongda a11y``
(and CI). The build logs each static finding as a warning, so ``mkdocs build --strict``
stops on them, and writes the static-only report into the site's report folder.
"""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin

from a11y.runner import run
from site_builder.plugins.a11y.config import A11yConfig
from site_builder.plugins.a11y.settings import build_settings
from site_builder.plugins.core import cancel
from site_builder.plugins.core.buildctx import build_context

log = logging.getLogger("mkdocs.plugins.tongda.a11y")

#: Findings logged one per line before the rest is summed up.
MAX_LOGGED = 30


class A11yPlugin(BasePlugin[A11yConfig]):
    """MkDocs entry point ``tongda-a11y``."""

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Run the static rules over the built site and write the static report."""
        cancel.check()  # tongda serve: the sources changed again
        if not self.config.enabled or not self.config.static_on_build:
            return
        project = Path(config.config_file_path or ".").resolve().parent
        ctx = build_context(config)
        # The static rules' cache sits with the core's caches (beside the project without).
        cache = ctx.cache_dir if ctx is not None and ctx.cache_dir is not None \
            else project / ".tongda-cache"
        settings = build_settings(self.config, site_dir=Path(config.site_dir),
                                  docs_dir=Path(config.docs_dir), site_url=config.site_url,
                                  project_dir=project, browser=False, cache_dir=cache)
        report = run(settings)
        for finding in report.violations[:MAX_LOGGED]:
            log.warning("无障碍: %s", finding.one_line())
        if len(report.violations) > MAX_LOGGED:
            log.warning("无障碍: 另有 %d 处问题，见 %s", len(report.violations) - MAX_LOGGED,
                        settings.report_dir)
        log.info("静态规则（完整检查请运行 tongda a11y）：%s", report.summary_line())
