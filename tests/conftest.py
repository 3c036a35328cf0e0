"""Shared fixtures: small whole-site projects under tests/fixtures/<name>/."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).parent.parent

# Every build in the suite shares one audio cache (mkdocs.yml reads it with !ENV), so the
# demo's speech is synthesised once per run, not once per test that builds the portal.
os.environ.setdefault("TONGDA_AUDIO_CACHE", str(ROOT / ".tongda-cache" / "audio"))


@pytest.fixture
def project(tmp_path: Path):
    """Copy a fixture project into a temporary folder and return a function that does it."""

    def copy(name: str) -> Path:
        dest = tmp_path / name
        shutil.copytree(FIXTURES / name, dest)
        return dest

    return copy


@pytest.fixture(scope="module")
def driver():  # type: ignore[no-untyped-def]
    """Headless Chromium for one test module (a module may define its own ``driver``)."""
    from a11y.browser import browser_unavailable_reason, start_chrome
    from tests.components import missing

    if (reason := browser_unavailable_reason()) is not None:
        missing(reason)
    with start_chrome() as chrome:
        yield chrome


def tongda(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the ``tongda`` command line as a user would."""
    return subprocess.run([sys.executable, "-m", "site_builder.cli", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=600)


def build_demo(site: Path) -> Path:
    """The demo portal (``mkdocs.yml``: ``content/`` with every plugin) built into ``site``
    with the real command line."""
    built = tongda("build", "-f", str(ROOT / "mkdocs.yml"), "-d", str(site), cwd=ROOT)
    assert built.returncode == 0, built.stderr[-3000:]
    return site


def process_ends(worker: Any, within: float = 30.0) -> bool:
    """Whether the process ``worker`` ends within ``within`` seconds. Polled: an executor's
    own thread may reap the process at the same moment, and ``join`` can then return while
    ``is_alive`` still says True for an instant."""
    deadline = time.monotonic() + within
    while worker.is_alive():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def pytest_runtest_setup(item: pytest.Item) -> None:
    """A test marked ``browser`` or ``node`` fails at once, naming what is missing."""
    from tests.components import require_marked

    require_marked(item)


def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    """Every component is installed by ``make setup``: a skip (from a library's own
    ``pytest.skip``) would be a missing install step, so it fails instead of passing."""
    from _pytest.runner import pytest_runtest_makereport as make

    report = make(item, call)
    if report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.longrepr = f"skipped, but every component must be installed: {reason}"
    return report


#: The longest test files, started first so that with several workers (``make test`` runs
#: pytest-xdist, whole files per worker) none of them is left to run alone at the end.
LONGEST_FIRST = (
    "tests/a11y/test_a11y_demo_portal.py",
    "tests/site_builder/test_rebuild_equals_fresh.py",
    "tests/functions/test_functions_fuzz.py",
    "tests/a11y/test_a11y_command.py",
    "tests/functions/runtime/test_portal_csp_browser.py",
    "tests/functions/engage/test_engage_crash.py",
    "tests/functions/test_functions_deploy.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {path: n for n, path in enumerate(LONGEST_FIRST)}

    def key(item: pytest.Item) -> int:
        return rank.get(Path(item.path).relative_to(ROOT).as_posix(), len(rank))

    items.sort(key=key)  # stable: the rest keep their order
