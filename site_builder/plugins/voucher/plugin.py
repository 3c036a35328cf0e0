"""The ``tongda-voucher`` plugin: the verifier page and the voucher function's public files."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from site_builder.plugins.core.buildctx import build_context
from site_builder.plugins.core.generated import directory_index, generated_page

from . import page as voucher_page
from .config import VoucherConfig

log = logging.getLogger("mkdocs.plugins.tongda-voucher")
_PAGE_SRC = "_tongda/voucher.md"
_MINE_SRC = "_tongda/voucher-mine.md"


class VoucherPlugin(BasePlugin[VoucherConfig]):
    """Writes the verifier page and copies what the voucher function published."""

    def __init__(self) -> None:
        self.published: Path | None = None
        self.trust: dict[str, Any] = {}

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        if not self.config.enabled:
            return files
        config_dir = Path(config.config_file_path or ".").resolve().parent
        self.published = (config_dir / self.config.voucher_dir / "public").resolve()
        self.trust = voucher_page.read_trust(self.published)
        self._warn_on_other_issuer(config)
        if self.config.page_enabled:
            if (ctx := build_context(config)) is not None:  # its place in the default nav
                ctx.add_nav(self.config.page_title, _PAGE_SRC)
            try:
                fallback = voucher_page.find_fallback(config_dir, self.config.page_fallback)
            except FileNotFoundError as exc:
                raise PluginError(str(exc)) from exc
            files.append(File(fallback.name, str(fallback.parent), config.site_dir,
                              config.use_directory_urls, dest_uri=voucher_page.VENDOR_FALLBACK))
            files.append(generated_page(config, _PAGE_SRC, directory_index(self.config.page_path),
                                        title=self.config.page_title))
        if self.config.mine_enabled:  # linked from the verifier page, not in the nav
            files.append(generated_page(config, _MINE_SRC, directory_index(self.config.mine_path),
                                        title=self.config.mine_title))
        return files

    def _warn_on_other_issuer(self, config: MkDocsConfig) -> None:
        issuer = (self.trust.get("did") or {}).get("id")
        expected = voucher_page.did_for(config.site_url)
        if issuer and expected and issuer != expected:
            log.warning("数据凭证：签发者 %s 与站点地址 %s 不一致（应为 %s）：did:web 解析不到本站。"
                        "请设置 TONGDA_VOUCHER_BASE_URL。", issuer, config.site_url, expected)

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig,
                        files: Files) -> str | None:
        if page.file.src_uri not in (_PAGE_SRC, _MINE_SRC):
            return html
        # Each page's assets load on that page only (page weight elsewhere).
        page.meta["td_css"] = list(voucher_page.ASSETS_CSS)
        cfg = self.config
        if page.file.src_uri == _MINE_SRC:
            page.meta["td_js"] = list(voucher_page.MINE_JS)
            verify = cfg.page_path if cfg.page_enabled else None
            return voucher_page.render_component(
                voucher_page.mine_params(cfg.mine_title, cfg.mine_path, verify), "voucher_mine")
        page.meta["td_js"] = list(voucher_page.ASSETS_JS)
        params = voucher_page.page_params(cfg.page_title, cfg.page_path, self.trust,
                                          cfg.mine_path if cfg.mine_enabled else None,
                                          cfg.mine_title)
        return voucher_page.render_component(params)

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if not self.config.enabled or self.published is None:
            return
        copied = voucher_page.published_files(self.published)
        for path in copied:
            target = Path(config.site_dir) / path
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(self.published / path, target)
        if copied:
            log.info("数据凭证：复制了 %d 个公开文件（DID 文档、状态列表、检查点）", len(copied))
