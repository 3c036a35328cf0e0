"""Storage for the functions' tests: SQLite files and a throwaway PostgreSQL cluster.

The cluster is started once per test session with Debian's PostgreSQL 15 binaries
(as the ``postgres`` user when the tests run as root, since PostgreSQL refuses root), on a
free loopback port with its socket in a temporary folder, and stopped at the end.
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.components import missing
from tests.portal_server import free_port

PG_BIN = Path(os.environ.get("TONGDA_PG_BIN", "/usr/lib/postgresql/15/bin"))
ROOT = Path(__file__).resolve().parents[2]


class Cluster:
    """A PostgreSQL cluster in a temporary folder; ``url(db)`` for a database in it."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="tongda-pg-"))
        self.data = self.dir / "data"
        self.port = free_port()
        self.prefix: list[str] = []
        if os.geteuid() == 0:
            pw = pwd.getpwnam("postgres")
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)
            self.prefix = ["runuser", "-u", "postgres", "--"]

    def _run(self, *args: str) -> None:
        subprocess.run([*self.prefix, *args], check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        self._run(str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "tongda", "-A", "trust",
                  "-E", "UTF8", "--locale=C")
        options = (f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=100")
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-o", options,
                  "-l", str(self.dir / "log"), "-w", "-t", "60", "start")

    def stop(self) -> None:
        try:
            self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://tongda@127.0.0.1:{self.port}/{database}"

    def create_database(self) -> str:
        import psycopg

        name = "t_" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    if not (PG_BIN / "initdb").is_file():
        missing(f"PostgreSQL server binaries in {PG_BIN} (Debian postgresql-15)")
    cluster = Cluster()
    try:
        cluster.start()
    except subprocess.CalledProcessError as exc:
        log = cluster.dir / "log"
        cluster.stop()
        raise RuntimeError(f"PostgreSQL did not start: {exc.stderr!r} "
                           f"{log.read_text() if log.exists() else ''}") from exc
    yield cluster
    cluster.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database: a SQLite file, then a new PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'var' / 'tongda.sqlite3'}"
    cluster: Cluster = request.getfixturevalue("pg_cluster")
    return cluster.create_database()


@pytest.fixture
def site_dir(tmp_path: Path) -> Path:
    """A tiny built site: an index page and the fixture policies' rules.json."""
    from match_testlib import build_ruleset

    ruleset, _ = build_ruleset(ROOT / "tests/fixtures/match-site/content", today="2024-06-01")
    site = tmp_path / "site"
    (site / "api" / "match").mkdir(parents=True)
    (site / "index.html").write_text("<!DOCTYPE html><title>首页</title><h1>首页</h1>",
                                     encoding="utf-8")
    (site / "api/match/rules.json").write_text(json.dumps(ruleset, ensure_ascii=False),
                                              encoding="utf-8")
    return site


@pytest.fixture
def ruleset(site_dir: Path) -> dict[str, Any]:
    return json.loads((site_dir / "api/match/rules.json").read_text(encoding="utf-8"))
