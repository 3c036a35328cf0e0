"""Accuracy (准确性): links, anchors, images and citations lead where they say."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from urllib.parse import unquote

from site_builder.content.corpus import Entry
from site_builder.content.model import KIND_FOLDERS, references

from .context import CheckContext
from .findings import Problem
from .registry import rule

_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^//")
_CONTENT_FOLDERS = set(KIND_FOLDERS.values())


def resolve_link(ctx: CheckContext, entry: Entry, url: str) -> tuple[str, Entry | None, bool]:
    """Resolve an internal link: (fragment, target document or None, whether it was checkable).

    A link is checkable when it points at a Markdown file or into a content folder; links
    to other site pages (listings, search) cannot be known before the build.
    """
    path, _, fragment = url.partition("#")
    path = unquote(path.split("?", 1)[0])
    if not path:
        return fragment, entry, True
    src_rel = posixpath.normpath(posixpath.join(posixpath.dirname(entry.src_path), path))
    if path.startswith("/"):
        candidates = [posixpath.normpath(path.lstrip("/"))]
    elif path.endswith(".md") or src_rel in ctx.files:
        # MkDocs rewrites links to files it knows, resolved from the source file's folder.
        candidates = [src_rel]
    else:
        # Any other relative link is left as written: the browser resolves it from the page URL.
        candidates = [posixpath.normpath(posixpath.join(entry.url, path))]
    for rel in candidates:
        target = ctx.corpus.by_path.get(rel) or ctx.urls.get(rel.rstrip("/") + "/")
        if target is None and rel.endswith("index.html"):
            target = ctx.urls.get(rel[: -len("index.html")])
        if target is not None:
            return fragment, target, True
        if rel in ctx.files:
            return fragment, None, False
    checkable = path.endswith(".md") or any(c.split("/", 1)[0] in _CONTENT_FOLDERS for c in candidates)
    return fragment, None, checkable


def _internal_links(ctx: CheckContext, entry: Entry) -> Iterator[tuple[str, int]]:
    for link in ctx.scan(entry).links:
        if not link.image and link.url and not _SCHEME.match(link.url):
            yield link.url, link.line


@rule("link-broken", "accuracy", "error", "站内链接失效",
      "改正链接：指向内容文件写相对路径（../policies/xxx.md），确认文件存在、文件名拼写正确。")
def link_broken(ctx: CheckContext) -> Iterator[Problem]:
    for e in ctx.entries:
        for url, line in _internal_links(ctx, e):
            _, target, checkable = resolve_link(ctx, e, url)
            if target is None and checkable:
                yield Problem(e.id, f"链接“{url}”指向的文件或页面不存在", "", line)


@rule("anchor-broken", "accuracy", "warning", "锚点不存在",
      "改正 # 后面的锚点：目标页面要有这个标题；给标题写固定 id（## 申请条件 {#conditions}）再链接它。")
def anchor_broken(ctx: CheckContext) -> Iterator[Problem]:
    for e in ctx.entries:
        for url, line in _internal_links(ctx, e):
            fragment, target, _ = resolve_link(ctx, e, url)
            if target is not None and fragment and unquote(fragment) not in ctx.anchors(target):
                yield Problem(e.id, f"“{target.src_path}”中没有锚点“#{fragment}”", "", line)


@rule("image-missing", "accuracy", "error", "图片不存在",
      "把图片放进 content/ 下（如 content/assets/），链接写相对路径并核对文件名和大小写。")
def image_missing(ctx: CheckContext) -> Iterator[Problem]:
    for e in ctx.entries:
        for link in ctx.scan(e).links:
            if not link.image or not link.url or _SCHEME.match(link.url) or link.url.startswith("data:"):
                continue
            path = unquote(link.url.split("#", 1)[0].split("?", 1)[0])
            if path.startswith("/"):
                rel = posixpath.normpath(path.lstrip("/"))
            else:
                rel = posixpath.normpath(posixpath.join(posixpath.dirname(e.src_path), path))
            if rel not in ctx.files:
                yield Problem(e.id, f"图片“{link.url}”不存在", "", link.line)


@rule("relation-self", "accuracy", "warning", "文档引用了自己",
      "从关系字段（related、based_on、about…）中删掉文档自己的 id。")
def relation_self(ctx: CheckContext) -> Iterator[Problem]:
    for e in ctx.entries:
        for name, index, target, _ in references(e.meta):
            if target == e.id:
                yield Problem(e.id, "关系字段里写了自己的 id", f"{name}.{index}",
                              ctx.line(e, *name.split("."), index))


@rule("cites-inactive", "accuracy", "warning", "正文引用了已失效的文件",
      "正文引用的文件已失效或废止，且没有替代它的现行文件：改为引用现行有效的依据，或写明引用的是历史文件。"
      "（引用的旧版本已有新版本替代时不报：页面会在引用处注明现行版本。）")
def cites_inactive(ctx: CheckContext) -> Iterator[Problem]:
    # A version since replaced is a fine thing to cite (the text meant that version): the
    # related panels name the version in force beside it. Only a citation of something that
    # nothing replaces leaves the reader without a text in force.
    from site_builder.plugins.graph.versions import in_force

    docs = ctx.corpus.documents
    seen: set[tuple[str, str]] = set()
    for c in ctx.citations:
        if c.target is None or (c.source, c.target) in seen:
            continue
        seen.add((c.source, c.target))
        entry = docs.get(c.source)
        if entry is None or not ctx.is_current(entry) or not ctx.is_inactive(c.target):
            continue
        if ctx.same_family(c.source, c.target) or _mentions_on_purpose(ctx, entry, c.target, c.line):
            continue
        target = docs[c.target]
        if in_force(target, ctx.corpus) is not None:
            continue
        label = {"superseded": "已被替代", "expired": "已失效", "repealed": "已废止",
                 "amended": "已被修改"}[target.status]
        cited = f"“{c.text}”" if "〔" in c.text or "号" in c.text[-1:] else f"《{c.text}》"
        yield Problem(entry.id, f"引用的{cited}（{target.src_path}）{label}，没有替代它的现行文件",
                      "", c.line)


_ON_PURPOSE = re.compile(r"废止|停止执行|不再执行|同时失效|原《|修订|修改|替代|取代|代替")


def _mentions_on_purpose(ctx: CheckContext, entry: Entry, target: str, line: int) -> bool:
    """Whether the text names the old document to say it is replaced (…同时废止), or the
    document declares the old one on purpose (``related``, or it interprets a newer version)."""
    meta = entry.meta
    if target in meta.related:
        return True
    for other in getattr(meta, "interprets", []) + getattr(meta, "about", []):
        if ctx.same_family(other, target):
            return True
    if line:
        lines = entry.body.split("\n")
        index = line - entry.body_line
        if 0 <= index < len(lines) and _ON_PURPOSE.search(lines[index]):
            return True
    return False


@rule("citation-unresolved", "accuracy", "notice", "引用的文件在站内找不到",
      "核对书名或文号是否写对；文件确实不在本站时可忽略，或把它收录进来以便读者点击查看。")
def citation_unresolved(ctx: CheckContext) -> Iterator[Problem]:
    seen: set[tuple[str, str]] = set()
    for c in ctx.citations:
        if c.target is None and (c.source, c.text) not in seen and c.source in ctx.corpus.documents:
            seen.add((c.source, c.text))
            yield Problem(c.source, f"找不到引用的“{c.text}”", "", c.line or None)
