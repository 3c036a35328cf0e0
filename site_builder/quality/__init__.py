"""Content quality checks (数据质量检核): rules in six dimensions, the engine and the report."""

from __future__ import annotations

from .context import CheckContext, Settings
from .engine import QualityResult, run_rules
from .findings import DIMENSION_LABELS, DIMENSIONS, SEVERITIES, Finding, Rule
from .registry import all_rules

__all__ = [
           "DIMENSIONS",
           "DIMENSION_LABELS",
           "SEVERITIES",
           "CheckContext",
           "Finding",
           "QualityResult",
           "Rule",
           "Settings",
           "all_rules",
           "run_rules",
]
