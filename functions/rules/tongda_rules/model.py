"""The policy rules model: conditions, amount formulas, worked cases and declared facts.

A policy's front matter carries ``subject``, ``eligibility`` (one :class:`Rule` per
condition), ``amount`` (an :class:`Amount` formula) and ``cases`` (:class:`RuleCase`).
Conditions and formulas are JSON Logic restricted to :data:`OPERATORS`, a subset that
``datalogic-py`` (the server) and ``json-logic-js`` (the browser) evaluate identically
once fact values are type-checked. Every number written in a rule lies within
±:data:`EXACT_LIMIT` and a rule nests at most :data:`MAX_DEPTH` operations deep, so
both engines read it the same way and neither can be made to fail by it.
"""

from __future__ import annotations

import math
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Subject = Literal["enterprise", "person"]
FactType = Literal["integer", "money", "number", "boolean", "string", "list"]
Outcome = Literal["met", "unmet", "unknown"]

#: Operators allowed in rules, with (min, max) argument counts (max ``None``: unbounded).
OPERATORS: dict[str, tuple[int, int | None]] = {
    "var": (1, 1),
    "==": (2, 2), "!=": (2, 2), "===": (2, 2), "!==": (2, 2),
    "<": (2, 3), "<=": (2, 3), ">": (2, 2), ">=": (2, 2),
    "!": (1, 1), "and": (1, None), "or": (1, None), "if": (3, None),
    "in": (2, 2),
    "+": (1, None), "-": (1, 2), "*": (2, None), "/": (2, 2),
    "min": (1, None), "max": (1, None),
}
#: Largest magnitude both engines represent exactly (JavaScript numbers are doubles).
EXACT_LIMIT = 2**53
#: Deepest nesting of operations in one rule: real conditions nest three or four deep;
#: the engines recurse, and a rule 150 deep made the server fail.
MAX_DEPTH = 32
DEFAULT_MAX: dict[str, float] = {"integer": 1e9, "money": 1e13, "number": 1e9}
_ID_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


def _check_shape(node: Any, where: str = "logic", depth: int = 0) -> None:
    """Raise ``ValueError`` naming the spot when ``node`` leaves the operator subset."""
    if isinstance(node, bool) or node is None or isinstance(node, str):
        return
    if isinstance(node, (int, float)):
        if isinstance(node, float) and not math.isfinite(node):
            raise ValueError(f"{where}: 数字必须是有限值")
        if abs(node) > EXACT_LIMIT:
            raise ValueError(f"{where}: 数字 {node} 超出 ±2**53（9007199254740992），"
                             "浏览器与服务器无法精确表示；金额请以分为单位，写在这个范围内")
        return
    if depth >= MAX_DEPTH:
        raise ValueError(f"{where}: 运算嵌套超过 {MAX_DEPTH} 层，请把条件拆成几条")
    if isinstance(node, list):
        for i, item in enumerate(node):
            _check_shape(item, f"{where}[{i}]", depth + 1)
        return
    if not isinstance(node, dict) or len(node) != 1:
        raise ValueError(f"{where}: 每个运算必须是只有一个键的对象，如 {{\">=\": [..., ...]}}")
    (op, args), = node.items()
    if op not in OPERATORS:
        allowed = " ".join(OPERATORS)
        raise ValueError(f"{where}: 不支持的运算符 {op!r}，只能使用：{allowed}")
    args = args if isinstance(args, list) else [args]
    low, high = OPERATORS[op]
    if len(args) < low or (high is not None and len(args) > high):
        want = f"{low}" if low == high else f"{low} 到 {high if high else '多'}"
        raise ValueError(f"{where}: 运算符 {op!r} 需要 {want} 个参数，实际 {len(args)} 个")
    if op == "var":
        if not isinstance(args[0], str) or not args[0]:
            raise ValueError(f"{where}: var 的参数必须是事实名称字符串，如 {{\"var\": \"revenue\"}}")
        return
    if op == "/" and (isinstance(args[1], bool) or not isinstance(args[1], (int, float))
                      or args[1] == 0):
        raise ValueError(f"{where}: 除数必须是非零数字常量（两种引擎对除以零的处理不同）")
    for i, item in enumerate(args):
        _check_shape(item, f"{where}.{op}[{i}]", depth + 1)


class Rule(_Strict):
    """One condition of a policy, in words people understand and in JSON Logic.

    Attributes:
        id: Stable id within the policy (``revenue``), used in results and cases.
        label: The condition as a person reads it (上年营业收入不低于2000万元).
        clause: Where the condition comes from (第三条第（一）项).
        logic: JSON Logic that is true when the condition is met.
    """

    id: str = Field(pattern=_ID_PATTERN)
    label: str = Field(min_length=1)
    clause: str = Field(min_length=1)
    logic: dict[str, Any]

    @field_validator("logic")
    @classmethod
    def _logic_in_subset(cls, value: dict[str, Any]) -> dict[str, Any]:
        _check_shape(value)
        return value


