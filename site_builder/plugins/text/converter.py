"""Turn a rendered page into its plain-text twin: content and links only.

Plain classes without MkDocs, so tests (and other tools) can use them directly.
"""

from __future__ import annotations

import posixpath
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from lxml import etree

#: Elements that are pictures, media, scripts or controls: dropped with their content.
DROP_TAGS = frozenset({
    "script", "style", "noscript", "template", "svg", "math", "picture", "video", "audio",
    "source", "track", "iframe", "object", "embed", "canvas", "form", "button", "input",
    "select", "textarea", "map", "link", "meta",
})
#: Attributes kept on content elements; everything else (class, style, data-*) is layout.
KEEP_ATTRS = frozenset({
    "href", "id", "lang", "title", "scope", "colspan", "rowspan", "headers", "start",
    "reversed", "datetime", "cite", "abbr", "aria-label", "aria-labelledby", "aria-current",
})


def _relpath(target: str, start: str) -> str:
    """``posixpath.relpath`` for site-relative paths, without its ``getcwd`` per call."""
    t = [p for p in target.split("/") if p and p != "."]
    s = [p for p in start.split("/") if p and p != "."]
    i = 0
    while i < len(t) and i < len(s) and t[i] == s[i]:
        i += 1
    return "/".join([".."] * (len(s) - i) + t[i:]) or "."


@dataclass(frozen=True)
class PageRef:
    """Where a page is: its output path in the site (``policies/x/index.html``)."""

    dest: str

    @property
    def folder(self) -> str:
        return posixpath.dirname(self.dest)


class LinkRewriter:
    """Point links at the plain-text pages where they exist, else at the original files.

    Args:
        pages: Output paths of every page that gets a plain-text version.
        text_dir: The plain-text folder (``text``).
    """

    def __init__(self, pages: Collection[str], text_dir: str = "text") -> None:
        self.pages = set(pages)
        self.text_dir = text_dir.strip("/")

    def target(self, page: PageRef, href: str) -> str | None:
        """The site path ``href`` points to from ``page``, or ``None`` when it leaves the site."""
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or href.startswith(("#", "/")) or not parts.path:
            return None
        path = posixpath.normpath(posixpath.join(page.folder, parts.path))
        if path == ".." or path.startswith("../"):
            return None  # above the site's root: not ours to rewrite
        return path + ("/" if parts.path.endswith("/") else "")

    def page_dest(self, path: str) -> str | None:
        """The output file a site path opens, when it is a page with a plain-text version."""
        for cand in (path + "index.html" if path.endswith("/") else path,
                     posixpath.join(path, "index.html"), path):
            cand = cand.removeprefix("./")
            if cand == ".":
                cand = "index.html"
            if cand in self.pages:
                return cand
        return None

    def rewrite(self, page: PageRef, href: str) -> str:
        """``href`` as written on the plain-text copy of ``page``."""
        path = self.target(page, href)
        if path is None:
            return href
        parts = urlsplit(href)
        here = posixpath.join(self.text_dir, page.folder) if page.folder else self.text_dir
        dest = self.page_dest(path)
        if dest is not None:
            goal = posixpath.join(self.text_dir, posixpath.dirname(dest)) or self.text_dir
            new = _relpath(goal, here)
            new = ("" if new == "." else new + "/") if dest.endswith("index.html") else \
                _relpath(posixpath.join(self.text_dir, dest), here)
        else:
            new = _relpath(path.rstrip("/") or ".", here) + ("/" if path.endswith("/") else "")
        return urlunsplit(("", "", new or "./", parts.query, parts.fragment))

    def from_text_page(self, page: PageRef, path: str) -> str:
        """Relative link from the plain-text copy of ``page`` to ``path`` in the text folder."""
        here = posixpath.join(self.text_dir, page.folder) if page.folder else self.text_dir
        return _relpath(posixpath.join(self.text_dir, path), here)

    def original(self, page: PageRef) -> str:
        """Link from the plain-text copy back to the page itself."""
        here = posixpath.join(self.text_dir, page.folder) if page.folder else self.text_dir
        if page.dest.endswith("index.html"):
            return _relpath(page.folder or ".", here) + "/"
        return _relpath(page.dest, here)


