"""Turn a rendered page into its plain-text twin: content and links only.

Plain classes without MkDocs, so tests (and other tools) can use them directly.
"""

from __future__ import annotations

import functools
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

    @functools.cached_property
    def folder(self) -> str:
        return posixpath.dirname(self.dest)


@functools.lru_cache(maxsize=4096)
def _split(href: str) -> tuple[str, str, str, str, str]:
    """``urlsplit`` of a link (pages share most of theirs: navigation, header, footer)."""
    return tuple(urlsplit(href))  # type: ignore[return-value]


class LinkRewriter:
    """Point links at the plain-text pages where they exist, else at the original files.

    Args:
        pages: Output paths of every page that gets a plain-text version.
        text_dir: The plain-text folder (``text``).
    """

    def __init__(self, pages: Collection[str], text_dir: str = "text") -> None:
        self.pages = set(pages)
        self.text_dir = text_dir.strip("/")
        self._dests: dict[str, str | None] = {}

    def target(self, page: PageRef, href: str) -> str | None:
        """The site path ``href`` points to from ``page``, or ``None`` when it leaves the site."""
        scheme, netloc, link, _, _ = _split(href)
        if scheme or netloc or href.startswith(("#", "/")) or not link:
            return None
        path = posixpath.normpath(posixpath.join(page.folder, link))
        if path == ".." or path.startswith("../"):
            return None  # above the site's root: not ours to rewrite
        return path + ("/" if link.endswith("/") else "")

    def page_dest(self, path: str) -> str | None:
        """The output file a site path opens, when it is a page with a plain-text version."""
        try:
            return self._dests[path]
        except KeyError:
            dest = self._dests[path] = self._page_dest(path)
            return dest

    def _page_dest(self, path: str) -> str | None:
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
        _, _, _, query, fragment = _split(href)
        here = posixpath.join(self.text_dir, page.folder) if page.folder else self.text_dir
        dest = self.page_dest(path)
        if dest is not None:
            goal = posixpath.join(self.text_dir, posixpath.dirname(dest)) or self.text_dir
            new = _relpath(goal, here)
            new = ("" if new == "." else new + "/") if dest.endswith("index.html") else \
                _relpath(posixpath.join(self.text_dir, dest), here)
        else:
            new = _relpath(path.rstrip("/") or ".", here) + ("/" if path.endswith("/") else "")
        return urlunsplit(("", "", new or "./", query, fragment))

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

    def _clean(self, body: etree._Element, page: PageRef) -> None:
        """Drop what is not content, keep text, rewrite links: each step one XPath over
        the tree and lxml's own removal, not a Python call per element (a page's header,
        navigation and footer are most of its 200 elements)."""
        for el in self._unwanted(body):  # comments, controls, media; outermost first
            if el.getparent() is not None:
                _drop_tree(el)
        for el in _IMAGES(body):
            alt = (el.get("alt") or "").strip() if el.tag == "img" else ""
            _drop_tree(el, f"［图片：{alt}］" if alt else "")
        names = {a.attrname for a in _ATTRIBUTES(body)} - KEEP_ATTRS
        if names:
            etree.strip_attributes(body, *names)
        rewrite = self.rewriter.rewrite
        for el in _LINKS(body):
            el.set("href", rewrite(page, el.get("href") or ""))
        wrappers = _WRAPPERS(body)  # only carried layout: their content stays
        if wrappers:
            for el in wrappers:
                el.tag = _UNWRAP
            etree.strip_tags(body, _UNWRAP)

    def _unwanted(self, body: etree._Element) -> list[etree._Element]:
        """Comments, processing instructions, controls, media, hidden and skipped parts,
        and elements of a class left out (dropped in any order, they leave the same text;
        one may be listed twice)."""
        found = [el for el in body.iter(etree.Comment, etree.ProcessingInstruction, *DROP_TAGS)
                 if el is not body]
        drop = self.drop_classes
        for el in body.iterdescendants(etree.Element):
            if not len(el.attrib):
                continue
            get = el.get
            classes = get("class")
            if (classes is not None and not drop.isdisjoint(classes.split())) \
                    or get("aria-hidden") == "true" or get("hidden") is not None \
                    or get("data-td-text") == "skip" or get("role") == "status":
                found.append(el)
        return found


_PARSER = etree.HTMLParser(remove_blank_text=False)
_IMAGES = etree.XPath(".//img | .//area")
_ATTRIBUTES = etree.XPath(".//@*")
_LINKS = etree.XPath(".//a[@href != '']")
_WRAPPERS = etree.XPath(".//div[not(@*)] | .//span[not(@*)]")
#: The tag wrappers are renamed to before lxml strips them (no page uses it).
_UNWRAP = "td-unwrap"


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
