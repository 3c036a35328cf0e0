"""The ``tongda-match`` plugin: ``api/match/rules.json`` and the calculator page."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from tongda_rules import FactsFile

from site_builder.content.corpus import load_corpus
from site_builder.errors import ContentError
from site_builder.plugins.core.buildctx import PublishedRules, build_context
from site_builder.plugins.core.generated import directory_index, generated_page

from . import calculator
from .config import MatchConfig
from .ruleset import RulesetBuilder, load_facts

log = logging.getLogger("mkdocs.plugins.tongda-match")
_PAGE_SRC = "_tongda/calculator.md"


class RulesBuildError(PluginError):
    """Rules, facts or cases have errors; ``errors`` lists them (file, line, field)."""

    def __init__(self, errors: list[ContentError]) -> None:
        self.errors = errors
        lines = "\n".join(e.format() for e in errors)
        super().__init__(f"政策适用条件有 {len(errors)} 处错误，未生成网站：\n{lines}")


class MatchPlugin(BasePlugin[MatchConfig]):
    """Collects every policy's rules, checks them and their cases, and writes them out."""

    def __init__(self) -> None:
        self.ruleset: dict[str, Any] | None = None

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        if not self.config.enabled:
            return files
        self.ruleset = self._collect(config)
        if (ctx := build_context(config)) is not None:
            ctx.rules = PublishedRules(self.ruleset, self.config.rules_path)
            if self.config.calculator_enabled:  # the calculator's place in the default nav
                ctx.add_nav(self.config.calculator_title, _PAGE_SRC)
        if self.config.calculator_enabled:
            try:
                jsonlogic = calculator.find_jsonlogic(
                    Path(config.config_file_path or ".").resolve().parent,
                    self.config.calculator_jsonlogic)
            except FileNotFoundError as exc:
                raise PluginError(str(exc)) from exc
            files.append(File(jsonlogic.name, str(jsonlogic.parent), config.site_dir,
                              config.use_directory_urls, dest_uri=calculator.VENDOR_JSONLOGIC))
            files.append(generated_page(config, _PAGE_SRC,
                                        directory_index(self.config.calculator_path),
                                        title=self.config.calculator_title))
        return files

    def _collect(self, config: MkDocsConfig) -> dict[str, Any]:
        docs_dir = Path(config.docs_dir)
        ctx = build_context(config)
        corpus = ctx.corpus if ctx is not None else load_corpus(docs_dir)
        facts_path = docs_dir / self.config.rules_facts
        if not facts_path.exists() and not any(
                getattr(e.meta, "eligibility", None) for e in corpus.documents.values()):
            # A site without rules (an imported law library) needs no facts declaration.
            facts = FactsFile(enterprise=[], person=[])
        else:
            try:
                facts = load_facts(facts_path, self.config.rules_facts)
            except ContentError as exc:
                raise RulesBuildError([exc]) from exc
        builder = RulesetBuilder(facts, list(self.config.rules_statuses))
        ruleset = builder.build(corpus, verify_cases=self.config.rules_verify_cases)
        if builder.errors or corpus.errors:
            raise RulesBuildError(list(corpus.errors) + builder.errors)
        log.info("政策匹配：%d 项政策设置了适用条件", len(ruleset["policies"]))
        return ruleset

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig,
                        files: Files) -> str | None:
        if page.file.src_uri != _PAGE_SRC or self.ruleset is None:
            return html
        # The calculator's assets load on its own page only (page weight elsewhere).
        page.meta["td_css"] = list(calculator.ASSETS_CSS)
        page.meta["td_js"] = [calculator.VENDOR_JSONLOGIC, *calculator.ASSETS_JS]
        base = calculator.relative_root(self.config.calculator_path)
        params = calculator.page_params(self.ruleset, title=self.config.calculator_title,
                                        rules_url=base + self.config.rules_path, base=base)
        return calculator.render_component(params)

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if not self.config.enabled or self.ruleset is None:
            return
        target = Path(config.site_dir) / self.config.rules_path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(self.ruleset, ensure_ascii=False, separators=(",", ":")),
                          encoding="utf-8")
