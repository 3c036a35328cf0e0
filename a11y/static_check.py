"""Run the static rules over every page of a built site."""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree, html

from a11y.findings import Finding, SourceRef
from a11y.html_utils import css_path, elements, parse, snippet
from a11y.site import PageInfo, iter_pages, page_url, template_from_path
from a11y.source_map import SourceMapper
from a11y.static_rules import RULES, VAGUE_LINK_TEXTS, PageDoc

SOURCE_META = "tongda:source"
TEMPLATE_METAS = ("tongda:template", "tongda:kind")


@dataclass
class StaticResult:
    """What the static pass returns.

    Attributes:
        pages: Every checked page with its template and source.
        findings: Every finding, in page order.
        seconds: Wall time of the pass.
        checks: Rule evaluations done (pages x rules), for the throughput figure.
    """

    pages: list[PageInfo] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    seconds: float = 0.0
    checks: int = 0
    #: Pages whose result came from the check made as they were written (``tongda build``).
    early: int = 0


def _prefixed(path: str, template: str) -> str:
    """Plain-text pages are a template family of their own, whatever the theme calls them."""
    if template and path.startswith("text/") and not template.startswith("text"):
        return "text/" + template
    return template


class StaticChecker:
    """Check built HTML pages with the rules in :data:`a11y.static_rules.RULES`.

    Args:
        site_hosts: Hosts that count as the site itself (everything else is third party).
        docs_dir: Content folder for mapping findings to Markdown lines.
        skip_rules: Rule ids not to run at all (waivers are the better tool: they show up
            in the report).
        vague_link_texts: Link texts that do not say where a link goes.
    """

    def __init__(self, *, site_hosts: Iterable[str] = (), docs_dir: Path | None = None,
                 skip_rules: Iterable[str] = (),
                 vague_link_texts: Iterable[str] = VAGUE_LINK_TEXTS) -> None:
        self.site_hosts = frozenset(h.lower() for h in site_hosts) | {"127.0.0.1", "localhost"}
        self.rules = [r for rid, r in RULES.items() if rid not in set(skip_rules)]
        self.mapper = SourceMapper(docs_dir)
        self.vague = frozenset(t.lower() for t in vague_link_texts)

    def check_html(self, path: str, data: bytes) -> tuple[PageInfo, list[Finding]]:
        """Check one page's HTML; ``path`` is its site-relative path."""
        try:
            root = parse(data)
        except (etree.ParserError, ValueError) as exc:
            info = PageInfo(path, page_url(path), template_from_path(path))
            return info, [Finding("html-parse", "static", path, f"无法解析 HTML: {exc}",
                                  "检查构建输出。", impact="critical")]
        ids: dict[str, html.HtmlElement] = {}
        for el in root.xpath("descendant-or-self::*[@id]"):
            ids.setdefault(el.get("id"), el)
        doc = PageDoc(path, root, elements(root), ids, self.site_hosts, self.vague)
        metas = {el.get("name"): el.get("content") or "" for el in doc.by_tag("meta")
                 if el.get("name")}
        template = next((metas[m] for m in TEMPLATE_METAS if metas.get(m)), "")
        info = PageInfo(path, page_url(path),
                        _prefixed(path, template) or template_from_path(path),
                        metas.get(SOURCE_META, ""))
        findings = []
        for rule in self.rules:
            for el, message, hint in rule.check(doc):
                finding = Finding(rule.id, "static", path, message, rule.fix,
                                  css_path(el) if el is not None else "",
                                  snippet(el) if el is not None else "", impact=rule.impact,
                                  template=info.template, hint=hint)
                self.mapper.locate(finding, info.source)
                findings.append(finding)
        return info, findings

    def fingerprint(self) -> str:
        """Hash of the options and of the rules' code: a cached result is only reused
        when both are the same."""
        digest = hashlib.sha1(repr((sorted(self.site_hosts), sorted(self.vague),
                                    [r.id for r in self.rules],
                                    str(self.mapper.docs_dir))).encode(),
                              usedforsecurity=False)
        for module in ("static_rules.py", "static_check.py", "source_map.py", "html_utils.py"):
            digest.update((Path(__file__).parent / module).read_bytes())
        return digest.hexdigest()

    def check_site(self, site_dir: Path, exclude: Iterable[str] | None = None,
                   pages: Iterable[str] | None = None,
                   cache_file: Path | None = None,
                   session: SiteCheck | None = None) -> StaticResult:
        """Check every page (or the given ``pages``) under ``site_dir``.

        Args:
            site_dir: The built site.
            exclude: Globs of files that are not pages (default: reports, assets, data).
            pages: Check only these site-relative paths.
            cache_file: JSON cache of earlier results keyed by the page's HTML and its
                Markdown source, so a rebuild re-checks only the pages that changed.
            session: Pages already checked while the site was being written (their
                results are used when the file has not changed since); it holds the cache.
        """
        start = time.perf_counter()
        result = StaticResult()
        paths = list(pages) if pages is not None else (
            iter_pages(site_dir, exclude) if exclude is not None else iter_pages(site_dir))
        if session is None:
            session = SiteCheck(self, site_dir, cache_file)
        for rel in paths:
            info, findings, early = session.result(rel)
            result.early += early
            result.pages.append(info)
            result.findings.extend(findings)
        session.cache.save()
        result.checks = len(paths) * len(self.rules)
        result.seconds = time.perf_counter() - start + session.early_seconds
        return result


