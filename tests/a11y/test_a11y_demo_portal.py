"""The demo portal must pass every accessibility check, in every template and display mode.

This is the check CI runs on the real site (``tongda build && tongda a11y``); it takes a
few minutes because every template is walked in every display mode the theme declares.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import ROOT, tongda

pytestmark = [pytest.mark.integration, pytest.mark.browser]


def test_demo_portal_has_zero_violations(tmp_path: Path) -> None:
    site = tmp_path / "site"
    built = tongda("build", "-f", str(ROOT / "mkdocs.yml"), "-d", str(site), cwd=ROOT)
    assert built.returncode == 0, built.stderr
    result = tongda("a11y", str(site), "-f", str(ROOT / "mkdocs.yml"), "-q", cwd=ROOT)
    report = json.loads((site / "report/a11y.json").read_text(encoding="utf-8"))
    problems = sorted({f"{f['page']} [{f['mode'] or 'static'}] {f['rule']}"
                       for f in report["findings"] if not f["waived_by"]})
    assert result.returncode == 0, result.stdout + "\n".join(problems[:40])
    assert report["ok"] and report["stats"]["template_pages"] >= 5
