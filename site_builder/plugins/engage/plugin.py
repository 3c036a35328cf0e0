"""The ``tongda-engage`` plugin: the notifier's data, and consultation on drafts.

Writes ``api/engage/policies.json`` (tags and substance digests, read by ``tongda engage
notify``) and ``api/engage/consultations.json`` (drafts, deadlines, sections, read by the
engage function), and adds to each draft (``status: consultation`` with
``consultation_ends``) a comment form up to its deadline, the summary after it. List it
after the plugins that read page text (text, audio, search), like ``tongda-apply``, so
the form is not read aloud or indexed as part of the draft.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from site_builder.content.corpus import Corpus, Entry, load_corpus
from site_builder.plugins.core.buildctx import build_context
from site_builder.plugins.core.generated import generated_page

from . import page as pages
from .config import EngageConfig
from .data import consultation_entry, consultations, policies_document

log = logging.getLogger("mkdocs.plugins.tongda-engage")
_SUBSCRIBE_SRC = "_tongda/engage/subscribe.md"


class EngagePlugin(BasePlugin[EngageConfig]):
    """Writes the engage data files and adds the consultation box to drafts."""

    def __init__(self) -> None:
        self.corpus: Corpus | None = None
        self._drafts: dict[str, Entry] = {}
        self.sections: dict[str, list[str]] = {}
        self._policies: dict[str, Any] | None = None

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        if not self.config.enabled:
            return files
        ctx = build_context(config)
        if ctx is not None:
            self.corpus = ctx.corpus
        else:  # the core plugin off: read the content as of its `today`
            core = config.plugins.get("tongda")
            today = getattr(getattr(core, "config", None), "today", None)
            self.corpus = load_corpus(Path(config.docs_dir),
                                      today=dt.date.fromisoformat(today) if today else None)
        self._drafts = {e.src_path: e for e in consultations(self.corpus)}
        self.sections, self._policies = {}, None
        if self.config.pages_subscribe:
            if ctx is not None:  # people who do not come looking must find it too
                ctx.add_nav("政策订阅", _SUBSCRIBE_SRC)
            files.append(generated_page(config, _SUBSCRIBE_SRC,
                                        self.config.pages_subscribe + "index.html",
                                        title="政策订阅"))
        return files

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig,
                        files: Files) -> str | None:
        if page.file.src_uri == _SUBSCRIBE_SRC and self.corpus is not None:
            return self._subscribe(page, config)
        entry = self._drafts.get(page.file.src_uri)
        if entry is None or self.corpus is None:
            return html
        self.sections[entry.id] = pages.sections_of(page.toc)
        if not self.config.pages_consult:
            return html
        return html + self._box(page, entry)

    def _box(self, page: Page, entry: Entry) -> str:
        assert self.corpus is not None
        api_url = "../" * page.url.count("/") + self.config.pages_api
        page.meta["td_css"] = [*page.meta.get("td_css", []), *pages.CSS]
        if self.corpus.today <= entry.meta.consultation_ends:  # type: ignore[attr-defined]
            return pages.render("consult_form", pages.form_params(
                entry, self.sections[entry.id], api_url=api_url))
        page.meta["td_js"] = [*page.meta.get("td_js", []), *pages.SUMMARY_JS]
        return pages.render("consult_summary", pages.summary_params(entry, api_url=api_url))

    def _subscribe(self, page: Page, config: MkDocsConfig) -> str:
        assert self.corpus is not None
        page.meta["td_css"] = [*page.meta.get("td_css", []), *pages.CSS]
        page.meta["td_js"] = [*page.meta.get("td_js", []), *pages.SUBSCRIBE_JS]
        return pages.render("subscribe_page", pages.subscribe_params(
            self._policies_document(config)["facets"], _facts(Path(config.docs_dir) / self.config.pages_facts,
                                       self.config.pages_facts),
            base="../" * page.url.count("/"), api_path=self.config.pages_api,
            feeds_path=self.config.pages_feeds))

    def _policies_document(self, config: MkDocsConfig) -> dict[str, Any]:
        """``policies.json``, made once a build: the subscriptions page shows its facets."""
        assert self.corpus is not None
        if self._policies is None:
            self._policies = policies_document(self.corpus, site_name=config.site_name,
                                               site_url=config.site_url or "")
        return self._policies

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if not self.config.enabled or self.corpus is None:
            return
        site = Path(config.site_dir)
        document = self._policies_document(config)
        drafts = {"version": 1, "consultations": [
            consultation_entry(e, self.sections.get(e.id, [])) for e in self._drafts.values()]}
        for path, content in ((self.config.data_policies, document),
                              (self.config.data_consultations, drafts)):
            target = site / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(json.dumps(content, ensure_ascii=False, separators=(",", ":")),
                              encoding="utf-8")
        log.info("政策推送：%d 项政策，%d 份征求意见稿", len(document["policies"]), len(self._drafts))


def _facts(path: Path, shown_as: str) -> dict[str, list[dict[str, object]]]:
    """The declared facts per subject, as the calculator asks them (none without the file)."""
    if not path.is_file():
        return {}
    from site_builder.plugins.match.ruleset import load_facts

    facts = load_facts(path, shown_as)
    return {subject: [f.model_dump() for f in getattr(facts, subject)]
            for subject in ("enterprise", "person")}
