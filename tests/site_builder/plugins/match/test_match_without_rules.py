"""A site whose documents carry no rules (an imported law library) needs no facts.yml."""

from __future__ import annotations

import json

import pytest

from tests.conftest import tongda

pytestmark = pytest.mark.integration


def test_site_without_rules_or_facts_builds(project) -> None:
    root = project("portal-small")
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "  - tongda-match\n", encoding="utf-8")
    assert not (root / "content/_data/facts.yml").exists()
    result = tongda("build", cwd=root)
    assert result.returncode == 0, result.stderr
    rules = json.loads((root / "site/api/match/rules.json").read_text(encoding="utf-8"))
    assert rules["policies"] == []


def test_rules_without_facts_is_still_an_error(project) -> None:
    root = project("portal-small")
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "  - tongda-match\n", encoding="utf-8")
    policy = root / "content/policies/city-travel-2023.md"
    policy.write_text(policy.read_text(encoding="utf-8").replace("topics: [travel]\n", (
        "topics: [travel]\nsubject: person\neligibility:\n  - id: age\n    label: 年满18周岁\n"
        "    clause: 第二条\n    logic: {\">=\": [{\"var\": \"age\"}, 18]}\n"), 1), encoding="utf-8")
    result = tongda("build", cwd=root)
    assert result.returncode == 1
    assert "facts.yml" in result.stderr and not (root / "site").exists()
