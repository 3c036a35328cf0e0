"""The accessibility report: JSON for machines, HTML for people, one summary line for CI."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jinja2

from a11y.findings import Finding, Waiver

REPORT_VERSION = 1

_CHECK_NAMES = {"static": "静态规则", "axe": "axe-core", "keyboard": "键盘操作",
                "reflow": "320 像素重排", "text-resize": "文字放大 200%",
                "text-spacing": "文字间距"}


def merge_modes(findings: list[Finding]) -> list[tuple[Finding, list[str]]]:
    """Fold findings that differ only in display mode into one, with the list of modes.

    A template mistake shows in every mode; people read it once, machines get every one
    in the JSON.
    """
    merged: dict[tuple[str, ...], tuple[Finding, list[str]]] = {}
    for f in findings:
        key = (f.rule, f.check, f.page, f.selector, f.message, f.waived_by)
        if key in merged:
            merged[key][1].append(f.mode)
        else:
            merged[key] = (f, [f.mode] if f.mode else [])
    return list(merged.values())


@dataclass
class Report:
    """Findings of one run and what was checked.

    Attributes:
        site_dir: The checked site.
        findings: Every finding, waived or not.
        waivers: The configured waivers, with how many findings each covered.
        modes: Display modes the browser checks used.
        axe_version: axe-core's version, when the browser ran.
        stats: Counts and timings (pages, seconds, page loads...).
    """

    site_dir: str
    findings: list[Finding] = field(default_factory=list)
    waivers: list[Waiver] = field(default_factory=list)
    modes: list[str] = field(default_factory=list)
    axe_version: str = ""
    stats: dict[str, Any] = field(default_factory=dict)
    generated: str = field(default_factory=lambda: datetime.now(UTC)
                           .isoformat(timespec="seconds"))

    @property
    def violations(self) -> list[Finding]:
        """Findings no waiver covers (any one of them fails the run)."""
        return [f for f in self.findings if not f.waived_by]

    @property
    def ok(self) -> bool:
        """True when there is no unwaived violation."""
        return not self.violations

    def summary_line(self) -> str:
        """One line for CI logs."""
        v = self.violations
        waived = len(self.findings) - len(v)
        pages = self.stats.get("pages", 0)
        tail = f"，已豁免 {waived} 处" if waived else ""
        if not v:
            return f"无障碍检查通过：{pages} 个页面，0 处问题{tail}"
        distinct = [f for f, _modes in merge_modes(v)]
        rules = Counter(f.rule for f in distinct)
        top = "、".join(f"{r} {n}" for r, n in rules.most_common(4))
        return (f"无障碍检查未通过：{len(distinct)} 处问题，涉及 {len(rules)} 条规则、"
                f"{len({f.page for f in v})} 个页面（{top}）{tail}")

    def to_json(self) -> dict[str, Any]:
        """The JSON report (``report/a11y.json``)."""
        return {
            "version": REPORT_VERSION, "tool": "tongda-a11y", "generated": self.generated,
            "site": self.site_dir, "axe_version": self.axe_version, "modes": self.modes,
            "ok": self.ok, "summary": self.summary_line(),
            "counts": {"violations": len(self.violations),
                       "waived": len(self.findings) - len(self.violations),
                       "by_rule": dict(Counter(f.rule for f in self.violations))},
            "stats": self.stats, "waivers": [asdict(w) for w in self.waivers],
            "findings": [f.to_dict() for f in self.findings],
        }

    def write(self, report_dir: Path, json_path: Path | None = None) -> Path:
        """Write ``index.html`` and ``report.css`` into ``report_dir`` and the JSON.

        Returns:
            The HTML report's path.
        """
        report_dir.mkdir(parents=True, exist_ok=True)
        json_path = json_path or report_dir / "a11y.json"
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(self.to_json(), ensure_ascii=False, indent=1),
                             encoding="utf-8")
        (report_dir / "report.css").write_text(_CSS, encoding="utf-8")
        html_path = report_dir / "index.html"
        html_path.write_text(self.render_html(), encoding="utf-8")
        return html_path

    def render_html(self) -> str:
        """The HTML report, grouped by rule, then by page."""
        from a11y.static_rules import RULES

        groups: dict[str, dict[str, list[tuple[Finding, list[str]]]]] = \
            defaultdict(lambda: defaultdict(list))
        ordered = sorted(self.findings, key=lambda f: (f.rule, f.page))
        for f, modes in merge_modes(ordered):
            groups[f.rule][f.page].append((f, modes))
        titles = {rid: f"{r.title}（{'WCAG ' if r.wcag[0].isdigit() else ''}{r.wcag}）"
                  for rid, r in RULES.items()}
        for f in self.findings:
            titles.setdefault(f.rule, f.message if f.check == "axe" else f.message.split("：")[0])
        env = jinja2.Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True,
                                 loader=jinja2.FileSystemLoader(Path(__file__).parent))
        return env.get_template("report.html").render(
            r=self, groups=groups, titles=titles, checks=_CHECK_NAMES,
            counts=Counter(f.rule for f in self.violations))


_CSS = """body { font: 16px/1.6 sans-serif; color: #1a1a1a; background: #fff; margin: 0; }
header, main, footer { max-width: 70rem; margin: 0 auto; padding: 0 1rem; }
a { color: #0b4ea2; } a:focus-visible { outline: 3px solid #b3261e; outline-offset: 2px; }
.skip { position: absolute; left: -10000px; } .skip:focus { position: static; }
.ok { color: #1e6b2f; } .bad { color: #a4000f; }
table { border-collapse: collapse; } th, td { border: 1px solid #555; padding: .25rem .5rem;
  text-align: left; vertical-align: top; }
.finding { border-left: 4px solid #a4000f; padding: .25rem .75rem; margin: .75rem 0; }
.finding.waived { border-color: #6b6b6b; }
code { background: #f2f2f2; word-break: break-all; }
img.shot { display: block; max-width: 100%; height: auto; border: 1px solid #555; }
.wrap { overflow-x: auto; }
"""