_Stamp = tuple[int, int, int]


def _stamp(path: Path) -> _Stamp | None:
    """What tells one version of a file from the next: inode, size, modification time."""
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_ino, st.st_size, st.st_mtime_ns


class SiteCheck:
    """One site's static results, page by page, with the cache they are kept in.

    ``tongda build`` checks each page in a process of its own as soon as the page is
    written (:meth:`check_early`), while the next pages are rendered; the final pass
    (:meth:`StaticChecker.check_site`) takes those results for every file still as it
    was, and checks the rest.
    """

    def __init__(self, checker: StaticChecker, site_dir: Path, cache_file: Path | None) -> None:
        self.checker = checker
        self.site_dir = site_dir
        self.cache = _Cache(cache_file, checker.fingerprint())
        self.early: dict[str, tuple[_Stamp, PageInfo, list[Finding]]] = {}
        self.early_seconds = 0.0
        self._missing: list[str] = []

    def check_early(self, paths: Iterable[str]) -> int:
        """Check pages that are written; returns how many were checked. A file not
        written yet is tried again with the next call; one changing while it is read is
        left for the final pass."""
        start = time.perf_counter()
        done = 0
        todo, self._missing = [*self._missing, *paths], []
        for rel in todo:
            path = self.site_dir / rel
            before = _stamp(path)
            if before is None:
                self._missing.append(rel)
                continue
            if rel in self.early:
                continue
            info, findings = self._check(rel, path.read_bytes())
            if _stamp(path) == before:
                self.early[rel] = (before, info, findings)
                done += 1
        self.early_seconds += time.perf_counter() - start
        return done

    def result(self, rel: str) -> tuple[PageInfo, list[Finding], bool]:
        """The page's result: the early one while the file is unchanged (then True),
        else checked now."""
        path = self.site_dir / rel
        early = self.early.pop(rel, None)
        if early is not None and early[0] == _stamp(path):
            return early[1], early[2], True
        return *self._check(rel, path.read_bytes()), False

    def _check(self, rel: str, data: bytes) -> tuple[PageInfo, list[Finding]]:
        cache = self.cache
        key = cache.key(rel, data, self.checker.mapper.docs_dir)
        hit = cache.get(key)
        if hit is not None:
            return hit
        info, findings = self.checker.check_html(rel, data)
        cache.put(key, info, findings)
        return info, findings


class _Cache:
    """Static results by content hash (page HTML + its Markdown source), in one JSON file."""

    def __init__(self, path: Path | None, fingerprint: str) -> None:
        self.path, self.fingerprint = path, fingerprint
        self.old: dict[str, Any] = {}
        self.new: dict[str, Any] = {}
        if path is not None and path.is_file():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                if data.get("fingerprint") == fingerprint:
                    self.old = data.get("pages", {})
            except (OSError, ValueError):
                pass  # a damaged cache is only a slower run

    def key(self, rel: str, data: bytes, docs_dir: Path | None) -> str:
        if self.path is None:
            return ""
        digest = hashlib.sha1(rel.encode() + b"\0" + data, usedforsecurity=False)
        source = _source_of(data)
        if source and docs_dir is not None:
            try:
                digest.update((docs_dir / source).read_bytes())
            except OSError:
                digest.update(b"missing")
        return digest.hexdigest()

    def get(self, key: str) -> tuple[PageInfo, list[Finding]] | None:
        entry = self.old.get(key) if key else None
        if entry is None:
            return None
        self.new[key] = entry
        findings = []
        for item in entry["findings"]:
            source = item.pop("source", None)
            findings.append(Finding(**item, source=SourceRef(**source) if source else None))
            item["source"] = source
        return PageInfo(**entry["page"]), findings

    def put(self, key: str, info: PageInfo, findings: list[Finding]) -> None:
        if key:
            self.new[key] = {"page": asdict(info), "findings": [f.to_dict() for f in findings]}

    def save(self) -> None:
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"fingerprint": self.fingerprint, "pages": self.new},
                                  ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, self.path)


def _source_of(data: bytes) -> str:
    """The ``tongda:source`` meta without parsing the page (it sits in <head>)."""
    head = data[:4096]
    at = head.find(b'name="tongda:source"')
    if at < 0:
        return ""
    start = head.find(b'content="', at)
    end = head.find(b'"', start + 9)
    return head[start + 9:end].decode("utf-8", "replace") if start >= 0 and end > 0 else ""
