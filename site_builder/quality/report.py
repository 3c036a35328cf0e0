"""The quality report as data (``quality.json``): findings, counts, build figures, trends."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from search_index.store import json_bytes

from .engine import QualityResult
from .findings import DIMENSION_LABELS, DIMENSIONS, SEVERITIES

SCHEMA_VERSION = 1


def _counts(findings: list[dict[str, Any]] | list[Any], key: str) -> dict[str, dict[str, int]]:
    out: dict[str, Counter[str]] = defaultdict(Counter)
    for f in findings:
        value = f[key] if isinstance(f, dict) else getattr(f, key)
        severity = f["severity"] if isinstance(f, dict) else f.severity
        out[value][severity] += 1
    return {k: {s: c.get(s, 0) for s in SEVERITIES} | {"total": sum(c.values())} for k, c in out.items()}


def build_report(result: QualityResult, *, site_name: str = "", today: dt.date | None = None,
                 build: dict[str, Any] | None = None,
                 previous: dict[str, Any] | None = None) -> dict[str, Any]:
    """Assemble the JSON-ready report of one check or build.

    Args:
        result: The rules' findings.
        site_name: Shown in the report's title.
        today: The date statuses were computed for.
        build: The build's own figures (pages, sizes, timings, caches, accessibility).
        previous: An earlier report (its ``quality.json``) to compute trends against.
    """
    findings = [f.to_dict() for f in result.findings]
    by_rule = result.by_rule()
    dims = _counts(findings, "dimension")
    report: dict[str, Any] = {
        "version": SCHEMA_VERSION,
        "generated": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "today": (today or dt.date.today()).isoformat(),
        "site": site_name,
        "summary": {
            "documents": result.documents, "rules": len(result.severities),
            **{f"{s}s": result.count(s) for s in SEVERITIES},
            "ok": result.ok, "failures": result.failures(), "seconds": round(result.seconds, 3),
        },
        "dimensions": {d: {"label": DIMENSION_LABELS[d],
                           **dims.get(d, dict.fromkeys((*SEVERITIES, "total"), 0))}
                       for d in DIMENSIONS},
        "rules": [rule.describe() | {"severity": result.severities[rule.id],
                                     "count": by_rule.get(rule.id, 0)}
                  for rule in result.rules.values() if rule.id in result.severities],
        "issuers": sorted(({"issuer": k, **v} for k, v in _counts(findings, "issuer").items()),
                          key=lambda r: (-r["error"], -r["warning"], -r["total"], r["issuer"])),
        "findings": findings,
    }
    if build:
        report["build"] = build
    if previous:
        report["trend"] = trend(report, previous)
        report["history"] = [*(previous.get("history") or []), _point(previous)][-HISTORY:]
    return report


HISTORY = 20
"""Earlier builds kept in ``history`` (each report carries its predecessors' totals)."""


def _point(report: dict[str, Any]) -> dict[str, Any]:
    summary = report.get("summary", {})
    return {"generated": report.get("generated"), "documents": summary.get("documents", 0),
            **{f"{s}s": summary.get(f"{s}s", 0) for s in SEVERITIES}}


def _key(f: dict[str, Any]) -> tuple[str, str, str, str]:
    return (f["rule"], f["path"], f.get("field", ""), f["message"])


def trend(now: dict[str, Any], before: dict[str, Any]) -> dict[str, Any]:
    """Changes since an earlier report: counts per severity, dimension and rule; new and fixed."""
    def delta(a: int, b: int) -> dict[str, int]:
        return {"now": a, "before": b, "change": a - b}

    s_now, s_before = now["summary"], before.get("summary", {})
    old_rules = {r["id"]: r.get("count", 0) for r in before.get("rules", [])}
    new_keys = {_key(f) for f in now["findings"]}
    old_keys = {_key(f) for f in before.get("findings", [])}
    return {
        "previous_generated": before.get("generated"),
        "severities": {s: delta(s_now[f"{s}s"], s_before.get(f"{s}s", 0)) for s in SEVERITIES},
        "dimensions": {d: delta(now["dimensions"][d]["total"],
                                before.get("dimensions", {}).get(d, {}).get("total", 0))
                       for d in DIMENSIONS},
        "rules": {r["id"]: delta(r["count"], old_rules.get(r["id"], 0)) for r in now["rules"]
                  if r["count"] != old_rules.get(r["id"], 0)},
        "documents": delta(s_now["documents"], s_before.get("documents", 0)),
        "new_findings": len(new_keys - old_keys),
        "fixed_findings": len(old_keys - new_keys),
    }


def load_previous(path: Path | str | None) -> dict[str, Any] | None:
    """Read an earlier ``quality.json``; ``None`` when there is none or it is unreadable."""
    if not path:
        return None
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and "summary" in data else None


def write_json(report: dict[str, Any], path: Path) -> None:
    """Write the report as UTF-8 JSON (readable, Chinese not escaped)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(json_bytes(report, indent=True))
