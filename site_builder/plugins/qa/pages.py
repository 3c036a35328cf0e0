"""The 智能问答 page, rendered from the theme's ``qa`` component (no MkDocs here)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import themes
from site_builder.plugins.core.component import render_macro

COMPONENT_DIR = Path(themes.__file__).parent / "tongda" / "components" / "qa"
ASSETS_CSS = ["components/qa/qa.css"]
ASSETS_JS = ["components/qa/qa.js"]


def relative(from_page: str, to: str) -> str:
    """A link from the page at site path ``from_page`` to site path ``to`` (both dirs)."""
    depth = len([p for p in from_page.strip("/").split("/") if p])
    target = to.strip("/")
    return "../" * depth + (target + "/" if target else "")


def params(page: str, *, api: str, faqs: str, search: str) -> dict[str, Any]:
    """The component's parameters on the page at site path ``page``."""
    return {"api": relative(page, api), "faq_url": relative(page, faqs),
            "search_url": relative(page, search)}


def render(values: dict[str, Any]) -> str:
    """The chat panel's HTML."""
    return render_macro("qa", "qa_panel", values)
