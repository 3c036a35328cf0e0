"""The demo portal, built once per test session and served as ``tongda serve`` serves it.

Browser tests of the citizen's portal (the calculator against ``/api/match/match``, the
service guide's first screen, elder mode on a phone, search, the graph) share one build of
``content/`` with every plugin, served by ``build_app`` under uvicorn: the same server, the
same Content-Security-Policy and the same functions a deployment runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import build_demo
from tests.portal_server import serve_portal


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo portal built with the real command line."""
    return build_demo(tmp_path_factory.mktemp("demo") / "site")


@pytest.fixture(scope="session")
def portal(demo_site: Path) -> Iterator[str]:
    """The built demo and every function on one loopback origin; yields its base URL."""
    with serve_portal(demo_site, f"sqlite:///{demo_site.parent / 'db.sqlite3'}") as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Chromium at 1280×900 for one test module (a module may define its own)."""
    from a11y.browser import start_chrome

    with start_chrome(width=1280, height=900) as chrome:
        yield chrome
