"""Turn a rendered page into its plain-text twin: content and links only.

Plain classes without MkDocs, so tests (and other tools) can use them directly.
"""

from __future__ import annotations

import posixpath
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from lxml import html as lxml_html

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
        return posixpath.normpath(posixpath.join(page.folder, parts.path)) + (
            "/" if parts.path.endswith("/") else "")

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
            new = posixpath.relpath(goal, here)
            new = ("" if new == "." else new + "/") if dest.endswith("index.html") else \
                posixpath.relpath(posixpath.join(self.text_dir, dest), here)
        else:
            new = posixpath.relpath(path.rstrip("/") or ".", here) + ("/" if path.endswith("/") else "")
        return urlunsplit(("", "", new or "./", parts.query, parts.fragment))

    def from_text_page(self, page: PageRef, path: str) -> str:
        """Relative link from the plain-text copy of ``page`` to ``path`` in the text folder."""
        here = posixpath.join(self.text_dir, page.folder) if page.folder else self.text_dir
        return posixpath.relpath(posixpath.join(self.text_dir, path), here)

    def original(self, page: PageRef) -> str:
        """Link from the plain-text copy back to the page itself."""
        here = posixpath.join(self.text_dir, page.folder) if page.folder else self.text_dir
        if page.dest.endswith("index.html"):
            return posixpath.relpath(page.folder or ".", here) + "/"
        return posixpath.relpath(page.dest, here)


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
        doc = lxml_html.document_fromstring(output)
        title = (doc.findtext(".//title") or "").strip()
        source = doc.xpath("string(//meta[@name='tongda:source']/@content)")
        body = doc.find("body")
        if body is None:
            body = doc
        self._clean(body, page)
        inner = "".join(lxml_html.tostring(child, encoding="unicode", method="html")
                        for child in body)
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

    def _clean(self, body: lxml_html.HtmlElement, page: PageRef) -> None:
        for el in list(body.iter()):
            if not isinstance(el.tag, str):  # comments, processing instructions
                if el.getparent() is not None:
                    el.drop_tree()
                continue
            if self._unwanted(el):
                el.drop_tree()
        for img in body.xpath(".//img|.//area"):
            alt = (img.get("alt") or "").strip()
            if alt and img.tag == "img":
                span = img.makeelement("span", {})
                span.text = f"［图片：{alt}］"
                span.tail = img.tail
                img.addprevious(span)
                img.getparent().remove(img)
            else:
                img.drop_tree()
        for el in body.iter():
            if not isinstance(el.tag, str):
                continue
            for name in list(el.attrib):
                if name not in KEEP_ATTRS:
                    del el.attrib[name]
            if el.tag == "a" and el.get("href"):
                el.set("href", self.rewriter.rewrite(page, el.get("href")))
        for el in body.xpath(".//div|.//span"):
            if not el.attrib:
                el.drop_tag()  # wrappers only carried layout

    def _unwanted(self, el: lxml_html.HtmlElement) -> bool:
        if el.tag in DROP_TAGS or el.get("aria-hidden") == "true" or el.get("hidden") is not None:
            return True
        if el.get("data-td-text") == "skip" or el.get("role") == "status":
            return True
        classes = set((el.get("class") or "").split())
        return bool(classes & self.drop_classes)


def _text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attr(value: str) -> str:
    return _text(value).replace('"', "&quot;")
