"""免申即享 over the demo registry, run twice, on SQLite and PostgreSQL; and its command."""

from __future__ import annotations

from pathlib import Path

import pytest
from apply_testlib import (
    AGED_90,
    ELDERLY,
    ELDERLY_QUALIFYING,
    GRADUATE,
    engine_for,
)
from click.testing import CliRunner
from conftest import REGISTRY, REVIEWER, applicant

from functions.apply.cli import apply as apply_command
from functions.apply.proactive import run_proactive
from functions.apply.service import ApplyService, Conflict, Refused
from functions.runtime import audit

pytestmark = pytest.mark.integration


def test_everyone_who_qualifies_is_approved_and_paid_once_however_often_it_runs(
        service: ApplyService) -> None:
    first = run_proactive(service, ELDERLY, REVIEWER)
    assert (first.checked, len(first.created), first.existing) == (12, 4, 0)
    assert first.not_eligible == 8 and first.undetermined == 0
    assert first.amount_fen == 10000 + 10000 + 50000 + 20000  # 82, 80, 101 and 90 years old
    payees = {p["payee"] for p in service.payments()}
    assert payees == ELDERLY_QUALIFYING
    second = run_proactive(service, ELDERLY, REVIEWER)
    assert (len(second.created), second.existing, second.amount_fen) == (0, 4, 0)
    assert len(service.payments()) == 4
    created = [e for e in audit.entries(service.engine, function="apply")
               if e["action"] == "application.proactive"]
    assert len(created) == 4 and {e["actor"] for e in created} == {REVIEWER.actor}
    mine = service.get(applicant(AGED_90), service.mine(applicant(AGED_90))[0]["id"])
    assert mine["channel"] == "proactive" and mine["history"][0]["by"] == "免申即享自动核定"
    assert mine["materials"] == []


def test_an_application_made_before_the_run_is_left_alone(service: ApplyService) -> None:
    own = service.submit(applicant(AGED_90), ELDERLY, {}, ["本人社会保障卡"])
    run = run_proactive(service, ELDERLY, REVIEWER)
    assert (len(run.created), run.existing) == (3, 1)
    assert len(service.payments()) == 4
    with pytest.raises(Conflict):
        service.submit(applicant(AGED_90), ELDERLY, {}, [])
    assert service.get(applicant(AGED_90), own["id"])["channel"] == "online"


def test_only_a_policy_marked_proactive_runs(service: ApplyService) -> None:
    with pytest.raises(Refused, match="proactive"):
        run_proactive(service, GRADUATE, REVIEWER)


def test_the_command_runs_it_and_lists_the_queue(database_url: str, demo_site: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    engine_for(database_url, demo_site).dispose()
    monkeypatch.setenv("TONGDA_REGISTRY_DIR", str(REGISTRY))
    runner = CliRunner()
    args = ["--database-url", database_url, "--site", str(demo_site)]
    done = runner.invoke(apply_command, ["proactive", ELDERLY, *args])
    assert done.exit_code == 0, done.output
    assert "新批准 4 件" in done.output and "已有申请 0 件" in done.output
    again = runner.invoke(apply_command, ["proactive", ELDERLY, *args])
    assert "新批准 0 件" in again.output and "已有申请 4 件" in again.output
    refused = runner.invoke(apply_command, ["proactive", GRADUATE, *args])
    assert refused.exit_code == 1 and "proactive" in refused.output
    queue = runner.invoke(apply_command, ["queue", *args])
    assert queue.exit_code == 0 and "没有待审核的申请" in queue.output
