"""Deciding, reviewing and paying applications, on SQLite and PostgreSQL (no HTTP)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from apply_testlib import (
    AGED_78,
    AGED_90,
    ELDERLY,
    GRADUATE,
    GRADUATE_OK,
    GRADUATE_UNKNOWN,
    HITECH,
    RD,
    Clock,
    china,
)
from conftest import PAYMENTS, REVIEWER, applicant
from sqlalchemy import func, select

from functions.apply import store
from functions.apply.service import ApplyService, Conflict, Forbidden, NotFound, Refused
from functions.runtime import audit

pytestmark = pytest.mark.integration


def _count(service: ApplyService, table: object) -> int:
    with service.engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(table)))  # type: ignore[arg-type]


def test_every_condition_verified_is_approved_and_paid_at_once(service: ApplyService) -> None:
    result = service.submit(applicant(AGED_90), ELDERLY, {}, ["老年人居民身份证或户口簿"])
    assert result["status"] == "approved"
    assert result["amount_fen"] == 20000 and result["amount_text"] == "200元"
    assert result["due"] is None and result["payment"]["amount_fen"] == 20000
    assert {c["result"] for c in result["conditions"]} == {"met"}
    assert all(c["verified"] for c in result["conditions"])
    assert {f["source"] for f in result["facts"]} == {"registry"}
    age = next(f for f in result["facts"] if f["name"] == "age")
    assert age["value"] == 90 and "共享" in age["source_label"]
    assert result["history"][0]["by"] == "系统自动审批"
    payments = service.payments()
    assert [(p["application_id"], p["amount_fen"], p["payee"]) for p in payments] == \
        [(result["id"], 20000, AGED_90)]
    assert payments[0]["payee_name"] == "江秀英"


def test_an_unmet_condition_is_rejected_with_its_reason(service: ApplyService) -> None:
    result = service.submit(applicant(AGED_78), ELDERLY, {}, [])
    assert result["status"] == "rejected" and result["amount_fen"] is None
    assert result["reasons"] == ["不符合：年满80周岁（第三条第（一）项）"]
    assert result["payment"] is None and service.payments() == []


def test_the_registry_wins_over_what_the_applicant_typed(service: ApplyService) -> None:
    result = service.submit(applicant(AGED_78), ELDERLY, {"age": 85}, [])
    age = next(f for f in result["facts"] if f["name"] == "age")
    assert (age["value"], age["source"], age["declared"]) == (78, "registry", 85)
    assert result["status"] == "rejected"


def test_a_fact_only_the_applicant_gives_goes_to_a_reviewer_within_the_time_limit(
        service: ApplyService) -> None:
    # rd_spend is not verifiable: 15 working days from Monday 7 December 2026.
    result = service.submit(applicant(HITECH), RD, {"rd_spend": 100000000}, [])
    assert result["status"] == "pending"
    assert result["amount_fen"] == 10000000
    assert (result["due"], result["due_text"]) == ("2026-12-28", "2026年12月28日")
    assert any("需人工核实" in r for r in result["reasons"])
    rd = next(c for c in result["conditions"] if c["id"] == "rd-ratio")
    assert rd["result"] == "met" and not rd["verified"]
    assert service.payments() == []


def test_due_dates_skip_the_national_day_holiday_and_count_its_weekend_workday(
        service: ApplyService, clock: Clock) -> None:
    # Tuesday 29 September 2026, 5 working days: 30 Sep, 8 Oct, 9 Oct, Saturday 10 Oct
    # (调休上班) and Monday 12 Oct; 1–7 October are holidays.
    clock.set(china(2026, 9, 29))
    result = service.submit(applicant(GRADUATE_UNKNOWN), GRADUATE, {"employed": True}, [])
    assert result["status"] == "pending"
    assert result["due"] == "2026-10-12"
    assert result["overdue"] is False


def test_reviewers_decide_pending_applications_and_overdue_ones_are_flagged(
        service: ApplyService, clock: Clock) -> None:
    pending = service.submit(applicant(HITECH), RD, {"rd_spend": 100000000}, [])
    other = service.submit(applicant(GRADUATE_UNKNOWN), GRADUATE, {"employed": True}, [])
    assert [i["overdue"] for i in service.queue()] == [False, False]
    clock.set(china(2026, 12, 28, 23))  # the last day of the rd limit: not overdue yet
    queue = {i["id"]: i for i in service.queue()}
    assert not queue[pending["id"]]["overdue"] and queue[other["id"]]["overdue"]
    assert [i["id"] for i in service.queue(overdue_only=True)] == [other["id"]]
    clock.advance(days=1)
    assert {i["id"] for i in service.queue(overdue_only=True)} == {pending["id"], other["id"]}
    with service.engine.begin() as conn:
        approved = service.review(conn, REVIEWER, pending["id"], approve=True,
                                  reason="研发费用专项审计报告核实无误")
    assert approved["status"] == "approved" and approved["amount_fen"] == 10000000
    assert approved["payment"]["amount_fen"] == 10000000
    assert [h["status"] for h in approved["history"]] == ["pending", "approved"]
    assert approved["history"][1]["by"] == "审核人员"
    with service.engine.begin() as conn:
        rejected = service.review(conn, REVIEWER, other["id"], approve=False,
                                  reason="未提供劳动合同，无法确认就业")
    assert rejected["status"] == "rejected" and rejected["payment"] is None
    with pytest.raises(Conflict), service.engine.begin() as conn:
        service.review(conn, REVIEWER, pending["id"], approve=False, reason="再改一次")
    assert service.queue() == []
    actions = [e["action"] for e in audit.entries(service.engine, function="apply")]
    assert actions == ["application.create", "application.create", "application.approve",
                       "application.reject"]
    overdue = audit.entries(service.engine, function="apply")[2]["detail"]["overdue"]
    assert overdue is True


def test_approving_without_a_computable_amount_needs_the_reviewer_to_give_it(
        service: ApplyService) -> None:
    pending = service.submit(applicant(HITECH), RD, {}, [])  # no rd_spend: no amount
    assert pending["status"] == "pending" and pending["amount_fen"] is None
    with pytest.raises(Refused), service.engine.begin() as conn:
        service.review(conn, REVIEWER, pending["id"], approve=True, reason="核实")
    with service.engine.begin() as conn:
        done = service.review(conn, REVIEWER, pending["id"], approve=True, reason="核实",
                              amount_fen=8800000)
    assert done["payment"]["amount_fen"] == 8800000


def test_materials_outside_the_list_are_refused_with_each_reason(service: ApplyService) -> None:
    with pytest.raises(Refused) as caught:
        service.submit(applicant(AGED_90), ELDERLY, {},
                       ["本人社会保障卡", "户籍证明", "本人社会保障卡"])
    errors = caught.value.extra["errors"]
    assert [(e["field"], e["material"]) for e in errors] == [
        ("materials.1", "户籍证明"), ("materials.2", "本人社会保障卡")]
    assert "不在本事项的材料清单中" in errors[0]["message"]
    assert "重复" in errors[1]["message"]
    assert _count(service, store.applications) == 0


def test_one_application_per_subject_policy_and_period(service: ApplyService,
                                                       clock: Clock) -> None:
    first = service.submit(applicant(AGED_90), ELDERLY, {}, [])
    with pytest.raises(Conflict) as caught:
        service.submit(applicant(AGED_90), ELDERLY, {}, [])
    assert caught.value.extra["application"] == first["id"]
    clock.set(china(2027, 1, 4))  # a new year is a new period
    assert service.submit(applicant(AGED_90), ELDERLY, {}, [])["status"] == "approved"
    assert _count(service, store.payments) == 2


def test_a_person_cannot_apply_for_an_enterprise_policy(service: ApplyService) -> None:
    with pytest.raises(Refused, match="面向企业"):
        service.submit(applicant(AGED_90), RD, {}, [])


def test_only_applicant_tokens_bound_to_a_subject_apply(service: ApplyService) -> None:
    with pytest.raises(Forbidden):
        service.submit(REVIEWER, ELDERLY, {}, [])
    with pytest.raises(NotFound):
        service.submit(applicant(AGED_90), "no-such-policy", {}, [])


def test_personal_data_only_to_its_owner_and_to_staff(service: ApplyService) -> None:
    mine = service.submit(applicant(GRADUATE_OK), GRADUATE, {}, [])
    assert mine["status"] == "approved" and mine["amount_fen"] == 500000
    assert service.get(applicant(GRADUATE_OK), mine["id"])["id"] == mine["id"]
    with pytest.raises(NotFound):
        service.get(applicant(AGED_90), mine["id"])
    staff_view = service.get(REVIEWER, mine["id"])
    assert staff_view["subject"] == GRADUATE_OK and "actor" in staff_view["history"][0]
    assert "subject" not in service.get(applicant(GRADUATE_OK), mine["id"])
    assert [a["id"] for a in service.mine(applicant(GRADUATE_OK))] == [mine["id"]]
    assert service.mine(applicant(AGED_90)) == []


def test_payment_instructions_are_listed_until_acknowledged_once(service: ApplyService) -> None:
    approved = service.submit(applicant(AGED_90), ELDERLY, {}, [])
    payment_id = approved["payment"]["id"]
    with service.engine.begin() as conn:
        first = service.ack(conn, PAYMENTS, payment_id)
    with service.engine.begin() as conn:
        again = service.ack(conn, PAYMENTS, payment_id)
    assert first["acked_at"] == again["acked_at"] is not None
    assert service.payments() == []
    acks = [e for e in audit.entries(service.engine, function="apply") if e["action"] == "payment.ack"]
    assert len(acks) == 1
    assert service.get(applicant(AGED_90), approved["id"])["payment"]["acknowledged"] is True


def test_public_statistics_count_without_naming_anyone(service: ApplyService,
                                                       clock: Clock) -> None:
    service.submit(applicant(AGED_90), ELDERLY, {}, [])
    service.submit(applicant(AGED_78), ELDERLY, {}, [])
    clock.advance(hours=1)
    stats = service.stats()
    item = next(p for p in stats["policies"] if p["policy"]["id"] == ELDERLY)
    assert {k: item[k] for k in ("applications", "approved", "rejected", "pending",
                                 "amount_fen")} == {
        "applications": 2, "approved": 1, "rejected": 1, "pending": 0, "amount_fen": 20000}
    assert item["median_seconds_to_decision"] == 0.0
    assert (item["paid"], item["paid_fen"], item["median_seconds_to_payment"]) == (0, 0, None)
    assert AGED_90 not in str(stats) and "江秀英" not in str(stats)
    assert stats["as_of_text"] == "2026年12月7日"


def test_public_statistics_count_what_the_payment_system_acknowledged(
        service: ApplyService, clock: Clock) -> None:
    approved = service.submit(applicant(AGED_90), ELDERLY, {}, [])
    item = next(p for p in service.stats()["policies"] if p["policy"]["id"] == ELDERLY)
    assert (item["approved"], item["paid"], item["paid_fen"]) == (1, 0, 0)
    clock.advance(hours=2)
    with service.engine.begin() as conn:
        service.ack(conn, PAYMENTS, approved["payment"]["id"])
    item = next(p for p in service.stats()["policies"] if p["policy"]["id"] == ELDERLY)
    assert (item["paid"], item["paid_fen"], item["paid_text"]) == (1, 20000, "200元")
    assert item["median_seconds_to_payment"] == 7200.0


def test_the_profile_gives_the_owner_what_shared_data_hold(service: ApplyService) -> None:
    profile = service.profile(applicant(AGED_90), ELDERLY)
    assert profile["facts"] == {"age": 90, "household": "本市户籍", "district": "390102"}
    assert profile["name"] == "江秀英" and profile["kind"] == "person"
    unknown = service.profile(applicant("390102199912310000"), ELDERLY)
    assert unknown["facts"] == {} and unknown["kind"] is None


def test_an_unknown_subject_is_decided_by_people_on_what_they_typed(
        service: ApplyService) -> None:
    result = service.submit(applicant("390102199912310000"), ELDERLY,
                            {"age": 81, "household": "本市户籍", "district": "390102"}, [])
    assert result["status"] == "pending"
    assert {f["source"] for f in result["facts"]} == {"applicant"}
    assert result["due"] == (dt.date(2026, 12, 21)).isoformat()  # 10 working days


def test_when_the_data_sharing_service_is_down_people_decide(database_url: str, settings: Any,
                                                             clock: Clock) -> None:
    from apply_testlib import engine_for

    from functions.apply.config import build_service
    from functions.apply.trusted import HttpTrustedData
    from tests.portal_server import free_port

    down = f"http://127.0.0.1:{free_port()}"
    engine = engine_for(database_url, settings.site_dir)
    service = build_service(engine, settings, clock=clock,
                            trusted=lambda facts: HttpTrustedData(down, facts, timeout=1))
    result = service.submit(applicant(AGED_90), ELDERLY,
                            {"age": 90, "household": "本市户籍", "district": "390102"}, [])
    assert result["status"] == "pending"
    assert result["reasons"][0] == "共享数据暂时无法核验，转人工审核"
    assert {f["source"] for f in result["facts"]} == {"applicant"}
    engine.dispose()
