"""Storage engine and in-code migrations (SQLAlchemy Core 2).

SQLite (the default, a file under ``var/``) runs in WAL mode with foreign keys on and a
busy timeout; PostgreSQL is used when the URL says so (``postgresql://`` URLs are served
by psycopg 3). Each function keeps an ordered list of :class:`Migration` in code; applied
ones are recorded in ``schema_migrations`` per namespace and never run twice.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, overload

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
    inspect,
    select,
    text,
)
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.schema import CreateColumn

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
        # SQLAlchemy's own reading of the URL: sqlite:// and sqlite:///:memory: are in memory
        path = make_url(url).database
        if path and path != ":memory:":
            create_private_file(Path(path))
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)


def create_private_file(path: Path) -> None:
    """Create ``path`` readable by its owner only (0600), in a 0700 folder when new.

    SQLite would create the file with the umask's mode (often world-readable) and its
    ``-wal`` and ``-shm`` files copy that mode, so the file is made here first, before
    SQLAlchemy opens it. An existing file or folder keeps the mode it has.
    """
    if not path.parent.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        path.parent.chmod(0o700)  # mkdir's mode is narrowed by the umask, never widened
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    os.fchmod(fd, 0o600)
    os.close(fd)


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


def add_columns(table: Table, *names: str) -> Callable[[Connection], None]:
    """A migration step that adds ``table``'s columns ``names`` where they are missing.

    The table's definition in code already has them, so a database created after the
    columns were added gets them from :func:`create_tables` and this step does nothing.
    """
    def apply(conn: Connection) -> None:
        have = {c["name"] for c in inspect(conn).get_columns(table.name)}
        for name in names:
            if name not in have:
                column = CreateColumn(table.c[name]).compile(dialect=conn.dialect)
                conn.execute(text(f"ALTER TABLE {table.name} ADD COLUMN {column}"))
    return apply


def create_tables(*tables: Table) -> Callable[[Connection], None]:
    """A migration step that creates ``tables``."""
    def apply(conn: Connection) -> None:
        for table in tables:
            table.create(conn, checkfirst=True)
    return apply


def utc_now() -> dt.datetime:
    """The current time, timezone-aware UTC."""
    return dt.datetime.now(dt.UTC)


@overload
def utc(value: None) -> None: ...
@overload
def utc(value: dt.datetime) -> dt.datetime: ...
@overload
def utc(value: dt.datetime | None) -> dt.datetime | None: ...
def utc(value: dt.datetime | None) -> dt.datetime | None:
    """A stored time as timezone-aware UTC (SQLite gives naive datetimes back)."""
    if value is None:
        return None
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def new_id(prefix: str, day: dt.date) -> str:
    """A readable, unguessable id: the prefix, the day and 8 hex digits (``SQ20261205…``)."""
    return f"{prefix}{day:%Y%m%d}{secrets.token_hex(4).upper()}"


def dumps(value: Any) -> str:
    """Compact JSON for a text column, Chinese kept readable."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _insert_ignoring(conn: Connection, table: Table, keys: list[str]) -> Any:
    """``INSERT … ON CONFLICT DO NOTHING`` for the connection's database.

    Rather than catching the error: on PostgreSQL a failed statement aborts the whole
    transaction (which also holds the idempotency record and the audit entry).
    """
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(table).on_conflict_do_nothing(index_elements=keys)
    from sqlalchemy.dialects import sqlite

    return sqlite.insert(table).on_conflict_do_nothing(index_elements=keys)


def insert_ignoring_duplicates(conn: Connection, table: Table, rows: list[dict[str, Any]],
                               keys: list[str]) -> None:
    """Insert ``rows``, skipping those whose ``keys`` exist already."""
    if rows:
        conn.execute(_insert_ignoring(conn, table, keys), rows)


def insert_returning(conn: Connection, table: Table, row: dict[str, Any],
                     keys: list[str]) -> bool:
    """Insert one row unless its ``keys`` exist; whether it was inserted.

    RETURNING rather than rowcount: drivers report the rowcount of an INSERT differently.
    """
    statement = _insert_ignoring(conn, table, keys).values(**row).returning(table.c[keys[0]])
    return conn.execute(statement).first() is not None
