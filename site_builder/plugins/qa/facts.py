"""``api/qa/site.json``: what the Q&A function says beside a search result.

Written from the corpus (no MkDocs here), read by ``functions/qa/site.py``:

- ``base``: the site's path on its host (from ``site_url``), so answers link correctly;
- ``links``: the FAQ list, the complaint form and the search page (site paths);
- ``services``: per service guide its key facts, in the guide's own words: 办理时限, 收费,
  地点 or the online entry, how many materials, whether a visit must be booked;
- ``next``: per page the next steps (the guide itself, online application, the policy
  calculator for a policy with eligibility rules);
- ``complaint``: the names of the problems 随手拍 takes (``_data/complaint.yml``), so a
  question naming one (路灯不亮) leads to the complaint form.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

VERSION = 1


def time_limit_text(limit: Any) -> str | None:
    """办理时限 as the guide states it: promised days first, the legal limit after."""
    if limit is None:
        return None
    parts = []
    if limit.promised_days is not None:
        parts.append(f"承诺{limit.promised_days}个工作日" if limit.promised_days else "即时办结")
    if limit.legal_days is not None:
        parts.append(f"法定{limit.legal_days}个{limit.legal_unit}")
    return "，".join(parts) or (limit.note or None)


def where_text(places: list[Any]) -> str | None:
    """地点: the first place, and how many others there are."""
    if not places:
        return None
    first = f"{places[0].name}（{places[0].address}）"
    return first if len(places) == 1 else f"{first}等{len(places)}处"


def service_facts(meta: Any) -> dict[str, Any]:
    """A service guide's key facts (only those it states)."""
    facts: dict[str, Any] = {"materials": len(meta.materials)}
    for key, value in (("time_limit", time_limit_text(meta.time_limit)), ("fee", meta.fee),
                       ("where", where_text(meta.where)), ("online", meta.online),
                       ("phone", meta.phone)):
        if value:
            facts[key] = value
    if meta.appointment is not None:
        facts["appointment"] = "需要预约" if meta.appointment.required else "无需预约"
        if meta.appointment.how:
            facts["appointment"] += f"：{meta.appointment.how}"
    return facts


def next_steps(entry: Any, calculator: str | None) -> list[dict[str, str]]:
    """What to do after reading the answer: a guide, then its online entry; a policy with
    eligibility rules, then the calculator. Other pages have none (the answer links them)."""
    meta = entry.meta
    if entry.kind == "service":
        steps = [{"label": "查看办事指南", "url": entry.url}]
        if meta.online:
            steps.append({"label": "网上办理", "url": meta.online})
        return steps
    if entry.kind == "policy" and calculator and getattr(meta, "eligibility", None):
        return [{"label": "查看全文", "url": entry.url},
                {"label": "用政策计算器测一测是否符合", "url": calculator}]
    return []


def complaint_names(path: Path) -> list[str]:
    """Names of the problems 随手拍 takes ([] when the site has no complaint data)."""
    if not path.is_file():
        return []
    data = yaml.safe_load(path.read_text("utf-8")) or {}
    return [str(s["name"]) for s in data.get("services") or [] if isinstance(s, dict) and s.get("name")]


def site_facts(entries: list[Any], *, site_url: str | None, links: dict[str, str],
               complaint: list[str], calculator: str | None) -> dict[str, Any]:
    """The whole file (see the module's description)."""
    base = urlsplit(site_url or "/").path or "/"
    services = {e.id: service_facts(e.meta) for e in entries if e.kind == "service"}
    steps = {e.id: st for e in entries if (st := next_steps(e, calculator))}
    return {"version": VERSION, "base": base if base.endswith("/") else base + "/",
            "links": links, "services": dict(sorted(services.items())),
            "next": dict(sorted(steps.items())), "complaint": complaint}
