"""Render the static calculator page from the theme's calculator component."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import themes
from site_builder.plugins.core.component import render_macro

COMPONENT_DIR = Path(themes.__file__).parent / "tongda" / "components" / "calculator"
SUBJECT_LABELS = {"enterprise": "企业", "person": "个人"}
#: The component's own scripts and styles, in load order (json-logic-js goes first).
ASSETS_JS = ["components/calculator/match-core.js", "components/calculator/calculator.js"]
ASSETS_CSS = ["components/calculator/calculator.css"]
VENDOR_JSONLOGIC = "assets/vendor/json-logic-js/logic.js"


def render_component(params: dict[str, Any]) -> str:
    """Render the ``calculator`` macro with ``params`` (see the component's examples.yml)."""
    return render_macro("calculator", "calculator", params)


def page_params(ruleset: dict[str, Any], *, title: str, rules_url: str, base: str) -> dict[str, Any]:
    """Parameters of the calculator page for a rule set; enterprises first (惠企)."""
    subjects = [{"name": name, "label": SUBJECT_LABELS[name], "facts": facts}
                for name, facts in ruleset["facts"].items() if name in SUBJECT_LABELS]
    subjects.sort(key=lambda s: list(SUBJECT_LABELS).index(s["name"]))
    return {"title": title, "rules_url": rules_url, "base": base, "subjects": subjects,
            "default_subject": "enterprise",
            "policies": [p for p in ruleset["policies"] if p["subject"] == "enterprise"]
            + [p for p in ruleset["policies"] if p["subject"] != "enterprise"]}


def relative_root(page_path: str) -> str:
    """``calculator/`` → ``../``: from a directory-URL page back to the site root."""
    depth = len([p for p in page_path.strip("/").split("/") if p])
    return "../" * depth


def find_jsonlogic(config_dir: Path, configured: str | None) -> Path:
    """Locate json-logic-js's ``logic.js`` (the project's npm dependency)."""
    if configured:
        path = (config_dir / configured).resolve()
        if not path.is_file():
            raise FileNotFoundError(f"calculator_jsonlogic 指向的文件不存在：{path}")
        return path
    # The site's folder first, then where Tongda itself is checked out (a development
    # install keeps node_modules beside pyproject.toml).
    tongda_root = Path(__file__).resolve().parents[3]
    for folder in [config_dir, *config_dir.parents, tongda_root]:
        candidate = folder / "node_modules" / "json-logic-js" / "logic.js"
        if candidate.is_file():
            return candidate
    raise FileNotFoundError("找不到 json-logic-js（node_modules/json-logic-js/logic.js）："
                            "请在项目根目录运行 npm ci，或设置 calculator_jsonlogic。")
