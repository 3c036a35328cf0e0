"""The ``tongda-apply`` plugin: application pages, ``api/apply/catalog.json`` and the policy box.

List it after ``tongda-match`` (it reads the rule set that plugin builds) and after the
plugins that read page text (text, audio, search), so the 在线申请 box it adds to policy
pages is not read aloud or indexed as part of the policy.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from site_builder.content.corpus import load_corpus
from site_builder.errors import ContentError
from site_builder.plugins.core.buildctx import build_context
from site_builder.plugins.core.generated import generated_page

from . import page as pages
from .catalog import CatalogBuilder, load_holidays
from .config import ApplyConfig

log = logging.getLogger("mkdocs.plugins.tongda-apply")
_SRC_PREFIX = "_tongda/apply/"
_CALCULATOR_SRC = "_tongda/calculator.md"
_VENDOR_JSONLOGIC = "assets/vendor/json-logic-js/logic.js"


class ApplyBuildError(PluginError):
    """The catalog has errors; ``errors`` lists them (file, line, field)."""

    def __init__(self, errors: list[ContentError]) -> None:
        self.errors = errors
        lines = "\n".join(e.format() for e in errors)
        super().__init__(f"在线申请目录有 {len(errors)} 处错误，未生成网站：\n{lines}")


class ApplyPlugin(BasePlugin[ApplyConfig]):
    """Builds the catalog, generates one application page per policy, adds the policy box."""

    def __init__(self) -> None:
        self.catalog: dict[str, Any] | None = None
        self.ruleset: dict[str, Any] | None = None
        self._by_src: dict[str, dict[str, Any]] = {}
        self._policy_pages: dict[str, dict[str, Any]] = {}
        self._rules_path = "api/match/rules.json"

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        if not self.config.enabled:
            return files
        ctx = build_context(config)
        rules = ctx.rules if ctx is not None else None
        self.ruleset = rules.ruleset if rules is not None else None
        if rules is not None:
            self._rules_path = rules.path
        if self.ruleset is None:
            log.warning("未启用 tongda-match（或它未生成规则），在线申请页不会生成。")
            return files
        self.catalog = self._collect(config, self.ruleset)
        self._by_src = {}
        for policy in self.catalog["policies"]:
            src = f"{_SRC_PREFIX}{policy['id']}.md"
            files.append(generated_page(config, src, policy["apply_url"] + "index.html",
                                        title=f"在线申请：{policy['title']}"))
            self._by_src[src] = policy
        return files

    def _collect(self, config: MkDocsConfig, ruleset: dict[str, Any]) -> dict[str, Any]:
        docs_dir = Path(config.docs_dir)
        ctx = build_context(config)
        corpus = ctx.corpus if ctx is not None else load_corpus(docs_dir)
        try:
            calendar = load_holidays(docs_dir / self.config.catalog_holidays,
                                     self.config.catalog_holidays)
        except ContentError as exc:
            raise ApplyBuildError([exc]) from exc
        builder = CatalogBuilder(self.config.catalog_time_limit_days, self.config.pages_path)
        catalog = builder.build(ruleset, corpus, calendar)
        if builder.errors:
            raise ApplyBuildError(builder.errors)
        self._policy_pages = {corpus.documents[p["id"]].src_path: p
                              for p in catalog["policies"] if p["id"] in corpus.documents}
        log.info("在线申请：%d 项政策受理申请", len(catalog["policies"]))
        return catalog

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig,
                        files: Files) -> str | None:
        if self.catalog is None or self.ruleset is None:
            return html
        src = page.file.src_uri
        if src in self._by_src:
            return self._form(page, self._by_src[src], config)
        if self.config.pages_policy_box and src in self._policy_pages:
            return html + self._box(page, self._policy_pages[src])
        if self.config.pages_calculator_link and src == _CALCULATOR_SRC:
            # The calculator links each result to its application page when told where.
            return html.replace('data-module="td-calculator"',
                                f'data-module="td-calculator" data-apply="{self.config.pages_path}"', 1)
        return html

    def _form(self, page: Page, policy: dict[str, Any], config: MkDocsConfig) -> str:
        assert self.ruleset is not None
        page.meta["td_css"] = list(pages.PAGE_CSS)
        page.meta["td_js"] = [_VENDOR_JSONLOGIC, *pages.PAGE_JS]
        rules_path = self._rules_path
        ruleset_policy = next(p for p in self.ruleset["policies"] if p["id"] == policy["id"])
        facts = {f["name"]: f for f in self.ruleset["facts"].get(policy["subject"], [])}
        params = pages.form_params(policy, ruleset_policy, facts,
                                   base=pages.relative_root(page.url), rules_path=rules_path,
                                   api_path=self.config.pages_api)
        return pages.render("apply_form", params)

    def _box(self, page: Page, policy: dict[str, Any]) -> str:
        page.meta["td_css"] = [*page.meta.get("td_css", []), *pages.PAGE_CSS]
        page.meta["td_js"] = [*page.meta.get("td_js", []), *pages.BOX_JS]
        base = pages.relative_root(page.url)
        return pages.render("apply_box", {
            "policy_id": policy["id"], "apply_url": base + policy["apply_url"],
            "api_url": base + self.config.pages_api,
            "time_limit_days": policy["time_limit_days"], "proactive": policy["proactive"]})

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if not self.config.enabled or self.catalog is None:
            return
        target = Path(config.site_dir) / self.config.catalog_path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(self.catalog, ensure_ascii=False, separators=(",", ":")),
                          encoding="utf-8")
