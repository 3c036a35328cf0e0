"""``tongda qa feedback-export``: the votes, as the file the build reads."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from functions.qa import store
from functions.runtime import audit, auth, idempotency
from functions.runtime.db import make_engine, migrate
from search_index.asks import load_feedback
from tests.conftest import tongda

pytestmark = pytest.mark.integration


def test_the_export_is_the_file_the_build_reads(database_url: str, tmp_path: Path) -> None:
    engine = make_engine(database_url)
    migrate(engine, "runtime", audit.MIGRATIONS + auth.MIGRATIONS + idempotency.MIGRATIONS)
    migrate(engine, "qa", store.MIGRATIONS)
    at = dt.datetime(2026, 12, 5, 8, 0, tzinfo=dt.UTC)
    with engine.begin() as conn:
        for page, vote in [("a", "up"), ("a", "up"), ("a", "down"), ("b", "down")]:
            store.add_vote(conn, page=page, vote=vote, question="问题", at=at)
    engine.dispose()
    out = tmp_path / "content" / "_data" / "qa-feedback.json"
    done = tongda("qa", "feedback-export", "--out", str(out), "--database-url", database_url)
    assert done.returncode == 0, done.stderr
    assert "已导出 2 个页面的满意度统计（共 4 票）" in done.stdout
    assert json.loads(out.read_text("utf-8"))["votes"] == {"a": [2, 1], "b": [0, 1]}
    assert load_feedback(out) == {"a": (2, 1), "b": (0, 1)}
