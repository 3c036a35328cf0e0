"""Run the rules over a corpus and judge the result against the site's thresholds."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from site_builder.content.corpus import Corpus, Entry

from .context import CheckContext, Citation, Settings
from .findings import DIMENSIONS, SEVERITIES, Finding, Rule
from .memo import BodyMemo
from .registry import all_rules


@dataclass
class QualityResult:
    """Findings of one run, with the rules that ran and how long each took."""

    findings: list[Finding]
    rules: dict[str, Rule]
    severities: dict[str, str]
    """Effective severity of each rule that ran (after the site's overrides)."""
    documents: int
    seconds: float
    rule_seconds: dict[str, float] = field(default_factory=dict)
    settings: Settings = field(default_factory=Settings)

    def count(self, severity: str) -> int:
        """How many findings have this severity."""
        return sum(1 for f in self.findings if f.severity == severity)

    def by_rule(self) -> Counter[str]:
        """Finding counts per rule id."""
        return Counter(f.rule for f in self.findings)

    def failures(self) -> list[str]:
        """Why the check fails (one Chinese sentence per exceeded threshold); empty if it passes."""
        out = []
        limits = {"error": self.settings.max_errors, "warning": self.settings.max_warnings,
                  "notice": self.settings.max_notices}
        labels = {"error": "错误", "warning": "警告", "notice": "提示"}
        for severity in SEVERITIES:
            limit, count = limits[severity], self.count(severity)
            if limit >= 0 and count > limit:
                out.append(f"{labels[severity]} {count} 处，超过上限 {limit}")
        return out

    @property
    def ok(self) -> bool:
        """Whether the findings stay within the thresholds."""
        return not self.failures()

    def summary_line(self) -> str:
        """``检核 N 个文档：错误 a，警告 b，提示 c`` plus the verdict."""
        counts = "，".join(f"{label} {self.count(s)}" for s, label in
                          (("error", "错误"), ("warning", "警告"), ("notice", "提示")))
        verdict = "未通过（" + "；".join(self.failures()) + "）" if not self.ok else "通过"
        return f"质量检核 {self.documents} 个文档、{len(self.severities)} 条规则：{counts}；{verdict}"


def owner(entry: Entry, corpus: Corpus) -> str:
    """The department that owns a document: 发文机关, 主管部门, or the interpreted policy's issuer."""
    meta: Any = entry.meta
    for name in ("issuer", "department"):
        value = getattr(meta, name, None)
        if value:
            return str(value)
    for target in getattr(meta, "interprets", []) or getattr(meta, "about", []) or []:
        other = corpus.documents.get(target)
        if other is not None and other is not entry:
            return owner(other, corpus)
    return "（未注明）"


def run_rules(corpus: Corpus, settings: Settings | None = None, *,
              citations: list[Citation] | None = None, slugify: Any = None,
              only: list[str] | None = None,
              between: Callable[[], None] | None = None,
              memo_dir: Path | None = None) -> QualityResult:
    """Run every enabled rule over a valid corpus.

    Args:
        corpus: The loaded corpus (its schema errors are reported elsewhere).
        settings: Thresholds, periods and severity overrides; defaults when ``None``.
        citations: Citations already found by the graph plugin, to avoid finding them twice.
        slugify: The toc extension's slugify function, so anchors match the built pages.
        only: Run only these rule ids (tests, benchmarks).
        between: Called before each rule (``tongda serve`` stops a build that is out of
            date there); whatever it raises stops the checking.
        memo_dir: Where what the rules compute per body is kept between runs (the build
            cache's ``quality`` folder); ``None`` keeps nothing.
    """
    settings = settings or Settings()
    memo = BodyMemo(memo_dir)
    ctx = CheckContext(corpus, settings, citations=citations, slugify=slugify, memo=memo)
    rules = all_rules()
    findings: list[Finding] = []
    severities: dict[str, str] = {}
    timings: dict[str, float] = {}
    owners: dict[str, str] = {}
    start = time.perf_counter()
    for rule in rules.values():
        if between is not None:
            between()
        severity = settings.severity.get(rule.id, rule.severity)
        if severity == "off" or (only is not None and rule.id not in only):
            continue
        severities[rule.id] = severity
        began = time.perf_counter()
        try:
            problems = list(rule.check(ctx))
        except Exception as exc:  # a rule's bug must name the rule, not look like a content error
            raise RuntimeError(f"质量规则 {rule.id} 运行出错：{exc!r}") from exc
        for problem in problems:
            entry = corpus.documents[problem.doc_id]
            if problem.doc_id not in owners:
                owners[problem.doc_id] = owner(entry, corpus)
            findings.append(Finding(rule.id, severity, rule.dimension, entry.src_path, problem.line,
                                    problem.field, problem.message, entry.id, owners[problem.doc_id]))
        timings[rule.id] = time.perf_counter() - began
    memo.save()
    findings.sort(key=lambda f: (SEVERITIES.index(f.severity), DIMENSIONS.index(f.dimension),
                                 f.path, f.line or 0, f.rule))
    return QualityResult(findings, dict(rules), severities, len(corpus.documents),
                         time.perf_counter() - start, timings, settings)
