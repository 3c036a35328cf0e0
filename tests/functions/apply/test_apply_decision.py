"""The decision: approve only on verified facts, reject on any unmet condition, else people."""

from __future__ import annotations

from typing import Any

import pytest
from tongda_rules import Matcher, ProfileError

from functions.apply.decision import decide, policy_reads
from functions.apply.trusted import SubjectRecord

pytestmark = pytest.mark.unit
FACTS = {"enterprise": [
    {"name": "revenue", "label": "上年营业收入", "type": "money", "verifiable": True},
    {"name": "rd_spend", "label": "上年研发投入", "type": "money", "verifiable": False},
    {"name": "tags", "label": "企业资质", "type": "list", "verifiable": True,
     "options": ["高新技术企业", "小微企业"]},
], "person": []}
POLICY: dict[str, Any] = {
    "id": "rd", "subject": "enterprise", "title": "研发补助",
    "eligibility": [
        {"id": "revenue", "label": "营业收入不低于2000万元", "clause": "第三条",
         "logic": {">=": [{"var": "revenue"}, 2000000000]}},
        {"id": "hitech", "label": "高新技术企业", "clause": "第四条",
         "logic": {"in": ["高新技术企业", {"var": "tags"}]}},
    ],
    "amount": {"label": "研发投入的10%", "logic": {"/": [{"var": "rd_spend"}, 10]}},
}
FIXED = {**POLICY, "id": "fixed", "amount": {"label": "20万元", "logic": 20000000}}
MATCHER = Matcher({"facts": FACTS, "policies": [POLICY, FIXED]})


def record(**facts: Any) -> SubjectRecord:
    return SubjectRecord("91390100MA2K7Q1B4K", "enterprise", "澜舟", facts, "共享平台")


def test_verified_conditions_and_amount_approve() -> None:
    decision = decide(MATCHER, FIXED, {}, record(revenue=3000000000, tags=["高新技术企业"]))
    assert (decision.status, decision.amount_fen, decision.reasons) == ("approved", 20000000, [])


def test_an_amount_resting_on_the_applicants_word_needs_a_person() -> None:
    decision = decide(MATCHER, POLICY, {"rd_spend": 100000000},
                      record(revenue=3000000000, tags=["高新技术企业"]))
    assert decision.status == "pending" and decision.amount_fen == 10000000
    assert decision.reasons == ["需人工核实补助金额：上年研发投入为申请人填报"]


def test_a_condition_met_only_on_the_applicants_word_needs_a_person() -> None:
    decision = decide(MATCHER, FIXED, {"tags": ["高新技术企业"]}, record(revenue=3000000000))
    assert decision.status == "pending"
    assert decision.reasons == ["需人工核实：高新技术企业（依据申请人填报的信息）"]
    hitech = decision.conditions[1]
    assert hitech["facts"] == [{"name": "tags", "source": "applicant"}] and not hitech["verified"]


def test_an_unknown_fact_leaves_the_condition_unknown() -> None:
    decision = decide(MATCHER, FIXED, {}, record(tags=["高新技术企业"]))
    assert decision.status == "pending"
    assert decision.reasons == ["无法判断：营业收入不低于2000万元（缺少revenue）"]


def test_any_unmet_condition_rejects_whatever_else_is_unknown() -> None:
    decision = decide(MATCHER, POLICY, {}, record(revenue=100))
    assert decision.status == "rejected"
    assert decision.reasons == ["不符合：营业收入不低于2000万元（第三条）"]


def test_what_the_applicant_types_must_fit_the_declared_facts() -> None:
    with pytest.raises(ProfileError):
        decide(MATCHER, POLICY, {"rd_spend": "很多"}, None)
    with pytest.raises(ProfileError):
        decide(MATCHER, POLICY, {"salary": 1}, None)


def test_only_the_facts_the_policy_reads_are_kept() -> None:
    assert policy_reads(POLICY) == ["revenue", "tags", "rd_spend"]
    decision = decide(MATCHER, FIXED, {}, record(revenue=3000000000, tags=["高新技术企业"]))
    assert [f.name for f in decision.facts] == ["revenue", "tags"]
