"""A report's life without HTTP, on SQLite and PostgreSQL: filed, dispatched, handled,
closed, rated, reopened; refused input stores nothing; privacy of public reads."""

from __future__ import annotations

from typing import Any

import pytest
from complaint_testlib import photo
from conftest import IN_JIANGBIN, IN_KECHUANG, IN_RIVER, OUTSIDE, Clock
from sqlalchemy import func, select

from functions.complaint import views
from functions.complaint.errors import Conflict, Forbidden, Invalid, NotFound, TooMany
from functions.complaint.service import ComplaintService, Limits, NewReport
from functions.complaint.store import events, media, reports
from functions.complaint.workflow import Actor, Workflow
from functions.runtime import audit

pytestmark = pytest.mark.integration
BASE = "https://example.gov.cn/api/complaint/"
MUNICIPAL = Actor("staff:7:李工", "bj-municipal")


def _road(**extra: Any) -> NewReport:
    values: dict[str, Any] = {"lat": IN_JIANGBIN[0], "long": IN_JIANGBIN[1],
                              "description": "江滨路人行道塌陷，有积水", "phone": "13800138000",
                              "first_name": "三", "last_name": "张",
                              "attributes": {"severity": ["danger"]}, **extra}
    return NewReport("road-damage", **values)


def _count(svc: ComplaintService, table: Any) -> int:
    with svc.store.engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(table)) or 0)


def test_the_whole_path_citizen_dispatch_handle_close_rate_reopen(
        svc: ComplaintService, workflow: Workflow, clock: Clock) -> None:
    filed = svc.submit(_road(photo=photo()), client="web", source_hint="10.0.0.1")
    report = filed.report
    assert (report.cell_id, report.team, report.stage) == ("BJ-JB-01", "bj-municipal", "dispatched")
    assert "滨江区城市管理局" in filed.notice and "72 小时" in filed.notice
    rid = str(report.id)

    with pytest.raises(Forbidden):  # another team's staff
        workflow.accept(Actor("staff:8:赵", "gx-municipal"), rid)
    with pytest.raises(Conflict):  # closing needs no acceptance, but rating needs a close
        workflow.rate(rid, filed.reporter_key, 5, None)
    clock.advance(hours=1)
    workflow.accept(MUNICIPAL, rid, "已派人到场查看")
    workflow.update(MUNICIPAL, rid, "内部：需协调燃气公司", public=False)
    workflow.update(MUNICIPAL, rid, "已围挡，明天施工")
    clock.advance(hours=20)
    closed = workflow.close(MUNICIPAL, rid, "已修复路面并清理积水")
    assert (closed.status, closed.status_notes) == ("closed", "已修复路面并清理积水")
    with pytest.raises(Conflict, match="已办结"):
        workflow.update(MUNICIPAL, rid, "再补一句")
    with pytest.raises(Conflict, match="先评价"):
        workflow.reopen(rid, filed.reporter_key, "没修好")
    with pytest.raises(Forbidden, match="查询码"):
        workflow.rate(rid, "not-the-key", 1, None)
    workflow.rate(rid, filed.reporter_key, 2, "只修了一半")
    with pytest.raises(Conflict, match="已经评价"):
        workflow.rate(rid, filed.reporter_key, 1, None)
    reopened = workflow.reopen(rid, filed.reporter_key, "塌陷还在，积水更深了")
    assert (reopened.status, reopened.stage, reopened.rating) == ("open", "reopened", None)
    assert reopened.expected_at == clock.now + svc.service("road-damage").time_limit
    workflow.accept(MUNICIPAL, rid)
    workflow.close(MUNICIPAL, rid, "整段重新铺装")
    workflow.rate(rid, filed.reporter_key, 5, "满意")

    shown, history = workflow.reporter_view(rid, filed.reporter_key)
    kinds = [e.kind for e in history]
    assert kinds == ["submitted", "dispatched", "accepted", "updated", "closed", "rated",
                     "reopened", "accepted", "closed", "rated"]
    assert "内部" not in " ".join(e.note or "" for e in history)
    assert shown.rating == 5
    _, everything, contact = workflow.staff_view(MUNICIPAL, rid)
    assert len(everything) == len(history) + 1
    assert contact["reporter_phone"] == "13800138000"
    logged = [e["action"] for e in audit.entries(svc.store.engine, function="complaint")]
    assert logged == ["report.create", "report.accept", "report.update", "report.update",
                      "report.close", "report.rate", "report.reopen", "report.accept",
                      "report.close", "report.rate", "report.contact.read"]