class PlainTextPage:
    """Build the plain-text HTML of one rendered page.

    Args:
        rewriter: Decides where links go.
        drop_classes: Classes of elements that are controls or layout, not content.
        label: What the plain-text version is called (纯文本版).
    """

    def __init__(self, rewriter: LinkRewriter, drop_classes: Iterable[str],
                 label: str = "纯文本版", stylesheet: str | None = None) -> None:
        self.rewriter = rewriter
        self.drop_classes = frozenset(drop_classes)
        self.label = label
        self.stylesheet = stylesheet

    def convert(self, output: str, page: PageRef) -> str:
        """Return the plain-text page for ``output`` (the page's full HTML) at ``page``."""
        doc = etree.fromstring(output, _PARSER)
        title = (doc.findtext(".//title") or "").strip()
        source = doc.xpath("string(//meta[@name='tongda:source']/@content)")
        body = doc.find("body")
        if body is None:
            body = doc
        self._clean(body, page)
        inner = (_text(body.text or "") + "".join(
            etree.tostring(child, encoding="unicode", method="html") for child in body))
        back = self.rewriter.original(page)
        meta = f'<meta name="tongda:source" content="{_attr(source)}">\n' if source else ""
        if self.stylesheet:
            css = self.rewriter.from_text_page(page, self.stylesheet)
            meta += f'<link rel="stylesheet" href="{_attr(css)}">\n'
        return (
            "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{_text(title)}（{_text(self.label)}）</title>\n{meta}"
            f"<link rel=\"alternate\" type=\"text/html\" href=\"{_attr(back)}\" title=\"图文版\">\n"
            "</head>\n<body>\n<p><a href=\"#main\">跳到主要内容</a></p>\n"
            f"<p>这是{_text(self.label)}：只有文字和链接。<a href=\"{_attr(back)}\">返回图文版</a></p>\n"
            f"{inner}\n</body>\n</html>\n"
        )

    def _clean(self, parent: etree._Element, page: PageRef) -> None:
        """One pass over the tree: drop what is not content, keep text, rewrite links."""
        for el in list(parent):
            if not isinstance(el.tag, str) or self._unwanted(el):  # comments, controls, media
                _drop_tree(el)
                continue
            if el.tag in ("img", "area"):
                alt = (el.get("alt") or "").strip() if el.tag == "img" else ""
                _drop_tree(el, f"［图片：{alt}］" if alt else "")
                continue
            self._clean(el, page)
            for name in [n for n in el.attrib if n not in KEEP_ATTRS]:
                del el.attrib[name]
            if el.tag == "a" and el.get("href"):
                el.set("href", self.rewriter.rewrite(page, el.get("href") or ""))
            if el.tag in ("div", "span") and not el.attrib:
                _drop_tag(el)  # wrappers only carried layout

    def _unwanted(self, el: etree._Element) -> bool:
        if el.tag in DROP_TAGS or el.get("aria-hidden") == "true" or el.get("hidden") is not None:
            return True
        if el.get("data-td-text") == "skip" or el.get("role") == "status":
            return True
        classes = set((el.get("class") or "").split())
        return bool(classes & self.drop_classes)


_PARSER = etree.HTMLParser(remove_blank_text=False)


def _add_text_before(el: etree._Element, text: str) -> None:
    """Append ``text`` where it would read just before ``el``."""
    if not text:
        return
    prev = el.getprevious()
    if prev is not None:
        prev.tail = (prev.tail or "") + text
    else:
        parent = el.getparent()
        parent.text = (parent.text or "") + text


def _drop_tree(el: etree._Element, replacement: str = "") -> None:
    """Remove ``el`` and its content, keeping the text that follows it (and a replacement)."""
    _add_text_before(el, replacement + (el.tail or ""))
    el.getparent().remove(el)


def _drop_tag(el: etree._Element) -> None:
    """Replace ``el`` by its content (text and children)."""
    parent = el.getparent()
    children = list(el)
    if children:
        _add_text_before(el, el.text or "")
        children[-1].tail = (children[-1].tail or "") + (el.tail or "")
    else:
        _add_text_before(el, (el.text or "") + (el.tail or ""))
    index = parent.index(el)
    parent[index:index + 1] = children


def _text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attr(value: str) -> str:
    return _text(value).replace('"', "&quot;")
