"""政声: what the public is asking, by week, topic and district, rising terms and subscriptions,
from the functions' own data (comments here, complaints of the complaint function), for
staff only and without personal data; the HTML pairs each chart with its data table."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import pytest
from conftest import bearer
from engage_testlib import Clock, china, write_site
from fastapi.testclient import TestClient
from lxml import html as lxml_html
from sqlalchemy import insert
from sqlalchemy.engine import Engine

from functions.complaint.store import MIGRATIONS as COMPLAINT_MIGRATIONS
from functions.complaint.store import reports
from functions.engage.voice import week_of
from functions.runtime.db import migrate

pytestmark = pytest.mark.integration
DRAFT = "elderly-care"


def complaint(conn: object, at: dt.datetime, code: str, cell: str | None, text: str) -> None:
    conn.execute(insert(reports).values(  # type: ignore[attr-defined]
        token=uuid.uuid4().hex, service_code=code, description=text, attributes="{}",
        cell_id=cell, team="bj-jiangbin", status="open", stage="received", requested_at=at,
        updated_at=at, expected_at=at, client="web", reporter_name="张三",
        reporter_phone="13900001111", supporters=0, reopen_count=0, round_location=False))


def test_the_report_counts_by_week_topic_and_district_and_names_nobody(
        client: TestClient, engine: Engine, site: Path, clock: Clock) -> None:
    write_site(site, ["rd-subsidy", "elderly-care"], consultations=[{
        "id": DRAFT, "title": "居家养老服务补贴办法（征求意见稿）", "url": f"policies/{DRAFT}/",
        "ends": "2027-01-31", "sections": []}])
    migrate(engine, "complaint", COMPLAINT_MIGRATIONS)
    now = china(2026, 12, 7)
    with engine.begin() as conn:
        complaint(conn, now - dt.timedelta(days=20), "road-damage", "BJ-JB-01", "路面坑洼")
        for hours in (0, 2):
            complaint(conn, now - dt.timedelta(hours=hours), "road-damage", "BJ-JB-02",
                      "小区门口的助餐点旁边路面塌陷，电话13900001111")
    for text in ("助餐补贴太少，建议提高", "助餐点离家太远", "养老服务要覆盖农村"):
        clock.now = now - dt.timedelta(hours=1)
        answer = client.post(f"/consultations/{DRAFT}/comments", json={
            "section": "总体意见", "text": text, "name": "李四", "contact": "13800002222"},
            headers={"Idempotency-Key": str(uuid.uuid4())})
        assert answer.status_code == 201
    client.post("/subscriptions", headers=bearer(engine, "甲", ["subscriber"], subject="S1"),
                json={"kind": "tags", "tags": [{"kind": "topic", "value": "elderly-friendly"}],
                      "channel": "email", "address": "a@example.com"})
    clock.now = now

    nobody = bearer(engine, "订阅者", ["subscriber"], subject="S2")
    assert client.get("/report", headers=nobody).status_code == 403
    staff = bearer(engine, "研究室", ["engage:report"])
    report = client.get("/report", headers=staff).json()
    this_week = week_of(now)
    assert report["weeks"][-1] == this_week and len(report["weeks"]) >= 8
    assert report["by_week"][-1] == {"week": this_week, "comment": 3, "complaint": 2, "question": 0}
    assert {"label": "道路破损", "count": 3} in report["by_topic"]
    assert {"label": "适老服务", "count": 3} in report["by_topic"]  # the draft's topic
    assert report["by_district"] == [{"label": "滨江区", "count": 3}]
    assert report["rising_terms"][0] == {"term": "助餐", "this_week": 4, "before_average": 0.0}
    assert report["subscriptions"] == [{"kind": "topic", "label": "适老服务", "count": 1}]
    assert report["qa_installed"] is False
    flat = str(report)
    for personal in ("张三", "李四", "13900001111", "13800002222", "a@example.com", "坑洼"):
        assert personal not in flat

    page = client.get("/report?format=html", headers=staff)
    root = lxml_html.fromstring(page.text)
    assert root.get("lang") == "zh-CN" and root.xpath("//h1/text()")
    charts = root.xpath("//section[.//figure]")
    assert len(charts) == 5
    for section in charts:  # each chart has its data table beside it
        assert section.xpath(".//svg[@role='img']/title") and section.xpath(".//table/caption")
    assert "问答功能尚未部署" in page.text and "13900001111" not in page.text
