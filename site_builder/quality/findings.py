"""What a quality rule is and what it reports: rules, findings and severities."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal

Severity = Literal["error", "warning", "notice"]
SEVERITIES: tuple[str, ...] = ("error", "warning", "notice")
SEVERITY_LABELS: dict[str, str] = {"error": "错误", "warning": "警告", "notice": "提示"}

DIMENSIONS: tuple[str, ...] = (
    "completeness", "validity", "consistency", "uniqueness", "timeliness", "accuracy",
)
DIMENSION_LABELS: dict[str, str] = {
    "completeness": "完整性", "validity": "规范性", "consistency": "一致性",
    "uniqueness": "唯一性", "timeliness": "时效性", "accuracy": "准确性",
}


@dataclass(frozen=True)
class Finding:
    """One problem found by one rule in one document.

    Attributes:
        rule: The rule's id (``doc-number-format``).
        severity: ``error``, ``warning`` or ``notice`` (after the site's overrides).
        dimension: One of :data:`DIMENSIONS`.
        path: The file, relative to the content folder.
        line: 1-based line in the file, or ``None`` for the whole file.
        field: Dotted front-matter field (``materials.2.name``), or ``""`` for the body.
        message: What is wrong, in Chinese, naming the values involved.
        doc_id: The document's id.
        issuer: The department that owns the document (发文机关 or 主管部门), for routing.
    """

    rule: str
    severity: str
    dimension: str
    path: str
    line: int | None
    field: str
    message: str
    doc_id: str = ""
    issuer: str = ""

    def format(self, prefix: str = "") -> str:
        """The ``path:line: field: [severity rule] message`` line that editors read."""
        where = f"{prefix}{self.path}:{self.line}" if self.line else f"{prefix}{self.path}"
        head = f"{where}: {self.field}: " if self.field else f"{where}: "
        return f"{head}[{SEVERITY_LABELS[self.severity]} {self.rule}] {self.message}"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (built by hand: ``asdict`` is slow on 10,000 findings)."""
        return {"rule": self.rule, "severity": self.severity, "dimension": self.dimension,
                "path": self.path, "line": self.line, "field": self.field, "message": self.message,
                "doc_id": self.doc_id, "issuer": self.issuer}


@dataclass(frozen=True)
class Problem:
    """What a rule's check yields: where and what, before severity and owner are attached."""

    doc_id: str
    message: str
    field: str = ""
    line: int | None = None


@dataclass(frozen=True)
class Rule:
    """A quality rule.

    Attributes:
        id: Stable kebab-case id, used in overrides and reports.
        dimension: One of :data:`DIMENSIONS`.
        severity: Default severity; a site may override it in ``mkdocs.yml``.
        title: Short Chinese name of the rule.
        fix: How an editor fixes what the rule reports (Chinese).
        check: Function from a :class:`~site_builder.quality.context.CheckContext` to problems.
    """

    id: str
    dimension: str
    severity: str
    title: str
    fix: str
    check: Callable[[Any], Iterable[Problem]]

    def describe(self) -> dict[str, str]:
        """The rule's catalogue entry (without the function)."""
        return {"id": self.id, "dimension": self.dimension, "severity": self.severity,
                "title": self.title, "fix": self.fix}
