"""Storage of published rule sets: one row per revision, never changed afterwards."""

from __future__ import annotations

import datetime as dt
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
    update,
)
from sqlalchemy.engine import Connection, Engine
from tongda_rules import content_digest, digest_of

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
site_state = Table(
    "match_site_state", metadata,
    Column("id", Integer, primary_key=True),
    Column("content_digest", String(64), nullable=True),
    Column("updated_at", DateTime(timezone=True), nullable=True),
)
"""One row: the content digest of the rules the site last published. A cold start
publishes the site's rules only when they differ from it, whatever staff published since."""
SITE_ACTOR = "system:site"


def _site_state(conn: Connection) -> None:
    site_state.create(conn, checkfirst=True)
    # A database from before this table: the site last published its newest own revision.
    last = conn.scalar(select(rulesets.c.document).where(rulesets.c.created_by == SITE_ACTOR)
                       .order_by(rulesets.c.revision.desc()).limit(1))
    digest = content_digest(json.loads(last)) if last is not None else None
    conn.execute(insert(site_state).values(id=1, content_digest=digest,
                                           updated_at=dt.datetime.now(dt.UTC)))


MIGRATIONS = [Migration("0001-match-rulesets", create_tables(rulesets)),
              Migration("0002-match-site-state", _site_state)]


__all__ = ["MIGRATIONS", "MatchStore", "StoredRuleset", "digest_of"]


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

    def revisions(self, *, below: int, limit: int) -> list[int]:
        """Revision numbers under ``below``, newest first (at most ``limit``)."""
        with self.engine.connect() as conn:
            return [int(r) for r in conn.scalars(
                select(rulesets.c.revision).where(rulesets.c.revision < below)
                .order_by(rulesets.c.revision.desc()).limit(limit))]

    def publish_site(self, document: dict[str, Any]) -> StoredRuleset | None:
        """Publish the site's own rules, only if they changed since the site last did.

        A restart or a cold start of every instance calls this: it never replaces a
        revision staff published later unless the site's rules themselves changed, and of
        several instances starting at once exactly one publishes (compare-and-set on the
        remembered digest, in the same transaction as the new revision).

        Returns:
            The new revision, or ``None`` when the site's rules were already published.
        """
        digest = content_digest(document)
        with self.engine.begin() as conn:
            known = conn.scalar(select(site_state.c.content_digest).where(site_state.c.id == 1))
            if known == digest:
                return None
            claimed = conn.execute(update(site_state).where(
                (site_state.c.id == 1) & (site_state.c.content_digest.is_(None) if known is None
                                          else site_state.c.content_digest == known))
                .values(content_digest=digest, updated_at=dt.datetime.now(dt.UTC)))
            if claimed.rowcount != 1:
                return None  # another instance published these rules a moment ago
            return self._insert(conn, document, SITE_ACTOR)

    def _insert(self, conn: Connection, document: dict[str, Any], actor: str) -> StoredRuleset:
        digest = digest_of(document)
        now = dt.datetime.now(dt.UTC)
        count = len(document.get("policies", []))
        key = conn.execute(insert(rulesets).values(
            digest=digest, created_at=now, created_by=actor, policy_count=count,
            document=json.dumps(document, ensure_ascii=False))).inserted_primary_key
        assert key is not None  # an INSERT always has one
        revision = int(key[0])
        audit.append(conn, actor=actor, function="match", action="ruleset.publish",
                     target=f"ruleset/{revision}",
                     detail={"digest": digest, "policy_count": count, "source":
                             "site" if actor == SITE_ACTOR else "staff"})
        return StoredRuleset(revision, digest, now, count, document)

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

    def publish(self, conn: Connection, document: dict[str, Any], *,
                actor: str) -> StoredRuleset:
        """Store a new revision and audit it through ``conn``, in the caller's transaction.

        The caller commits: a publish under an ``Idempotency-Key`` commits the revision,
        its audit entry and the stored response together (or none of them).
        """
        return self._insert(conn, document, actor)
