"""``tongda-audio``: pre-generated page audio with continuous and point reading (issue 7).

Thin MkDocs adapter: pages are prepared in ``on_post_page`` (ids, point-reading buttons, the
player), and all synthesis happens once, in parallel, in ``on_post_build``. The real work is
in :mod:`.page` (HTML), :mod:`.builder` (pipeline) and :mod:`.engine` (voices).
"""

from __future__ import annotations

import json
import logging
import shutil
from dataclasses import asdict
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from .builder import AudioBuilder, AudioStats
from .cache import ClipCache
from .config import AudioConfig
from .engine import EngineError, create_engine
from .page import COMPONENT_DIR, insert_player, prepare, render_player, unescape_title

log = logging.getLogger("mkdocs.plugins.tongda.audio")
ASSET_DIR = "assets/tongda-audio"
THEME_ASSET_DIR = "components/player"
ASSETS = ("player.css", "player.js")


class AudioPlugin(BasePlugin[AudioConfig]):
    """Reads service guides, interpretations, FAQs (and policies, by config) aloud.

    Attributes:
        stats: Figures of the last build (``synthesised``, ``cached``, pages, bytes,
            seconds of speech), for the build report.
        builder: The pipeline, available after ``on_config``.
    """

    def __init__(self) -> None:
        self.stats = AudioStats()
        self.builder: AudioBuilder | None = None
        self._asset_dir = ASSET_DIR

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return config
        try:
            engine = create_engine(
                self.config.voice_engine, self.config.voice_name, self.config.voice_rate
            )
        except EngineError as exc:
            raise PluginError(f"tongda-audio: voice_engine: {exc}") from exc
        cache_dir = Path(self.config.cache_dir)
        if not cache_dir.is_absolute():
            cache_dir = Path(config.config_file_path or ".").resolve().parent / cache_dir
        self.builder = AudioBuilder(
            engine, ClipCache(cache_dir, engine.sample_rate), self.config.synth_workers,
            self.config.output_gap_ms, self.config.output_compression, self.config.synth_progress,
        )
        # The tongda theme ships its components as static files; with another theme the
        # plugin copies the player's files itself (on_post_build).
        self._asset_dir = THEME_ASSET_DIR if config.theme.name == "tongda" else ASSET_DIR
        config.extra_css.append(f"{self._asset_dir}/player.css")
        config.extra_javascript.append(f"{self._asset_dir}/player.js")
        return config

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        if self.builder is not None:
            self.builder.reset()

    def mode_for(self, page: Page) -> str:
        """``full``, ``summary`` or ``none`` for this page, from its front-matter kind."""
        kind = (page.meta or {}).get("kind")
        if kind == "policy" and "policy" not in self.config.kinds:
            return self.config.policy_mode
        return "full" if kind in self.config.kinds else "none"

    # Early, so checkers that read the final HTML (a11y) see the player and the buttons.
    @event_priority(50)
    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str | None:
        if self.builder is None or (mode := self.mode_for(page)) == "none":
            return output
        prepared = prepare(output, mode, self.config.player_point_reading)
        plan = self.builder.add_page(page.url, unescape_title(page.title or ""), prepared.blocks)
        if not plan.items:
            return output
        base = f"{self.config.output_dir}/{plan.name}"
        rel = {ext: get_relative_url(f"{base}.{ext}", page.url) for ext in ("mp3", "vtt", "json")}
        return insert_player(prepared, render_player(rel["mp3"], rel["vtt"], rel["json"]))

    @event_priority(-90)  # after the other plugins' output, before the core swaps the site in
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.builder is None:
            return
        site = Path(config.site_dir)
        out = site / self.config.output_dir
        try:
            self.stats = self.builder.build(out)
        except EngineError as exc:
            raise PluginError(f"tongda-audio: {exc}") from exc
        self._write_assets(site)
        self._write_manifest(out)
        log.info(self.stats.line())
        self._check_budget()

    def _write_assets(self, site: Path) -> None:
        if self._asset_dir == THEME_ASSET_DIR:
            return
        target = site / ASSET_DIR
        target.mkdir(parents=True, exist_ok=True)
        for name in ASSETS:
            shutil.copyfile(COMPONENT_DIR / name, target / name)

    def _write_manifest(self, out: Path) -> None:
        assert self.builder is not None
        out.mkdir(parents=True, exist_ok=True)
        data: dict[str, Any] = {
            "engine": self.builder.identity,
            "stats": asdict(self.stats),
            "pages": {p.url: f"{p.name}.mp3" for p in self.builder.pages.values()},
        }
        (out / "manifest.json").write_text(json.dumps(data, ensure_ascii=False, indent=1), "utf-8")

    def _check_budget(self) -> None:
        budget = float(self.config.budget_mb) * 1_000_000
        if self.stats.bytes <= budget:
            return
        message = (
            f"tongda-audio: audio is {self.stats.bytes / 1e6:.1f} MB, over budget_mb "
            f"{self.config.budget_mb} (raise output_compression, or set policy_mode: summary)"
        )
        if self.config.budget_strict:
            raise PluginError(message)
        log.warning(message)
