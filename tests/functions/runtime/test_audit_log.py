"""The audit log as an attacker with database or file access would try it.

Each test builds a log of five signed rows on SQLite and on PostgreSQL, tampers with it the
way the issue describes, and checks that ``audit.verify`` and ``tongda audit verify`` (the
click command) both say what happened.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from cryptography.hazmat.primitives import serialization
from sqlalchemy import select, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

from functions.runtime import audit, cli, heads, signing
from functions.runtime.audit_verify import VerifyResult
from functions.runtime.db import make_engine, migrate
from functions.runtime.settings import Settings

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[3]


@dataclass
class Log:
    engine: Engine
    settings: Settings
    url: str

    def append(self, n: int, engine: Engine | None = None) -> None:
        with (engine or self.engine).begin() as conn:
            audit.append(conn, actor="token:0a1b2c3d4e5f:李工", function="demo",
                         action="thing.create", target=f"thing/{n}", detail={"n": n})

    def verify(self) -> VerifyResult:
        return audit.verify(self.engine, settings=self.settings)

    def cli(self, *args: str) -> Result:
        env = {"TONGDA_AUDIT_HEADS": str(self.settings.audit_heads_file),
               "TONGDA_AUDIT_KEY_FILE": str(self.settings.audit_key_file),
               "TONGDA_AUDIT_PUBLISH_DIR": str(self.settings.audit_publish_dir)}
        return CliRunner().invoke(cli.main, ["audit", "verify", "--database-url", self.url,
                                             *args], env=env)

    @property
    def heads_file(self) -> Path:
        assert self.settings.audit_heads_file is not None
        return self.settings.audit_heads_file


def signed_settings(database_url: str, tmp_path: Path) -> Settings:
    var = tmp_path / "var"
    return Settings(database_url=database_url, audit_heads_file=var / "audit-heads.jsonl",
                    audit_key_file=var / "audit-signing.key",
                    audit_publish_dir=tmp_path / "site" / "api" / "audit")


def five_entry_log(database_url: str, tmp_path: Path) -> Iterator[Log]:
    """A signed audit log holding five entries (for fixtures here and beside)."""
    settings = signed_settings(database_url, tmp_path)
    engine = make_engine(database_url)
    migrate(engine, "runtime", audit.MIGRATIONS)
    audit.attach_from_settings(engine, settings)
    result = Log(engine, settings, database_url)
    for n in range(1, 6):
        result.append(n)
    yield result
    engine.dispose()


@pytest.fixture
def log(database_url: str, tmp_path: Path) -> Iterator[Log]:
    yield from five_entry_log(database_url, tmp_path)


def drop_guards(conn: Connection) -> None:
    """What someone with the database file or the owner's password does first."""
    if conn.dialect.name == "sqlite":
        for name in ("audit_log_no_update", "audit_log_no_delete", "audit_log_linear"):
            conn.execute(text(f"DROP TRIGGER IF EXISTS {name}"))
    else:
        for name in ("audit_log_append_only", "audit_log_linear"):
            conn.execute(text(f"DROP TRIGGER IF EXISTS {name} ON audit_log"))


def errors(result: VerifyResult) -> list[tuple[str, int | None]]:
    return [(f.kind, f.seq) for f in result.errors]


def test_a_clean_log_verifies(log: Log) -> None:
    result = log.verify()
    assert result.ok and result.findings == []
    assert (result.rows, result.last_seq, result.signed_seq) == (5, 5, 5)
    run = log.cli()
    assert run.exit_code == 0, run.output
    assert "没有发现篡改" in run.output


@pytest.mark.unit
def test_the_row_hash_covers_the_sequence_and_every_field() -> None:
    row = {"id": 7, "at": "2024-06-01T08:00:00.000001+00:00", "actor": "token:a:李工",
           "function": "match", "action": "ruleset.publish", "target": "ruleset/3",
           "detail": '{"n": 1}', "prev_hash": "ab" * 32}
    base = audit.row_digest(row)
    for field, other in [("id", 8), ("at", "2024-06-01T08:00:00.000002+00:00"),
                         ("actor", "token:b:李工"), ("function", "apply"),
                         ("action", "ruleset.revoke"), ("target", "ruleset/4"),
                         ("detail", '{"n": 2}'), ("prev_hash", "cd" * 32)]:
        assert audit.row_digest({**row, field: other}) != base, field


