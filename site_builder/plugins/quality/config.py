"""Options of the ``tongda-quality`` plugin."""

from __future__ import annotations

from mkdocs.config import config_options as c
from mkdocs.config.base import Config


class QualityConfig(Config):
    """``plugins: - tongda-quality: {...}`` in mkdocs.yml."""

    enabled = c.Type(bool, default=True)
    """Run the quality rules in every build and write the report."""

    rules_severity = c.Type(dict, default={})
    """Severity per rule id (``error``, ``warning``, ``notice``, or ``off`` to disable a rule),
    e.g. ``{review-overdue: error, topics-missing: off}``."""
    rules_review_days = c.Type(int, default=365)
    """Review period (审核周期): a page not reviewed for this many days is overdue."""
    rules_expiry_notice_days = c.Type(int, default=60)
    """Notice for policies that expire within this many days."""
    rules_consultation_days = c.Type(int, default=90)
    """A draft or consultation older than this many days is stale."""
    rules_similarity = c.Type(float, default=0.85)
    """Least similarity (0–1, Jaccard of character 5-grams) of two near-duplicate bodies."""
    rules_interpretation_types = c.Type(list, default=["规范性文件"])
    """Policy doc types that should have an interpretation (政策解读)."""
    rules_interpretation_levels = c.Type(list, default=["city", "district"])
    """Levels at which policies should have an interpretation."""

    fail_max_errors = c.Type(int, default=0)
    """The build fails when there are more errors than this."""
    fail_max_warnings = c.Type(int, default=-1)
    """The build fails when there are more warnings than this; -1 never fails on warnings."""
    fail_max_notices = c.Type(int, default=-1)
    """The same for notices; -1 never fails on notices."""

    report_enabled = c.Type(bool, default=True)
    """Write the report page, ``quality.json`` and a standalone HTML into the site."""
    report_dir = c.Type(str, default="report")
    """Folder of the site for the report (``report/index.html``, ``report/quality.json``)."""
    report_previous = c.Optional(c.Type(str))
    """A previous build's ``quality.json`` to show trends against (path relative to mkdocs.yml).
    When unset, the report already in the site folder from the last build is used."""
    report_standalone = c.Type(str, default="quality.html")
    """File name of the standalone HTML report (for CI artefacts); empty to skip it."""
