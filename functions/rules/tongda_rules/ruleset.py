"""A rule set: every policy's rules in one document, as ``api/match/rules.json`` holds it.

The build writes it; the match function publishes it as a revision; the calculator in
the browser reads it. :func:`ruleset_problems` is the one check a rule set must pass
before anyone serves it: the shape of every rule, the rules against the declared facts,
compilation in the engine, and each policy's own worked cases.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from pydantic import ValidationError

from .check import check_rules
from .model import Amount, FactsFile, Rule, RuleCase

#: Version of the rule set's format (``version`` in the document).
RULES_VERSION = 1
_SUBJECTS = ("enterprise", "person")


def digest_of(document: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON of a rule set."""
    canonical = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def content_digest(document: dict[str, Any]) -> str:
    """The digest of what a rule set says, leaving out the day it was generated.

    Two builds of unchanged rules on different days give the same content digest, so a
    redeploy does not make a new revision of rules that did not change.
    """
    return digest_of({k: v for k, v in document.items() if k != "generated"})


def ruleset_problems(document: dict[str, Any]) -> list[str]:
    """Every reason a rule set must not be served; empty when it may be.

    Checks the declared facts, each policy's rules, amount and cases against them, that
    the engine compiles every rule, and that every policy reproduces its own cases.
    """
    try:
        facts = FactsFile.model_validate(document.get("facts"))
    except ValidationError as exc:
        return [f"facts.{_loc(e)}: {e['msg']}" for e in exc.errors()]
    problems: list[str] = []
    ids: set[Any] = set()
    cases: list[tuple[str, str, int, dict[str, Any]]] = []
    for i, policy in enumerate(document.get("policies") or []):
        where = f"policies[{i}]（{policy.get('id')}）"
        if policy.get("id") in ids:
            problems.append(f"{where}: 政策 id 重复")
        ids.add(policy.get("id"))
        if policy.get("subject") not in _SUBJECTS:
            problems.append(f"{where}.subject: 应为 enterprise 或 person")
            continue
        try:
            rules = [Rule.model_validate(r) for r in policy.get("eligibility") or []]
            amount = Amount.model_validate(policy["amount"]) if policy.get("amount") else None
            own = [RuleCase.model_validate(c) for c in policy.get("cases") or []]
        except ValidationError as exc:
            problems += [f"{where}.{_loc(e)}: {e['msg']}" for e in exc.errors()]
            continue
        problems += [f"{where}.{p.field}: {p.message}"
                     for p in check_rules(policy["subject"], rules, amount, own, facts)]
        cases += [(where, policy["id"], j, c.model_dump(mode="json", exclude_unset=True))
                  for j, c in enumerate(own)]
    if problems:
        return problems
    return _engine_problems(document, cases)


def _engine_problems(document: dict[str, Any],
                     cases: list[tuple[str, str, int, dict[str, Any]]]) -> list[str]:
    from .engine import Matcher, check_case

    try:
        matcher = Matcher(document)
    except Exception as exc:  # noqa: BLE001 - any engine failure means "do not serve"
        return [f"计算引擎无法编译这些规则：{exc}"]
    subjects = {p["id"]: p["subject"] for p in document.get("policies") or []}
    problems = []
    for where, policy_id, j, case in cases:
        try:
            diffs = check_case(matcher, policy_id, subjects[policy_id], case)
        except Exception as exc:  # noqa: BLE001 - an engine failure on a case is a problem too
            diffs = [f"计算失败：{exc}"]
        problems += [f"{where}.cases.{j}: 案例“{case['name']}”不成立：{d}" for d in diffs]
    return problems


def _loc(error: Any) -> str:
    return ".".join(str(p) for p in error.get("loc", ())) or "(整体)"