def test_an_edited_row_is_reported(log: Log) -> None:
    with log.engine.begin() as conn:
        drop_guards(conn)
        conn.execute(text("UPDATE audit_log SET target = 'thing/forged' WHERE id = 3"))
    assert errors(log.verify()) == [("edited", 3)]
    run = log.cli()
    assert run.exit_code == 1
    assert "第 3 条记录的内容与它的哈希不符" in run.output


def _rewrite_from(conn: Connection, first: int) -> None:
    """Change row ``first`` and recompute every hash after it, as the attacker can."""
    rows = [dict(r) for r in conn.execute(
        select(audit.audit_log).order_by(audit.audit_log.c.id)).mappings()]
    prev = rows[first - 2]["hash"] if first > 1 else audit.GENESIS
    for row in rows[first - 1:]:
        if row["id"] == first:
            row["target"] = "thing/forged"
        row["prev_hash"] = prev
        row["hash"] = prev = audit.row_digest(row)
        columns = ", ".join(row)
        values = ", ".join(f":{k}" for k in row)
        if conn.dialect.name == "sqlite":  # SQLite REPLACE: delete and insert in one step
            replace = f"INSERT OR REPLACE INTO audit_log ({columns}) VALUES ({values})"  # noqa: S608 - the table's own column names
            conn.execute(text(replace), row)
        else:
            conn.execute(text("UPDATE audit_log SET target = :target, prev_hash = :prev_hash, "
                              "hash = :hash WHERE id = :id"), row)


def test_a_history_rewritten_with_recomputed_hashes_is_reported(log: Log) -> None:
    with log.engine.begin() as conn:
        drop_guards(conn)
        _rewrite_from(conn, 3)
    result = log.verify()
    assert errors(result) == [("rewritten", 3)]
    run = log.cli()
    assert run.exit_code == 1
    assert "历史被改写过" in run.output and "第 3 条" in run.output


def test_insert_or_replace_is_refused_while_the_triggers_stand(log: Log) -> None:
    with log.engine.connect() as conn:
        row = dict(conn.execute(select(audit.audit_log).where(
            audit.audit_log.c.id == 3)).mappings().one())
    row["target"] = "thing/forged"
    row["hash"] = audit.row_digest(row)
    verb = "INSERT OR REPLACE" if log.engine.dialect.name == "sqlite" else "INSERT"
    for values in (row, {**row, "id": 6, "hash": "f" * 64}):  # a used id; a broken link
        with pytest.raises(DBAPIError, match="extend the chain"), log.engine.begin() as conn:
            conn.execute(text(f"{verb} INTO audit_log ({', '.join(values)}) VALUES "
                              f"({', '.join(':' + k for k in values)})"), values)
    assert log.verify().findings == []


def test_a_renumbered_row_and_a_gap_are_reported(log: Log) -> None:
    with log.engine.begin() as conn:
        drop_guards(conn)
        conn.execute(text("DELETE FROM audit_log WHERE id = 2"))
        conn.execute(text("UPDATE audit_log SET id = 9 WHERE id = 5"))
    found = errors(log.verify())
    assert ("gap", 2) in found and ("relinked", 3) in found
    assert ("gap", 5) in found and ("edited", 9) in found


def test_a_deleted_tail_is_reported(log: Log) -> None:
    with log.engine.begin() as conn:
        drop_guards(conn)
        conn.execute(text("DELETE FROM audit_log WHERE id > 3"))
    assert errors(log.verify()) == [("truncated", 5)]
    run = log.cli()
    assert run.exit_code == 1 and "第 4–5 条被删除" in run.output


def test_an_emptied_table_is_reported(log: Log) -> None:
    with log.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("TRUNCATE audit_log"))  # as the owner: no row trigger fires
        else:
            drop_guards(conn)
            conn.execute(text("DELETE FROM audit_log"))
    assert errors(log.verify()) == [("emptied", 5)]
    run = log.cli()
    assert run.exit_code == 1 and "表被清空过" in run.output


