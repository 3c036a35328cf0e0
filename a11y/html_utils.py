"""Small lxml helpers the static rules share: selectors, names, focusability."""

from __future__ import annotations

import re

from lxml import etree, html

_WS = re.compile(r"\s+")
_CSS_IDENT = re.compile(r"^-?[_a-zA-Z][_a-zA-Z0-9-]*$")

_SVG = ("{http://www.w3.org/2000/svg}svg", "svg")
_NAMED_LEAVES = frozenset(("img", *_SVG))

#: Elements that take keyboard focus by themselves (when not disabled).
FOCUSABLE_TAGS = {"a", "area", "button", "input", "select", "textarea", "summary", "iframe",
                  "audio", "video"}


#: Every element an ``HtmlElement`` (text_content and the rest), chosen in C: lxml.html's
#: own parser asks a Python lookup for each element's class, a fifth of the static rules'
#: time, for form-element classes no rule uses.
_LOOKUP = etree.ElementDefaultClassLookup(element=html.HtmlElement)


def parse(data: bytes) -> html.HtmlElement:
    """Parse a built page (UTF-8, as MkDocs writes it)."""
    parser = etree.HTMLParser(encoding="utf-8", remove_comments=True)
    parser.set_element_class_lookup(_LOOKUP)
    root = etree.fromstring(data, parser)
    if root is None:  # as lxml.html.document_fromstring
        raise etree.ParserError("Document is empty")
    return root  # type: ignore[no-any-return]


def elements(root: etree._Element) -> list[html.HtmlElement]:
    """Every element below ``root`` in document order, without comments or PIs."""
    return list(root.iter(etree.Element))


def norm(text: str | None) -> str:
    """Collapse whitespace and strip."""
    return _WS.sub(" ", text or "").strip()


def css_path(el: html.HtmlElement) -> str:
    """A CSS selector that finds ``el`` again in the browser.

    Uses the nearest ancestor (or self) with a plain, unique-looking ``id`` as the anchor,
    then ``tag:nth-of-type(n)`` steps, which survive the browser's own parsing.
    """
    steps: list[str] = []
    node: html.HtmlElement | None = el
    while node is not None and isinstance(node.tag, str):
        node_id = node.get("id")
        if node_id and _CSS_IDENT.match(node_id) and _unique_id(node, node_id):
            steps.append(f"#{node_id}")
            break
        parent = node.getparent()
        if parent is None:
            steps.append(node.tag)
            break
        same = [c for c in parent if c.tag == node.tag]
        steps.append(f"{node.tag}:nth-of-type({same.index(node) + 1})" if len(same) > 1
                     else node.tag)
        node = parent
    return " > ".join(reversed(steps))


def _unique_id(el: html.HtmlElement, node_id: str) -> bool:
    """Only an id used once can anchor a selector (``duplicate-id`` findings need this)."""
    return len(el.getroottree().getroot().xpath("//*[@id=$i]", i=node_id)) == 1


def snippet(el: html.HtmlElement, limit: int = 160) -> str:
    """The element's opening tag and start of its content, for the report."""
    text = etree.tostring(el, encoding="unicode", with_tail=False)
    text = norm(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def text_of(el: html.HtmlElement) -> str:
    """Visible-ish text: text content without ``aria-hidden`` subtrees and scripts."""
    if not len(el):  # most links and headings: their own text only
        if el.get("aria-hidden") == "true" or el.tag in ("script", "style", "template"):
            return ""
        return norm(el.text)
    parts: list[str] = []

    def walk(node: html.HtmlElement) -> None:
        if node.get("aria-hidden") == "true" or node.tag in ("script", "style", "template"):
            return
        if node.text:
            parts.append(node.text)
        for child in node:
            if isinstance(child.tag, str):
                walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(el)
    return norm("".join(parts))


def labelled_by(el: html.HtmlElement, ids: dict[str, html.HtmlElement]) -> str:
    """Text of the elements named in ``aria-labelledby``."""
    names = []
    for ref in (el.get("aria-labelledby") or "").split():
        target = ids.get(ref)
        if target is not None:
            names.append(text_of(target))
    return norm(" ".join(names))


def accessible_name(el: html.HtmlElement, ids: dict[str, html.HtmlElement]) -> str:
    """A close approximation of the accessible name of links, buttons and headings.

    Order as in the accname spec: ``aria-labelledby``, ``aria-label``, content (with the
    ``alt`` of images inside), ``title``.
    """
    by = labelled_by(el, ids)
    if by:
        return by
    label = norm(el.get("aria-label"))
    if label:
        return label
    parts = [text_of(el)]
    if len(el) or el.tag in _NAMED_LEAVES:  # a leaf has no image or svg but itself
        for img in el.iter("img"):
            if img.get("aria-hidden") != "true":
                parts.append(norm(img.get("alt")))
        for svg in el.iter(*_SVG):
            parts.append(norm(svg.get("aria-label")))
    name = norm(" ".join(p for p in parts if p))
    return name or norm(el.get("title"))


def is_hidden(el: html.HtmlElement) -> bool:
    """Hidden from everyone by markup (``hidden``, ``inert``, ``display:none`` inline)."""
    node: html.HtmlElement | None = el
    while node is not None and isinstance(node.tag, str):
        if hides(node):
            return True
        node = node.getparent()
    return False


def hides(node: html.HtmlElement) -> bool:
    """Whether ``node`` itself hides its subtree (:func:`is_hidden` asks each ancestor)."""
    if node.get("hidden") is not None or node.get("inert") is not None \
            or node.tag == "template":
        return True
    style = node.get("style")
    if not style:
        return False
    style = style.replace(" ", "").lower()
    return "display:none" in style or "visibility:hidden" in style


def is_focusable(el: html.HtmlElement) -> bool:
    """Whether ``el`` is in the Tab order (markup only; CSS is the browser check's job)."""
    tabindex = el.get("tabindex")
    if tabindex is not None:
        try:
            return int(tabindex) >= 0 and el.get("disabled") is None
        except ValueError:
            pass
    tag = el.tag
    if tag not in FOCUSABLE_TAGS or el.get("disabled") is not None:
        return False
    if tag in ("a", "area"):
        return el.get("href") is not None
    if tag == "input":
        return (el.get("type") or "").lower() != "hidden"
    if tag in ("audio", "video"):
        return el.get("controls") is not None
    if tag == "summary":
        parent = el.getparent()
        return parent is not None and parent.tag == "details"
    return True
