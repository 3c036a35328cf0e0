"""`make mutation`'s plan stays true as files move: every module it names exists, every module
has tests, and every equivalent mutant it leaves out belongs to a listed module and says why."""

from __future__ import annotations

import importlib.util
import sys
import tomllib
from pathlib import Path

import pytest

# tests/mutation/run.py is a script, not a package: load it under a name of its own
_spec = importlib.util.spec_from_file_location("tongda_mutation_run", Path(__file__).with_name("run.py"))
assert _spec is not None and _spec.loader is not None
run = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = run
_spec.loader.exec_module(run)

pytestmark = pytest.mark.unit
ROOT = Path(__file__).resolve().parents[2]


def test_every_module_names_existing_files_and_tests() -> None:
    modules = run.load_modules()
    assert len({m.key for m in modules}) == len(modules), "module keys repeat"
    for module in modules:
        assert module.files, module.key
        for file in module.files:
            assert (ROOT / file).is_file(), f"{module.key}: {file} does not exist"
        tests = run.expand(module.tests)
        assert tests, f"{module.key}: no test file matches {module.tests}"
        assert all(t.startswith("tests/") and Path(t).name.startswith("test_") for t in tests)


def test_the_issue_s_modules_are_all_in_the_plan() -> None:
    files = {f for m in run.load_modules() for f in m.files}
    for needed in ("site_builder/content/corpus.py", "site_builder/plugins/core/reuse.py",
                   "search_index/indexer.py", "search_index/runtime.py",
                   "site_builder/plugins/graph/citations.py",
                   "site_builder/plugins/audio/timing.py", "a11y/site.py",
                   "functions/runtime/idempotency.py", "functions/runtime/audit.py",
                   "functions/runtime/limits.py", "functions/runtime/auth.py",
                   "functions/match/service.py"):
        assert needed in files, needed


def test_equivalent_mutants_belong_to_a_module_and_give_a_reason() -> None:
    modules = {m.key: m for m in run.load_modules()}
    for file in sorted(run.EQUIVALENT_DIR.glob("*.toml")):
        module = modules.get(file.stem)
        assert module is not None, f"{file.name}: no module {file.stem!r} in modules.toml"
        prefixes = tuple(f[:-3].replace("/", ".") + "." for f in module.files)
        for entry in tomllib.loads(file.read_text("utf-8")).get("equivalent", []):
            assert str(entry["mutant"]).startswith(prefixes), (file.name, entry["mutant"])
            assert len(str(entry.get("reason", "")).strip()) >= 10, (file.name, entry["mutant"])


def test_scores_count_equivalents_out_and_timeouts_in() -> None:
    score = run.Score("m", "m", "python", [], total=10, killed=6, timeout=1, survived=2,
                      equivalent=1)
    assert score.detected == 7
    assert score.counted == 9
    assert round(score.score, 1) == 77.8
    assert run.Score("e", "e", "python", []).score == 100.0