def test_a_deleted_heads_line_is_reported(log: Log) -> None:
    lines = log.heads_file.read_text().splitlines()
    log.heads_file.write_text("\n".join(lines[:2] + lines[3:]) + "\n")
    assert errors(log.verify()) == [("heads_gap", 4)]
    log.heads_file.write_text("\n".join(lines[:4]) + "\n")  # the newest line removed
    assert errors(log.verify()) == [("heads_truncated", 5)]
    run = log.cli()
    assert run.exit_code == 1 and "链头文件末尾的行被删除" in run.output


def test_forged_heads_are_reported(log: Log, tmp_path: Path) -> None:
    lines = log.heads_file.read_text().splitlines()
    forged = {**json.loads(lines[-1]), "hash": "e" * 64}
    log.heads_file.write_text("\n".join([*lines[:-1], json.dumps(forged)]) + "\n")
    assert ("bad_signature", 5) in errors(log.verify())

    other = signing.load(tmp_path / "other.key", create=True)
    assert other is not None
    head = heads.sign_head(other, 5, json.loads(lines[-1])["hash"], heads.line_digest(lines[-2]))
    log.heads_file.write_text("\n".join([*lines[:-1], head.line()]) + "\n")
    assert errors(log.verify()) == [("unknown_key", 5)]
    run = log.cli()
    assert run.exit_code == 1 and "未知密钥" in run.output
    # The same key is accepted once it is declared trusted (a key used before a rotation).
    trusted = signing.public_b64(other.public)
    assert log.cli("--trusted-key", trusted).exit_code == 0


def test_an_unsigned_tail_is_a_warning_that_the_next_append_covers(log: Log) -> None:
    crashed = make_engine(log.url)  # committed, then the process died before signing
    log.append(6, crashed)
    crashed.dispose()
    result = log.verify()
    assert result.ok and [(f.kind, f.seq) for f in result.warnings] == [("unsigned", 6)]
    run = log.cli()
    assert run.exit_code == 0 and "第 6 条尚未签名" in run.output
    log.append(7)
    assert log.verify().findings == []


def test_a_rolled_back_append_is_never_signed(log: Log) -> None:
    with pytest.raises(RuntimeError), log.engine.begin() as conn:
        log_row = audit.append(conn, actor="a", function="demo", action="x", target="y")
        assert log_row == 6
        raise RuntimeError("the caller's transaction fails after appending")
    last = json.loads(log.heads_file.read_text().splitlines()[-1])
    assert last["seq"] == 5
    log.append(6)
    assert log.verify().findings == []


def test_heads_are_published_with_the_key_and_republished_after_a_rebuild(log: Log) -> None:
    folder = log.settings.audit_publish_dir
    assert folder is not None
    published = json.loads((folder / "heads.json").read_text())
    key = signing.load(log.settings.audit_key_file or Path(), create=False)
    assert key is not None
    raw = key.public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    key_id = hashlib.sha256(raw).hexdigest()[:16]
    assert published["head"]["seq"] == 5 and published["head"]["key"] == key_id
    assert published["keys"] == {key_id: base64.b64encode(raw).decode()}
    assert list(folder.iterdir()) == [folder / "heads.json"]  # no temporary file left

    for file in folder.iterdir():  # a rebuild replaces the site folder
        file.unlink()
    folder.rmdir()
    assert heads.republish(log.settings) == folder / "heads.json"
    assert json.loads((folder / "heads.json").read_text()) == published


