"""The ``tongda-qa`` plugin: the 智能问答 page, and ``api/qa/site.json`` for the Q&A function.

The function answers from the search index the site ships; this file adds what it says
beside a result (a service guide's key facts, next steps, where complaints go).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from site_builder.plugins.core.buildctx import build_context
from site_builder.plugins.core.generated import directory_index, generated_page

from . import facts, pages
from .config import QaConfig

log = logging.getLogger("mkdocs.plugins.tongda-qa")
SOURCE = "_tongda/qa.md"
SITE_FILE = "site.json"


class QaPlugin(BasePlugin[QaConfig]):
    """Generates the 智能问答 page and writes the facts file."""

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        if not self.config.enabled:
            return files
        if (ctx := build_context(config)) is not None:  # the page's place in the default nav
            ctx.add_nav(self.config.page_title, SOURCE)
        files.append(generated_page(config, SOURCE, directory_index(self.config.page_path),
                                    title=self.config.page_title))
        return files

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig,
                        files: Files) -> str | None:
        if not self.config.enabled or page.file.src_uri != SOURCE:
            return html
        page.meta["td_css"] = list(pages.ASSETS_CSS)
        page.meta["td_js"] = list(pages.ASSETS_JS)
        c = self.config
        return pages.render(pages.params(c.page_path, api=c.api_path, faqs=c.links_faqs,
                                         search=c.links_search))

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        ctx = build_context(config)
        if not self.config.enabled or ctx is None:
            return
        c = self.config
        data = facts.site_facts(
            list(ctx.corpus.documents.values()), site_url=config.site_url,
            links={"faqs": c.links_faqs, "complaint": c.links_complaint, "search": c.links_search},
            complaint=facts.complaint_names(Path(config.docs_dir) / c.data_complaint),
            calculator=c.links_calculator)
        target = Path(config.site_dir) / c.api_path.strip("/") / SITE_FILE
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1), "utf-8")
        log.info("智能问答：%d 个办事指南的要点，页面 %s", len(data["services"]), c.page_path)
