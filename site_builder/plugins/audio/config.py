"""Options of the ``tongda-audio`` plugin (``plugins: - tongda-audio: {...}`` in mkdocs.yml)."""

from __future__ import annotations

from mkdocs.config import config_options as c
from mkdocs.config.base import Config

KINDS = ("policy", "interpretation", "service", "faq", "topic", "scenario")


class AudioConfig(Config):
    """Typed configuration of :class:`~site_builder.plugins.audio.plugin.AudioPlugin`."""

    enabled = c.Type(bool, default=True)
    """Generate audio at all (false: no player, no synthesis)."""

    kinds = c.ListOfItems(c.Choice(KINDS), default=["service", "interpretation", "faq"])
    """Document kinds read in full (service guides, interpretations and FAQs by default)."""

    policy_mode = c.Choice(("full", "summary", "none"), default="summary")
    """Policies: read in full, only their title, status notice and summary, or not at all."""

    voice_engine = c.Type(str, default="pyttsx3")
    """Speech engine: ``pyttsx3`` (eSpeak NG from espeakng-loader, else Debian's) or
    ``pyttsx3-debian`` (always the system libespeak-ng)."""

    voice_name = c.Type(str, default="auto")
    """eSpeak voice; ``auto`` is ``cmn`` on espeak-ng >= 1.52, ``cmn-latn-pinyin`` before."""

    voice_rate = c.Type(int, default=175)
    """Speaking rate in eSpeak words per minute (eSpeak's default, about 3.8 Chinese characters
    a second); listeners change it from 0.75x to 1.5x in the player."""

    cache_dir = c.Type(str, default=".tongda-cache/audio")
    """Clip cache, relative to mkdocs.yml. Keep it between CI runs; override with
    ``cache_dir: !ENV [TONGDA_AUDIO_CACHE, .tongda-cache/audio]``."""

    synth_workers = c.Type(int, default=0)
    """Synthesis processes; 0 means one per available core."""

    synth_progress = c.Type(bool, default=True)
    """Show a progress bar with an ETA while synthesising."""

    output_dir = c.Type(str, default="audio")
    """Folder in the site for ``<page>.mp3``, ``<page>.vtt`` and ``<page>.json``."""

    output_gap_ms = c.Type(int, default=250)
    """Silence between blocks, in milliseconds."""

    output_compression = c.Type(float, default=0.9)
    """soundfile MP3 compression level (0–0.99, average bitrate); 0.9 ≈ 27 kbit/s mono."""

    budget_mb = c.Type((int, float), default=500)
    """Size budget for all audio in the site, in MB; exceeding it is a warning."""

    budget_strict = c.Type(bool, default=False)
    """Fail the build instead of warning when the size budget is exceeded."""

    player_point_reading = c.Type(bool, default=True)
    """Add a "朗读此段" button to every paragraph and list item."""
