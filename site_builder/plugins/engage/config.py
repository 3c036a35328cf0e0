"""Options of the ``tongda-engage`` plugin."""

from __future__ import annotations

from mkdocs.config import config_options as c
from mkdocs.config.base import Config


class EngageConfig(Config):
    """Policy push (政策找企业) and consultation on drafts (征求意见) in the static portal."""

    enabled = c.Type(bool, default=True)
    """Write the engage data files and add the consultation box to drafts."""

    data_policies = c.Type(str, default="api/engage/policies.json")
    """Where every policy's tags and substance digest are written (the notifier reads it)."""
    data_consultations = c.Type(str, default="api/engage/consultations.json")
    """Where the drafts open to comments, their deadlines and sections are written."""

    pages_api = c.Type(str, default="api/engage/")
    """Site path of the engage function (same origin)."""
    pages_consult = c.Type(bool, default=True)
    """Add the comment form (before the deadline) or the summary (after) to each draft."""
    pages_subscribe = c.Type(str, default="subscribe/")
    """Site path of the subscriptions page (empty: no page)."""
    pages_feeds = c.Type(str, default="feeds/")
    """Site path of the feeds, offered to readers without JavaScript or sign-in."""
    pages_facts = c.Type(str, default="_data/facts.yml")
    """The facts a profile subscription asks, relative to ``docs_dir`` (as the calculator)."""
