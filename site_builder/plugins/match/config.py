"""Options of the ``tongda-match`` plugin."""

from __future__ import annotations

from mkdocs.config import config_options as c
from mkdocs.config.base import Config


class MatchConfig(Config):
    """Rules file for the match function and the static policy calculator."""

    enabled = c.Type(bool, default=True)
    """Emit ``api/match/rules.json`` and the calculator page."""

    rules_facts = c.Type(str, default="_data/facts.yml")
    """The declared facts of enterprises and persons, relative to ``docs_dir``."""
    rules_path = c.Type(str, default="api/match/rules.json")
    """Where the rule set is written in the site (the function and the calculator read it)."""
    rules_statuses = c.Type(list, default=["effective", "amended"])
    """Policies in these statuses are matched; expired or repealed ones are left out."""
    rules_verify_cases = c.Type(bool, default=True)
    """Run every policy's own cases at build time and fail the build when one disagrees."""

    calculator_enabled = c.Type(bool, default=True)
    """Generate the static calculator page."""
    calculator_path = c.Type(str, default="calculator/")
    """Site path of the calculator page."""
    calculator_title = c.Type(str, default="惠企政策计算器")
    """Title of the calculator page."""
    calculator_jsonlogic = c.Optional(c.Type(str))
    """Path to json-logic-js's ``logic.js``; by default ``node_modules/json-logic-js/logic.js``
    next to ``mkdocs.yml`` or in a parent folder."""
