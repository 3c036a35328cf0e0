"""Render the applications component (``themes/tongda/components/apply/``) for the plugin."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import themes
from site_builder.plugins.core.component import render_macro

COMPONENT_DIR = Path(themes.__file__).parent / "tongda" / "components" / "apply"
SUBJECT_LABELS = {"enterprise": "企业", "person": "个人"}
#: Assets of the application page, in load order (json-logic-js and the engine first).
PAGE_JS = ["components/calculator/match-core.js", "components/apply/apply.js"]
PAGE_CSS = ["components/apply/apply.css"]
#: Assets of a policy page's 在线申请 box.
BOX_JS = ["components/apply/apply-stats.js"]


def render(macro: str, params: dict[str, Any]) -> str:
    """Render ``apply_form`` or ``apply_box`` with ``params`` (see the component's examples.yml)."""
    return render_macro("apply", macro, params)


def relative_root(page_url: str) -> str:
    """``apply/x/`` → ``../../``: from a page back to the site root."""
    return "../" * page_url.count("/")


def form_params(policy: dict[str, Any], ruleset_policy: dict[str, Any],
                facts: dict[str, dict[str, Any]], *, base: str, rules_path: str,
                api_path: str) -> dict[str, Any]:
    """Parameters of one policy's application page.

    Args:
        policy: The policy's catalog entry.
        ruleset_policy: The policy as the rule set holds it (conditions, amount).
        facts: Declared facts of the policy's subject kind, by name.
        base: Relative path from the page to the site root.
        rules_path: Site path of ``rules.json``.
        api_path: Site path of the applications function.
    """
    return {
        "policy": {k: policy.get(k) for k in ("id", "title", "url", "subject", "doc_number")},
        "facts": [facts[name] for name in policy["reads"] if name in facts],
        "conditions": [{k: c.get(k) for k in ("id", "label", "clause")}
                       for c in ruleset_policy.get("eligibility") or []],
        "amount_label": (ruleset_policy.get("amount") or {}).get("label"),
        "materials": policy["materials"], "time_limit_days": policy["time_limit_days"],
        "proactive": policy["proactive"], "services": policy["services"],
        "subject_label": SUBJECT_LABELS[policy["subject"]],
        "rules_url": base + rules_path, "api_url": base + api_path, "base": base,
    }
