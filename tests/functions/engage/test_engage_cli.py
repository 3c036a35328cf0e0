"""``tongda engage notify`` and ``tongda engage report`` as an operator runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from engage_testlib import LANZHOU, Mailbox, write_site

from functions.apply.identity import Principal
from functions.engage.cli import engage
from functions.engage.schemas import SubscriptionIn
from functions.engage.service import Engage

pytestmark = pytest.mark.integration


def test_notify_says_what_it_did_in_chinese(parts: Engage, database_url: str, site: Path,
                                            tmp_path: Path) -> None:
    runner = CliRunner()
    with Mailbox() as mailbox:
        env = {"DATABASE_URL": database_url, "TONGDA_SITE_DIR": str(site),
               "TONGDA_SMTP_HOST": "127.0.0.1", "TONGDA_SMTP_PORT": str(mailbox.port),
               "TONGDA_VAR_DIR": str(tmp_path / "var")}
        first = runner.invoke(engage, ["notify"], env=env)
        assert first.exit_code == 0, first.output
        assert "首次运行：已记录网站上现有的政策，不发送通知" in first.output
        who = Principal("token:t1:澜舟科技", "澜舟科技", frozenset({"subscriber"}), LANZHOU)
        with parts.engine.begin() as conn:
            parts.subscriptions.subscribe(conn, who, SubscriptionIn.model_validate({
                "kind": "tags", "tags": [{"kind": "audience", "value": "企业"}],
                "channel": "sms", "address": "13800001111"}))
            parts.subscriptions.subscribe(conn, who, SubscriptionIn.model_validate({
                "kind": "tags", "tags": [{"kind": "audience", "value": "企业"}],
                "channel": "email", "address": "caiwu@lanzhou.example"}))
        write_site(site, ["rd-subsidy", "elderly-care", "hitech-award"])
        second = runner.invoke(engage, ["notify"], env=env)
        assert second.exit_code == 0, second.output
        assert "新发布：临江市高新技术企业认定奖励办法（hitech-award），涉及订阅 2 个" in second.output
        assert "发送：成功 1" in second.output
        assert "渠道 sms 未配置发送方式，1 条消息在队列中等待" in second.output
        assert len(mailbox.messages) == 1
        again = runner.invoke(engage, ["notify", "--json"], env=env)
        result = json.loads(again.output)
        assert result["plan"]["policies"] == [] and result["delivery"]["sent"] == 0

        out = tmp_path / "政声.html"
        made = runner.invoke(engage, ["report", "--out", str(out)], env=env)
        assert made.exit_code == 0 and "已写出政声报告" in made.output
        assert "订阅人数（按标签）" in out.read_text(encoding="utf-8")


def test_notify_without_a_built_site_is_one_chinese_line(database_url: str,
                                                         tmp_path: Path) -> None:
    runner = CliRunner()
    env = {"DATABASE_URL": database_url, "TONGDA_VAR_DIR": str(tmp_path / "var")}
    missing = runner.invoke(engage, ["notify", "--site", str(tmp_path / "nowhere")], env=env)
    assert missing.exit_code == 1
    assert "错误：网站中没有 policies.json：请先用 tongda build 生成网站" in missing.output
