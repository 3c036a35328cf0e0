"""Storage engine and in-code migrations (SQLAlchemy Core 2).

SQLite (the default, a file under ``var/``) runs in WAL mode with foreign keys on and a
busy timeout; PostgreSQL is used when the URL says so (``postgresql://`` URLs are served
by psycopg 3). Each function keeps an ordered list of :class:`Migration` in code; applied
ones are recorded in ``schema_migrations`` per namespace and never run twice.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    event,
    insert,
    select,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

_migrations_meta = MetaData()
schema_migrations = Table(
    "schema_migrations", _migrations_meta,
    Column("namespace", String(64), primary_key=True),
    Column("id", String(128), primary_key=True),
    Column("applied_at", DateTime(timezone=True), nullable=False),
)
_lock = threading.Lock()


@dataclass(frozen=True)
class Migration:
    """One schema change: ``apply(conn)`` runs inside a transaction."""

    id: str
    apply: Callable[[Connection], None]


def normalise_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs that name no driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def make_engine(url: str) -> Engine:
    """Create an engine for ``url`` with Tongda's connection settings."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)


def _sqlite_pragmas(dbapi_conn: object, _record: object) -> None:
    cursor = dbapi_conn.cursor()  # type: ignore[attr-defined]
    # WAL lets readers work while one writer commits; FKs are off by default in SQLite.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def migrate(engine: Engine, namespace: str, migrations: Sequence[Migration]) -> list[str]:
    """Apply the migrations of ``namespace`` that have not run yet, in order.

    Returns:
        The ids applied now.
    """
    applied_now: list[str] = []
    with _lock:
        _migrations_meta.create_all(engine, checkfirst=True)
        with engine.connect() as conn:
            done = set(conn.scalars(select(schema_migrations.c.id).where(
                schema_migrations.c.namespace == namespace)))
        for migration in migrations:
            if migration.id in done:
                continue
            try:
                with engine.begin() as conn:
                    conn.execute(insert(schema_migrations).values(
                        namespace=namespace, id=migration.id,
                        applied_at=dt.datetime.now(dt.UTC)))
                    migration.apply(conn)
            except IntegrityError:
                continue  # another process applied it first (its row rolled ours back)
            applied_now.append(migration.id)
    return applied_now


def serial_key(name: str) -> Column:  # type: ignore[type-arg]
    """An auto-increment primary key: BIGINT on PostgreSQL, INTEGER (the rowid) on SQLite."""
    return Column(name, BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
                  autoincrement=True)


def create_tables(*tables: Table) -> Callable[[Connection], None]:
    """A migration step that creates ``tables``."""
    def apply(conn: Connection) -> None:
        for table in tables:
            table.create(conn, checkfirst=True)
    return apply
