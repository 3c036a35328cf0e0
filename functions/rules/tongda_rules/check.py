"""Rules checked against the declared facts, and profiles checked against them too.

:func:`check_rules` adds what needs the declared facts (``content/_data/facts.yml``, a
:class:`~tongda_rules.model.FactsFile`): every ``var`` names a declared fact, operand
types fit, string constants are among a fact's options, and no computation can leave the
range where both engines count exactly (|x| <= 2**53). :func:`profile_problems` checks a
profile's values the way the server and the browser do.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from .model import DEFAULT_MAX, EXACT_LIMIT, Amount, Fact, FactsFile, Rule, RuleCase


@dataclass(frozen=True)
class RuleProblem:
    """A mistake found by :func:`check_rules`: the front-matter field and what to fix."""

    field: str
    message: str


# --- typing of logic against the declared facts -------------------------------------

_NUM, _BOOL, _STR, _LIST = "number", "boolean", "string", "list"
_FACT_KIND = {"integer": _NUM, "money": _NUM, "number": _NUM, "boolean": _BOOL,
              "string": _STR, "list": _LIST}


@dataclass(frozen=True)
class _Typed:
    kind: str
    bound: float = 0.0
    options: tuple[str, ...] | None = None
    literal: bool = False


class _Checker:
    """Infers the type and magnitude bound of each expression; records problems."""

    def __init__(self, facts: dict[str, Fact], field: str) -> None:
        self.facts = facts
        self.field = field
        self.problems: list[RuleProblem] = []
        self.reads: set[str] = set()

    def fail(self, message: str) -> _Typed:
        self.problems.append(RuleProblem(self.field, message))
        return _Typed("error")

    def visit(self, node: Any) -> _Typed:
        if isinstance(node, bool):
            return _Typed(_BOOL)
        if isinstance(node, (int, float)):
            return _Typed(_NUM, abs(float(node)))
        if isinstance(node, str):
            return _Typed(_STR, options=(node,), literal=True)
        if node is None:
            return self.fail("不能使用 null 常量")
        if isinstance(node, list):
            items = [self.visit(x) for x in node]
            if any(t.kind != _STR for t in items):
                return self.fail("列表常量只能包含字符串")
            return _Typed(_LIST, options=tuple(node), literal=True)
        (op, args), = node.items()
        args = args if isinstance(args, list) else [args]
        if op == "var":
            return self._var(args[0])
        typed = [self.visit(a) for a in args]
        if any(t.kind == "error" for t in typed):
            return _Typed("error")
        return self._operator(op, typed)

    def _var(self, name: str) -> _Typed:
        fact = self.facts.get(name)
        if fact is None:
            known = "、".join(sorted(self.facts)) or "（无）"
            return self.fail(f"未声明的事实 {name!r}；可用的事实：{known}")
        self.reads.add(name)
        options = tuple(fact.options) if fact.options else None
        return _Typed(_FACT_KIND[fact.type], fact.upper, options)

    def _operator(self, op: str, t: list[_Typed]) -> _Typed:
        if op in ("==", "!=", "===", "!=="):
            return self._equality(op, t[0], t[1])
        if op in ("<", "<=", ">", ">="):
            return self._require(op, t, _NUM, _Typed(_BOOL))
        if op in ("!", "and", "or"):
            return self._require(op, t, _BOOL, _Typed(_BOOL))
        if op == "if":
            return self._if(t)
        if op == "in":
            return self._in(t[0], t[1])
        result = self._require(op, t, _NUM, _Typed(_NUM, self._bound(op, t)))
        if result.kind == _NUM and result.bound > EXACT_LIMIT:
            return self.fail(f"运算 {op!r} 的结果可能超过 2**53，浏览器与服务器会算得不同；"
                             "请缩小事实的 max 或常量")
        return result

    def _bound(self, op: str, t: list[_Typed]) -> float:
        if op in ("+", "-"):
            return sum(x.bound for x in t)
        if op == "*":
            return math.prod(x.bound for x in t)
        if op == "/":
            return t[0].bound / t[1].bound if t[1].bound else math.inf
        return max(x.bound for x in t)

    def _require(self, op: str, t: list[_Typed], kind: str, result: _Typed) -> _Typed:
        wrong = [x.kind for x in t if x.kind != kind]
        if wrong:
            return self.fail(f"运算 {op!r} 的参数必须都是 {kind}，却有 {', '.join(wrong)}")
        return result

    def _equality(self, op: str, a: _Typed, b: _Typed) -> _Typed:
        if a.kind != b.kind or a.kind == _LIST:
            return self.fail(f"运算 {op!r} 只能比较同类型的数字、字符串或布尔值，"
                             f"却是 {a.kind} 与 {b.kind}")
        if a.kind == _STR:
            self._options_cover(a, b)
        return _Typed(_BOOL)

    def _options_cover(self, a: _Typed, b: _Typed) -> None:
        # A constant outside a fact's options can never match: almost always a typo.
        for fact_side, const_side in ((a, b), (b, a)):
            if fact_side.options and const_side.options and not fact_side.literal \
                    and const_side.literal:
                missing = [v for v in const_side.options if v not in fact_side.options]
                if missing:
                    self.fail(f"取值 {'、'.join(missing)} 不在事实的可选值中："
                              f"{'、'.join(fact_side.options)}")

    def _in(self, needle: _Typed, hay: _Typed) -> _Typed:
        if needle.kind != _STR or hay.kind not in (_LIST, _STR):
            return self.fail(f"运算 'in' 需要 字符串 in 列表（或字符串），却是 {needle.kind} in {hay.kind}")
        self._options_cover(needle, hay)
        return _Typed(_BOOL)

    def _if(self, t: list[_Typed]) -> _Typed:
        if len(t) % 2 == 0:
            return self.fail("运算 'if' 需要奇数个参数：条件、结果……、否则的结果")
        conds, branches = t[0:-1:2], [*t[1:-1:2], t[-1]]
        if any(c.kind != _BOOL for c in conds):
            return self.fail("运算 'if' 的条件必须是布尔值")
        kinds = {b.kind for b in branches}
        if len(kinds) != 1:
            return self.fail(f"运算 'if' 的各个结果必须同类型，却有 {', '.join(sorted(kinds))}")
        return _Typed(kinds.pop(), max(b.bound for b in branches))


def fact_reads(logic: Any) -> list[str]:
    """Return the fact names ``logic`` reads, in order of first use."""
    seen: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for op, args in node.items():
                if op == "var":
                    name = args[0] if isinstance(args, list) else args
                    if name not in seen:
                        seen.append(name)
                else:
                    walk(args)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(logic)
    return seen


def check_rules(subject: str | None, eligibility: list[Rule], amount: Amount | None,
                cases: list[RuleCase], facts: FactsFile) -> list[RuleProblem]:
    """Check a policy's rules against the declared facts.

    Args:
        subject: ``enterprise`` or ``person`` (required once there are rules).
        eligibility: The policy's conditions.
        amount: The amount formula, if any.
        cases: The policy's worked examples.
        facts: The declared facts.

    Returns:
        Every problem found, each naming its front-matter field; empty when all is well.
    """
    if not (eligibility or amount or cases):
        return []
    if subject is None:
        return [RuleProblem("subject", "有适用条件的政策必须写 subject: enterprise 或 person")]
    known = facts.of(subject)
    problems: list[RuleProblem] = []
    ids = [r.id for r in eligibility]
    for i, rule in enumerate(eligibility):
        if ids.count(rule.id) > 1:
            problems.append(RuleProblem(f"eligibility.{i}.id", f"条件 id {rule.id!r} 重复"))
        problems += _typed(known, rule.logic, f"eligibility.{i}.logic", _BOOL)
    if amount is not None:
        problems += _typed(known, amount.logic, "amount.logic", _NUM)
    for i, case in enumerate(cases):
        problems += _check_case(case, f"cases.{i}", known, ids, amount is not None)
    return problems


def _typed(known: dict[str, Fact], logic: Any, field: str, want: str) -> list[RuleProblem]:
    checker = _Checker(known, field)
    got = checker.visit(logic)
    if got.kind not in ("error", want):
        word = "真假（boolean）" if want == _BOOL else "数字（分）"
        checker.fail(f"结果必须是{word}，这里得到 {got.kind}")
    return checker.problems


def _check_case(case: RuleCase, field: str, known: dict[str, Fact], ids: list[str],
                has_amount: bool) -> list[RuleProblem]:
    problems = [RuleProblem(f"{field}.profile.{name}", f"{message}")
                for name, message in profile_problems(case.profile, known)]
    for cid in (case.expect.conditions or {}):
        if cid not in ids:
            problems.append(RuleProblem(f"{field}.expect.conditions.{cid}", "没有这个条件 id"))
    if case.expect.amount is not None and not has_amount:
        problems.append(RuleProblem(f"{field}.expect.amount", "政策没有 amount 公式，不能期望金额"))
    return problems


def profile_problems(profile: dict[str, Any], known: dict[str, Fact]) -> list[tuple[str, str]]:
    """Check a profile's values against the declared facts, as the server and browser do.

    ``None`` means "not known" and is allowed for every fact. Booleans are never numbers,
    numbers never strings; integers and money must be whole numbers.

    Returns:
        ``(fact name, message)`` for every bad value; empty when the profile is valid.
    """
    out: list[tuple[str, str]] = []
    for name, value in profile.items():
        fact = known.get(name)
        if fact is None:
            out.append((name, f"未声明的事实；可用的事实：{'、'.join(sorted(known))}"))
        elif value is not None:
            message = _value_problem(fact, value)
            if message:
                out.append((name, message))
    return out


def _value_problem(fact: Fact, value: Any) -> str | None:
    if fact.type in DEFAULT_MAX:
        return _number_problem(fact, value)
    if fact.type == "boolean":
        return None if isinstance(value, bool) else "必须是 true 或 false"
    if fact.type == "string":
        if not isinstance(value, str):
            return "必须是字符串"
        if fact.options and value not in fact.options:
            return f"取值 {value!r} 不在可选值中：{'、'.join(fact.options)}"
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return "必须是字符串列表"
    if len(set(value)) != len(value):
        return "列表中有重复的值"
    bad = [v for v in value if fact.options and v not in fact.options]
    return f"取值 {'、'.join(bad)} 不在可选值中：{'、'.join(fact.options or [])}" if bad else None


def _number_problem(fact: Fact, value: Any) -> str | None:
    whole = fact.type in ("integer", "money")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "必须是数字（true/false 和字符串都不算数字）"
    if isinstance(value, float) and not math.isfinite(value):
        return "必须是有限的数字"
    if whole and not (isinstance(value, int) or value.is_integer()):
        return "必须是整数" + ("（金额以分为单位）" if fact.type == "money" else "")
    low = fact.min if fact.min is not None else (0 if fact.type == "money" else -fact.upper)
    if value < low or value > fact.upper:
        return f"必须在 {low:g} 到 {fact.upper:g} 之间"
    return None
