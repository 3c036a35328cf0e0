"""Storage of published rule sets: one row per revision, never changed afterwards."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    func,
    insert,
    select,
)
from sqlalchemy.engine import Engine

from functions.runtime import audit
from functions.runtime.db import Migration, create_tables, serial_key

metadata = MetaData()
rulesets = Table(
    "match_rulesets", metadata,
    serial_key("revision"),
    Column("digest", String(64), nullable=False, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(200), nullable=False),
    Column("policy_count", Integer, nullable=False),
    Column("document", Text, nullable=False),
)
MIGRATIONS = [Migration("0001-match-rulesets", create_tables(rulesets))]


def digest_of(document: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON of a rule set."""
    canonical = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class StoredRuleset:
    """One published revision."""

    revision: int
    digest: str
    created_at: dt.datetime
    policy_count: int
    document: dict[str, Any] | None = None


class MatchStore:
    """Rule-set revisions behind a small interface (SQLite or PostgreSQL)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def latest_revision(self) -> int | None:
        """The newest revision number, one cheap query (used on every match)."""
        with self.engine.connect() as conn:
            return conn.scalar(select(func.max(rulesets.c.revision)))

    def get(self, revision: int | None = None, *, with_document: bool = True) -> StoredRuleset | None:
        """A revision (the newest when ``None``)."""
        cols = [rulesets.c.revision, rulesets.c.digest, rulesets.c.created_at,
                rulesets.c.policy_count] + ([rulesets.c.document] if with_document else [])
        query = select(*cols).order_by(rulesets.c.revision.desc()).limit(1)
        if revision is not None:
            query = select(*cols).where(rulesets.c.revision == revision)
        with self.engine.connect() as conn:
            row = conn.execute(query).mappings().first()
        if row is None:
            return None
        created = row["created_at"]
        created = created if created.tzinfo else created.replace(tzinfo=dt.UTC)
        document = json.loads(row["document"]) if with_document else None
        return StoredRuleset(int(row["revision"]), row["digest"], created,
                             int(row["policy_count"]), document)

    def publish(self, document: dict[str, Any], *, actor: str) -> StoredRuleset:
        """Store a new revision and audit it, in one transaction."""
        digest = digest_of(document)
        now = dt.datetime.now(dt.UTC)
        count = len(document.get("policies", []))
        with self.engine.begin() as conn:
            revision = int(conn.execute(insert(rulesets).values(
                digest=digest, created_at=now, created_by=actor, policy_count=count,
                document=json.dumps(document, ensure_ascii=False))).inserted_primary_key[0])
            audit.append(conn, actor=actor, function="match", action="ruleset.publish",
                         target=f"ruleset/{revision}",
                         detail={"digest": digest, "policy_count": count})
        return StoredRuleset(revision, digest, now, count, document)
