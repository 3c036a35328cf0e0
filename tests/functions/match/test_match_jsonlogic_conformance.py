"""Both engines pass the JSON Logic compatibility suite on the operators rules may use."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tongda_rules import OPERATORS

from tests.components import missing

pytestmark = pytest.mark.integration
SUITE = Path("/work/shared/conformance/jsonlogic/compatible.json")
ROOT = Path(__file__).resolve().parents[3]


def _suite() -> list[dict[str, Any]]:
    for candidate in (ROOT.parent / "shared/conformance/jsonlogic/compatible.json", SUITE):
        if candidate.is_file():
            return [c for c in json.loads(candidate.read_text()) if isinstance(c, dict)]
    missing("the JSON Logic conformance suite (shared/conformance/jsonlogic beside the checkout)")


def _operators(rule: Any, out: set[str]) -> set[str]:
    if isinstance(rule, dict):
        for op, args in rule.items():
            out.add(op)
            _operators(args, out)
    elif isinstance(rule, list):
        for item in rule:
            _operators(item, out)
    return out


def _subset_cases() -> list[dict[str, Any]]:
    cases = [c for c in _suite() if isinstance(c["rule"], dict)
             and _operators(c["rule"], set()) <= set(OPERATORS)]
    assert len(cases) > 100
    return cases


def _same(got: Any, want: Any) -> bool:
    return json.dumps(got, sort_keys=True) == json.dumps(want, sort_keys=True)


def test_datalogic_passes_the_suite_on_our_subset() -> None:
    import datalogic_py

    failures = [(c["rule"], c.get("data"), c["result"], datalogic_py.apply(c["rule"], c.get("data")))
                for c in _subset_cases()
                if not _same(datalogic_py.apply(c["rule"], c.get("data")), c["result"])]
    assert not failures


def test_json_logic_js_passes_the_suite_on_our_subset(node: Any) -> None:
    cases = _subset_cases()
    out = node("run_conformance.js", [{"rule": c["rule"], "data": c.get("data")} for c in cases])
    failures = [(c["rule"], c["result"], o) for c, o in zip(cases, out, strict=True)
                if "error" in o or not _same(o["value"], c["result"])]
    assert not failures
