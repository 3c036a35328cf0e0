"""Options of the ``tongda-apply`` plugin."""

from __future__ import annotations

from mkdocs.config import config_options as c
from mkdocs.config.base import Config


class ApplyConfig(Config):
    """Online applications (秒报秒批秒付) in the static portal."""

    enabled = c.Type(bool, default=True)
    """Generate the application pages and ``api/apply/catalog.json``."""

    catalog_path = c.Type(str, default="api/apply/catalog.json")
    """Where the catalog the applications function reads is written in the site."""
    catalog_holidays = c.Type(str, default="_data/holidays.yml")
    """The holiday calendar (working days for committed time limits), relative to ``docs_dir``."""
    catalog_time_limit_days = c.Type(int, default=20)
    """Committed time limit, in working days, of a policy whose service guides state none."""

    pages_path = c.Type(str, default="apply/")
    """Site path under which each policy's application page is generated (``apply/<id>/``)."""
    pages_api = c.Type(str, default="api/apply/")
    """Site path of the applications function (same origin)."""
    pages_policy_box = c.Type(bool, default=True)
    """Add an 在线申请 box, with public statistics, to each policy page that takes applications."""
    pages_calculator_link = c.Type(bool, default=True)
    """Let the calculator link each result to its application page (``data-apply`` on its root)."""
