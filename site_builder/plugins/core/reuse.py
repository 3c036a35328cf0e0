"""Reuse a page's previous output when nothing it is made from has changed.

MkDocs renders and writes every page on every build. For a page whose rendered content,
front matter, Tongda context (panels, banner, listing items…) and the site-wide inputs
(configuration, theme, Tongda's own code, nav) are all as they were at the previous
successful build, the previous output file is hard-linked into the new site instead of
rendering the template again. Other plugins see ``page.meta["td_reused"]`` and may reuse
their own per-page outputs the same way; anything they add to a page's context that is
not derived from those inputs must go into the signature through ``page_signature_extra``.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

MANIFEST = "pages.json"


def _stat_files(folders: Iterable[Path]) -> list[tuple[str, int, int]]:
    out = []
    for folder in folders:
        for root, dirs, files in os.walk(folder):
            dirs[:] = sorted(d for d in dirs if d not in ("__pycache__", "node_modules"))
            for name in sorted(files):
                st = os.stat(os.path.join(root, name))
                out.append((os.path.join(root, name), st.st_mtime_ns, st.st_size))
    return out


def site_signature(config_text: str, folders: Iterable[Path], extra: Any) -> str:
    """What every page depends on: configuration, theme and code files, nav, plugins."""
    blob = json.dumps([config_text, _stat_files(folders), extra], default=str, ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()


class PageReuse:
    """Decides, page by page, whether the previous output can stand."""

    def __init__(self, cache_dir: Path, previous_site: Path, site_sig: str) -> None:
        self.path = cache_dir / MANIFEST
        self.previous_site = previous_site
        self.site_sig = site_sig
        self.old: dict[str, str] = {}
        self.new: dict[str, str] = {}
        self.reused = 0
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if data.get("site") == site_sig:
                self.old = data.get("pages", {})
        except (OSError, ValueError):
            pass

    def signature(self, dest_uri: str, content: str, meta: Mapping[str, Any], extra: Any) -> str:
        blob = json.dumps([dest_uri, content, meta, extra], default=str, ensure_ascii=False,
                          sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()

    def check(self, dest_uri: str, sig: str) -> bool:
        """Record the page's signature; True when its previous output can be linked."""
        self.new[dest_uri] = sig
        return self.old.get(dest_uri) == sig and (self.previous_site / dest_uri).is_file()

    def link(self, dest_uri: str, site_dir: Path) -> bool:
        """Hard-link (or copy) the previous output into the new site."""
        source, target = self.previous_site / dest_uri, site_dir / dest_uri
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(source, target)
        except OSError:
            try:
                target.write_bytes(source.read_bytes())
            except OSError:
                return False
        return True

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"site": self.site_sig, "pages": self.new}), encoding="utf-8")
        tmp.replace(self.path)
