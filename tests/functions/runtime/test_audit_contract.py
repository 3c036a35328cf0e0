"""What readers of the audit log rely on, on SQLite and PostgreSQL.

An auditor recomputes row hashes with their own tool from the documented format, reads
rows in ``psql`` and pages through ``GET /audit``; an operator reads the log when signing
fails. These tests pin the row format byte for byte (known answers, written out here
rather than computed the way the module computes them), what an append stores in every
column, how entries are paged and filtered, and which signer signs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from functions.runtime import audit, signing
from functions.runtime.db import make_engine, migrate, utc
from tests.functions.runtime.test_audit_log import signed_settings

pytestmark = pytest.mark.integration
ROW = {"id": 7, "at": "2024-06-01T08:00:00.000001+00:00", "actor": "token:a:李工",
       "function": "match", "action": "ruleset.publish", "target": "ruleset/3",
       "detail": '{"n": 1, "名称": "补贴"}', "prev_hash": "ab" * 32}


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    migrate(engine, "runtime", audit.MIGRATIONS)
    yield engine
    engine.dispose()


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- the row format, as an independent verifier computes it -------------------------


@pytest.mark.unit
def test_a_rows_hash_is_the_documented_format() -> None:
    body = ('{"action":"ruleset.publish","actor":"token:a:李工",'
            '"at":"2024-06-01T08:00:00.000001+00:00",'
            '"detail":"{\\"n\\": 1, \\"名称\\": \\"补贴\\"}","function":"match",'
            f'"prev_hash":"{"ab" * 32}","seq":7,"target":"ruleset/3"}}')
    assert audit.row_digest(ROW) == _sha256("tongda-audit-row/2\n" + body)


@pytest.mark.unit
@pytest.mark.parametrize("at", [
    dt.datetime(2024, 6, 1, 16, 0, 0, 1, tzinfo=dt.timezone(dt.timedelta(hours=8))),
    dt.datetime(2024, 6, 1, 8, 0, 0, 1),  # SQLite hands stored times back without a zone
    "2024-06-01T16:00:00.000001+08:00",
])
def test_a_rows_time_is_hashed_in_utc_to_the_microsecond(at: Any) -> None:
    assert audit.row_digest({**ROW, "at": at}) == audit.row_digest(ROW)


@pytest.mark.unit
def test_a_whole_second_is_hashed_with_six_decimals() -> None:
    whole = {**ROW, "at": dt.datetime(2024, 6, 1, 8, 0, tzinfo=dt.UTC)}
    expected = audit.row_digest({**ROW, "at": "2024-06-01T08:00:00.000000+00:00"})
    assert audit.row_digest(whole) == expected


@pytest.mark.unit
def test_a_first_release_rows_hash_is_its_documented_format() -> None:
    payload = ('{"action": "ruleset.publish", "actor": "token:a:李工", '
               '"at": "2024-06-01T08:00:00.000001+00:00", '
               '"detail": "{\\"n\\": 1, \\"名称\\": \\"补贴\\"}", "function": "match", '
               '"target": "ruleset/3"}')
    assert audit.legacy_digest(ROW) == _sha256("ab" * 32 + payload)


# --- what an append stores -----------------------------------------------------------


def test_an_append_stores_every_field_as_an_auditor_reads_it(engine: Engine) -> None:
    before = dt.datetime.now(dt.UTC)
    with engine.begin() as conn:
        first = audit.append(conn, actor="token:a:李工", function="match",
                             action="ruleset.publish", target="ruleset/1",
                             detail={"名称": "补贴", "n": 1})
        second = audit.append(conn, actor="token:a:李工", function="apply",
                              action="case.open", target="case/2")
    after = dt.datetime.now(dt.UTC)
    assert (first, second) == (1, 2)
    with engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(
            select(audit.audit_log).order_by(audit.audit_log.c.id)).mappings()]
    one, two = rows
    assert {k: one[k] for k in ("id", "actor", "function", "action", "target", "detail",
                                "prev_hash", "scheme")} == {
        "id": 1, "actor": "token:a:李工", "function": "match", "action": "ruleset.publish",
        "target": "ruleset/1", "detail": '{"n": 1, "名称": "补贴"}', "prev_hash": "0" * 64,
        "scheme": 2}
    assert before <= utc(one["at"]) <= after
    assert (two["id"], two["detail"], two["prev_hash"]) == (2, "{}", one["hash"])
    for row in rows:
        assert row["hash"] == audit.row_digest(row)


def test_the_sequence_continues_across_transactions(engine: Engine) -> None:
    for n in range(1, 4):
        with engine.begin() as conn:
            assert audit.append(conn, actor="a", function="demo", action="x",
                                target=str(n)) == n


def test_updates_and_deletes_are_refused_with_a_reason(engine: Engine) -> None:
    with engine.begin() as conn:
        audit.append(conn, actor="a", function="demo", action="x", target="1")
    for statement in ("UPDATE audit_log SET target = 'forged'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="audit_log is append-only"), engine.begin() as conn:
            conn.execute(text(statement))
    assert [e["target"] for e in audit.entries(engine)] == ["1"]


# --- reading entries -----------------------------------------------------------------


def _log(engine: Engine, n: int, function: str = "demo") -> None:
    with engine.begin() as conn:
        for i in range(n):
            audit.append(conn, actor="token:a:李工", function=function, action="x",
                         target=f"{function}/{i + 1}", detail={"i": i + 1, "名": "甲"})


def test_entries_start_at_the_first_and_page_after_an_id(engine: Engine) -> None:
    _log(engine, 3, "demo")
    _log(engine, 2, "other")
    assert [e["id"] for e in audit.entries(engine)] == [1, 2, 3, 4, 5]
    assert [e["id"] for e in audit.entries(engine, after=2)] == [3, 4, 5]
    assert [e["id"] for e in audit.entries(engine, after=2, limit=2)] == [3, 4]
    assert [e["target"] for e in audit.entries(engine, function="other")] == [
        "other/1", "other/2"]
    assert [e["id"] for e in audit.entries(engine, function="demo", after=1)] == [2, 3]
    assert audit.entries(engine, after=5) == []


def test_an_entry_gives_its_time_in_utc_and_its_detail_as_data(engine: Engine) -> None:
    _log(engine, 1)
    (entry,) = audit.entries(engine)
    assert entry["detail"] == {"i": 1, "名": "甲"}
    at = dt.datetime.fromisoformat(entry["at"])
    assert entry["at"].endswith("+00:00") and len(entry["at"]) == len("2024-06-01T08:00:00.000000+00:00")
    assert abs(at - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=1)
    assert audit.AuditEntry(**entry).hash == entry["hash"]


def test_a_page_holds_100_entries_unless_asked(engine: Engine) -> None:
    _log(engine, 101)
    page = audit.entries(engine)
    assert (len(page), page[0]["id"], page[-1]["id"]) == (100, 1, 100)
    assert [e["id"] for e in audit.entries(engine, after=100)] == [101]


# --- who signs -----------------------------------------------------------------------


def _heads(path: Path | None) -> list[dict[str, Any]]:
    assert path is not None
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_attaching_again_replaces_the_signer(engine: Engine, database_url: str,
                                            tmp_path: Path) -> None:
    old = signed_settings(database_url, tmp_path / "old")
    new = signed_settings(database_url, tmp_path / "new")
    audit.attach_from_settings(engine, old)
    _log(engine, 1)
    audit.attach_from_settings(engine, new)
    _log(engine, 1)
    assert [h["seq"] for h in _heads(old.audit_heads_file)] == [1]
    assert [h["seq"] for h in _heads(new.audit_heads_file)] == [2]
    assert audit.verify(engine, settings=new).findings == []


def test_without_a_heads_file_nothing_is_attached(engine: Engine, database_url: str,
                                                 tmp_path: Path) -> None:
    settings = signed_settings(database_url, tmp_path).with_(audit_heads_file=None)
    assert audit.attach_from_settings(engine, settings) is None
    _log(engine, 1)
    assert settings.audit_key_file is not None and settings.audit_publish_dir is not None
    assert not settings.audit_key_file.exists() and not settings.audit_publish_dir.exists()
    assert audit.verify(engine, settings=settings).kinds() == {"unsigned"}


def test_only_a_connection_that_appended_signs(engine: Engine, database_url: str,
                                              tmp_path: Path) -> None:
    """Rows another process committed without signing stay unsigned while this process
    only reads; its own next append signs them all."""
    crashed = make_engine(database_url)
    _log(crashed, 2)
    crashed.dispose()
    settings = signed_settings(database_url, tmp_path)
    audit.attach_from_settings(engine, settings)
    assert len(audit.entries(engine)) == 2
    assert _heads(settings.audit_heads_file) == []
    _log(engine, 1)
    assert [h["seq"] for h in _heads(settings.audit_heads_file)] == [3]


class _BrokenSigner:
    def __init__(self) -> None:
        self.calls: list[tuple[int, str]] = []

    def sign(self, seq: int, digest: str) -> None:
        self.calls.append((seq, digest))
        raise OSError("disk full")


def test_a_failed_signature_keeps_the_row_and_tells_the_operator(
        engine: Engine, database_url: str, tmp_path: Path,
        caplog: pytest.LogCaptureFixture) -> None:
    broken = _BrokenSigner()
    audit.attach(engine, broken)  # type: ignore[arg-type]
    with caplog.at_level(logging.ERROR, logger="tongda.audit"):
        _log(engine, 1)
    (row,) = audit.entries(engine)
    assert broken.calls == [(1, row["hash"])]
    (record,) = [r for r in caplog.records if r.name == "tongda.audit"]
    assert record.getMessage() == "审计链头签名失败：新记录暂未签名，下一次追加时会一并签名"
    assert record.levelno == logging.ERROR and record.exc_info is not None
    settings = signed_settings(database_url, tmp_path)
    audit.attach_from_settings(engine, settings)
    _log(engine, 1)
    result = audit.verify(engine, settings=settings)
    assert result.findings == [] and result.signed_seq == 2


def test_verify_uses_the_heads_file_it_is_given(engine: Engine, database_url: str,
                                                tmp_path: Path) -> None:
    settings = signed_settings(database_url, tmp_path)
    audit.attach_from_settings(engine, settings)
    _log(engine, 1)
    _log(engine, 1)
    heads_file = settings.audit_heads_file
    assert heads_file is not None
    unknown = audit.verify(engine, heads_file=heads_file)  # no trusted key given
    assert [(f.kind, f.seq) for f in unknown.errors] == [("unknown_key", 1), ("unknown_key", 2)]
    unanchored = audit.verify(engine)
    assert unanchored.ok and unanchored.signed_seq == 0 and unanchored.kinds() == {"unsigned"}


@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(actor=st.text(min_size=1, max_size=20), target=st.text(max_size=30),
       detail=st.dictionaries(st.text(max_size=6), st.integers() | st.text(max_size=6)
                              | st.none() | st.booleans(), max_size=4))
def test_whatever_is_appended_reads_back_and_verifies(
        engine: Engine, actor: str, target: str, detail: dict[str, Any]) -> None:
    """Quotes, newlines, Chinese, empty strings: the stored row still matches its hash."""
    actor, target = actor.replace("\x00", ""), target.replace("\x00", "")  # PostgreSQL text
    with engine.begin() as conn:
        seq = audit.append(conn, actor=actor, function="demo", action="x", target=target,
                           detail=detail)
    (entry,) = audit.entries(engine, after=seq - 1)
    assert (entry["actor"], entry["target"], entry["detail"]) == (actor, target, detail)
    result = audit.verify(engine)
    assert result.ok and result.rows == seq and result.kinds() == {"unsigned"}


def test_a_rolled_back_first_append_signs_nothing_and_logs_nothing(
        engine: Engine, database_url: str, tmp_path: Path,
        caplog: pytest.LogCaptureFixture) -> None:
    """The table is still empty: there is no head to sign, and nothing failed."""
    settings = signed_settings(database_url, tmp_path)
    audit.attach_from_settings(engine, settings)
    with (caplog.at_level(logging.DEBUG, logger="tongda.audit"), pytest.raises(RuntimeError),
          engine.begin() as conn):
        audit.append(conn, actor="a", function="demo", action="x", target="1")
        raise RuntimeError("the caller's transaction fails")
    assert [r.getMessage() for r in caplog.records if r.name == "tongda.audit"] == []
    assert _heads(settings.audit_heads_file) == [] and audit.entries(engine) == []


def test_verify_checks_the_published_copy_it_is_given(engine: Engine, database_url: str,
                                                      tmp_path: Path) -> None:
    """An auditor verifies against heads.json downloaded from the portal: the heads file on
    the server lost its newest line, and only that copy can tell."""
    settings = signed_settings(database_url, tmp_path)
    audit.attach_from_settings(engine, settings)
    _log(engine, 1)
    _log(engine, 1)
    assert settings.audit_publish_dir is not None and settings.audit_key_file is not None
    copy = tmp_path / "downloaded" / "heads.json"
    copy.parent.mkdir()
    copy.write_text((settings.audit_publish_dir / "heads.json").read_text())
    heads_file = settings.audit_heads_file
    assert heads_file is not None
    heads_file.write_text(heads_file.read_text().splitlines()[0] + "\n")
    on_server = settings.with_(audit_publish_dir=None)
    assert audit.verify(engine, settings=on_server).ok  # the server alone looks fine
    cut = [("heads_truncated", 2)]
    result = audit.verify(engine, settings=on_server, published=copy)
    assert [(f.kind, f.seq) for f in result.errors] == cut
    key = signing.load(settings.audit_key_file, create=False)
    assert key is not None
    explicit = audit.verify(engine, heads_file=heads_file, published=copy.parent,
                            trusted_keys={key.key_id: key.public})
    assert [(f.kind, f.seq) for f in explicit.errors] == cut
