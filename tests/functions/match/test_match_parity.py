"""Python (datalogic-py) and the browser (json-logic-js, run by Node) agree exactly."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from match_profiles import profile, thresholds
from match_testlib import build_ruleset
from tongda_rules import Matcher, ProfileError

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[3]
ALL_STATUSES = ("draft", "consultation", "effective", "amended", "expired", "repealed")


def python_side(ruleset: dict[str, Any], jobs: list[dict[str, Any]]) -> list[Any]:
    matcher = Matcher(ruleset)
    out = []
    for job in jobs:
        try:
            out.append({"results": matcher.match(job["subject"], job["profile"], job.get("only"))})
        except ProfileError as exc:
            out.append({"problems": [[name, "x"] for name, _ in exc.problems]})
    return out


def normalise(outputs: list[Any]) -> list[Any]:
    # Messages are worded for each side's readers; which facts are refused must agree.
    return [{"problems": sorted(p[0] for p in o["problems"])} if "problems" in o else o
            for o in outputs]


def case_jobs(cases: list[Any]) -> list[dict[str, Any]]:
    return [{"subject": subject, "profile": case["profile"], "only": [pid]}
            for pid, subject, case in cases]


def test_every_fixture_case_holds_in_python(fixture_rules: Any) -> None:
    ruleset, cases = fixture_rules
    assert len(cases) >= 8
    outputs = python_side(ruleset, case_jobs(cases))
    for (pid, _, case), out in zip(cases, outputs, strict=True):
        (result,) = out["results"]
        expect = case["expect"]
        assert result["eligible"] == expect["eligible"], (pid, case["name"])
        for key in ("amount", "degree"):
            if key in expect:
                assert result[key] == expect[key], (pid, case["name"], key)


def test_python_and_javascript_agree_on_every_case(fixture_rules: Any, node: Any) -> None:
    ruleset, cases = fixture_rules
    jobs = case_jobs(cases)
    assert normalise(node("run_match.js", {"ruleset": ruleset, "jobs": jobs})) == \
        normalise(python_side(ruleset, jobs))


def test_python_and_javascript_agree_on_generated_profiles(fixture_rules: Any, node: Any) -> None:
    ruleset, _ = fixture_rules
    rng = random.Random(20240601)
    near = thresholds(ruleset)
    jobs = []
    for _ in range(3000):
        subject = rng.choice(["enterprise", "person"])
        jobs.append({"subject": subject, "profile": profile(rng, ruleset["facts"][subject], near)})
    py = normalise(python_side(ruleset, jobs))
    js = normalise(node("run_match.js", {"ruleset": ruleset, "jobs": jobs}))
    refused = sum(1 for o in py if "problems" in o)
    assert 50 < refused < 600  # the generator does exercise validation, and mostly matching
    mismatches = [(job, a, b) for job, a, b in zip(jobs, py, js, strict=True) if a != b]
    assert not mismatches, mismatches[:3]
    outcomes = {c["result"] for o in py if "results" in o for r in o["results"]
                for c in r["conditions"]}
    assert outcomes == {"met", "unmet", "unknown"}


def test_demo_content_cases_agree(node: Any) -> None:
    docs = ROOT / "content"
    ruleset, cases = build_ruleset(docs, content_errors_ok=True, statuses=ALL_STATUSES)
    assert cases, "the demo's enterprise policies must carry rule cases"
    jobs = case_jobs(cases)
    py = python_side(ruleset, jobs)
    assert len(cases) >= 20
    assert normalise(node("run_match.js", {"ruleset": ruleset, "jobs": jobs})) == normalise(py)
    for (pid, _, case), out in zip(cases, py, strict=True):
        (result,) = out["results"]
        assert result["eligible"] == case["expect"]["eligible"], (pid, case["name"])
