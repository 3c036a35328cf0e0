"""Subscribe, publish a matching policy, and the notice arrives once: by e-mail at a real SMTP
server and by a signed webhook at a real HTTP receiver; unsubscribing by the link stops it;
a profile subscriber the rules exclude hears nothing.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import bearer, engage_settings
from engage_testlib import HEYI, LANZHOU, XIAOWEI, Clock, Mailbox, Receiver, write_site
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.engine import Engine

from functions.engage.service import Engage, build
from functions.engage.store import messages, subscriptions

pytestmark = pytest.mark.integration
EMAIL = "caiwu@lanzhou.example"


def subscribe(client: TestClient, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    answer = client.post("/subscriptions", json=body,
                         headers={**headers, "Idempotency-Key": str(uuid.uuid4())})
    assert answer.status_code == 201, answer.text
    return answer.json()  # type: ignore[no-any-return]


def notifier(parts: Engage, mailbox: Mailbox) -> Engage:
    """The notifier's parts, sending through ``mailbox``."""
    return build(parts.engine, engage_settings(parts.settings.site_dir or Path(),
                                               smtp_port=mailbox.port),
                 clock=parts.clock, words=parts.consultations.words)


def test_a_matching_policy_arrives_once_by_email_and_once_by_signed_webhook(
        client: TestClient, engine: Engine, parts: Engage, site: Path) -> None:
    who = bearer(engine, "澜舟科技", ["subscriber"], subject=LANZHOU)
    with Mailbox() as mailbox, Receiver() as receiver:
        run = notifier(parts, mailbox)
        assert run.plan().baseline  # the policies already published are not announced
        tags = [{"kind": "topic", "value": "innovation"}, {"kind": "audience", "value": "企业"}]
        by_mail = subscribe(client, who, kind="tags", tags=tags, channel="email", address=EMAIL)
        by_hook = subscribe(client, who, kind="tags", tags=tags, channel="webhook",
                            address=f"{receiver.url}/tongda")
        assert by_hook["secret"].startswith("whsec_") and by_mail["secret"] is None
        assert all(s["secret"] is None for s in client.get("/subscriptions", headers=who).json())

        write_site(site, ["rd-subsidy", "elderly-care", "hitech-award"])
        plan = run.plan()
        assert [p["id"] for p in plan.policies] == ["hitech-award"] and plan.messages == 2
        assert run.deliver().sent == 2

        (mail,) = mailbox.to(EMAIL)
        assert "新发布：临江市高新技术企业认定奖励办法" in mail["Subject"]
        body = mail.get_content()
        assert "https://zc.linjiang.example/policies/hitech-award/" in body
        assert "您订阅了专题“科技创新”、对象“企业”" in body
        assert mail["List-Unsubscribe"] == f"<{by_mail['unsubscribe_url']}>"
        assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"  # RFC 8058
        (payload,) = receiver.verified(by_hook["secret"])  # the signature is valid
        assert payload["type"] == "policy.notice"
        assert [p["id"] for p in payload["data"]["policies"]] == ["hitech-award"]
        with pytest.raises(Exception, match="signature"):
            receiver.verified("whsec_" + "QUJD" * 11)  # and only with the subscription's secret

        again = run.plan()  # the notifier run again after the same publish
        assert again.policies == [] and run.deliver().sent == 0
        assert len(mailbox.to(EMAIL)) == 1 and len(receiver.deliveries) == 1


