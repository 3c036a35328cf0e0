"""The runtime's signed audit heads become leaves of the voucher log."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from voucher_testlib import BANK, ZHAO, make_service

from functions.runtime import audit, signing
from functions.runtime.heads import Head, HeadsFile, HeadSigner
from functions.voucher import merkle
from functions.voucher.anchor import AUDIT_HEAD, AuditAnchor, head_entry
from functions.voucher.integrity import canonical

pytestmark = pytest.mark.integration


def test_every_signed_head_is_anchored_once_and_proved_in_the_log(database_url: str,
                                                                  tmp_path: Path) -> None:
    service = make_service(database_url, tmp_path / "voucher")
    heads_file = tmp_path / "audit-heads.jsonl"
    key = signing.load(tmp_path / "audit.key", create=True)
    assert key is not None
    audit.attach(service.engine, HeadSigner(HeadsFile(heads_file), lambda: key))
    anchor = AuditAnchor(service.engine, service.log, heads_file)
    assert anchor.catch_up() == 0  # no heads file yet
    for n in range(3):
        with service.engine.begin() as conn:
            audit.append(conn, actor="token:t1:测试", function="match", action="ruleset.publish",
                         target=f"ruleset/{n}", detail={})
    service.request(BANK, ZHAO, "审批", ["identity"])  # audited too: a fourth head
    lines = heads_file.read_text().splitlines()
    assert len(lines) == 4
    assert anchor.catch_up() == 4
    assert anchor.catch_up() == 0  # each head once
    with service.engine.begin() as conn:
        audit.append(conn, actor="system", function="apply", action="x", target="y", detail={})
    assert anchor.catch_up() == 1
    # A fresh reader (another process) re-reads the file but anchors nothing twice.
    assert AuditAnchor(service.engine, service.log, heads_file).catch_up() == 0
    lines = heads_file.read_text().splitlines()
    size = int(service.checkpoint().split("\n")[1])
    for line in lines:
        head = Head.parse(line)
        index = anchor.leaf_of(head.seq)
        assert index is not None
        with service.engine.connect() as conn:
            entry = service.log.entry(conn, index)
            root = service.log.root(conn, size)
        assert entry is not None and entry["type"] == AUDIT_HEAD and entry == head_entry(head, line)
        leaf = merkle.leaf_hash(canonical(entry))
        assert merkle.verify_inclusion(index, size, leaf, service.inclusion(index, size), root)
        # The anchored head is the runtime's signed head, verifiable with its public key.
        assert signing.verify(key.public, head.message(), head.sig)
    assert json.loads(lines[0])["seq"] < json.loads(lines[-1])["seq"]
