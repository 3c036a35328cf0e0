"""A number beyond ±2**53 anywhere in a rule is a content error in check and in build.

2**64 in a policy's rule used to pass ``tongda check`` and crash ``tongda build`` with a
traceback (and, published, every ``/match``).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[4]
HUGE = str(2**64)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "match-site"
    shutil.copytree(ROOT / "tests/fixtures/match-site", root)
    return root


def _tongda(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "site_builder.cli", *args], cwd=root,
                          capture_output=True, text=True, timeout=600)


def _replace(path: Path, old: str, new: str) -> int:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


@pytest.mark.parametrize("old, new, field", [
    ('{">=": [{"var": "revenue"}, 2000000000]}', f'{{">=": [{{"var": "revenue"}}, {HUGE}]}}',
     "eligibility.0.logic"),
    ('{"min": [{"*": [{"var": "rd_spend"}, 0.1]}, 50000000]}',
     f'{{"min": [{{"*": [{{"var": "rd_spend"}}, 0.1]}}, {HUGE}]}}', "amount.logic"),
])
def test_check_and_build_both_refuse_a_huge_number_in_a_rule(
        project: Path, old: str, new: str, field: str) -> None:
    policy = project / "content/policies/rd-subsidy.md"
    line = _replace(policy, old, new)
    site = project / "site"
    for args in (("check",), ("build", "-d", str(site))):
        done = _tongda(project, *args)
        assert done.returncode == 1, done.stdout + done.stderr
        output = done.stdout + done.stderr
        assert "Traceback" not in output, output
        assert f"policies/rd-subsidy.md:{line}: {field}" in output, output
        assert "超出 ±2**53" in output, output
    assert not site.exists()  # nothing half-built


def test_a_fact_whose_bound_is_beyond_2_53_is_refused(project: Path) -> None:
    facts = project / "content/_data/facts.yml"
    text = facts.read_text(encoding="utf-8")
    facts.write_text(text.replace("    max: 200\n", f"    max: {HUGE}\n", 1), encoding="utf-8")
    for args in (("check",), ("build", "-d", str(project / "site"))):
        done = _tongda(project, *args)
        output = done.stdout + done.stderr
        assert done.returncode == 1 and "Traceback" not in output, output
        assert "max 不能超过 2**53" in output, output
