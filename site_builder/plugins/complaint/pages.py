"""The 随手拍 pages, rendered from the theme's complaint component (no MkDocs here).

The services and their questions are read from ``content/_data/complaint.yml`` itself:
the site builder never imports the complaint function.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

import themes
from site_builder.plugins.core.component import render_macro

COMPONENT_DIR = Path(themes.__file__).parent / "tongda" / "components" / "complaint"
ASSETS_CSS = ["components/complaint/complaint.css"]
ASSETS_JS = ["components/complaint/complaint.js"]
MACROS = {"form": "report_form", "status": "status_page", "recent": "recent_list"}
TITLES = {"status": "我的反映：办理进度", "recent": "最近反映的问题"}


class ComplaintDataError(ValueError):
    """The services file cannot be read; the message names it, in Chinese."""


@dataclass(frozen=True)
class Paths:
    """Where the pages and the function are on the site (paths end in ``/``)."""

    form: str
    status: str
    recent: str
    api: str

    def of(self, page: str) -> str:
        """The site path of ``page`` (``form``, ``status`` or ``recent``)."""
        return str(getattr(self, page))


def load_services(path: Path) -> tuple[str, list[dict[str, Any]]]:
    """The city's name and its services, as the form shows them."""
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ComplaintDataError(f"{path}：无法读取随手拍的问题类型：{exc}") from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("services"), list):
        raise ComplaintDataError(f"{path}：应有 services 列表")
    city = str((doc.get("jurisdiction") or {}).get("name", ""))
    services = []
    for raw in doc["services"]:
        attributes = sorted((dict(a, variable=a.get("variable", True))
                             for a in raw.get("attributes") or []),
                            key=lambda a: a.get("order", 1))
        services.append({"code": raw["code"], "name": raw["name"], "group": raw["group"],
                         "attributes": attributes})
    return city, services


def relative(from_page: str, to: str) -> str:
    """A link from the page at site path ``from_page`` to site path ``to`` (both dirs)."""
    depth = len([p for p in from_page.strip("/").split("/") if p])
    target = to.strip("/")
    return "../" * depth + (target + "/" if target else "")


def params(page: str, paths: Paths, city: str, services: list[dict[str, Any]],
           site_url: str | None) -> dict[str, Any]:
    """The component's parameters on ``page`` (``form``, ``status`` or ``recent``)."""
    here = paths.of(page)
    prefix = urlsplit(site_url or "/").path or "/"
    return {"api": relative(here, paths.api), "city": city, "services": services,
            "status_page": prefix.rstrip("/") + "/" + paths.status.strip("/") + "/",
            "status_url": relative(here, paths.status), "form_url": relative(here, paths.form),
            "recent_url": relative(here, paths.recent)}


def render(page: str, values: dict[str, Any]) -> str:
    """Render the macro of ``page`` with ``values``."""
    return render_macro("complaint", MACROS[page], values)
