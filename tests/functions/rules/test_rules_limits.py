"""The rules package refuses what either engine would read differently or fail on."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError
from tongda_rules import EXACT_LIMIT, MAX_DEPTH, Rule, ruleset_problems

pytestmark = pytest.mark.unit
ROOT = Path(__file__).resolve().parents[3]


def rule(logic: Any) -> Rule:
    return Rule.model_validate({"id": "r", "label": "条件", "clause": "第一条", "logic": logic})


@pytest.mark.parametrize("number", [2**64, -(2**64), EXACT_LIMIT + 1, 1e300])
def test_numbers_outside_the_exact_range_are_refused_naming_the_spot(number: float) -> None:
    with pytest.raises(ValidationError, match=r"logic\.>=\[1\]: 数字 .* 超出 ±2\*\*53"):
        rule({">=": [{"var": "revenue"}, number]})


def test_the_edges_of_the_exact_range_are_allowed() -> None:
    rule({">=": [{"var": "revenue"}, EXACT_LIMIT]})
    rule({">=": [{"var": "revenue"}, -EXACT_LIMIT]})


def test_nesting_deeper_than_the_limit_is_refused_and_the_limit_itself_is_fine() -> None:
    def nested(depth: int) -> Any:
        node: Any = {"var": "flag"}
        for _ in range(depth):
            node = {"!": [node]}
        return node

    # Each "!" costs two levels (the operation and its argument list).
    rule(nested(MAX_DEPTH // 2 - 1))
    with pytest.raises(ValidationError, match=f"运算嵌套超过 {MAX_DEPTH} 层"):
        rule(nested(150))


def _ruleset() -> dict[str, Any]:
    from match_testlib import build_ruleset

    document, _ = build_ruleset(ROOT / "tests/fixtures/match-site/content", today="2024-06-01")
    return document


def test_a_rule_set_from_the_build_passes_and_carries_its_cases() -> None:
    document = _ruleset()
    assert ruleset_problems(document) == []
    rd = next(p for p in document["policies"] if p["id"] == "rd-subsidy")
    assert [c["name"] for c in rd["cases"]][:2] == ["符合条件的高新技术企业", "补助封顶50万元"]
    assert document["generated"] == "2024-06-01"


def test_a_rule_set_whose_policy_fails_its_own_case_is_refused() -> None:
    document = copy.deepcopy(_ruleset())
    rd = next(p for p in document["policies"] if p["id"] == "rd-subsidy")
    rd["eligibility"][0]["logic"] = {">=": [{"var": "revenue"}, 4_000_000_000]}
    problems = ruleset_problems(document)
    assert problems and all("rd-subsidy" in p for p in problems)
    assert any("案例“符合条件的高新技术企业”不成立：eligible: 期望 True，实际 False" in p
               for p in problems)


def test_a_rule_set_with_a_huge_number_is_refused_before_the_engine_sees_it() -> None:
    document = copy.deepcopy(_ruleset())
    document["policies"][0]["eligibility"][0]["logic"] = {">=": [{"var": "revenue"}, 2**64]}
    (problem,) = ruleset_problems(document)
    assert "超出 ±2**53" in problem and problem.startswith("policies[0]")
