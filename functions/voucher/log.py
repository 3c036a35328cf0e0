"""The transparency log in the database: leaves, perfect nodes and signed checkpoints.

Every event of the voucher function (and every signed audit head of the runtime) is one
leaf: the RFC 8785 canonical JSON of a small object, hashed as RFC 9162 says. Appending
stores the leaf and the perfect nodes it completes in the caller's transaction, so a leaf
exists exactly when the effect it records does. Checkpoints are signed on demand; Ed25519
signatures are deterministic, so the checkpoint of a given size is always the same note
and none needs to be stored.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    bindparam,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Connection, Engine

from functions.runtime import signing
from functions.runtime.db import Migration, create_tables

from . import merkle
from .integrity import canonical
from .note import Checkpoint, Verifier

metadata = MetaData()
log_leaves = Table(
    "voucher_log_leaves", metadata,
    Column("idx", BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
           autoincrement=False),
    Column("hash", LargeBinary(32), nullable=False, index=True),
    Column("type", String(40), nullable=False),
    Column("data", Text, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
)
log_nodes = Table(
    "voucher_log_nodes", metadata,
    # One integer key, level << 48 | index: a plain IN (…) on the primary key, which both
    # databases search by index and SQLAlchemy caches as one statement.
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
           autoincrement=False),
    Column("hash", LargeBinary(32), nullable=False),
)
log_state = Table(
    "voucher_log_state", metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("size", BigInteger, nullable=False),
)
"""One row: the log's size. Every append first updates it, which takes the row's lock
(PostgreSQL) or the database's write lock (SQLite) until the transaction ends, so
appenders in any process wait for each other and never fork the tree."""


def _state(conn: Connection) -> None:
    log_state.create(conn, checkfirst=True)
    count = conn.scalar(select(func.count()).select_from(log_leaves)) or 0
    conn.execute(insert(log_state).values(id=1, size=int(count)))


MIGRATIONS = [Migration("0001-voucher-log", create_tables(log_leaves, log_nodes)),
              Migration("0002-voucher-log-state", _state)]


@dataclass(frozen=True)
class Leaf:
    """An appended leaf: its index and hash."""

    index: int
    hash: bytes


class ConnectionNodes:
    """Perfect nodes read through one connection (sees the caller's uncommitted appends)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def nodes(self, wanted: Iterable[merkle.Node]) -> dict[merkle.Node, bytes]:
        """The hashes of ``wanted``; ``KeyError`` if one is missing."""
        keys = {node_key(n): n for n in wanted}
        ids = list(keys)
        found: dict[merkle.Node, bytes] = {}
        for start in range(0, len(ids), 500):
            rows = self.conn.execute(_SELECT_NODES, {"ids": ids[start:start + 500]})
            found.update({keys[int(r[0])]: bytes(r[1]) for r in rows})
        if len(found) != len(keys):
            missing = [n for n in keys.values() if n not in found]
            raise KeyError(f"log nodes missing: {missing[:3]}")
        return found


def node_key(node: merkle.Node) -> int:
    """The stored key of a perfect node."""
    return node[0] << 48 | node[1]


_SELECT_NODES = select(log_nodes.c.id, log_nodes.c.hash).where(
    log_nodes.c.id.in_(bindparam("ids", expanding=True)))


def leaf_bytes(entry: dict[str, Any]) -> bytes:
    """The bytes of a leaf: RFC 8785 canonical JSON of the entry."""
    return canonical(entry)


class TransparencyLog:
    """One append-only log, named by its origin and signed by its key.

    Args:
        origin: The checkpoint origin (also the signed-note key name).
        key: The log's Ed25519 key.
    """

    def __init__(self, origin: str, key: signing.SigningKey) -> None:
        self.origin = origin
        self.key = key
        self.verifier = Verifier.of(origin, key.public)

    @contextmanager
    def writing(self, engine: Engine) -> Iterator[Connection]:
        """A transaction to append in (appends serialise on the state row, see :data:`log_state`)."""
        with engine.begin() as conn:
            yield conn

    def size(self, conn: Connection) -> int:
        """How many leaves the log holds (as this transaction sees it)."""
        return int(conn.scalar(select(log_state.c.size).where(log_state.c.id == 1)) or 0)

    def _reserve(self, conn: Connection, count: int) -> int:
        """Take the append lock and ``count`` positions; return the first."""
        conn.execute(update(log_state).where(log_state.c.id == 1)
                     .values(size=log_state.c.size + count))
        return self.size(conn) - count

    def append(self, conn: Connection, entry: dict[str, Any],
               at: dt.datetime | None = None) -> Leaf:
        """Append one entry inside ``conn``'s transaction."""
        return self.append_many(conn, [entry], at)[0]

    def append_many(self, conn: Connection, entries: Sequence[dict[str, Any]],
                    at: dt.datetime | None = None) -> list[Leaf]:
        """Append entries in order inside ``conn``'s transaction (which must not commit
        until the caller's effect is written: the leaf and the effect stand or fall together)."""
        size = self._reserve(conn, len(entries))
        edge = ConnectionNodes(conn).nodes(merkle.range_nodes(0, size))
        moment = at or dt.datetime.now(dt.UTC)
        leaves: list[Leaf] = []
        leaf_rows: list[dict[str, Any]] = []
        node_rows: list[dict[str, Any]] = []
        for entry in entries:
            data = leaf_bytes(entry)
            digest = merkle.leaf_hash(data)
            new = merkle.completed_nodes(size, digest, edge)
            edge.update(new)
            leaves.append(Leaf(size, digest))
            leaf_rows.append({"idx": size, "hash": digest, "type": str(entry.get("type", "")),
                              "data": data.decode("utf-8"), "at": moment})
            node_rows.extend({"id": node_key(n), "hash": h} for n, h in new.items())
            size += 1
        conn.execute(insert(log_leaves), leaf_rows)
        conn.execute(insert(log_nodes), node_rows)
        return leaves

    def root(self, conn: Connection, size: int) -> bytes:
        """The root hash of the first ``size`` leaves."""
        return merkle.root(ConnectionNodes(conn), size)

    def checkpoint(self, conn: Connection, size: int | None = None) -> str:
        """The signed checkpoint (C2SP note) of the tree of ``size`` leaves (all by default)."""
        size = self.size(conn) if size is None else size
        point = Checkpoint(self.origin, size, self.root(conn, size))
        return point.sign(self.origin, self.key.private)

    def inclusion(self, conn: Connection, index: int, size: int) -> list[bytes]:
        """The inclusion proof of leaf ``index`` in the tree of ``size`` leaves."""
        return merkle.inclusion_proof(ConnectionNodes(conn), index, size)

    def consistency(self, conn: Connection, old: int, new: int) -> list[bytes]:
        """The consistency proof from the tree of ``old`` leaves to that of ``new``."""
        return merkle.consistency_proof(ConnectionNodes(conn), old, new)

    def find(self, conn: Connection, leaf_hash: bytes) -> int | None:
        """The index of the first leaf with ``leaf_hash``, if any."""
        found = conn.scalar(select(func.min(log_leaves.c.idx)).where(log_leaves.c.hash == leaf_hash))
        return None if found is None else int(found)

    def entry(self, conn: Connection, index: int) -> dict[str, Any] | None:
        """The entry at ``index`` (parsed), if any."""
        data = conn.scalar(select(log_leaves.c.data).where(log_leaves.c.idx == index))
        return None if data is None else dict(json.loads(data))
