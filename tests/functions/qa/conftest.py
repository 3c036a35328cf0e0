"""Fixtures of the Q&A tests: the demo portal's index, the answerer, the app over a database."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

sys.path.insert(0, str(Path(__file__).parent))

from qa_testlib import WORDS, build_demo

from functions.qa.answer import Answerer
from functions.qa.app import create_app
from functions.qa.site import Site
from functions.runtime.settings import Settings
from functions.runtime.wordfilter import WordFilter


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo portal's search index and ``api/qa/site.json``."""
    return build_demo(tmp_path_factory.mktemp("qa-demo"))


@pytest.fixture(scope="session")
def answerer(demo_site: Path) -> Answerer:
    return Answerer(Site(demo_site), WordFilter.from_file(WORDS))


@pytest.fixture
def app_and_client(database_url: str, demo_site: Path,
                   tmp_path: Path) -> Iterator[tuple[Any, TestClient]]:
    settings = Settings(database_url=database_url, rate_limit=0,
                        audit_heads_file=tmp_path / "heads.jsonl",
                        audit_key_file=tmp_path / "audit.key")
    app = create_app(settings, site_dir=demo_site, words=WordFilter.from_file(WORDS))
    with TestClient(app) as client:
        yield app, client
    app.state.runtime.dispose()


@pytest.fixture
def client(app_and_client: tuple[Any, TestClient]) -> TestClient:
    return app_and_client[1]


@pytest.fixture
def engine(app_and_client: tuple[Any, TestClient]) -> Engine:
    return app_and_client[0].state.runtime.engine  # type: ignore[no-any-return]
