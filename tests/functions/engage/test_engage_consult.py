"""Consultation on a draft: comments by JSON or by the page's plain form, screening by the
sensitive-word filter, moderation, the deadline, and the public summary after it."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from conftest import bearer
from engage_testlib import Clock, china, write_site
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

pytestmark = pytest.mark.integration
DRAFT = "silver-economy-draft"
SECTIONS = ["一、发展社区养老服务", "二、推进适老化改造"]
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture(autouse=True)
def consultation(site: Path) -> None:
    write_site(site, ["rd-subsidy", "elderly-care"], consultations=[{
        "id": DRAFT, "title": "临江市促进银发经济发展若干措施（征求意见稿）",
        "url": f"policies/{DRAFT}/", "ends": "2026-12-10", "sections": SECTIONS}])


def comment(client: TestClient, **body: Any) -> Any:
    return client.post(f"/consultations/{DRAFT}/comments", json=body,
                       headers={"Idempotency-Key": str(uuid.uuid4())})


def test_comments_by_json_and_by_the_plain_form(client: TestClient, engine: Engine) -> None:
    info = client.get(f"/consultations/{DRAFT}").json()
    assert info["open"] and info["sections"] == ["总体意见", *SECTIONS]
    assert info["ends_text"] == "2026年12月10日"
    made = comment(client, section=SECTIONS[0], text="建议把床位补助提高到每张1.5万元。",
                   name="王大爷", contact="13812345678")
    assert made.status_code == 201 and made.json()["state"] == "pending"
    posted = client.post(f"/consultations/{DRAFT}/comments", headers=FORM,
                         content="section=%E6%80%BB%E4%BD%93%E6%84%8F%E8%A7%81&text=%E5%90%8C%E6%84%8F%E3%80%82&name=&contact=",
                         follow_redirects=False)
    assert posted.status_code == 303  # back to the draft's page, to its "received" notice
    assert posted.headers["location"] == f"/policies/{DRAFT}/#td-consult-received"
    assert client.get(f"/consultations/{DRAFT}").json()["received"] == 2

    unknown = comment(client, section="第九章", text="没有这一章")
    assert unknown.status_code == 422 and unknown.json()["reason"] == "unknown_section"
    empty = client.post(f"/consultations/{DRAFT}/comments", headers=FORM,
                        content="section=%E6%80%BB%E4%BD%93%E6%84%8F%E8%A7%81&text=")
    assert empty.status_code == 422 and 'role="alert"' in empty.text  # a page, not JSON
    assert client.get("/consultations/no-such-draft").status_code == 404
    path = f"/consultations/{DRAFT}/comments"
    assert client.post(path, content="意见", headers={"Content-Type": "text/plain"}).status_code == 415
    assert client.post(path, headers={"Content-Type": "application/json"}).status_code == 422
    assert client.post(path, json=["意见"]).status_code == 422


def test_a_site_without_drafts_has_no_consultations_and_a_broken_one_is_503(
        client: TestClient, site: Path) -> None:
    (site / "api/engage/consultations.json").unlink()
    assert client.get(f"/consultations/{DRAFT}").status_code == 404
    (site / "api/engage/consultations.json").write_text("{", encoding="utf-8")
    broken = client.get(f"/consultations/{DRAFT}")
    assert broken.status_code == 503 and "暂不可用" in broken.json()["detail"]


def test_moderators_see_what_the_filter_found_and_decide_once(client: TestClient,
                                                             engine: Engine) -> None:
    flagged = comment(client, section=SECTIONS[1], text="做适老化改造的加我微 信，电话13812345678",
                      contact="lao.li@example.com").json()
    assert comment(client, section=SECTIONS[1], text="改造标准应公开。").status_code == 201
    citizen = bearer(engine, "市民", ["subscriber"], subject="390102193603040028")
    assert client.get("/moderation", headers=citizen).status_code == 403
    moderator = bearer(engine, "审核员", ["moderator"])
    queue = client.get("/moderation", headers=moderator).json()
    first = next(c for c in queue if c["id"] == flagged["id"])
    assert first["contact"] == "lao.li@example.com"
    assert sorted(f["category"] for f in first["findings"]) == ["个人信息", "广告"]
    path = f"/comments/{flagged['id']}/decision"
    keyed = {**moderator, "Idempotency-Key": str(uuid.uuid4())}
    rejected = client.post(path, headers=keyed, json={"decision": "reject", "reason": "广告"})
    assert rejected.json()["state"] == "rejected"
    again = client.post(path, headers={**moderator, "Idempotency-Key": str(uuid.uuid4())},
                        json={"decision": "approve"})
    assert again.status_code == 409 and again.json()["reason"] == "already_decided"
    assert len(client.get("/moderation", headers=moderator).json()) == 1


def test_after_the_deadline_no_comment_and_the_summary_is_public(
        client: TestClient, engine: Engine, clock: Clock) -> None:
    ids = []
    for section, text in [(SECTIONS[0], "床位补助标准偏低，建议提高。"), (SECTIONS[0], "广告内容"),
                          ("总体意见", "赞成出台。")]:
        clock.advance(minutes=1)  # comments are published in the order they came
        ids.append(comment(client, section=section, text=text, name="王大爷",
                           contact="13812345678").json()["id"])
    moderator = bearer(engine, "审核员", ["moderator"])
    for comment_id, decision in zip(ids, ["approve", "reject", "approve"], strict=True):
        client.post(f"/comments/{comment_id}/decision", json={"decision": decision},
                    headers={**moderator, "Idempotency-Key": str(uuid.uuid4())})
    early = client.get(f"/consultations/{DRAFT}/summary")
    assert early.status_code == 409 and "截止后公布汇总" in early.json()["detail"]

    clock.now = china(2026, 12, 10, 23)  # the last day is still open
    assert comment(client, section="总体意见", text="最后一天的意见").status_code == 201
    clock.now = china(2026, 12, 11, 0)
    late = comment(client, section="总体意见", text="迟到的意见")
    assert late.status_code == 409 and "已于2026年12月10日截止" in late.json()["detail"]
    form = client.post(f"/consultations/{DRAFT}/comments", headers=FORM,
                       content="section=%E6%80%BB%E4%BD%93%E6%84%8F%E8%A7%81&text=%E8%BF%9F%E5%88%B0")
    assert form.status_code == 409 and "已于2026年12月10日截止" in form.text

    summary = client.get(f"/consultations/{DRAFT}/summary").json()
    assert (summary["received"], summary["published"]) == (4, 2)
    assert summary["by_section"][:2] == [
        {"section": "总体意见", "received": 2, "published": 1},
        {"section": SECTIONS[0], "received": 2, "published": 1}]
    assert [c["text"] for c in summary["comments"]] == ["床位补助标准偏低，建议提高。", "赞成出台。"]
    assert "王大爷" not in str(summary) and "13812345678" not in str(summary)
