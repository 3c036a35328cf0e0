"""``tongda voucher verify``: the offline verifier from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from voucher_testlib import BANK, ZHAO, altered, make_service

from functions.voucher.cli import voucher

pytestmark = pytest.mark.integration


def test_verify_reads_the_site_and_says_what_holds(tmp_path: Path) -> None:
    service = make_service(f"sqlite:///{tmp_path / 'db.sqlite3'}", tmp_path / "voucher",
                           site=tmp_path / "site")
    request = service.request(BANK, ZHAO, "个人住房贷款审批", ["identity"])
    issued = service.authorise(request.id, ZHAO)
    service.publish_all()
    good, bad, report = tmp_path / "good.json", tmp_path / "bad.json", tmp_path / "report.json"
    good.write_text(json.dumps(issued.credential, ensure_ascii=False), "utf-8")
    bad.write_text(json.dumps(altered(issued.credential), ensure_ascii=False), "utf-8")
    report.write_bytes(service.report(issued.id, BANK))
    runner = CliRunner()
    ok = runner.invoke(voucher, ["verify", str(good), "--site", str(tmp_path / "site"),
                                 "--report", str(report)])
    assert ok.exit_code == 0, ok.output
    assert "✓ 通过：撤销状态" in ok.output and ok.output.strip().endswith("凭证有效：各项均通过。")
    refused = runner.invoke(voucher, ["verify", str(bad), "--site", str(tmp_path / "site")])
    assert refused.exit_code == 1
    assert "✗ 未通过：签发者签名" in refused.output and "凭证无效：2 项未通过。" in refused.output
    missing = runner.invoke(voucher, ["verify", str(good)])
    assert missing.exit_code == 1 and "错误：请用 --site 或 --did" in missing.output
