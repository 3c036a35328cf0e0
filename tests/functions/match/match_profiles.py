"""Generated profiles for the Python/JavaScript parity tests (deterministic by seed)."""

from __future__ import annotations

import random
from typing import Any


def _constants(logic: Any, out: set[float]) -> None:
    if isinstance(logic, bool):
        return
    if isinstance(logic, (int, float)):
        out.add(logic)
    elif isinstance(logic, list):
        for item in logic:
            _constants(item, out)
    elif isinstance(logic, dict):
        for value in logic.values():
            _constants(value, out)


def thresholds(ruleset: dict[str, Any]) -> list[float]:
    """Numeric constants of every rule: values near them are where engines could differ."""
    found: set[float] = set()
    for policy in ruleset["policies"]:
        for cond in policy.get("eligibility", []):
            _constants(cond["logic"], found)
        if policy.get("amount"):
            _constants(policy["amount"]["logic"], found)
    return sorted(found)


def _number(rng: random.Random, fact: dict[str, Any], near: list[float]) -> Any:
    low = fact.get("min", 0 if fact["type"] == "money" else -1000)
    high = fact.get("max", {"money": 10**13, "integer": 10**9}.get(fact["type"], 10**9))
    pick = rng.random()
    if pick < 0.5 and near:
        value = rng.choice(near) + rng.choice([-1, 0, 1, 0.5, -0.5])
    elif pick < 0.6:
        value = rng.choice([low, high, 0, 1])
    else:
        value = rng.uniform(low, min(high, 10**10))
    value = min(max(value, low), high)
    if fact["type"] in ("integer", "money"):
        return int(value)
    return value


def profile(rng: random.Random, facts: list[dict[str, Any]], near: list[float],
            invalid_rate: float = 0.05) -> dict[str, Any]:
    """One profile: some facts missing or null, values around the rules' thresholds."""
    out: dict[str, Any] = {}
    for fact in facts:
        roll = rng.random()
        if roll < 0.15:
            continue
        if roll < 0.2:
            out[fact["name"]] = None
            continue
        kind = fact["type"]
        if kind in ("integer", "money", "number"):
            out[fact["name"]] = _number(rng, fact, near)
        elif kind == "boolean":
            out[fact["name"]] = rng.random() < 0.5
        elif kind == "string":
            options = fact.get("options") or ["江北区", "江南区", "临江新区"]
            out[fact["name"]] = rng.choice(options)
        else:
            options = fact.get("options") or []
            out[fact["name"]] = rng.sample(options, rng.randint(0, len(options)))
    if facts and rng.random() < invalid_rate:
        # Values both sides must refuse: booleans as numbers, numeric strings, floats as 分.
        name = rng.choice(facts)["name"]
        out[name] = rng.choice([False, True, "100", 1.5, [1], {"a": 1}, "高新技术企业"])
    return out
