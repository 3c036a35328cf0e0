"""The verifier page: the theme's ``voucher`` component and the trust data it starts with.

Nothing here verifies anything or imports the voucher function: the function writes its
public files, this module reads them as data (JSON and text) to embed a copy in the page,
so the page still knows the keys when the site is opened offline.
"""

from __future__ import annotations

import json
import logging
import posixpath
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import themes
from site_builder.plugins.core.component import render_macro

COMPONENT_DIR = Path(themes.__file__).parent / "tongda" / "components" / "voucher"
ASSETS_JS = ["components/voucher/voucher-verify.js", "components/voucher/voucher.js"]
ASSETS_CSS = ["components/voucher/voucher.css"]
MINE_JS = ["components/voucher/voucher-mine.js"]
VENDOR_FALLBACK = "assets/vendor/noble-ed25519/index.js"
DID_PATH = ".well-known/did.json"
DATA_PATH = "voucher/data/"
_STATUS = re.compile(r"^status-(\d+)\.json$")
log = logging.getLogger("mkdocs.plugins.tongda-voucher")


def render_component(params: dict[str, Any], macro: str = "voucher") -> str:
    """Render the ``voucher`` (verifier) or ``voucher_mine`` (citizen's page) macro with
    ``params`` (see the component's examples.yml)."""
    return render_macro("voucher", macro, params)


def relative_root(page_path: str) -> str:
    """``voucher/`` → ``../``: from a directory-URL page back to the site root."""
    return "../" * len([p for p in page_path.strip("/").split("/") if p])


def _link(from_path: str, to_path: str) -> str:
    """``voucher/`` → ``voucher/mine/`` is ``mine/``: one directory-URL page to another."""
    def folder(path: str) -> str:
        return "/".join(p for p in path.strip("/").split("/") if p) or "."

    relative = posixpath.relpath(folder(to_path), folder(from_path))
    return "./" if relative == "." else relative + "/"


def page_params(title: str, page_path: str, trust: dict[str, Any],
                mine_path: str | None = None, mine_title: str = "") -> dict[str, Any]:
    """Parameters of the verifier page (``mine_path``: the citizen's page, to link to)."""
    base = relative_root(page_path)
    params = {"title": title, "base": base, "did_url": base + DID_PATH,
              "data_url": base + DATA_PATH, "fallback_url": base + VENDOR_FALLBACK,
              "api_url": base + "api/voucher/", "trust": trust}
    if mine_path:
        params |= {"mine_url": _link(page_path, mine_path), "mine_title": mine_title}
    return params


def mine_params(title: str, mine_path: str, verify_path: str | None) -> dict[str, Any]:
    """Parameters of the citizen's page (``verify_path``: the verifier page, or none)."""
    base = relative_root(mine_path)
    return {"title": title, "api_url": base + "api/voucher/",
            "verify_url": _link(mine_path, verify_path) if verify_path else None}


def published_files(folder: Path) -> list[str]:
    """The published files to copy (site-relative paths), the DID document first."""
    found = [DID_PATH] if (folder / DID_PATH).is_file() else []
    data = folder / DATA_PATH
    if data.is_dir():
        found += sorted(DATA_PATH + p.name for p in data.iterdir()
                        if p.is_file() and (p.name == "checkpoint.txt" or _STATUS.match(p.name)))
    return found


def read_trust(folder: Path) -> dict[str, Any]:
    """The DID document, status lists and checkpoint the function published, as data."""
    trust: dict[str, Any] = {}
    for path in published_files(folder):
        try:
            text = (folder / path).read_text(encoding="utf-8")
            if path == DID_PATH:
                trust["did"] = json.loads(text)
            elif path.endswith("checkpoint.txt"):
                trust["checkpoint"] = text
            else:
                number = _STATUS.match(Path(path).name).group(1)  # type: ignore[union-attr]
                trust.setdefault("status_lists", {})[number] = json.loads(text)
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            log.warning("数据凭证：无法读取 %s（%s），页面中不内嵌这一份。", folder / path, exc)
    return trust


def did_for(site_url: str | None) -> str | None:
    """The ``did:web`` a site at ``site_url`` would have (for a consistency warning)."""
    host = urlsplit(site_url or "").netloc
    return "did:web:" + quote(host.lower(), safe=".-") if host else None


def find_fallback(config_dir: Path, configured: str | None) -> Path:
    """Locate ``@noble/ed25519``'s ``index.js`` (the project's npm dependency)."""
    if configured:
        path = (config_dir / configured).resolve()
        if not path.is_file():
            raise FileNotFoundError(f"page_fallback 指向的文件不存在：{path}")
        return path
    tongda_root = Path(__file__).resolve().parents[3]
    for folder in [config_dir, *config_dir.parents, tongda_root]:
        candidate = folder / "node_modules" / "@noble" / "ed25519" / "index.js"
        if candidate.is_file():
            return candidate
    raise FileNotFoundError("找不到 @noble/ed25519（node_modules/@noble/ed25519/index.js）："
                            "请在项目根目录运行 npm ci，或设置 page_fallback。")