def test_public_reads_never_show_the_reporter(svc: ComplaintService) -> None:
    filed = svc.submit(_road(email="zhang@example.com", device_id="IMEI-1234",
                             account_id="acct-9", address_string="江滨路 8 号门口",
                             round_location=True), client="open311:测试客户端")
    record = views.report_view(svc, filed.report, BASE, svc.store.history(filed.report.id,
                                                                        public_only=True))
    text = repr(record)
    for secret in ("13800138000", "张", "zhang@example.com", "IMEI-1234", "acct-9",
                   "江滨路 8 号", "测试客户端"):
        assert secret not in text
    assert (record["lat"], record["long"]) == (28.7, 119.53)
    assert record["address"] is None and record["location_rounded"] is True


def test_the_location_is_exact_unless_rounding_was_asked(svc: ComplaintService) -> None:
    filed = svc.submit(_road(lat=28.701234, long=119.531234), client="web")
    record = views.open311_request(svc, filed.report, BASE)
    assert (record["lat"], record["long"]) == (28.701234, 119.531234)


def test_a_point_between_cells_goes_to_triage_and_staff_assign_it(
        svc: ComplaintService, workflow: Workflow) -> None:
    filed = svc.submit(_road(lat=IN_RIVER[0], long=IN_RIVER[1]), client="web")
    assert (filed.report.cell_id, filed.report.team, filed.report.stage) == \
        (None, "city-triage", "triage")
    rid = str(filed.report.id)
    with pytest.raises(Conflict):  # not dispatched yet
        workflow.accept(Actor("staff:1:分拨", "city-triage"), rid)
    with pytest.raises(Forbidden):
        workflow.assign(MUNICIPAL, rid, "BJ-JB-02")
    assigned = workflow.assign(Actor("staff:1:分拨", "city-triage"), rid, "BJ-JB-02")
    assert (assigned.cell_id, assigned.team, assigned.stage) == ("BJ-JB-02", "bj-municipal",
                                                                 "dispatched")


def test_an_address_alone_goes_to_triage(svc: ComplaintService) -> None:
    filed = svc.submit(NewReport("garbage", address_string="高新区科创路 12 号东侧",
                                 attributes={"kind": ["construction"]}), client="web")
    assert filed.report.team == "city-triage" and filed.report.lat is None


def test_the_photo_location_is_used_when_none_was_given(svc: ComplaintService) -> None:
    filed = svc.submit(NewReport("streetlight", photo=photo(gps=IN_KECHUANG)), client="web")
    assert filed.report.cell_id == "GX-KC-01"
    assert filed.report.lat == pytest.approx(IN_KECHUANG[0], abs=1e-5)