def test_the_signing_key_is_private_and_may_come_from_the_environment(
        database_url: str, tmp_path: Path) -> None:
    settings = signed_settings(database_url, tmp_path)
    assert settings.audit_key_file is not None
    engine = make_engine(database_url)
    migrate(engine, "runtime", audit.MIGRATIONS)
    audit.attach_from_settings(engine, settings)
    assert not settings.audit_key_file.exists()  # made on first use, not before
    with engine.begin() as conn:
        audit.append(conn, actor="a", function="demo", action="x", target="1")
    assert settings.audit_key_file.stat().st_mode & 0o777 == 0o600

    seed = base64.b64encode(bytes(range(32))).decode()
    from_env = signing.from_text(seed)
    env_settings = signed_settings(database_url, tmp_path / "env").with_(audit_signing_key=seed)
    audit.attach_from_settings(engine, env_settings)
    with engine.begin() as conn:
        audit.append(conn, actor="a", function="demo", action="x", target="2")
    assert env_settings.audit_heads_file is not None
    head = json.loads(env_settings.audit_heads_file.read_text())
    assert head["seq"] == 2 and head["key"] == from_env.key_id
    assert not (tmp_path / "env" / "var" / "audit-signing.key").exists()
    engine.dispose()

    with pytest.raises(signing.SigningKeyError, match="无法读取签名密钥"):
        audit.attach_from_settings(engine, env_settings.with_(audit_signing_key="not a key"))


def test_rows_written_before_ids_were_hashed_still_verify(database_url: str,
                                                         tmp_path: Path) -> None:
    engine = make_engine(database_url)
    legacy = [m for m in audit.MIGRATIONS if m.id in ("0001-audit-log", "0002-audit-log-append-only")]
    migrate(engine, "runtime", legacy)
    with engine.begin() as conn:  # the table as the first release made it, and its rows
        conn.execute(text("ALTER TABLE audit_log DROP COLUMN scheme"))
        prev = audit.GENESIS
        for n, row_id in enumerate((1, 2, 5)):  # PostgreSQL's serial left gaps on rollbacks
            row = {"id": row_id, "at": f"2024-06-0{n + 1}T08:00:00.000000+00:00",
                   "actor": "staff:李工", "function": "match", "action": "ruleset.publish",
                   "target": f"ruleset/{n + 1}", "detail": "{}", "prev_hash": prev}
            row["hash"] = prev = audit.legacy_digest(row)
            conn.execute(audit.audit_log.insert().values(
                {**row, "at": datetime.fromisoformat(str(row["at"]))}))
    assert migrate(engine, "runtime", audit.MIGRATIONS) == ["0003-audit-log-scheme",
                                                            "0004-audit-log-linear"]
    audit.attach_from_settings(engine, signed_settings(database_url, tmp_path))
    with engine.begin() as conn:
        assert audit.append(conn, actor="token:a:李工", function="match", action="x",
                            target="y") == 6
    result = audit.verify(engine, settings=signed_settings(database_url, tmp_path))
    assert result.findings == [] and (result.rows, result.signed_seq) == (4, 6)
    with engine.begin() as conn:
        drop_guards(conn)
        conn.execute(text("UPDATE audit_log SET target = 'ruleset/9' WHERE id = 2"))
    assert errors(audit.verify(engine)) == [("edited", 2)]
    engine.dispose()


_APPENDER = """
import sys
from functions.runtime import audit
from functions.runtime.db import make_engine
from functions.runtime.settings import Settings
from pathlib import Path
url, var, name = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
engine = make_engine(url)
audit.attach_from_settings(engine, Settings(database_url=url,
    audit_heads_file=var / "audit-heads.jsonl", audit_key_file=var / "audit-signing.key"))
for n in range(25):
    with engine.begin() as conn:
        audit.append(conn, actor=name, function="demo", action="race", target=str(n))
"""


def test_appends_stay_linear_across_processes(log: Log) -> None:
    assert log.settings.audit_heads_file is not None
    var = log.settings.audit_heads_file.parent
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    workers = [subprocess.Popen([sys.executable, "-c", _APPENDER, log.url, str(var), f"p{i}"],
                                env=env, stderr=subprocess.PIPE, text=True) for i in range(3)]
    for worker in workers:
        _, stderr = worker.communicate(timeout=120)
        assert worker.returncode == 0, stderr
    log.append(6 + 75)  # the last one signs here, so every row is covered
    result = log.verify()
    assert result.findings == [] and result.rows == 81
    seqs = [json.loads(line)["seq"] for line in log.heads_file.read_text().splitlines()]
    assert seqs == sorted(set(seqs)) and seqs[-1] == 81


def test_the_cli_imports_neither_mkdocs_nor_the_site_builder() -> None:
    code = ("import sys, functions.runtime.cli; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'mkdocs', 'site_builder'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, check=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert out.stdout.strip() == "[]"
