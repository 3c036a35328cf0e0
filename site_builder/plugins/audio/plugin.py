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
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from site_builder.plugins.core.buildctx import BuildContext, build_context

from .builder import AudioBuilder, AudioStats, PageAudio
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
        self._ctx: BuildContext | None = None
        self._dests: dict[str, str] = {}
        """Each written page's output path, by its audio name."""

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return config
        try:
            engine = create_engine(
                self.config.voice_engine, self.config.voice_name, self.config.voice_rate
            )
        except EngineError as exc:
            raise PluginError(f"tongda-audio：voice_engine：{exc}") from exc
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
        self._dests = {}

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        self._ctx = ctx = build_context(config)
        if ctx is not None and self.builder is not None:
            # The voice (engine, version, rate), the gap and the encoding make the files a
            # page links to; the site signature does not see an upgraded eSpeak.
            builder = self.builder
            ctx.add_signature_part(
                "audio", lambda page: [builder.identity, builder.gap_ms, builder.compression])
        return files

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
        reuse = self._ctx.reuse if self._ctx is not None else None
        if page.meta.get("td_reused"):
            # The page and its audio files are linked from the previous site; count them.
            carried = PageAudio.from_data(reuse.data(page.file.dest_uri, "audio")) if reuse else None
            if carried is not None:
                self.builder.carry(carried)
            return output
        prepared = prepare(output, mode, self.config.player_point_reading)
        plan = self.builder.add_page(page.url, unescape_title(page.title or ""), prepared.blocks)
        if not plan.items:
            return output
        base = f"{self.config.output_dir}/{plan.name}"
        self._dests[plan.name] = page.file.dest_uri
        if self._ctx is not None:
            for ext in ("mp3", "vtt", "json"):
                self._ctx.add_output(page.file.dest_uri, f"{base}.{ext}")
        rel = {ext: get_relative_url(f"{base}.{ext}", page.url) for ext in ("mp3", "vtt", "json")}
        return insert_player(prepared, render_player(rel["mp3"], rel["vtt"], rel["json"]))

    # After the pages' other files, before the build report (-50) that shows its figures
    # and the core's swap (-100).
    @event_priority(-40)
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.builder is None:
            return
        site = Path(config.site_dir)
        out = site / self.config.output_dir
        try:
            self.stats = self.builder.build(out)
        except EngineError as exc:
            raise PluginError(f"tongda-audio：{exc}") from exc
        self._write_assets(site)
        self._write_manifest(out)
        ctx = self._ctx
        if ctx is not None:
            ctx.stats.record("audio", self.stats)
            if ctx.reuse is not None:  # what a reused page brings back next time
                for name, dest in self._dests.items():
                    if name in self.builder.written:
                        ctx.reuse.set_data(dest, "audio", asdict(self.builder.written[name]))
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
        # What the site holds, never how this build made it: a rebuild that reuses pages
        # writes the same file as a fresh build.
        pages = sorted(self.builder.written.values(), key=lambda p: p.url)
        data: dict[str, Any] = {
            "engine": self.builder.identity,
            "stats": self.stats.site_figures(),
            "pages": {p.url: f"{p.name}.mp3" for p in pages},
        }
        (out / "manifest.json").write_text(json.dumps(data, ensure_ascii=False, indent=1), "utf-8")

    def _check_budget(self) -> None:
        budget = float(self.config.budget_mb) * 1_000_000
        if self.stats.bytes <= budget:
            return
        message = (
            f"tongda-audio：语音共 {self.stats.bytes / 1e6:.1f} MB，超出 budget_mb "
            f"{self.config.budget_mb}（可提高 output_compression，或设置 policy_mode: summary）"
        )
        if self.config.budget_strict:
            raise PluginError(message)
        log.warning(message)
