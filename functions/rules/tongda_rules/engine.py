"""Evaluating rules: a compiled rule set matched against profiles (no HTTP, no storage).

The same algorithm runs in the browser (``themes/tongda/components/calculator/match-core.js``)
and the two must agree on every output; change both together. Per policy:

- each condition is ``unknown`` when a fact it reads is missing (absent or null), else
  ``met``/``unmet`` by its JSON Logic;
- ``eligible`` is ``False`` when any condition is unmet, ``True`` when all are met, else
  ``None`` (not enough facts to say);
- ``degree`` is ``floor(100 * met / conditions)`` (100 when a policy has no conditions);
- ``amount`` (分) is computed only when no condition is unmet and every fact the formula
  reads is known: ``floor(x + 0.5)``, at least 0; a non-finite value gives no amount;
- results sort by eligible (yes, unknown, no), degree, amount (none last), then policy id.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .check import fact_reads, profile_problems
from .model import Fact

_RANK = {True: 0, None: 1, False: 2}


class ProfileError(ValueError):
    """A profile that does not fit the declared facts; ``problems`` lists (fact, message)."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{name}: {msg}" for name, msg in problems))


def _engine() -> Any:
    try:
        import datalogic_py
    except ImportError as exc:  # pragma: no cover - a dependency of the package
        raise RuntimeError("计算规则需要 datalogic-py：pip install datalogic-py") from exc
    return datalogic_py


@dataclass
class _Compiled:
    policy: dict[str, Any]
    conditions: list[tuple[dict[str, Any], list[str], int]] = field(default_factory=list)
    amount: tuple[list[str], int] | None = None


class Matcher:
    """Compiled rules of one rule set, ready to match many profiles.

    Args:
        ruleset: The document the build emits as ``api/match/rules.json``: ``facts`` by
            subject and ``policies`` with ``eligibility`` and ``amount``.
    """

    def __init__(self, ruleset: dict[str, Any]) -> None:
        dl = _engine()
        self._dl = dl
        self._engine = dl.Engine()
        self.facts: dict[str, dict[str, Fact]] = {
            subject: {f["name"]: Fact.model_validate(f) for f in facts}
            for subject, facts in ruleset.get("facts", {}).items()
        }
        self._rules: dict[str, list[Any]] = {}
        self._policies: dict[str, list[_Compiled]] = {}
        for policy in ruleset.get("policies", []):
            self._add(policy)

    def _add(self, policy: dict[str, Any]) -> None:
        subject = policy["subject"]
        rules = self._rules.setdefault(subject, [])
        compiled = _Compiled(policy)
        for cond in policy.get("eligibility", []):
            rules.append(self._engine.compile(cond["logic"]))
            compiled.conditions.append((cond, fact_reads(cond["logic"]), len(rules) - 1))
        amount = policy.get("amount")
        if amount is not None:
            rules.append(self._engine.compile(amount["logic"]))
            compiled.amount = (fact_reads(amount["logic"]), len(rules) - 1)
        self._policies.setdefault(subject, []).append(compiled)

    @property
    def policy_count(self) -> int:
        """How many policies the rule set holds."""
        return sum(len(p) for p in self._policies.values())

    def validate(self, subject: str, profile: dict[str, Any]) -> None:
        """Raise :class:`ProfileError` when ``profile`` does not fit ``subject``'s facts."""
        if subject not in self.facts:
            raise ProfileError([("subject", f"未知的主体 {subject!r}，应为 enterprise 或 person")])
        problems = profile_problems(profile, self.facts[subject])
        if problems:
            raise ProfileError(problems)

    def match(self, subject: str, profile: dict[str, Any],
              only: Iterable[str] | None = None) -> list[dict[str, Any]]:
        """Match ``profile`` against every policy of ``subject``, best first.

        Args:
            subject: ``enterprise`` or ``person``.
            profile: Fact values; a missing or null fact is unknown.
            only: Policy ids to keep (all when ``None``).

        Raises:
            ProfileError: The profile does not fit the declared facts.
        """
        self.validate(subject, profile)
        known = {k: v for k, v in profile.items() if v is not None}
        values = self._evaluate_all(subject, known)
        wanted = set(only) if only is not None else None
        results = [self._result(c, known, values) for c in self._policies.get(subject, [])
                   if wanted is None or c.policy["id"] in wanted]
        results.sort(key=sort_key)
        return results

    def _evaluate_all(self, subject: str, known: dict[str, Any]) -> list[Any]:
        rules = self._rules.get(subject, [])
        if not rules:
            return []
        handle = self._dl.DataHandle(known)
        with self._engine.session() as session:
            raw = session.evaluate_many(rules, handle)
        return [_decode(r) for r in raw]

    def _result(self, c: _Compiled, known: dict[str, Any], values: list[Any]) -> dict[str, Any]:
        conditions = []
        for cond, reads, index in c.conditions:
            missing = [name for name in reads if name not in known]
            value = values[index]
            outcome = "unknown" if missing or not isinstance(value, bool) else (
                "met" if value else "unmet")
            conditions.append({"id": cond["id"], "label": cond["label"],
                               "clause": cond.get("clause"), "result": outcome,
                               "missing": missing})
        return summarise(c.policy, conditions, self._amount(c, known, values))

    @staticmethod
    def _amount(c: _Compiled, known: dict[str, Any], values: list[Any]) -> float | None:
        if c.amount is None:
            return None
        reads, index = c.amount
        if any(name not in known for name in reads):
            return None
        value = values[index]
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return None
        return value


