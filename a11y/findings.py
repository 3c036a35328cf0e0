"""What every check reports: findings, waivers, and the run that collects them.

A :class:`Finding` is one failing element (or page) for one rule. Static rules, axe-core,
the keyboard walk and the layout checks all produce the same shape, so the report, the
JSON and the exit code treat them alike.
"""

from __future__ import annotations

import fnmatch
from dataclasses import asdict, dataclass, field
from typing import Any

from .errors import A11yConfigError

#: Where a finding comes from (the report groups and explains by this).
CHECKS = ("static", "axe", "keyboard", "reflow", "text-resize", "text-spacing")


@dataclass
class SourceRef:
    """Where in the editor's Markdown a finding most likely comes from.

    Attributes:
        path: Source file relative to the content folder (``policies/foo.md``).
        line: 1-based line, or ``None`` when only the file is known.
        how: How the line was found, shown in the report (rendered HTML keeps no line
            numbers, so the line is found by searching the source for the element's text,
            ``src`` or ``href``).
    """

    path: str
    line: int | None = None
    how: str = ""

    def format(self) -> str:
        """``path:line`` or ``path``."""
        return f"{self.path}:{self.line}" if self.line else self.path


@dataclass
class Finding:
    """One accessibility problem on one page.

    Attributes:
        rule: Rule id (``img-alt``, axe's ``color-contrast``, ``keyboard-trap``...).
        check: Which check found it, one of :data:`CHECKS`.
        page: Page path relative to the site (``policies/foo/index.html``).
        message: What is wrong, in Chinese.
        fix: How to fix it, in Chinese.
        selector: CSS selector of the element, when there is one.
        snippet: Start of the element's HTML.
        mode: Display mode name for browser checks (``default``, ``elder``...).
        impact: ``critical``/``serious``/``moderate``/``minor`` (axe's scale).
        help_url: Link to the rule's documentation.
        template: Page template the page stands for.
        source: Where in the Markdown it comes from, when known.
        screenshot: Path of a PNG of the element's area, relative to the report folder.
        waived_by: The waiver's reason when a waiver covers this finding.
        hint: Text to search for in the source (the image ``src``, the heading text...).
    """

    rule: str
    check: str
    page: str
    message: str
    fix: str = ""
    selector: str = ""
    snippet: str = ""
    mode: str = ""
    impact: str = "serious"
    help_url: str = ""
    template: str = ""
    source: SourceRef | None = None
    screenshot: str = ""
    waived_by: str = ""
    hint: str = ""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (the ``findings`` items of the JSON report)."""
        data = asdict(self)
        data.pop("hint")
        return data

    def one_line(self) -> str:
        """``page [source:line] rule: message`` for logs and the console."""
        where = self.page + (f" ({self.source.format()})" if self.source else "")
        mode = f" [{self.mode}]" if self.mode and self.mode != "default" else ""
        return f"{where}{mode}: {self.rule}: {self.message}"


@dataclass
class Waiver:
    """A rule switched off on purpose, with the reason written down.

    Attributes:
        rule: Rule id the waiver covers.
        reason: Why, in words a reviewer can judge (required: an unexplained waiver is a
            configuration error).
        pages: Glob patterns of page paths; empty means every page.
        used: How many findings it covered in this run (filled in by :func:`apply_waivers`).
    """

    rule: str
    reason: str
    pages: list[str] = field(default_factory=list)
    used: int = 0

    def covers(self, finding: Finding) -> bool:
        """Whether this waiver applies to ``finding``."""
        if finding.rule != self.rule:
            return False
        if not self.pages:
            return True
        page = finding.page
        bare = page.removesuffix("index.html")
        return any(fnmatch.fnmatch(page, pat) or fnmatch.fnmatch(bare, pat) for pat in self.pages)


def parse_waivers(items: list[Any], where: str = "mkdocs.yml: plugins.tongda-a11y.waivers"
                  ) -> list[Waiver]:
    """Validate raw waiver dicts from the configuration.

    Raises:
        A11yConfigError: Naming the item, when it is not a mapping, lacks a rule, lacks a
            written reason, or has an unknown key.
    """
    waivers: list[Waiver] = []
    for i, item in enumerate(items or []):
        here = f"{where}[{i}]"
        if not isinstance(item, dict):
            raise A11yConfigError(f"{here}: 每条豁免须写成 {{rule, reason, pages}} 映射")
        unknown = set(item) - {"rule", "reason", "pages"}
        if unknown:
            raise A11yConfigError(f"{here}: 未知字段 {', '.join(sorted(unknown))}")
        rule = str(item.get("rule") or "").strip()
        reason = str(item.get("reason") or "").strip()
        if not rule:
            raise A11yConfigError(f"{here}.rule: 豁免须写明规则编号")
        if not reason:
            raise A11yConfigError(f"{here}.reason: 豁免规则 {rule} 须写明理由 (reason)")
        pages = item.get("pages") or []
        if isinstance(pages, str):
            pages = [pages]
        if not isinstance(pages, list) or not all(isinstance(p, str) for p in pages):
            raise A11yConfigError(f"{here}.pages: 须为页面路径通配符列表")
        waivers.append(Waiver(rule=rule, reason=reason, pages=list(pages)))
    return waivers


def apply_waivers(findings: list[Finding], waivers: list[Waiver]) -> None:
    """Mark each finding a waiver covers (the first matching waiver wins)."""
    for finding in findings:
        for waiver in waivers:
            if waiver.covers(finding):
                finding.waived_by = waiver.reason
                waiver.used += 1
                break
