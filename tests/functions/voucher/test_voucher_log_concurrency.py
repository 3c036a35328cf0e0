"""Appenders in several threads (and connections) never fork the log or leave gaps."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import select
from voucher_testlib import BANK, LI, ZHAO, make_service

from functions.voucher import merkle
from functions.voucher.log import log_leaves

pytestmark = pytest.mark.integration


def test_concurrent_requests_and_authorisations_keep_one_linear_log(database_url: str,
                                                                    tmp_path: Path) -> None:
    service = make_service(database_url, tmp_path / "voucher")
    errors: list[Exception] = []

    def work(subject: str) -> None:
        try:
            for _ in range(6):
                request = service.request(BANK, subject, "审批", ["identity"])
                service.authorise(request.id, subject)
        except Exception as exc:  # noqa: BLE001 - any failure in a thread is reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(s,)) for s in (ZHAO, LI, ZHAO, LI)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    with service.engine.connect() as conn:
        rows = conn.execute(select(log_leaves.c.idx, log_leaves.c.data)
                            .order_by(log_leaves.c.idx)).all()
        size = service.log.size(conn)
        stored_root = service.log.root(conn, size)
    assert [r.idx for r in rows] == list(range(4 * 6 * 3)) and size == len(rows)
    replay = merkle.MemoryTree()
    for row in rows:
        replay.append(row.data.encode("utf-8"))
    assert replay.root() == stored_root
