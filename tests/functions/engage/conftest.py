"""Fixtures of the engage tests: a site, a migrated database, the app, a clock, tokens."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from engage_testlib import Clock, write_site
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from functions.engage.app import create_app
from functions.engage.config import EngageSettings, SmtpSettings
from functions.engage.service import Engage, build
from functions.engage.store import MIGRATIONS
from functions.runtime import audit, auth, idempotency
from functions.runtime.db import make_engine, migrate
from functions.runtime.settings import Settings
from functions.runtime.wordfilter import WordFilter

ROOT = Path(__file__).resolve().parents[3]
WORDS = ROOT / "content" / "_data" / "sensitive-words.txt"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """The site before the new policy: two policies."""
    return write_site(tmp_path / "site", ["rd-subsidy", "elderly-care"])


@pytest.fixture
def clock() -> Clock:
    """Monday 7 December 2026, 10:00 in China."""
    return Clock(dt.datetime(2026, 12, 7, 2, 0, tzinfo=dt.UTC))


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    migrate(engine, "runtime", audit.MIGRATIONS + auth.MIGRATIONS + idempotency.MIGRATIONS)
    migrate(engine, "engage", MIGRATIONS)
    yield engine
    engine.dispose()


def engage_settings(site: Path, smtp_port: int = 25) -> EngageSettings:
    """Settings pointing at ``site`` and a loopback SMTP server; webhooks on loopback allowed."""
    return EngageSettings(site_dir=site, webhook_private=True,
                          smtp=SmtpSettings(host="127.0.0.1", port=smtp_port,
                                            sender="tuisong@linjiang.example", timeout=10))


@pytest.fixture
def parts(engine: Engine, site: Path, clock: Clock) -> Engage:
    """The engage parts over the test database (the notifier's side)."""
    return build(engine, engage_settings(site), clock=clock, words=WordFilter.from_file(WORDS))


@pytest.fixture
def client(database_url: str, engine: Engine, site: Path, clock: Clock,
           tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(database_url=database_url, rate_limit=0,
                        audit_heads_file=tmp_path / "heads.jsonl",
                        audit_key_file=tmp_path / "audit.key")
    app = create_app(settings, engage_settings=engage_settings(site), clock=clock,
                     words=WordFilter.from_file(WORDS))
    with TestClient(app) as test_client:
        yield test_client
    app.state.runtime.dispose()


def bearer(engine: Engine, name: str, roles: list[str], subject: str | None = None) -> dict[str, Any]:
    """Headers with a fresh token."""
    token = auth.create_token(engine, name, roles, subject=subject)
    return {"Authorization": f"Bearer {token}"}
