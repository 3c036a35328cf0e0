"""Options of the ``tongda-text`` plugin."""

from __future__ import annotations

from mkdocs.config import config_options as c
from mkdocs.config.base import Config

#: Parts of a themed page that are layout or controls, not content (by class).
DEFAULT_DROP_CLASSES = [
    "td-skip-link", "td-entries", "td-toolbar", "td-searchbox", "td-guide", "td-caption",
    "td-player", "td-graph", "td-read",
]


class TextConfig(Config):
    """Plain-text pages (纯文本): the same content and links, no images, no layout."""

    enabled = c.Type(bool, default=True)
    """Write a plain-text version of every page."""

    text_dir = c.Type(str, default="text")
    """Folder of the site that holds the plain-text pages (``text/<same path>``)."""
    text_drop_classes = c.Type(list, default=DEFAULT_DROP_CLASSES)
    """Elements with any of these classes are left out (controls, overlays, media)."""
    text_label = c.Type(str, default="纯文本版")
    """Added to each plain-text page's title, and named in its header."""