_LITERALS: dict[str, Any] = {"true": True, "false": False, "null": None}


def _decode(raw: Any) -> Any:
    # Conditions give true/false: skip the JSON parser for them (thousands per request).
    if not isinstance(raw, str):
        return None  # a per-item evaluation error
    literal = _LITERALS.get(raw, _decode)
    return json.loads(raw) if literal is _decode else literal


def round_fen(value: float | None) -> int | None:
    """Round an amount to whole 分: halves up, never below 0, ``None`` if not finite."""
    if value is None or not math.isfinite(value):
        return None
    return max(0, math.floor(value + 0.5))


def summarise(policy: dict[str, Any], conditions: list[dict[str, Any]],
              raw_amount: float | None) -> dict[str, Any]:
    """Build one policy's result from its condition outcomes and raw amount."""
    met = sum(1 for c in conditions if c["result"] == "met")
    unmet = sum(1 for c in conditions if c["result"] == "unmet")
    unknown = len(conditions) - met - unmet
    eligible = False if unmet else (True if not unknown else None)
    degree = 100 if not conditions else (100 * met) // len(conditions)
    amount = round_fen(raw_amount) if not unmet else None
    return {
        "policy": {k: policy.get(k) for k in ("id", "title", "url", "doc_number", "issuer")},
        "eligible": eligible,
        "degree": degree,
        "met": met, "unmet": unmet, "unknown": unknown,
        "conditions": conditions,
        "amount": amount,
        "amount_label": (policy.get("amount") or {}).get("label"),
        "next_steps": list(policy.get("services", [])),
    }


def sort_key(result: dict[str, Any]) -> tuple[int, int, int, str]:
    """Eligible first, then unknown, then not; higher degree; larger amount; id."""
    amount = result["amount"]
    return (_RANK[result["eligible"]], -result["degree"],
            -(amount if amount is not None else -1), result["policy"]["id"])


def check_case(matcher: Matcher, policy_id: str, subject: str, case: dict[str, Any]) -> list[str]:
    """Return how ``case`` (a RuleCase as a dict) differs from what the rules give."""
    (result,) = matcher.match(subject, case["profile"], only=[policy_id])
    expect = case["expect"]
    diffs = []
    # eligible is always checked; amount and degree only where the case states them.
    for key in ("eligible", "amount", "degree"):
        if (key == "eligible" or key in expect) and expect.get(key) != result[key]:
            diffs.append(f"{key}: 期望 {expect.get(key)!r}，实际 {result[key]!r}")
    for cid, outcome in (expect.get("conditions") or {}).items():
        got = next((c["result"] for c in result["conditions"] if c["id"] == cid), None)
        if got != outcome:
            diffs.append(f"conditions.{cid}: 期望 {outcome}，实际 {got}")
    return diffs


