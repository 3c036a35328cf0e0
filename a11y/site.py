"""The built site as the checks see it: pages, their templates, and display modes."""

from __future__ import annotations

import fnmatch
import json
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import A11yConfigError

#: Folders of a built site that are not pages for people (reports, data, assets).
DEFAULT_EXCLUDE = ("report/**", "assets/**", "api/**", "search/**", "audio/**", "graph/**",
                   "feeds/**")


@dataclass
class Mode:
    """A display mode: attributes set on ``<html>`` the way the theme's toolbar sets them.

    Attributes:
        name: Short id (``default``, ``elder``, ``contrast-dark``...).
        attrs: Attributes for ``<html>``; ``class`` adds classes, any other key is set.
        label: Human name for the report.
        media: Media features to emulate with the mode (``{"forced-colors": "active"}``).
        min_target: Smallest control size (CSS px) the mode promises, e.g. 44 in elder
            mode; 0 leaves it to axe's ``target-size`` (24 px).
    """

    name: str
    attrs: dict[str, str] = field(default_factory=dict)
    label: str = ""
    media: dict[str, str] = field(default_factory=dict)
    min_target: int = 0


DEFAULT_MODE = Mode("default", {}, "默认")


def parse_modes(raw: Any, where: str) -> list[Mode]:
    """Validate a modes list (``[{"name": ..., "attrs": {...}}, ...]``).

    ``default`` is always first, added when the list does not name it.

    Raises:
        A11yConfigError: Naming ``where`` and the item when an entry is malformed.
    """
    if isinstance(raw, dict) and "modes" in raw:
        raw = raw["modes"]
    if not isinstance(raw, list):
        raise A11yConfigError(f"{where}: 显示模式须为列表")
    modes: list[Mode] = []
    for i, item in enumerate(raw):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise A11yConfigError(f"{where}[{i}]: 每个模式须有 name")
        attrs = item.get("attrs") or {}
        media = item.get("media") or {}
        if not isinstance(attrs, dict) or not isinstance(media, dict):
            raise A11yConfigError(f"{where}[{i}].attrs: 须为映射")
        min_target = item.get("min_target", 0)
        if not isinstance(min_target, int) or min_target < 0:
            raise A11yConfigError(f"{where}[{i}].min_target: 须为非负整数（CSS 像素）")
        modes.append(Mode(item["name"], {str(k): str(v) for k, v in attrs.items()},
                          str(item.get("label") or item["name"]),
                          {str(k): str(v) for k, v in media.items()}, min_target))
    if not any(m.name == "default" for m in modes):
        modes.insert(0, DEFAULT_MODE)
    return modes


def load_modes(site_dir: Path, configured: list[Any] | None, modes_file: str) -> list[Mode]:
    """Modes from the configuration, else the theme's ``<site>/<modes_file>``, else default."""
    if configured:
        return parse_modes(configured, "mkdocs.yml: plugins.tongda-a11y.modes")
    path = site_dir / modes_file
    if path.is_file():
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise A11yConfigError(f"{path}:{exc.lineno}: 显示模式 JSON 无法解析: {exc.msg}") from exc
        return parse_modes(raw, str(path))
    return [DEFAULT_MODE]


@dataclass
class PageInfo:
    """A built page and what the static pass learnt about it.

    Attributes:
        path: Path relative to the site, posix (``policies/foo/index.html``).
        url: Site-relative URL (``policies/foo/``).
        template: Template name (the page's ``tongda:template`` meta, else from its path).
        source: Source Markdown path from ``tongda:source``, or ``""``.
    """

    path: str
    url: str
    template: str = ""
    source: str = ""


def page_url(path: str) -> str:
    """``a/b/index.html`` -> ``a/b/``; other files keep their name."""
    return path.removesuffix("index.html")


def template_from_path(path: str) -> str:
    """Guess a template from where a page sits, for themes that do not declare one.

    ``index.html`` is ``home``; ``policies/index.html`` a list (``policies/``);
    ``policies/x/index.html`` a detail page (``policies/*``); every page under ``text/``
    is ``text``.
    """
    if path.startswith("text/"):
        # Plain-text pages share one bare layout whatever they hold; one representative
        # (plus the sample) covers them.
        return "text"
    parts = path.split("/")
    if parts == ["index.html"]:
        name = "home"
    elif len(parts) == 1:
        name = parts[0].removesuffix(".html")
    elif parts[-1] == "index.html" and len(parts) == 2:
        name = f"{parts[0]}/"
    else:
        name = f"{parts[0]}/" + "/".join("*" for _ in parts[1:-1] or ["*"])
    return name


def iter_pages(site_dir: Path, exclude: Iterable[str] = DEFAULT_EXCLUDE) -> list[str]:
    """Every ``.html`` file of the site (posix, relative, sorted), minus ``exclude`` globs."""
    patterns = list(exclude)
    rels = (file.relative_to(site_dir).as_posix() for file in site_dir.rglob("*.html"))
    return sorted(rel for rel in rels if is_page(rel, patterns))


def is_page(rel: str, exclude: Iterable[str] = DEFAULT_EXCLUDE) -> bool:
    """Whether the site-relative file ``rel`` is a page :func:`iter_pages` lists."""
    return rel.endswith(".html") and not any(fnmatch.fnmatch(rel, pat) for pat in exclude)


def choose_browser_pages(pages: list[PageInfo], sample_size: int, everything: bool,
                         seed: int = 0) -> tuple[list[PageInfo], list[PageInfo]]:
    """Split pages into template representatives and a sample of the rest.

    Returns:
        ``(representatives, sample)``: the first page (by path) of every template, checked
        in every mode; and ``sample_size`` other pages chosen with a fixed seed (so runs are
        repeatable), or all other pages when ``everything`` is true.
    """
    reps: dict[str, PageInfo] = {}
    for page in pages:
        reps.setdefault(page.template, page)
    chosen = {p.path for p in reps.values()}
    rest = [p for p in pages if p.path not in chosen]
    if not everything:
        rest = sorted(random.Random(seed).sample(rest, min(sample_size, len(rest))),
                      key=lambda p: p.path)
    return list(reps.values()), rest