@pytest.mark.parametrize(("report", "error", "message"), [
    (NewReport("road-damage", lat=OUTSIDE[0], long=OUTSIDE[1], attributes={"severity": ["small"]}),
     Invalid, "不在临江市"),
    (NewReport("no-such-service", lat=IN_JIANGBIN[0], long=IN_JIANGBIN[1]), NotFound, "问题类型"),
    (NewReport("streetlight", lat=IN_JIANGBIN[0], long=IN_JIANGBIN[1], description="坑" * 5000),
     Invalid, "4000"),
    (NewReport("streetlight", lat=IN_JIANGBIN[0], long=IN_JIANGBIN[1], photo=b"<svg/>"),
     Invalid, "不是 JPEG"),
    (NewReport("streetlight", lat=IN_JIANGBIN[0], long=IN_JIANGBIN[1],
               photo=photo() + bytes(9 * 1024 * 1024)), Invalid, "不能超过 8 MB"),
    (NewReport("streetlight", lat=IN_JIANGBIN[0]), Invalid, "同时提供"),
    (NewReport("streetlight"), Invalid, "位置"),
    (NewReport("streetlight", lat=IN_JIANGBIN[0], long=IN_JIANGBIN[1], phone="打我电话"),
     Invalid, "电话"),
    (NewReport("streetlight", lat=IN_JIANGBIN[0], long=IN_JIANGBIN[1], media_url="file:///etc/passwd"),
     Invalid, "media_url"),
    (NewReport("road-damage", lat=IN_JIANGBIN[0], long=IN_JIANGBIN[1]), Invalid, "破损程度"),
])
def test_refused_reports_store_nothing(svc: ComplaintService, report: NewReport,
                                       error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        svc.submit(report, client="open311:test")
    assert [_count(svc, t) for t in (reports, events, media)] == [0, 0, 0]
    assert audit.entries(svc.store.engine, function="complaint") == []


def test_limits_per_client_and_per_reporter(svc: ComplaintService, clock: Clock) -> None:
    svc.limits = Limits(per_client=3, per_reporter=2)
    svc.submit(_road(phone="13900000001"), client="open311:a")
    svc.submit(_road(phone="13900000001"), client="open311:a")
    with pytest.raises(TooMany, match="一天内最多"):
        svc.submit(_road(phone="139-0000-0001"), client="open311:b")
    svc.submit(_road(phone="13900000002"), client="open311:a")
    with pytest.raises(TooMany, match="一小时内"):
        svc.submit(_road(phone="13900000003"), client="open311:a")
    assert _count(svc, reports) == 3
    clock.advance(hours=1, seconds=1)
    svc.submit(_road(phone="13900000003"), client="open311:a")


def test_near_duplicates_and_me_too(svc: ComplaintService, clock: Clock) -> None:
    first = svc.submit(_road(), client="web").report
    svc.submit(NewReport("streetlight", lat=IN_JIANGBIN[0], long=IN_JIANGBIN[1]), client="web")
    near = svc.nearby("road-damage", IN_JIANGBIN[0] + 0.0003, IN_JIANGBIN[1])
    assert [r.id for r, _ in near] == [first.id] and 30 < near[0][1] < 40
    assert svc.nearby("road-damage", IN_JIANGBIN[0] + 0.0006, IN_JIANGBIN[1]) == []
    updated, counted = svc.me_too(first.id, "13700000000")
    assert counted and updated.supporters == 1
    updated, counted = svc.me_too(first.id, "137-0000-0000")
    assert not counted and updated.supporters == 1
    clock.advance(days=8)
    assert svc.nearby("road-damage", *IN_JIANGBIN) == []


def test_overdue_after_the_time_limit(svc: ComplaintService, clock: Clock,
                                      workflow: Workflow) -> None:
    filed = svc.submit(NewReport("manhole", lat=IN_JIANGBIN[0], long=IN_JIANGBIN[1]),
                       client="web")
    assert not svc.overdue(filed.report)
    clock.advance(hours=4, minutes=1)
    assert svc.overdue(svc.get(filed.report.id))
    assert [r.id for r in workflow.queue(MUNICIPAL, overdue_only=True)] == [filed.report.id]
    assert workflow.queue(Actor("staff:9:王", "gx-municipal"), overdue_only=True) == []


def test_two_handlers_closing_at_once_close_it_once(svc: ComplaintService,
                                                     workflow: Workflow) -> None:
    import threading

    rid = str(svc.submit(_road(), client="web").report.id)
    barrier = threading.Barrier(6)
    outcomes: list[str] = []

    def close(n: int) -> None:
        barrier.wait()
        try:
            workflow.close(Actor(f"staff:{n}:处置员{n}", "bj-municipal"), rid, f"第{n}人办结")
            outcomes.append("closed")
        except Conflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=close, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["closed"] + ["conflict"] * 5
    closes = [e for e in svc.store.history(int(rid), public_only=False) if e.kind == "closed"]
    assert len(closes) == 1
