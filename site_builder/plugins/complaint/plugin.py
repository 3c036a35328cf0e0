"""The ``tongda-complaint`` plugin: the report form, the status page, recent reports, and
a copy of the services and grid for the complaint function deployed beside the site."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from site_builder.plugins.core.buildctx import build_context
from site_builder.plugins.core.generated import directory_index, generated_page

from . import pages
from .config import ComplaintConfig

log = logging.getLogger("mkdocs.plugins.tongda-complaint")
_SOURCES = {"form": "_tongda/complaint.md", "status": "_tongda/complaint-status.md",
            "recent": "_tongda/complaint-recent.md"}


class ComplaintPlugin(BasePlugin[ComplaintConfig]):
    """Generates the three 随手拍 pages from ``complaint.yml``."""

    def __init__(self) -> None:
        self.city = ""
        self.services: list[dict[str, Any]] = []

    @property
    def paths(self) -> pages.Paths:
        """The pages' and the function's site paths."""
        c = self.config
        return pages.Paths(form=c.page_form, status=c.page_status, recent=c.page_recent,
                           api=c.api_path)

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        if not self.config.enabled:
            return files
        try:
            self.city, self.services = pages.load_services(
                Path(config.docs_dir) / self.config.data_services)
        except pages.ComplaintDataError as exc:
            raise PluginError(str(exc)) from exc
        if (ctx := build_context(config)) is not None:  # the form's place in the default nav
            ctx.add_nav(self.config.page_title, _SOURCES["form"])
        titles = {"form": self.config.page_title, **pages.TITLES}
        for page, src in _SOURCES.items():
            files.append(generated_page(config, src, directory_index(self.paths.of(page)),
                                        title=titles[page]))
        return files

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig,
                        files: Files) -> str | None:
        which = next((name for name, src in _SOURCES.items() if src == page.file.src_uri), None)
        if which is None or not self.config.enabled:
            return html
        # The component's assets load on these pages only.
        page.meta["td_css"] = list(pages.ASSETS_CSS)
        page.meta["td_js"] = list(pages.ASSETS_JS)
        return pages.render(which, pages.params(which, self.paths, self.city, self.services,
                                                config.site_url))

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if not self.config.enabled:
            return
        target = Path(config.site_dir) / self.config.data_output
        target.mkdir(parents=True, exist_ok=True)
        for source in (self.config.data_services, self.config.data_grid):
            path = Path(config.docs_dir) / source
            if path.is_file():
                shutil.copyfile(path, target / path.name)
        log.info("随手拍：%d 类问题，页面 %s", len(self.services), self.config.page_form)
