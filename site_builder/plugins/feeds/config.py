"""Options of the ``tongda-feeds`` plugin."""

from __future__ import annotations

from mkdocs.config import config_options as c
from mkdocs.config.base import Config


class FeedsConfig(Config):
    """Atom and JSON Feed subscriptions (政策订阅)."""

    enabled = c.Type(bool, default=True)
    """Write the feeds and their autodiscovery links."""

    feeds_path = c.Type(str, default="feeds/")
    """Site folder of the feeds: ``feeds/<facet>/<slug>/atom.xml`` and ``feed.json``."""
    feeds_facets = c.Type(list, default=["topic", "audience", "issuer", "level"])
    """Which facets get a feed per value (they need the matching listing pages)."""
    feeds_size = c.Type(int, default=50)
    """How many of the newest documents a feed lists."""
    feeds_all = c.Type(bool, default=True)
    """Also write one feed of every document (``feeds/all/``), linked from the home page."""
    feeds_timezone = c.Type(str, default="+08:00")
    """UTC offset written with feed dates (documents carry dates, not times)."""
    feeds_page_enabled = c.Type(bool, default=True)
    """Write a page for people at ``feeds/`` listing every subscription."""
    feeds_page_title = c.Type(str, default="政策订阅")
    """Title of that page."""
