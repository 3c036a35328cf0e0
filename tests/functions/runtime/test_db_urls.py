"""Database URLs as operators write them: an in-memory SQLite URL leaves no file behind, a
file URL makes a private file (``functions/runtime/db.py``)."""
from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import text

from functions.runtime.db import make_engine

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:", "sqlite://?cache=shared"])
def test_an_in_memory_database_creates_no_file(url: str, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    engine = make_engine(url)
    with engine.connect() as conn:
        assert conn.execute(text("select 1")).scalar() == 1
    engine.dispose()
    assert list(tmp_path.iterdir()) == []  # once there was a file called "sqlite:"


def test_a_relative_and_an_absolute_file_are_private(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    make_engine("sqlite:///var/tokens.db?timeout=5").dispose()
    make_engine(f"sqlite:///{tmp_path}/abs.db").dispose()
    for path in (tmp_path / "var" / "tokens.db", tmp_path / "abs.db"):
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(tmp_path / "var").st_mode) == 0o700
