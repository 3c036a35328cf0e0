"""Shared fixtures of the match tests: a rule set built from the fixture policies."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from match_testlib import build_ruleset

from tests.components import missing

ROOT = Path(__file__).resolve().parents[3]
FIXTURE_SITE = ROOT / "tests" / "fixtures" / "match-site"
NODE = shutil.which("node")


@pytest.fixture(scope="session")
def fixture_rules() -> tuple[dict[str, Any], list[Any]]:
    return build_ruleset(FIXTURE_SITE / "content", today="2024-06-01",
                         statuses=("effective", "amended", "expired"))


def run_node(script: str, payload: Any) -> Any:
    """Run one of the Node helpers beside this file with ``payload`` on stdin."""
    if NODE is None:
        missing("Node.js (Debian nodejs), which runs the browser matcher")
    done = subprocess.run([NODE, str(Path(__file__).parent / script)], input=json.dumps(payload),
                          capture_output=True, text=True, timeout=300, check=True)
    return json.loads(done.stdout)


@pytest.fixture(scope="session")
def node() -> Any:
    """A function running a Node helper of this folder (skips when Node is missing)."""
    return run_node
