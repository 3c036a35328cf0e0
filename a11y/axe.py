"""axe-core in the page: locate the pinned copy, inject it, run it, turn results into findings.

Tongda uses the axe-core that ``package-lock.json`` pins (``node_modules/axe-core``), never
a copy bundled in a Python package, so the rules are the current release and the version
is recorded in every report.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from a11y.findings import Finding
from a11y.source_map import hint_from_html

if TYPE_CHECKING:
    from selenium.webdriver.remote.webdriver import WebDriver

#: WCAG 2.0, 2.1 and 2.2 level A and AA.
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")
#: Rules run in addition to the tags (``target-size`` is WCAG 2.2 AA but worth naming).
AXE_EXTRA_RULES = ("target-size",)


class AxeNotFound(FileNotFoundError):
    """No ``axe.min.js`` where Tongda looked."""


def find_axe(explicit: str | None = None, start: Path | None = None) -> Path:
    """Find ``axe-core/axe.min.js``.

    Looks at ``explicit`` (a file, or a folder holding it), ``$TONGDA_AXE``, then
    ``node_modules/axe-core`` in ``start`` and each parent, then in this checkout.

    Raises:
        AxeNotFound: With the places searched and the command that installs it.
    """
    tried: list[Path] = []
    candidates: list[Path] = []
    for given in (explicit, os.environ.get("TONGDA_AXE")):
        if given:
            p = Path(given)
            candidates.append(p / "axe.min.js" if p.is_dir() else p)
    for base in (start or Path.cwd(), Path(__file__).resolve().parent):
        for folder in (base.resolve(), *base.resolve().parents):
            candidates.append(folder / "node_modules" / "axe-core" / "axe.min.js")
    for cand in candidates:
        tried.append(cand)
        if cand.is_file():
            return cand
    raise AxeNotFound("找不到 axe-core（axe.min.js）。请在项目根目录运行 `npm ci`；已查找: "
                      + ", ".join(str(t) for t in tried[:4]) + " …")


@lru_cache(maxsize=4)
def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


@dataclass
class AxeRunner:
    """Inject and run axe-core in the current page.

    Args:
        axe_path: ``axe.min.js`` to inject.
        tags: Rule tags to run.
        extra_rules: Rule ids to enable on top of the tags.
        locale: axe locale (``zh_CN`` gives Chinese messages) or ``""`` for English.
    """

    axe_path: Path
    tags: tuple[str, ...] = AXE_TAGS
    extra_rules: tuple[str, ...] = AXE_EXTRA_RULES
    locale: str = "zh_CN"
    version: str = field(default="", init=False)
    needs_review: int = field(default=0, init=False)
    """Rules axe could not decide on, summed over runs (``incomplete``: a person must look)."""

    def _locale_json(self) -> dict[str, Any] | None:
        if not self.locale:
            return None
        path = self.axe_path.parent / "locales" / f"{self.locale}.json"
        return json.loads(_read(path)) if path.is_file() else None

    def run(self, driver: WebDriver) -> dict[str, Any]:
        """Run axe on the loaded page; returns ``{"violations": [...], "incomplete": n}``."""
        if not driver.execute_script("return !!window.axe"):
            driver.execute_script(_read(self.axe_path))
            locale = self._locale_json()
            if locale:
                driver.execute_script("axe.configure({locale: arguments[0]})", locale)
        options = {
            "runOnly": {"type": "tag", "values": list(self.tags)},
            "rules": {rule: {"enabled": True} for rule in self.extra_rules},
            "resultTypes": ["violations"],
        }
        result: dict[str, Any] = driver.execute_async_script(_RUN_JS, options)
        if result.get("error"):
            raise RuntimeError(f"axe-core failed: {result['error']}")
        self.version = result.get("version", "")
        self.needs_review += int(result.get("incomplete", 0))
        return result

    @staticmethod
    def findings(result: dict[str, Any], page: str, mode: str, template: str) -> list[Finding]:
        """One :class:`Finding` per failing node."""
        out = []
        for violation in result.get("violations", []):
            for node in violation["nodes"]:
                target = node.get("target") or [""]
                selector = target[-1] if isinstance(target[-1], str) else " ".join(target[-1])
                out.append(Finding(
                    rule=violation["id"], check="axe", page=page,
                    message=f"{violation.get('help', '')}".strip(),
                    fix=(node.get("failureSummary") or violation.get("description", "")).strip(),
                    selector=selector, snippet=node.get("html", "")[:160], mode=mode,
                    impact=node.get("impact") or violation.get("impact") or "serious",
                    help_url=violation.get("helpUrl", ""), template=template,
                    hint=hint_from_html(node.get("html", ""))))
        return out


_RUN_JS = """
const done = arguments[arguments.length - 1];
axe.run(document, arguments[0]).then((r) => done({
  version: axe.version,
  incomplete: (r.incomplete || []).length,
  violations: r.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, description: v.description, helpUrl: v.helpUrl,
    tags: v.tags,
    nodes: v.nodes.map((n) => ({target: n.target, html: n.html, impact: n.impact,
                                failureSummary: n.failureSummary})),
  })),
})).catch((e) => done({error: String(e && e.stack || e)}));
"""
