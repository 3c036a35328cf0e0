"""The components ``make setup`` installs, and what a test does when one is missing: it
fails with the component's name and the install step, instead of being skipped (a skipped
test would pass a machine where that part of Tongda was never checked)."""

from __future__ import annotations

import functools
import shutil
from typing import NoReturn

import pytest


def missing(component: str) -> NoReturn:
    """Fail the current test: ``component`` is not installed here."""
    pytest.fail(f"required component missing: {component} (`make setup` installs it)",
                pytrace=False)


@functools.cache
def browser_problem() -> str | None:
    from a11y.browser import browser_unavailable_reason

    return browser_unavailable_reason()


@functools.cache
def node_problem() -> str | None:
    return None if shutil.which("node") else "Node.js (Debian nodejs)"


MARKERS = {"browser": browser_problem, "node": node_problem}
"""Test markers that name a component, and the check that says what is missing."""


def require_marked(item: pytest.Item) -> None:
    """Fail ``item`` up front when a component its markers name is missing."""
    for name, check in MARKERS.items():
        if item.get_closest_marker(name) is not None and (problem := check()) is not None:
            missing(problem)
