"""Shared fixtures: small whole-site projects under tests/fixtures/<name>/."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

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


def tongda(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the ``tongda`` command line as a user would."""
    return subprocess.run([sys.executable, "-m", "site_builder.cli", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=600)
