"""Editing any one column of one audit row is reported, on SQLite and on PostgreSQL.

``test_audit_log`` edits ``target``; an attacker picks whichever column verification
forgets. Every column of ``audit_log`` has an edit here, and a new column without one
fails the first test, so the list cannot fall behind the table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.engine import Engine

from functions.runtime import audit
from tests.functions.runtime.test_audit_log import Log, drop_guards, errors, five_entry_log

pytestmark = pytest.mark.integration
EDITS: dict[str, Callable[[Any], Any]] = {
    "id": lambda v: v + 40,
    "at": lambda v: v + dt.timedelta(microseconds=1),
    "actor": lambda v: v.replace("李工", "王工"),
    "function": lambda v: v + "x",
    "action": lambda v: v.replace("create", "delete"),
    "target": lambda v: v + "0",
    "detail": lambda v: v.replace("}", ", \"paid\": 0}"),
    "prev_hash": lambda v: v[:-1] + ("0" if v[-1] != "0" else "1"),
    "hash": lambda v: v[:-1] + ("0" if v[-1] != "0" else "1"),
    "scheme": lambda v: 1,  # claims the older format, which hashed neither id nor format tag
}


@pytest.fixture
def chain(database_url: str, tmp_path: Path) -> Iterator[Log]:
    yield from five_entry_log(database_url, tmp_path)


def _edit(engine: Engine, column: str, seq: int) -> None:
    table = audit.audit_log
    with engine.begin() as conn:
        drop_guards(conn)
        old = conn.execute(select(table.c[column]).where(table.c.id == seq)).scalar_one()
        new = EDITS[column](old)
        assert new != old
        conn.execute(update(table).where(table.c.id == seq).values({column: new}))


@pytest.mark.unit
def test_every_column_has_an_edit() -> None:
    assert set(EDITS) == set(audit.audit_log.c.keys())


@pytest.mark.parametrize("column", list(EDITS))
def test_editing_any_one_column_is_reported(chain: Log, column: str) -> None:
    _edit(chain.engine, column, 3)
    result = chain.verify()
    assert not result.ok, (column, result.report())
    assert min(seq or 0 for _, seq in errors(result)) == 3, errors(result)
    run = chain.cli()
    assert run.exit_code == 1 and "第 3 条" in run.output


@pytest.mark.parametrize("column", ["at", "actor", "detail", "scheme"])
def test_editing_the_newest_signed_row_is_reported(chain: Log, column: str) -> None:
    """The last row has no successor whose prev_hash would give it away."""
    _edit(chain.engine, column, 5)
    assert ("edited", 5) in errors(chain.verify())
