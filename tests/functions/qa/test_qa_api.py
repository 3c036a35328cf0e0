"""The Q&A function's API: what other tools, the chat panel and the checks rely on."""

from __future__ import annotations

import logging
import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from qa_testlib import bearer
from sqlalchemy import select
from sqlalchemy.engine import Engine

from functions.qa import store
from functions.runtime import audit

pytestmark = pytest.mark.integration


def ask(client: TestClient, q: str) -> dict[str, Any]:
    res = client.get("/ask", params={"q": q})
    assert res.status_code == 200, res.text
    return res.json()  # type: ignore[no-any-return]


def key() -> dict[str, str]:
    return {"Idempotency-Key": str(uuid.uuid4())}


def test_an_answer_has_title_link_kind_and_a_passage(client: TestClient) -> None:
    res = ask(client, "我要换身份证")
    first = res["answers"][0]
    assert first["id"] == "id-card-renewal" and first["kind"] == "service"
    assert first["url"] == "/services/id-card-renewal/" and first["title"] == "居民身份证换领"
    assert first["excerpt"] and first["kind_label"] == "办事指南"
    assert res["intent"] == "办事"
    assert "clarify" not in res and "fallback" not in res


def test_a_service_guide_answer_has_its_key_facts_and_next_steps(client: TestClient) -> None:
    first = ask(client, "想办个护照")["answers"][0]
    assert first["id"] == "passport-application"
    facts = first["facts"]
    assert facts["materials"] >= 1
    assert "7个工作日" in facts["time_limit"] and "120元" in facts["fee"]
    assert facts["where"] and facts["online"].startswith("https://")
    labels = [n["label"] for n in first["next"]]
    assert labels[0] == "查看办事指南" and "网上办理" in labels


def test_a_policy_with_eligibility_rules_offers_the_calculator(client: TestClient) -> None:
    answers = ask(client, "临江市企业研发投入补助办法")["answers"]
    policy = next(a for a in answers if a["id"] == "linjiang-rd-subsidy-2023")
    assert {"label": "用政策计算器测一测是否符合", "url": "/calculator/"} in policy["next"]


def test_a_typo_is_corrected_with_a_notice(client: TestClient) -> None:
    res = ask(client, "身分证补办")
    assert res["corrected_query"] == "身份证补办"
    assert res["notice"] == "已为您显示“身份证补办”的结果，仍搜索“身分证补办”"
    assert res["answers"][0]["id"] == "id-card-replacement"


def test_a_bare_topic_with_close_answers_of_different_kinds_is_asked_back(client: TestClient) -> None:
    res = ask(client, "身份证")
    choices = res["clarify"]["choices"]
    assert 2 <= len(choices) <= 3
    assert len({c["kind"] for c in choices}) >= 2
    assert all(c["url"].startswith("/") and c["label"] for c in choices)


def test_what_the_portal_does_not_cover_falls_back_to_a_person(client: TestClient) -> None:
    for q in ("今天天气怎么样", "驾驶证到期了怎么换", "房产税怎么交"):
        res = ask(client, q)
        assert res["fallback"]["submit"] == "questions", q
        assert res["fallback"]["faq_url"] == "/faqs/"
        assert "暂时回答不了" in res["fallback"]["message"]


def test_a_complaint_leads_to_the_complaint_form(client: TestClient) -> None:
    res = ask(client, "我要投诉路灯不亮")
    assert res["intent"] == "投诉"
    assert res["answers"][0]["kind"] == "complaint"
    assert res["answers"][0]["url"] == "/complaint/"
    assert "路灯不亮" in res["answers"][0]["excerpt"]
    # A complaint the portal already answers keeps its answer first.
    assert ask(client, "老板拖欠工资去哪里投诉")["answers"][0]["id"] == "unpaid-wages"


def test_sensitive_words_are_refused_politely_and_the_text_is_not_kept(
        client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="tongda"):
        res = client.get("/ask", params={"q": "哪里可以办假证"})
    assert res.status_code == 422
    assert res.headers["content-type"].startswith("application/problem+json")
    body = res.json()
    assert body["reason"] == "sensitive_words" and body["categories"] == ["违法"]
    assert "不文明" in body["detail"]
    assert any("拒答" in r.getMessage() for r in caplog.records)
    assert not any("假证" in r.getMessage() for r in caplog.records)


def test_an_empty_or_too_long_question_is_a_problem(client: TestClient) -> None:
    assert client.get("/ask", params={"q": "   "}).status_code == 422
    assert client.get("/ask", params={"q": "问" * 201}).status_code == 422