def test_unsubscribe_by_the_link_in_the_message(client: TestClient, engine: Engine,
                                                parts: Engage, site: Path) -> None:
    who = bearer(engine, "澜舟科技", ["subscriber"], subject=LANZHOU)
    with Mailbox() as mailbox:
        run = notifier(parts, mailbox)
        run.plan()
        subscribe(client, who, kind="tags", tags=[{"kind": "audience", "value": "企业"}],
                  channel="email", address=EMAIL)
        write_site(site, ["rd-subsidy", "elderly-care", "hitech-award"])
        run.plan()
        run.deliver()
        (mail,) = mailbox.to(EMAIL)
        link = mail["List-Unsubscribe"].strip("<>")
        path = httpx.URL(link).path.removeprefix("/api/engage")
        page = client.get(path)  # opening the link (a link checker) unsubscribes nobody
        assert page.status_code == 200 and "确认退订" in page.text
        assert '<form method="post">' in page.text and 'lang="zh-CN"' in page.text
        assert client.get("/subscriptions", headers=who).json()[0]["status"] == "active"
        # What a mail client does for RFC 8058: one POST, no cookie, no sign-in.
        done = client.post(path, content="List-Unsubscribe=One-Click",
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert done.status_code == 200 and "已退订" in done.text
        assert client.get("/subscriptions", headers=who).json() == []
        with engine.connect() as conn:
            row = conn.execute(select(subscriptions)).mappings().one()
        assert row["status"] == "ended" and row["address"] is None  # the address is erased

        write_site(site, ["rd-subsidy", "elderly-care", "hitech-award"],
                   editions={"rd-subsidy": 2, "hitech-award": 2})
        assert run.plan().items == 0 and run.deliver().sent == 0
        assert len(mailbox.to(EMAIL)) == 1
        again = client.post(path, content="List-Unsubscribe=One-Click",
                            headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert again.status_code == 200  # a second click is harmless


def test_only_profile_subscribers_the_rules_may_admit_are_told(
        client: TestClient, engine: Engine, parts: Engage, site: Path) -> None:
    profiles = {
        LANZHOU: {"district": "390171", "revenue": 3000000000, "tags": ["高新技术企业"]},
        XIAOWEI: {"district": "390102", "revenue": 500000000, "tags": ["小微企业"]},
        HEYI: {"district": "390102", "tags": ["高新技术企业"]},  # revenue not given
    }
    with Mailbox() as mailbox:
        run = notifier(parts, mailbox)
        run.plan()
        for subject, facts in profiles.items():
            subscribe(client, bearer(engine, subject[-4:], ["subscriber"], subject=subject),
                      kind="profile", channel="email", address=f"{subject[-4:]}@example.com",
                      profile={"subject": "enterprise", "facts": facts, "consent": True})
        write_site(site, ["rd-subsidy", "elderly-care", "hitech-award"])
        assert run.plan().items == 2
        assert run.deliver().sent == 2
    assert mailbox.to(f"{XIAOWEI[-4:]}@example.com") == []  # not eligible: nothing at all
    eligible = mailbox.to(f"{LANZHOU[-4:]}@example.com")[0].get_content()
    assert "您符合这项政策的全部条件" in eligible and "预计可获300,000元" in eligible
    maybe = mailbox.to(f"{HEYI[-4:]}@example.com")[0].get_content()
    assert "您可能符合这项政策" in maybe and "还需确认：上年营业收入不低于2000万元" in maybe


def test_a_profile_needs_consent_and_facts_the_rules_declare(client: TestClient,
                                                            engine: Engine) -> None:
    who = bearer(engine, "澜舟科技", ["subscriber"], subject=LANZHOU)
    base = {"kind": "profile", "channel": "email", "address": EMAIL}
    refused = client.post("/subscriptions", headers=who, json={
        **base, "profile": {"subject": "enterprise", "facts": {"revenue": 1}, "consent": False}})
    assert refused.status_code == 422
    wrong = client.post("/subscriptions", headers=who, json={
        **base, "profile": {"subject": "enterprise", "facts": {"revenue": "很多"},
                            "consent": True}})
    assert wrong.status_code == 422 and "profile.facts.revenue" in wrong.text
    unknown = client.post("/subscriptions", headers=who, json={
        "kind": "tags", "tags": [{"kind": "topic", "value": "no-such-topic"}],
        "channel": "email", "address": EMAIL})
    assert unknown.status_code == 422 and unknown.json()["reason"] == "unknown_tag"
    inside = client.post("/subscriptions", headers=who, json={
        "kind": "tags", "tags": [{"kind": "level", "value": "city"}], "channel": "webhook",
        "address": "https://10.1.2.3/hook"})
    assert inside.status_code == 201  # the tests allow private webhooks; see the next test
    nobody = client.post("/subscriptions", json={**base, "kind": "tags",
                                                  "tags": [{"kind": "level", "value": "city"}]})
    assert nobody.status_code == 401
    staff = bearer(engine, "审核员", ["moderator"])
    assert client.post("/subscriptions", headers=staff, json={
        **base, "kind": "tags", "tags": [{"kind": "level", "value": "city"}]}).status_code == 403


def test_webhooks_into_the_governments_own_network_are_refused() -> None:
    from functions.engage.subscriptions import Refused, check_webhook_url

    for url in ("https://10.1.2.3/hook", "https://127.0.0.1/", "https://[::1]/",
                "https://169.254.169.254/latest", "http://oa.example.com/hook",
                "https://user:pw@oa.example.com/"):
        with pytest.raises(Refused):
            check_webhook_url(url, private_ok=False)
    check_webhook_url("https://oa.example.com/tongda", private_ok=False)


def test_pause_resume_delete_and_nobody_elses(client: TestClient, engine: Engine) -> None:
    who = bearer(engine, "澜舟科技", ["subscriber"], subject=LANZHOU)
    other = bearer(engine, "小微", ["subscriber"], subject=XIAOWEI)
    made = subscribe(client, who, kind="tags", tags=[{"kind": "level", "value": "city"}],
                     channel="email", address=EMAIL)
    path = f"/subscriptions/{made['id']}"
    assert client.patch(path, headers=other, json={"status": "paused"}).status_code == 404
    paused = client.patch(path, headers=who, json={"status": "paused", "mode": "daily"})
    assert paused.json()["status_text"] == "已暂停（由您暂停）"
    assert paused.json()["mode"] == "daily"
    assert client.patch(path, headers=who, json={"status": "active"}).json()["status"] == "active"
    assert client.delete(path, headers=other).status_code == 404
    assert client.delete(path, headers=who).status_code == 204
    assert client.get("/subscriptions", headers=who).json() == []


def test_a_bounced_address_is_paused_and_a_daily_digest_is_one_message(
        client: TestClient, engine: Engine, parts: Engage, site: Path) -> None:
    who = bearer(engine, "澜舟科技", ["subscriber"], subject=LANZHOU)
    with Mailbox(refuse=["nobody@lanzhou.example"]) as mailbox:
        run = notifier(parts, mailbox)
        run.plan()
        tags = [{"kind": "level", "value": "city"}]
        dead = subscribe(client, who, kind="tags", tags=tags, channel="email",
                         address="nobody@lanzhou.example")
        subscribe(client, who, kind="tags", tags=tags, channel="email", address=EMAIL,
                  mode="daily")
        write_site(site, ["rd-subsidy", "elderly-care", "hitech-award"],
                   editions={"rd-subsidy": 2})
        assert run.plan().items == 4
        report = run.deliver()
        assert report.bounced == 1 and report.sent == 0 and report.digests == 0
        mine = {s["id"]: s for s in client.get("/subscriptions", headers=who).json()}
        assert mine[dead["id"]]["status_text"] == "已暂停（邮件无法送达，已自动暂停）"
        with engine.connect() as conn:
            states = sorted(conn.scalars(select(messages.c.state)))
        assert states == ["bounced", "dropped"]  # its second notice is not sent either

        clock: Clock = run.clock  # type: ignore[assignment]
        clock.advance(days=1)  # the next morning, after 8:00 China time
        report = run.deliver()
        assert report.digests == 1 and report.sent == 1
        (digest,) = mailbox.to(EMAIL)
        assert "每日政策推送：2 项" in digest["Subject"]
        text = digest.get_content()
        assert "临江市高新技术企业认定奖励办法" in text and "有实质变化" in text
        assert run.deliver().sent == 0
