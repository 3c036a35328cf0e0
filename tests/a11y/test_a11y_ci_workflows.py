"""The CI files in docs/ci/ do what docs/publishing.md promises: install, check, build,
a11y, keep the caches, and publish only after both checks pass."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.unit

CI = Path(__file__).parent.parent.parent / "docs" / "ci"


def ordered(commands: str, *needles: str) -> bool:
    positions = [commands.find(n) for n in needles]
    return all(p >= 0 for p in positions) and positions == sorted(positions)


def test_github_actions_checks_before_publishing() -> None:
    wf = yaml.safe_load((CI / "github-actions.yml").read_text(encoding="utf-8"))
    build = wf["jobs"]["build"]
    runs = "\n".join(step.get("run", "") for step in build["steps"])
    assert ordered(runs, "pip install", "npm ci", "tongda check", "tongda build", "tongda a11y")
    cached = "\n".join(str(s.get("with", {}).get("path", "")) for s in build["steps"]
                       if str(s.get("uses", "")).startswith("actions/cache"))
    assert ".tongda-cache" in cached
    uploads = [s for s in build["steps"] if "upload-pages-artifact" in str(s.get("uses"))]
    assert uploads[0]["with"]["path"] == "site/"
    assert wf["jobs"]["publish"]["needs"] == "build"
    assert "deploy-pages" in wf["jobs"]["publish"]["steps"][0]["uses"]


def test_gitlab_ci_checks_before_publishing() -> None:
    ci = yaml.safe_load((CI / "gitlab-ci.yml").read_text(encoding="utf-8"))
    job = ci["build-and-check"]
    commands = "\n".join(job["before_script"] + job["script"])
    assert ordered(commands, "pip install", "npm ci", "tongda check", "tongda build",
                   "tongda a11y")
    assert any(".tongda-cache/" in c["paths"] for c in job["cache"])
    assert ci["pages"]["needs"] == ["build-and-check"]
    assert ci["pages"]["artifacts"]["paths"] == ["public"]
    assert "cp -r site public" in ci["pages"]["script"][-1]