def test_votes_are_stored_and_counted_for_the_build(client: TestClient, engine: Engine) -> None:
    for vote, n in (("up", 3), ("down", 1)):
        for _ in range(n):
            r = client.post("/feedback", json={"page": "id-card-renewal", "vote": vote,
                                               "q": "我要换身份证，电话13812345678"}, headers=key())
            assert r.status_code == 201, r.text
    same = key()
    for _ in range(2):  # a retry with the same key counts once
        client.post("/feedback", json={"page": "dibao-application", "vote": "down", "q": "低保"},
                    headers=same)
    assert client.get("/feedback/votes").status_code == 401
    assert client.get("/feedback/votes",
                      headers=bearer(engine, "咨询员", ["consultant"])).status_code == 403
    votes = client.get("/feedback/votes", headers=bearer(engine, "构建", ["qa:report"])).json()
    assert votes["votes"] == {"dibao-application": [0, 1], "id-card-renewal": [3, 1]}
    with engine.connect() as conn:
        kept = conn.execute(select(store.feedback.c.question)).scalars().all()
    assert all("13812345678" not in q for q in kept)  # personal data masked


def test_a_question_for_a_person_is_answered_by_a_consultant_and_read_by_the_asker(
        client: TestClient, engine: Engine) -> None:
    sent = client.post("/questions", json={"question": "驾照到期了在哪里换？我的身份证号110101199003071234",
                                           "contact": "13812345678"}, headers=key())
    assert sent.status_code == 201, sent.text
    qid, code = sent.json()["id"], sent.json()["code"]
    mine = client.get(f"/questions/{qid}", headers={"X-Question-Code": code}).json()
    assert mine["status"] == "open" and "110101199003071234" not in mine["question"]
    assert "contact" not in mine
    assert client.get(f"/questions/{qid}", headers={"X-Question-Code": "wrong"}).status_code == 404
    assert client.get(f"/questions/{qid}").status_code == 404

    staff = bearer(engine, "咨询员小王", ["consultant"])
    assert client.get("/queue").status_code == 401
    assert client.get("/queue", headers=bearer(engine, "审核", ["reviewer"])).status_code == 403
    queue = client.get("/queue", headers=staff).json()
    assert [q["id"] for q in queue] == [qid] and queue[0]["contact"] == "13812345678"

    answer = "机动车驾驶证期满换证请到车管所办理，详见公安交管部门的办事指南。"
    done = client.post(f"/questions/{qid}/answer", json={"answer": answer}, headers={**staff, **key()})
    assert done.status_code == 200, done.text
    again = client.post(f"/questions/{qid}/answer", json={"answer": "再答一次"}, headers={**staff, **key()})
    assert again.status_code == 409
    mine = client.get(f"/questions/{qid}", headers={"X-Question-Code": code}).json()
    assert mine["status"] == "answered" and mine["answer"] == answer
    assert client.get("/queue", headers=staff).json() == []

    actions = [(e["action"], e["target"]) for e in audit.entries(engine, function="qa")]
    assert actions == [("question.submitted", qid), ("question.answered", qid)]
    assert all("驾照" not in str(e) for e in audit.entries(engine, function="qa"))


def test_a_question_with_sensitive_words_is_refused_and_not_stored(client: TestClient,
                                                                   engine: Engine) -> None:
    res = client.post("/questions", json={"question": "加我微信有好处"}, headers=key())
    assert res.status_code == 422 and res.json()["reason"] == "sensitive_words"
    with engine.connect() as conn:
        assert conn.execute(select(store.questions)).all() == []


def test_answering_a_question_that_does_not_exist_is_404(client: TestClient, engine: Engine) -> None:
    res = client.post("/questions/ZX20261205ABCDEF12/answer", json={"answer": "答复内容"},
                      headers={**bearer(engine, "咨询员", ["consultant"]), **key()})
    assert res.status_code == 404


def test_without_a_search_index_a_person_can_still_answer(tmp_path: Any) -> None:
    from functions.qa.app import create_app
    from functions.runtime.settings import Settings

    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}", rate_limit=0),
                     site_dir=tmp_path / "nothing")
    with TestClient(app) as client:
        res = client.get("/ask", params={"q": "护照"})
    assert res.status_code == 200, res.text
    assert res.json()["answers"] == [] and res.json()["fallback"]["submit"] == "questions"
