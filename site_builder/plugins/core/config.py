"""Options of the core ``tongda`` plugin."""

from __future__ import annotations

from mkdocs.config import config_options as c
from mkdocs.config.base import Config


class TongdaConfig(Config):
    """Configuration of the content model, generated pages and the build."""

    enabled = c.Type(bool, default=True)
    """Turn the whole Tongda content model off (the site is then plain MkDocs)."""

    today = c.Optional(c.Type(str))
    """Date (YYYY-MM-DD) used to compute each policy's status; defaults to the build date.
    Set it to make builds reproducible."""

    listing_page_size = c.Type(int, default=20)
    """How many documents a listing page shows before it paginates."""
    listing_facets = c.Type(list, default=["issuer", "level", "year", "topic", "audience",
                                           "life_stage", "doc_type"])
    """Which facets get their own listing pages (按发文机关、层级、年份…)."""

    cache_enabled = c.Type(bool, default=True)
    """Cache rendered Markdown by content hash so unchanged pages are not rendered again."""
    cache_pages = c.Type(bool, default=True)
    """Reuse a page's previous output when nothing it is made from changed (needs build_atomic)."""
    cache_dir = c.Type(str, default=".tongda-cache")
    """Where build caches live, relative to mkdocs.yml; CI can keep it between runs."""

    files_max_text_size = c.Type(int, default=2 * 1024 * 1024)
    """Largest text file in the content folder (Markdown, YAML, JSON, CSV), in bytes;
    a larger one is an error. Default 2 MB: six times the longest law; 0 for no limit."""
    files_max_asset_size = c.Type(int, default=20 * 1024 * 1024)
    """Largest other file (images, PDFs, audio), in bytes. Default 20 MB: these are copied,
    not parsed, so the limit guards the site's weight; a scanned official document fits."""

    build_atomic = c.Type(bool, default=True)
    """Build into a temporary folder and replace ``site_dir`` only when the build succeeded."""
    build_workers = c.Type(int, default=0)
    """Processes that render Markdown in parallel; 0 means one per core."""
    build_progress = c.Type(bool, default=True)
    """Show a progress bar when a build renders more than 200 pages."""
