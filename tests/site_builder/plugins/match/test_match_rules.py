"""The rule models and their check against the declared facts."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError
from tongda_rules import Amount, FactsFile, Rule, RuleCase, check_rules, profile_problems

pytestmark = pytest.mark.unit
FACTS = FactsFile.model_validate(yaml.safe_load(
    (Path(__file__).resolve().parents[4] / "content/_data/facts.yml").read_text("utf-8")))


def rule(logic: object, rid: str = "r") -> Rule:
    return Rule.model_validate({"id": rid, "label": "条件", "clause": "第一条", "logic": logic})


@pytest.mark.parametrize("logic, message", [
    ({"substr": ["abc", 1]}, "不支持的运算符 'substr'"),
    ({"var": ["revenue", 0]}, "需要 1 个参数"),
    ({"var": 3}, "var 的参数必须是事实名称字符串"),
    ({"/": [{"var": "revenue"}, {"var": "employees"}]}, "除数必须是非零数字常量"),
    ({"/": [{"var": "revenue"}, 0]}, "除数必须是非零数字常量"),
    ({">": [1, 2, 3]}, "需要 2 个参数"),
    ({">=": [1], "<": [2, 3]}, "只有一个键"),
])
def test_operators_outside_the_shared_subset_are_refused(logic: object, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        rule(logic)


def test_strict_models_refuse_unknown_fields_and_coercion() -> None:
    with pytest.raises(ValidationError):
        Rule.model_validate({"id": "r", "label": "x", "clause": "c", "logic": {}, "note": 1})
    with pytest.raises(ValidationError):
        RuleCase.model_validate({"name": "n", "profile": {}, "expect": {"eligible": "yes"}})
    with pytest.raises(ValidationError):
        Amount.model_validate({"label": "x", "logic": "100"})


@pytest.mark.parametrize("logic, message", [
    ({">=": [{"var": "revenu"}, 1]}, "未声明的事实 'revenu'"),
    ({"==": [{"var": "revenue"}, "1"]}, "只能比较同类型"),
    ({"and": [{"var": "revenue"}, True]}, "参数必须都是 boolean"),
    ({"+": [{"var": "revenue"}, 1]}, "结果必须是真假"),
    ({"==": [{"var": "industry"}, "制造"]}, "取值 制造 不在事实的可选值中"),
    ({">": [{"*": [{"var": "revenue"}, {"var": "rd_spend"}]}, 0]}, "可能超过 2**53"),
])
def test_rules_are_typed_against_the_declared_facts(logic: object, message: str) -> None:
    problems = check_rules("enterprise", [rule(logic)], None, [], FACTS)
    assert [p.field for p in problems] == ["eligibility.0.logic"]
    assert message in problems[0].message


def test_a_good_policy_has_no_problems_and_subject_is_required() -> None:
    rules = [rule({">=": [{"var": "revenue"}, 2_000_000_000]}, "revenue"),
             rule({"in": ["高新技术企业", {"var": "tags"}]}, "hitech")]
    amount = Amount(label="10%", logic={"min": [{"*": [{"var": "rd_spend"}, 0.1]}, 50_000_000]})
    case = RuleCase.model_validate({"name": "n", "profile": {"revenue": 1, "tags": []},
                                    "expect": {"eligible": False}})
    assert check_rules("enterprise", rules, amount, [case], FACTS) == []
    assert check_rules(None, rules, amount, [case], FACTS)[0].field == "subject"
    assert check_rules("person", rules, None, [], FACTS)[0].message.startswith("未声明的事实")


@pytest.mark.parametrize("value, ok", [
    (100, True), (100.0, True), (None, True), (False, False), ("100", False), (1.5, False),
    (-1, False), (10**14, False), (float("nan"), False),
])
def test_money_values_are_whole_fen_and_never_booleans(value: object, ok: bool) -> None:
    assert (profile_problems({"revenue": value}, FACTS.of("enterprise")) == []) is ok


def test_list_and_option_facts_check_their_values() -> None:
    known = FACTS.of("enterprise")
    assert profile_problems({"tags": ["高新技术企业"]}, known) == []
    assert profile_problems({"tags": ["高新技术企业", "高新技术企业"]}, known)
    assert profile_problems({"tags": "高新技术企业"}, known)
    assert profile_problems({"industry": "不存在的行业"}, known)
    assert profile_problems({"nonsense": 1}, known)[0][0] == "nonsense"


def test_a_fact_may_be_tested_against_a_list_of_its_options() -> None:
    fine = rule({"in": [{"var": "industry"}, ["制造业", "建筑业"]]})
    assert check_rules("enterprise", [fine], None, [], FACTS) == []
    typo = rule({"in": [{"var": "industry"}, ["制造", "建筑业"]]})
    assert "取值 制造 不在事实的可选值中" in check_rules("enterprise", [typo], None, [], FACTS)[0].message
