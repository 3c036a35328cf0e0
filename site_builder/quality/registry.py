"""The catalogue of quality rules; rule modules register themselves with :func:`rule`."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from .findings import DIMENSIONS, SEVERITIES, Problem, Rule

RULES: dict[str, Rule] = {}


def rule(id: str, dimension: str, severity: str, title: str, fix: str) -> Callable[
        [Callable[[Any], Iterable[Problem]]], Callable[[Any], Iterable[Problem]]]:
    """Register the decorated function as a quality rule.

    Args:
        id: Stable kebab-case id.
        dimension: One of the six dimensions.
        severity: Default severity.
        title: Short Chinese name.
        fix: How an editor fixes what it reports.
    """
    assert dimension in DIMENSIONS and severity in SEVERITIES, (id, dimension, severity)

    def register(check: Callable[[Any], Iterable[Problem]]) -> Callable[[Any], Iterable[Problem]]:
        if id in RULES:
            raise ValueError(f"rule {id} registered twice")
        RULES[id] = Rule(id, dimension, severity, title, fix, check)
        return check

    return register


def all_rules() -> dict[str, Rule]:
    """Every rule, after importing the modules that define them."""
    from . import (  # noqa: F401  (imported for their registrations)
        rules_accuracy,
        rules_completeness,
        rules_consistency,
        rules_timeliness,
        rules_uniqueness,
        rules_validity,
    )

    return RULES
