"""The Node unit tests of the browser scripts (``tests/js/*.test.cjs``, Mocha and jsdom) run
in ``make test``, and their fixtures are what ``tests/js/make_fixtures.py`` writes today.

The same tests are what Stryker mutates the scripts against (``tests/js/stryker.config.json``,
outside ``make test``); the mutants they leave alive on purpose are listed with the reason in
``tests/js/equivalent-mutants.json``.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from make_fixtures import FIXTURES, write_fixtures

pytestmark = [pytest.mark.unit, pytest.mark.node]

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
MOCHA = ROOT / "node_modules" / ".bin" / "mocha"
STRYKER_CONFIG = HERE / "stryker.config.json"
EQUIVALENT = HERE / "equivalent-mutants.json"


def test_the_node_unit_tests_pass(tmp_path: Path) -> None:
    assert MOCHA.exists(), "mocha is missing: run `npm ci` (make setup does)"
    specs = sorted(str(p) for p in HERE.glob("*.test.cjs"))
    assert len(specs) >= 3, specs
    report = tmp_path / "mocha.json"
    run = subprocess.run([str(MOCHA), "--reporter", "json", "--reporter-option", f"output={report}", *specs],
                         cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert report.exists(), run.stdout[-3000:] + run.stderr[-3000:]
    result = json.loads(report.read_text("utf-8"))
    failures = [f"{t['fullTitle']}: {t['err'].get('message', '')}" for t in result["failures"]]
    assert not failures, "\n".join(failures)
    assert run.returncode == 0, run.stderr[-3000:]
    assert result["stats"]["passes"] >= 100, result["stats"]  # none skipped, none lost
    assert result["stats"]["pending"] == 0, result["stats"]


def test_the_committed_fixtures_are_up_to_date(tmp_path: Path) -> None:
    """Indexes, the Python runtime's answers and the theme's markup as they are written today
    (rerun ``tests/js/make_fixtures.py`` after changing the indexer, the theme or a fixture)."""
    fresh = tmp_path / "fixtures"
    write_fixtures(fresh)
    names = sorted(p.relative_to(fresh).as_posix() for p in fresh.rglob("*") if p.is_file())
    committed = sorted(p.relative_to(FIXTURES).as_posix() for p in FIXTURES.rglob("*") if p.is_file())
    assert names == committed
    stale = [n for n in names if (fresh / n).read_bytes() != (FIXTURES / n).read_bytes()
             and not (n == "timing.json" and _without_times(fresh / n) == _without_times(FIXTURES / n))]
    assert not stale, f"stale fixtures, rerun tests/js/make_fixtures.py: {stale[:10]}"


def _without_times(path: Path) -> object:
    """A timing map without its times: eSpeak NG's clip lengths differ a little from one
    synthesis to the next (105.909 s and 105.914 s here, 100.954 s on a fresh clone), the
    cues, their sentences and their order do not."""
    def strip(value: object) -> object:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in ("start", "end", "duration")}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    return strip(json.loads(path.read_text("utf-8")))


def test_listed_equivalent_mutants_point_at_mutated_lines() -> None:
    """Each entry names a mutated file, a line of it and the reason it cannot change behaviour."""
    mutated = set(json.loads(STRYKER_CONFIG.read_text("utf-8"))["mutate"])
    entries = json.loads(EQUIVALENT.read_text("utf-8"))
    assert isinstance(entries, list)
    for e in entries:
        assert set(e) == {"file", "line", "mutator", "replacement", "reason"}, e
        assert e["file"] in mutated, e
        lines = (ROOT / e["file"]).read_text("utf-8").splitlines()
        assert 1 <= e["line"] <= len(lines), e
        assert len(e["reason"]) >= 20, e