class Amount(_Strict):
    """How much a policy gives: a JSON Logic formula whose value is in 分.

    The value is rounded to a whole 分 with halves going up (``floor(x + 0.5)``, the same
    in both engines) and is never negative; a formula that yields no finite number gives
    no amount.
    """

    label: str = Field(min_length=1)
    logic: dict[str, Any] | int

    @field_validator("logic")
    @classmethod
    def _logic_in_subset(cls, value: dict[str, Any] | int) -> dict[str, Any] | int:
        _check_shape(value)
        return value


class Expect(_Strict):
    """What a case must produce; ``eligible`` is ``None`` when the outcome is unknown."""

    eligible: bool | None
    amount: int | None = Field(default=None, ge=0, le=EXACT_LIMIT)
    degree: int | None = Field(default=None, ge=0, le=100)
    conditions: dict[str, Outcome] | None = None


class RuleCase(_Strict):
    """A worked example the policy's rules must reproduce, in Python and in the browser."""

    name: str = Field(min_length=1)
    profile: dict[str, Any]
    expect: Expect


class OptionsFrom(_Strict):
    """Where a fact's options come from: a table in ``content/_data/`` (the build fills them).

    Attributes:
        table: The table: ``regions`` (``_data/regions.yml``, GB/T 2260 codes and names).
        within: Only the divisions directly under this code (``390100``: the city's
            districts); all when unset.
        other: Label of one more option, ``other``, for an answer outside the table
            (临江市以外), so a person can say so instead of leaving the fact unknown.
    """

    table: Literal["regions"]
    within: str | None = Field(default=None, pattern=r"^\d{6}$")
    other: str | None = Field(default=None, min_length=1)


class Fact(_Strict):
    """One declared fact a subject can have (an enterprise's revenue, a person's age).

    Attributes:
        name: The name rules use in ``{"var": name}``.
        label: What the calculator shows (上年营业收入).
        type: ``integer``, ``money`` (integer 分), ``number``, ``boolean``, ``string``
            or ``list`` (of strings, such as tags).
        unit: Unit shown beside the input (元, 人, 年, 岁); money is entered in 元.
        verifiable: Whether the fact can be checked against shared government data.
        options: Allowed values of a ``string`` or ``list`` fact.
        option_labels: What people see for coded options (``390102`` → 滨江区).
        options_from: Options read from a table (districts); the build turns it into
            ``options`` and ``option_labels``.
        min: Smallest allowed value of a numeric fact.
        max: Largest allowed value of a numeric fact (defaults keep arithmetic exact).
        help: A hint shown under the input.
    """

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str = Field(min_length=1)
    type: FactType
    unit: str | None = None
    verifiable: bool = False
    options: list[str] | None = None
    option_labels: dict[str, str] | None = None
    options_from: OptionsFrom | None = None
    min: int | float | None = None
    max: int | float | None = None
    help: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Fact:
        numeric = self.type in DEFAULT_MAX
        if (self.min is not None or self.max is not None) and not numeric:
            raise ValueError(f"事实 {self.name}: 只有数字类事实可以设置 min/max")
        if (self.options is not None or self.options_from is not None) \
                and self.type not in ("string", "list"):
            raise ValueError(f"事实 {self.name}: 只有 string 或 list 类事实可以设置 options")
        if self.options is not None and self.options_from is not None:
            raise ValueError(f"事实 {self.name}: options 与 options_from 只能写一个")
        if self.option_labels and set(self.option_labels) - set(self.options or []):
            raise ValueError(f"事实 {self.name}: option_labels 只能为 options 中的取值命名")
        if numeric and abs(self.upper) > EXACT_LIMIT:
            raise ValueError(f"事实 {self.name}: max 不能超过 2**53")
        return self

    @property
    def upper(self) -> float:
        """Largest magnitude the fact may take, for the exactness check."""
        bound = self.max if self.max is not None else DEFAULT_MAX.get(self.type, 0)
        low = abs(self.min) if self.min is not None else 0
        return float(max(abs(bound), low))


class FactsFile(_Strict):
    """``content/_data/facts.yml``: the facts of each subject."""

    enterprise: list[Fact]
    person: list[Fact]

    @model_validator(mode="after")
    def _unique(self) -> FactsFile:
        for subject in ("enterprise", "person"):
            names = [f.name for f in getattr(self, subject)]
            dupes = sorted({n for n in names if names.count(n) > 1})
            if dupes:
                raise ValueError(f"{subject}: 事实名称重复：{', '.join(dupes)}")
        return self

    def of(self, subject: str) -> dict[str, Fact]:
        """Return the facts of ``subject`` by name."""
        return {f.name: f for f in getattr(self, subject)}


