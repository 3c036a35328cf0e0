"""Shared fixtures of the match tests: a rule set built from the fixture policies."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[3]
FIXTURE_SITE = ROOT / "tests" / "fixtures" / "match-site"
NODE = shutil.which("node")


def build_ruleset(docs_dir: Path, today: str | None = None, *,
                  content_errors_ok: bool = False) -> tuple[dict[str, Any], list[Any]]:
    """Rule set and cases of a content folder, without running MkDocs.

    ``content_errors_ok``: the demo content's other errors (dangling links…) are checked by
    the content tests; here only the rules matter.
    """
    import datetime as dt

    from site_builder.content.corpus import load_corpus
    from site_builder.plugins.match.ruleset import RulesetBuilder, load_facts

    corpus = load_corpus(docs_dir, today=dt.date.fromisoformat(today) if today else None)
    assert content_errors_ok or not corpus.errors, [e.format() for e in corpus.errors]
    facts = load_facts(docs_dir / "_data" / "facts.yml", "_data/facts.yml")
    builder = RulesetBuilder(facts, ["effective", "amended"])
    ruleset = builder.build(corpus, verify_cases=False)
    assert not builder.errors, [e.format() for e in builder.errors]
    ids = {p["id"] for p in ruleset["policies"]}
    cases = [(e.id, e.meta.subject, c.model_dump(mode="json", exclude_unset=True))
             for e in corpus.of_kind("policy") if e.id in ids for c in e.meta.cases]
    return ruleset, cases


@pytest.fixture(scope="session")
def fixture_rules() -> tuple[dict[str, Any], list[Any]]:
    return build_ruleset(FIXTURE_SITE / "content", today="2024-06-01")


def run_node(script: str, payload: Any) -> Any:
    """Run one of the Node helpers beside this file with ``payload`` on stdin."""
    if NODE is None:
        pytest.skip("Node.js is not installed (needed to run the browser matcher)")
    done = subprocess.run([NODE, str(Path(__file__).parent / script)], input=json.dumps(payload),
                          capture_output=True, text=True, timeout=300, check=True)
    return json.loads(done.stdout)


@pytest.fixture(scope="session")
def node() -> Any:
    """A function running a Node helper of this folder (skips when Node is missing)."""
    return run_node
