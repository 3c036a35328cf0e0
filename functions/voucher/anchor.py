"""The runtime's signed audit heads, anchored as leaves of the voucher log.

The runtime signs the head of the audit chain after every commit that appended to it and
appends it to the heads file (:mod:`functions.runtime.heads`). Here every head not yet
anchored becomes one ``audit.head`` leaf of the transparency log, so one mechanism anchors
every function's audit trail: whoever rewrites the audit log, its heads file and the
published ``heads.json`` must still explain the log's checkpoints, which every copy of
the site witnesses. The heads file is read from where the last call stopped (a byte
offset), so each call costs only the new lines.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any

from sqlalchemy import BigInteger, Column, MetaData, String, Table, func, insert, select

from functions.runtime.db import Migration, create_tables
from functions.runtime.heads import Head, line_digest

from . import credential as vc
from .log import TransparencyLog

metadata = MetaData()
anchors = Table(
    "voucher_audit_anchors", metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("line_digest", String(64), nullable=False),
    Column("leaf_index", BigInteger, nullable=False),
)
MIGRATIONS = [Migration("0004-voucher-audit-anchors", create_tables(anchors))]
AUDIT_HEAD = "audit.head"
#: Heads anchored per call at most (the rest on the next call), so no request waits long.
BATCH = 5_000
log = logging.getLogger("tongda.functions.voucher")


def head_entry(head: Head, line: str) -> dict[str, Any]:
    """The leaf of one signed head: the head as signed, and its line's digest."""
    return {"v": vc.LEAF_VERSION, "type": AUDIT_HEAD, "line": line_digest(line),
            "head": {"seq": head.seq, "hash": head.hash, "at": head.at, "key": head.key,
                     "prev": head.prev, "sig": head.sig}}


class AuditAnchor:
    """Appends the heads file's new heads to the log.

    Args:
        engine: The voucher function's storage.
        log_: The transparency log.
        heads_file: The runtime's heads file (``TONGDA_AUDIT_HEADS``).
    """

    def __init__(self, engine: Any, log_: TransparencyLog, heads_file: Path) -> None:
        self.engine = engine
        self.log = log_
        self.path = heads_file
        self._offset = 0

    def _new_lines(self) -> list[str]:
        if not self.path.is_file():
            return []
        with self.path.open("rb") as f:
            if f.seek(0, 2) < self._offset:  # the file was replaced: read it again
                self._offset = 0
            f.seek(self._offset)
            data = f.read()
        complete = data[:data.rfind(b"\n") + 1]  # a line being written waits for next time
        self._offset += len(complete)
        return [t for t in complete.decode("utf-8", "replace").split("\n") if t.strip()]

    def catch_up(self) -> int:
        """Anchor every head signed since the last call; how many were anchored."""
        fresh: list[tuple[Head, str]] = []
        for line in self._new_lines():
            try:
                fresh.append((Head.parse(line), line))
            except ValueError:
                log.warning("审计链头文件中有一行无法读取，未锚定：%s", line[:80])
        if not fresh:
            return 0
        with self.log.writing(self.engine) as conn:
            last = conn.scalar(select(func.max(anchors.c.seq)))
            pending = [(h, t) for h, t in fresh if last is None or h.seq > last]
            todo = pending[:BATCH]
            if len(pending) > BATCH:
                self._offset = 0  # more than a batch: read the rest again next time
            if not todo:
                return 0
            leaves = self.log.append_many(conn, [head_entry(h, t) for h, t in todo],
                                          dt.datetime.now(dt.UTC))
            conn.execute(insert(anchors), [
                {"seq": h.seq, "line_digest": line_digest(t), "leaf_index": leaf.index}
                for (h, t), leaf in zip(todo, leaves, strict=True)])
        return len(todo)

    def leaf_of(self, seq: int) -> int | None:
        """The log index of the head with ``seq``, if anchored."""
        with self.engine.connect() as conn:
            found = conn.scalar(select(anchors.c.leaf_index).where(anchors.c.seq == seq))
        return None if found is None else int(found)
