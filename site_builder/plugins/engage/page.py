"""Render the engage component (``themes/tongda/components/engage/``) for the plugin."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import themes
from site_builder.plugins.core.component import render_macro

COMPONENT_DIR = Path(themes.__file__).parent / "tongda" / "components" / "engage"
CSS = ["components/engage/engage.css"]
SUMMARY_JS = ["components/engage/consult-summary.js"]
SUBSCRIBE_JS = ["components/engage/subscribe.js"]
KIND_LABELS = {"topic": "专题", "audience": "对象", "life_stage": "人生和经营阶段",
               "issuer": "发文机关", "level": "层级"}
DECISIONS = ("采纳", "部分采纳", "未采纳")
GENERAL_SECTION = "总体意见"


def render(macro: str, params: dict[str, Any]) -> str:
    """Render ``consult_form`` or ``consult_summary`` (see the component's examples.yml)."""
    return render_macro("engage", macro, params)


def chinese_date(day: Any) -> str:
    """2026年12月10日."""
    return f"{day.year}年{day.month}月{day.day}日"


def sections_of(toc: Any) -> list[str]:
    """The draft's second-level headings, in order: the parts a comment may be about."""
    found: list[str] = []

    def walk(items: Any) -> None:
        for item in items:
            if item.level == 2:
                found.append(item.title)
            walk(item.children)

    walk(toc)
    return found


def form_params(entry: Any, sections: list[str], *, api_url: str) -> dict[str, Any]:
    """Parameters of a draft's comment form."""
    return {"policy_id": entry.id, "title": entry.meta.title,
            "ends_text": chinese_date(entry.meta.consultation_ends),
            "action": f"{api_url}consultations/{entry.id}/comments",
            "sections": [GENERAL_SECTION, *sections]}


def summary_params(entry: Any, *, api_url: str) -> dict[str, Any]:
    """Parameters of a draft's summary after the deadline, responses grouped by decision."""
    responses = [r.model_dump() for r in entry.meta.consultation_responses]
    groups = [{"decision": d, "responses": [r for r in responses if r["decision"] == d]}
              for d in DECISIONS]
    return {"policy_id": entry.id, "ends_text": chinese_date(entry.meta.consultation_ends),
            "summary_url": f"{api_url}consultations/{entry.id}/summary",
            "groups": [g for g in groups if g["responses"]]}


def subscribe_params(facets: dict[str, list[dict[str, Any]]], facts: dict[str, list[Any]], *,
                     base: str, api_path: str, feeds_path: str) -> dict[str, Any]:
    """Parameters of the subscriptions page.

    Args:
        facets: Per tag kind, ``{value, label, count}`` (``policies.json``'s facets).
        facts: Per subject (``enterprise``, ``person``), its declared facts as dicts.
        base: Relative path from the page to the site root.
        api_path: Site path of the engage function.
        feeds_path: Site path of the feeds.
    """
    return {"api_url": base + api_path, "feeds_url": base + feeds_path,
            "facets": [{"kind": k, "label": label, "values": facets.get(k, [])}
                       for k, label in KIND_LABELS.items()],
            "facts": facts}
