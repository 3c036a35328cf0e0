"""A Markdown project built with the real build, then checked: the mistakes an editor can
make in Markdown are found and named by file, line and rule."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, tongda

pytestmark = pytest.mark.integration

SEEDED = "policies/seeded-policy.md"
STATIC = [(13, "img-alt"), (15, "heading-order"), (18, "table-headers"),
          (18, "table-caption"), (23, "link-text"), (25, "link-name")]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("e2e") / "a11y-e2e"
    shutil.copytree(FIXTURES / "a11y-e2e", root)
    result = tongda("build", cwd=root)
    assert result.returncode == 0, result.stderr
    return root


def test_build_warns_about_each_mistake_and_writes_the_static_report(built: Path) -> None:
    data = json.loads((built / "site/report/a11y.json").read_text(encoding="utf-8"))
    found = {(f["source"]["path"], f["source"]["line"], f["rule"]) for f in data["findings"]}
    assert found == {(SEEDED, line, rule) for line, rule in STATIC}


def test_static_run_fails_naming_file_line_and_rule_and_clean_page_passes(built: Path) -> None:
    result = tongda("a11y", "--no-browser", cwd=built)
    assert result.returncode == 1
    for line, rule in STATIC:
        assert f"({SEEDED}:{line}): {rule}:" in result.stdout, rule
    assert "clean-policy" not in result.stdout
    assert result.stdout.strip().splitlines()[-1].startswith("无障碍检查未通过")


@pytest.mark.browser
def test_browser_run_finds_poor_contrast_in_raw_html(built: Path) -> None:
    result = tongda("a11y", "--page", "policies/seeded-policy/", cwd=built)
    assert result.returncode == 1
    assert f"({SEEDED}:21): color-contrast:" in result.stdout
