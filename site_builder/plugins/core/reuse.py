"""Reuse a page's previous output when nothing it is made from has changed.

MkDocs renders and writes every page on every build. For a page whose rendered content,
front matter, Tongda context (panels, banner, listing items…), the parts other plugins
declare (``BuildContext.add_signature_part``) and the site-wide inputs (configuration,
theme, Tongda's own code, nav) are all as they were at the previous successful build, the
previous output file is hard-linked into the new site instead of rendering the template
again.

A reused page brings every file other plugins made for it: a plugin that writes a file
per page (plain text, audio and its timing maps) records it with :meth:`PageReuse.add_output`
and may keep a little data beside it (:meth:`PageReuse.set_data`, e.g. the audio's size
and length for the report); on the next build, the page and all its files are linked
together, and the data comes back through :meth:`PageReuse.data`. A page is reused only
when every one of its files is still in the previous site. Plugins see
``page.meta["td_reused"]`` and skip the work those files cost.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from search_index.store import json_bytes, write_atomic

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


def manifest_path(cache_dir: Path, site: Path) -> Path:
    """Where the record of the site built at ``site`` is kept: one per site folder, so
    builds into other folders (``-d``) never mix their records."""
    key = hashlib.blake2b(str(site.resolve()).encode(), digest_size=6).hexdigest()
    return cache_dir / f"pages-{key}.json"


class PageReuse:
    """Decides, page by page, whether the previous output can stand; links it and the
    files other plugins made for the page."""

    def __init__(self, cache_dir: Path, previous_site: Path, site_sig: str) -> None:
        self.path = manifest_path(cache_dir, previous_site)
        self.previous_site = previous_site
        self.site_sig = site_sig
        self.old: dict[str, dict[str, Any]] = {}
        self.new: dict[str, dict[str, Any]] = {}
        self.reused = 0
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if data.get("site") == site_sig and isinstance(data.get("pages"), dict):
                self.old = data["pages"]
        except (OSError, ValueError):
            pass

    def signature(self, dest_uri: str, content: str, meta: Mapping[str, Any], extra: Any) -> str:
        blob = json_bytes([dest_uri, content, meta, extra], sort_keys=True, default=str)
        return hashlib.sha256(blob).hexdigest()

    def check(self, dest_uri: str, sig: str) -> bool:
        """Record the page's signature; True when its previous output, and every file
        plugins made for it, can be linked."""
        self.new[dest_uri] = {"sig": sig, "files": [], "data": {}}
        old = self.old.get(dest_uri)
        if old is None or old.get("sig") != sig:
            return False
        return all((self.previous_site / rel).is_file() for rel in [dest_uri, *old["files"]])

    def add_output(self, dest_uri: str, rel: str) -> None:
        """A plugin wrote ``rel`` (site-relative) for the page ``dest_uri``."""
        record = self.new.get(dest_uri)
        if record is not None and rel not in record["files"]:
            record["files"].append(rel)

    def set_data(self, dest_uri: str, name: str, value: Any) -> None:
        """Keep JSON-able ``value`` for the page until its next reuse (see :meth:`data`)."""
        record = self.new.get(dest_uri)
        if record is not None:
            record["data"][name] = value

    def data(self, dest_uri: str, name: str) -> Any:
        """What a plugin kept for the page at the build that made its output."""
        return (self.old.get(dest_uri) or {}).get("data", {}).get(name)

    def link_page(self, dest_uri: str, site_dir: Path) -> bool:
        """Link the page's previous output and all its files into the new site; carry
        its record over. False when any of them could not be linked."""
        old = self.old.get(dest_uri)
        if old is None:
            return False
        if not all(self.link(rel, site_dir) for rel in [dest_uri, *old["files"]]):
            return False
        self.new[dest_uri] = {"sig": old["sig"], "files": list(old["files"]),
                              "data": dict(old.get("data", {}))}
        return True

    def link(self, dest_uri: str, site_dir: Path) -> bool:
        """Hard-link (or copy) one previous output file into the new site."""
        source, target = self.previous_site / dest_uri, site_dir / dest_uri
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(source, target)
        except FileExistsError:
            return True
        except OSError:
            try:
                target.write_bytes(source.read_bytes())
            except OSError:
                return False
        return True

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(self.path, json.dumps({"site": self.site_sig, "pages": self.new}).encode("utf-8"))
