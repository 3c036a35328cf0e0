"""What the Q&A function reads from the built site: the search index and ``api/qa/site.json``.

The index is the one the site ships (``search/``), read through the search's Python
runtime, so the robot and the search box rank alike. ``api/qa/site.json`` is written by
the ``tongda-qa`` build plugin: the site's base path, the pages the answers link to (FAQ
list, complaint form), each service guide's key facts and each page's next steps; the
applications catalog (``api/apply/catalog.json``, when the site has one) adds 在线申请.

Both are read again when the site is rebuilt (the manifest's modification time changes),
so a long-running function never answers from an index that is no longer published.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from search_index.runtime import Searcher

SITE_FILE = "api/qa/site.json"
INDEX_DIR = "search"
#: The applications catalog (tongda-apply): policies that take applications online.
APPLY_FILE = "api/apply/catalog.json"


class SiteUnavailable(RuntimeError):
    """The site has no search index (not built, or built without the search plugin)."""


@dataclass
class SiteData:
    """One load of the site: the searcher and the facts file."""

    searcher: Searcher
    base: str = "/"
    links: dict[str, str] = field(default_factory=dict)
    services: dict[str, dict[str, Any]] = field(default_factory=dict)
    next_steps: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    complaint: list[str] = field(default_factory=list)

    def url(self, path: str) -> str:
        """A site-relative path (``services/x/``) as a path from the host (``/services/x/``)."""
        return self.base.rstrip("/") + "/" + path.lstrip("/")


class Site:
    """The built site, loaded on first use and again after each rebuild.

    Args:
        site_dir: The built site (``TONGDA_SITE_DIR``).
    """

    def __init__(self, site_dir: Path) -> None:
        self.site_dir = site_dir
        self._lock = threading.Lock()
        self._data: SiteData | None = None
        self._stamp: float | None = None

    def _manifest_stamp(self) -> float:
        try:
            return (self.site_dir / INDEX_DIR / "manifest.tdz").stat().st_mtime
        except OSError:
            raise SiteUnavailable(f"{self.site_dir} 中没有搜索索引（search/manifest.tdz）") from None

    def data(self) -> SiteData:
        """The current load (re-read when the index was rewritten since)."""
        stamp = self._manifest_stamp()
        with self._lock:
            if self._data is None or stamp != self._stamp:
                self._data = _load(self.site_dir)
                self._stamp = stamp
            return self._data


def _load(site_dir: Path) -> SiteData:
    searcher = Searcher(site_dir / INDEX_DIR)
    data = SiteData(searcher=searcher)
    path = site_dir / SITE_FILE
    if path.is_file():
        raw = json.loads(path.read_text("utf-8"))
        data.base = str(raw.get("base") or "/")
        data.links = {str(k): str(v) for k, v in (raw.get("links") or {}).items()}
        data.services = dict(raw.get("services") or {})
        data.next_steps = dict(raw.get("next") or {})
        data.complaint = [str(s) for s in raw.get("complaint") or []]
    _add_applications(data, site_dir / APPLY_FILE)
    return data


def _add_applications(data: SiteData, path: Path) -> None:
    """Online application as a next step of each policy that takes one and of its guides."""
    if not path.is_file():
        return
    try:
        policies = json.loads(path.read_text("utf-8")).get("policies") or []
    except (OSError, ValueError, AttributeError):
        return  # the applications function reports a broken catalog; answers go on without it
    for p in policies:
        if not isinstance(p, dict) or not p.get("apply_url") or not p.get("id"):
            continue
        step = {"label": f"在线申请：{p.get('title') or p['id']}", "url": str(p["apply_url"])}
        pages = [str(p["id"])] + [str(s["id"]) for s in p.get("services") or []
                                  if isinstance(s, dict) and s.get("id")]
        for page in pages:
            steps = data.next_steps.setdefault(page, [])
            if step not in steps:
                steps.append(step)
