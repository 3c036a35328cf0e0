"""Fixture: break the clean corpus one way at a time and run the rules over it."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from site_builder.quality import Settings, run_rules
from site_builder.quality.context import Citation
from site_builder.quality.findings import Finding
from tests.site_builder.quality.quality_kit import Docs, clean_docs, write


@pytest.fixture
def check(tmp_path: Path) -> Callable[..., list[Finding]]:
    """Apply a change to the clean corpus, run rules (one or all), return the findings."""
    counter = {"n": 0}

    def run(change: Callable[[Docs], Any] | None = None, rule: str | None = None, *,
            citations: list[Citation] | None = None, settings: Settings | None = None,
            files: dict[str, bytes] | None = None) -> list[Finding]:
        counter["n"] += 1
        docs = copy.deepcopy(clean_docs())
        if change is not None:
            change(docs)
        corpus = write(tmp_path / f"c{counter['n']}", docs, files)
        result = run_rules(corpus, settings, citations=[] if citations is None else citations,
                           only=[rule] if rule else None)
        return result.findings

    return run
