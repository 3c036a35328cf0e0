from __future__ import annotations

from pathlib import Path

import pytest
from search_fixture_docs import build

from search_index.runtime import Searcher


@pytest.fixture(scope="package")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("search"))


@pytest.fixture()
def searcher(index_dir: Path) -> Searcher:
    return Searcher(index_dir)
