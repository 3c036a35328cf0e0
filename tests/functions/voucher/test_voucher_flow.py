"""The voucher flow on SQLite and PostgreSQL, checked by the offline verifier.

A bank asks, the citizen authorises, the voucher and its report verify; then each attack
of the issue (an altered voucher or report, a proof for another log, a forged checkpoint,
a revoked voucher) is rejected, and the log's history cannot be rewritten unseen.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update
from voucher_testlib import (
    BANK,
    LI,
    OTHER_BANK,
    ZHAO,
    Clock,
    altered,
    altered_report,
    for_another_log,
    forged_checkpoint,
    make_service,
)

from functions.voucher import merkle, note
from functions.voucher.encoding import b64
from functions.voucher.log import log_nodes, node_key
from functions.voucher.service import VoucherError, VoucherService
from functions.voucher.verify import verify_consistency, verify_voucher

pytestmark = pytest.mark.integration


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def service(database_url: str, tmp_path: Path, clock: Clock) -> VoucherService:
    return make_service(database_url, tmp_path / "voucher", clock=clock, site=tmp_path / "site")


def issue(service: VoucherService, subject: str = ZHAO) -> Any:
    request = service.request(BANK, subject, "个人住房贷款审批",
                              ["identity", "social_insurance", "housing_fund"], 30)
    return service.authorise(request.id, subject)


def verdict(service: VoucherService, credential: dict[str, Any], **kw: Any) -> Any:
    return verify_voucher(credential, did_document=service.did_document(),
                          status_list=service.status_list(1), now=service.clock(), **kw)


def test_the_whole_flow_issues_a_voucher_that_verifies_offline(service: VoucherService,
                                                               tmp_path: Path) -> None:
    service.publish_all()  # as the app does when it starts
    request = service.request(BANK, ZHAO, "个人住房贷款审批", ["housing_fund", "identity"], 30)
    assert [r.id for r in service.requests_for(ZHAO)] == [request.id]
    assert request.status == "pending" and request.kinds == ["identity", "housing_fund"]
    voucher = service.authorise(request.id, ZHAO)
    credential = voucher.credential
    subject = credential["credentialSubject"]
    assert subject["authorisedRequester"]["name"] == "临江农商银行"
    assert [k["name"] for k in subject["dataKinds"]] == ["身份信息", "住房公积金缴存信息"]
    assert ZHAO not in json.dumps(credential)  # the voucher names a pseudonym only
    assert credential["validUntil"] == "2026-05-01T09:00:00Z"
    report = service.report(voucher.id, BANK)
    items = json.loads(report)["items"]
    assert items[1]["data"]["连续缴存月数"] == 44
    result = verdict(service, credential, report=report)
    assert result.valid, result.checks
    # Every step is a leaf: request, authorise, issue, report access.
    history = service.history(ZHAO)
    assert [e["action"] for e in reversed(history["events"])] == [
        "voucher.request", "voucher.authorise", "voucher.issue", "voucher.report"]
    assert history["events"][0]["actor"] == "临江农商银行"
    # The public files the site copies: DID document, status list, checkpoint.
    for root in (tmp_path / "voucher" / "public", tmp_path / "site"):
        assert json.loads((root / ".well-known/did.json").read_text())["id"] == \
            "did:web:zw.linjiang.example"
        assert (root / "voucher/data/checkpoint.txt").read_text() == service.checkpoint()


def test_an_altered_voucher_is_rejected(service: VoucherService) -> None:
    result = verdict(service, altered(issue(service).credential))
    assert result.failed() == ["signature", "inclusion"]
    assert "改动" in result.get("signature").detail


def test_an_altered_report_is_rejected(service: VoucherService) -> None:
    voucher = issue(service)
    report = service.report(voucher.id, BANK)
    result = verdict(service, voucher.credential, report=altered_report(report))
    assert result.failed() == ["report"]
    # The same report pretty-printed is still the same report.
    pretty = json.dumps(json.loads(report), ensure_ascii=False, indent=2).encode()
    assert verdict(service, voucher.credential, report=pretty).valid


def test_a_proof_for_another_log_is_rejected_even_when_the_issuer_signs_it(
        service: VoucherService) -> None:
    credential = issue(service).credential
    # Signed by the issuer itself (a split view it hid from the public log).
    result = verdict(service, for_another_log(service, credential))
    assert result.failed() == ["checkpoint"], result.checks
    assert "另一个日志" in result.get("checkpoint").detail
    # The same with the log's own origin name but a key the site does not publish.
    resigned = for_another_log(service, credential, service.log.origin)
    assert verdict(service, resigned).failed() == ["checkpoint"]


def test_a_forged_checkpoint_is_rejected(service: VoucherService) -> None:
    result = verdict(service, forged_checkpoint(issue(service).credential))
    assert {"checkpoint", "inclusion", "signature"} == set(result.failed())
    assert "签名无效" in result.get("checkpoint").detail


def test_a_revoked_voucher_is_rejected_and_its_report_withheld(service: VoucherService) -> None:
    voucher = issue(service)
    assert verdict(service, voucher.credential).valid
    with pytest.raises(VoucherError) as other:
        service.revoke(voucher.id, LI)  # not hers
    assert other.value.status == 404
    service.revoke(voucher.id, ZHAO)
    result = verdict(service, voucher.credential)
    assert result.failed() == ["status"]
    assert "撤销" in result.get("status").detail
    with pytest.raises(VoucherError) as refused:
        service.report(voucher.id, BANK)
    assert refused.value.status == 403
    assert service.history(ZHAO)["events"][0]["action"] == "voucher.revoke"


def test_the_report_goes_only_to_the_authorised_requester_while_valid(
        service: VoucherService, clock: Clock) -> None:
    voucher = issue(service)
    with pytest.raises(VoucherError) as stranger:
        service.report(voucher.id, OTHER_BANK)
    assert stranger.value.status == 404
    clock.advance(days=31)
    with pytest.raises(VoucherError) as late:
        service.report(voucher.id, BANK)
    assert late.value.status == 403
    assert verdict(service, voucher.credential).failed() == ["validity"]


def test_refusal_identity_failure_and_double_decisions(service: VoucherService) -> None:
    request = service.request(BANK, ZHAO, "信用卡审批", ["credit"])
    with pytest.raises(VoucherError) as wrong_person:
        service.authorise(request.id, LI)
    assert wrong_person.value.status == 404
    with pytest.raises(VoucherError) as failed:
        service.authorise(request.id, ZHAO, evidence="fail")
    assert failed.value.status == 403
    assert service.refuse(request.id, ZHAO).status == "refused"
    with pytest.raises(VoucherError) as again:
        service.authorise(request.id, ZHAO)
    assert again.value.status == 409
    assert [e["action"] for e in service.history(ZHAO)["events"]] == [
        "voucher.refuse", "voucher.request"]


def test_requests_are_checked(service: VoucherService) -> None:
    for subject, kinds, days in (("12345", ["credit"], 30), (ZHAO, ["nonsense"], 30),
                                 (ZHAO, ["credit"], 365)):
        with pytest.raises(VoucherError) as bad:
            service.request(BANK, subject, "审批", kinds, days)
        assert bad.value.status == 422


def test_pseudonyms_differ_per_requester_and_stay_stable(service: VoucherService) -> None:
    first, second = issue(service), issue(service)
    request = service.request(OTHER_BANK, ZHAO, "审批", ["identity"])
    third = service.authorise(request.id, ZHAO)
    ids = [v.credential["credentialSubject"]["id"] for v in (first, second, third)]
    assert ids[0] == ids[1] != ids[2]


def test_consistency_between_two_checkpoints_verifies_and_a_rewritten_history_fails(
        service: VoucherService) -> None:
    issue(service)
    old = service.checkpoint()
    issue(service, LI)
    new = service.checkpoint()
    old_size, new_size = (note.Checkpoint.parse(note.split(n)[0]).size for n in (old, new))
    proof = [b64(p) for p in service.consistency(old_size, new_size)]
    document = service.did_document()
    assert verify_consistency(old, new, proof, document).ok
    # Someone with the database rewrites the first leaf and recomputes every node above
    # it, so the new tree is internally sound: only the old checkpoint tells.
    with service.engine.begin() as conn:
        nodes = {(r.id >> 48, r.id & (2**48 - 1)): bytes(r.hash)
                 for r in conn.execute(select(log_nodes))}
        nodes[(0, 0)] = merkle.leaf_hash(b'{"type":"voucher.request","v":1}')
        level = 1
        while (level, 0) in nodes:
            nodes[(level, 0)] = merkle.node_hash(nodes[(level - 1, 0)], nodes[(level - 1, 1)])
            level += 1
        for (lv, ix), value in nodes.items():
            if ix == 0:
                conn.execute(update(log_nodes).where(log_nodes.c.id == node_key((lv, ix)))
                             .values(hash=value))
    rewritten = service.checkpoint()
    proof = [b64(p) for p in service.consistency(old_size, new_size)]
    check = verify_consistency(old, rewritten, proof, document)
    assert not check.ok and "改写" in check.detail


def test_the_log_key_and_issuer_key_rotate_without_breaking_old_vouchers(
        database_url: str, tmp_path: Path, clock: Clock) -> None:
    state = tmp_path / "voucher"
    old = make_service(database_url, state, clock=clock)
    voucher = issue(old)
    (state / "issuer.key").unlink()
    new = make_service(database_url, state, clock=clock)
    assert new.keys.issuer.key_id != old.keys.issuer.key_id
    fresh = issue(new, LI)
    document = new.did_document()
    assert len(document["assertionMethod"]) == 2
    for credential in (voucher.credential, fresh.credential):
        result = verify_voucher(credential, did_document=document,
                                status_list=new.status_list(1), now=clock())
        assert result.valid, result.checks


def test_the_status_list_is_signed_and_stable(service: VoucherService, clock: Clock) -> None:
    issue(service)
    first = service.status_list(1)
    assert first == service.status_list(1)
    with pytest.raises(VoucherError):
        service.status_list(2)
    assert first["credentialSubject"]["type"] == "BitstringStatusList"
    assert dt.datetime.fromisoformat(first["validFrom"].replace("Z", "+00:00")) <= clock()
