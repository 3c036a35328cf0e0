"""Static accessibility rules over built HTML (lxml, no browser).

Each rule is a small function over a parsed page that yields ``(element, message, hint)``;
:func:`check_page` turns them into :class:`~a11y.findings.Finding` objects with the rule's
fix text and a selector. Rules are registered in :data:`RULES` by id, so the report, the
waivers and the tests all use the same ids.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from lxml import html

from a11y.html_utils import (
    accessible_name,
    hides,
    is_focusable,
    labelled_by,
    norm,
    text_of,
)

Hit = tuple["html.HtmlElement | None", str, str]

#: Link texts that say nothing out of context (WCAG 2.4.4); configurable per site.
VAGUE_LINK_TEXTS = frozenset({
    "点击这里", "点击此处", "点这里", "点此", "点击", "这里", "此处", "请点击", "请点击这里",
    "链接", "更多", "详情", "查看", "查看详情", "click here", "here", "more", "link", "read more",
})

_DATA_SCRIPT_TYPES = {"application/json", "application/ld+json", "importmap", "text/template",
                      "application/geo+json"}
_UNLABELLED_INPUTS = {"hidden", "submit", "reset", "button", "image"}


@dataclass
class PageDoc:
    """A parsed page and what several rules need from it.

    The rules ask the same questions of the same elements many times (is this hidden,
    what is its name, which elements have this tag); a page answers each once.
    """

    page: str
    root: html.HtmlElement
    els: list[html.HtmlElement]
    ids: dict[str, html.HtmlElement] = field(default_factory=dict)
    site_hosts: frozenset[str] = frozenset()
    vague_texts: frozenset[str] = VAGUE_LINK_TEXTS
    _hidden: dict[html.HtmlElement, bool] = field(default_factory=dict, init=False, repr=False)
    _names: dict[html.HtmlElement, str] = field(default_factory=dict, init=False, repr=False)
    _roles: dict[str, list[html.HtmlElement]] | None = field(default=None, init=False,
                                                               repr=False)

    def by_tag(self, *tags: str) -> Iterator[html.HtmlElement]:
        """Elements with one of ``tags``, in document order."""
        return self.root.iter(*tags)  # type: ignore[no-any-return]

    def with_role(self, role: str) -> list[html.HtmlElement]:
        """Elements whose ``role`` is exactly ``role``, in document order."""
        if self._roles is None:
            self._roles = {}
            for el in self.root.xpath("descendant-or-self::*[@role]"):
                self._roles.setdefault(el.get("role"), []).append(el)
        return self._roles.get(role, [])

    def with_attribute(self, name: str) -> list[html.HtmlElement]:
        """Elements that have the attribute ``name``, in document order."""
        return self.root.xpath(f"descendant-or-self::*[@{name}]")  # type: ignore[no-any-return]

    def hidden(self, el: html.HtmlElement) -> bool:
        """:func:`~a11y.html_utils.is_hidden`, each element's answer kept for the page."""
        known = self._hidden
        chain: list[html.HtmlElement] = []
        node: html.HtmlElement | None = el
        answer = False
        while node is not None and isinstance(node.tag, str):
            got = known.get(node)
            if got is not None:
                answer = got
                break
            if hides(node):
                answer = True
                break
            chain.append(node)
            node = node.getparent()
        if answer:  # every node climbed through is below the hiding one
            known[node] = True  # type: ignore[index]
        for below in chain:
            known[below] = answer
        return answer

    def name(self, el: html.HtmlElement) -> str:
        """:func:`~a11y.html_utils.accessible_name`, kept for the page."""
        got = self._names.get(el)
        if got is None:
            got = self._names[el] = accessible_name(el, self.ids)
        return got


@dataclass(frozen=True)
class Rule:
    """A registered static rule: id, short Chinese title, fix text and the check itself."""

    id: str
    title: str
    fix: str
    wcag: str
    check: Callable[[PageDoc], Iterator[Hit]]
    impact: str = "serious"


RULES: dict[str, Rule] = {}


def rule(rule_id: str, title: str, fix: str, wcag: str, impact: str = "serious"
         ) -> Callable[[Callable[[PageDoc], Iterator[Hit]]], Callable[[PageDoc], Iterator[Hit]]]:
    """Register a rule function under ``rule_id``."""
    def deco(func: Callable[[PageDoc], Iterator[Hit]]) -> Callable[[PageDoc], Iterator[Hit]]:
        RULES[rule_id] = Rule(rule_id, title, fix, wcag, func, impact)
        return func
    return deco


@rule("html-lang", "页面须声明语言", "在 <html> 上写 lang=\"zh-CN\"（主题模板负责）。", "3.1.1")
def _html_lang(doc: PageDoc) -> Iterator[Hit]:
    lang = norm(doc.root.get("lang"))
    if not lang:
        yield doc.root, "<html> 缺少 lang 属性", ""
    elif not lang.replace("-", "").isalnum():
        yield doc.root, f"lang=\"{lang}\" 不是有效的语言代码", ""


@rule("document-title", "页面须有标题", "在 front matter 写 title，主题会把它放进 <title>。",
      "2.4.2")
def _title(doc: PageDoc) -> Iterator[Hit]:
    titles = list(doc.by_tag("title"))
    if not titles or not norm(titles[0].text_content()):
        yield (titles[0] if titles else None), "页面没有 <title> 或标题为空", ""


@rule("single-h1", "每页只有一个一级标题", "正文中不要再用“# ”一级标题，改用“## ”；"
      "页面标题由 front matter 的 title 生成。", "1.3.1", "moderate")
def _single_h1(doc: PageDoc) -> Iterator[Hit]:
    h1s = [el for el in doc.by_tag("h1") if not doc.hidden(el)]
    if not h1s:
        yield None, "页面没有一级标题 <h1>", ""
    for extra in h1s[1:]:
        yield extra, f"多余的一级标题“{text_of(extra)}”（本页共 {len(h1s)} 个 h1）", text_of(extra)


@rule("heading-order", "标题不得跳级", "标题逐级使用：“## ”之后用“### ”，不要从“## ”直接跳到“#### ”。",
      "1.3.1", "moderate")
def _heading_order(doc: PageDoc) -> Iterator[Hit]:
    previous = 0
    for el in doc.by_tag("h1", "h2", "h3", "h4", "h5", "h6"):
        if doc.hidden(el):
            continue
        level = int(el.tag[1])
        if previous and level > previous + 1:
            yield el, f"标题“{text_of(el)}”从 h{previous} 跳到 h{level}", text_of(el)
        previous = level


@rule("heading-empty", "标题不能为空", "删除空标题行，或写上标题文字。", "2.4.6", "moderate")
def _heading_empty(doc: PageDoc) -> Iterator[Hit]:
    for el in doc.by_tag("h1", "h2", "h3", "h4", "h5", "h6"):
        if not doc.hidden(el) and not doc.name(el):
            yield el, f"空的 <{el.tag}> 标题", ""


@rule("img-alt", "图片须有替代文字", "写成 ![图片内容的文字说明](图片地址)；纯装饰图片用 alt=\"\"。",
      "1.1.1", "critical")
def _img_alt(doc: PageDoc) -> Iterator[Hit]:
    for el in doc.by_tag("img", "area"):
        decorative = el.get("role") in ("presentation", "none") or el.get("aria-hidden") == "true"
        if decorative or el.get("aria-label") or el.get("aria-labelledby"):
            continue
        src = el.get("src") or el.get("href") or ""
        alt = el.get("alt")
        if alt is None:
            yield el, f"<{el.tag}> 没有 alt 属性（{src or '无地址'}）", src
        elif el.tag == "img" and not alt.strip() and _in_main(el):
            # Markdown's ![](x.png) gives alt="": in content that is almost always a
            # forgotten description, so a decorative image must say so with role.
            yield el, f"正文图片的替代文字为空（{src}）；装饰图片请加 role=\"presentation\"", src
        elif alt.strip() and alt.strip() == src.rsplit("/", 1)[-1]:
            yield el, f"替代文字只是文件名“{alt}”", src
    for el in doc.by_tag("input"):
        if (el.get("type") or "").lower() == "image" and not norm(el.get("alt")):
            yield el, "图片按钮 <input type=image> 没有 alt", el.get("src") or ""
    for el in doc.with_role("img"):
        if not doc.name(el) \
                and not any(c.tag.endswith("title") and norm(c.text) for c in el
                            if isinstance(c.tag, str)):
            yield el, f"role=img 的 <{el.tag}> 没有名称", ""


def _in_main(el: html.HtmlElement) -> bool:
    return any(a.tag == "main" or a.get("role") == "main" for a in el.iterancestors())


def _is_data_table(doc: PageDoc, el: html.HtmlElement) -> bool:
    return el.get("role") not in ("presentation", "none") and not doc.hidden(el)


@rule("table-headers", "表格须有表头", "Markdown 表格第一行就是表头；HTML 表格用 <th scope=\"col\">。",
      "1.3.1", "serious")
def _table_headers(doc: PageDoc) -> Iterator[Hit]:
    for el in doc.by_tag("table"):
        if not _is_data_table(doc, el):
            continue
        cells = list(el.iter("th", "td"))
        has_header = any(c.tag == "th" and norm(c.text_content()) for c in cells) or any(
            c.get("role") in ("columnheader", "rowheader") for c in cells)
        if not has_header:
            first = next((norm(c.text_content()) for c in cells if norm(c.text_content())), "")
            yield el, "数据表格没有表头单元格 <th>", first


@rule("table-caption", "表格须有标题", "给表格加标题：HTML 表格写 <caption>表格标题</caption>；"
      "Markdown 表格在表格正上方单独写一行“表：标题”，构建会把它变成表格标题。",
      "1.3.1", "moderate")
def _table_caption(doc: PageDoc) -> Iterator[Hit]:
    for el in doc.by_tag("table"):
        if not _is_data_table(doc, el):
            continue
        caption = next((norm(c.text_content()) for c in el if c.tag == "caption"), "")
        parent = el.getparent()
        figcaption = parent is not None and parent.tag == "figure" and any(
            c.tag == "figcaption" and norm(c.text_content()) for c in parent)
        if not (caption or figcaption or norm(el.get("aria-label"))
                or labelled_by(el, doc.ids)):
            first = next((norm(c.text_content()) for c in el.iter("th", "td")
                          if norm(c.text_content())), "")
            yield el, "表格没有标题（<caption>、aria-label 或 figcaption）", first


@rule("form-label", "表单控件须有标签", "用 <label for=\"控件id\">标签</label>，或 aria-label。"
      "占位文字 placeholder 不能代替标签。", "1.3.1 / 4.1.2", "critical")
def _form_label(doc: PageDoc) -> Iterator[Hit]:
    label_for = {el.get("for") for el in doc.by_tag("label") if el.get("for")}
    for el in doc.by_tag("input", "select", "textarea"):
        if el.tag == "input" and (el.get("type") or "text").lower() in _UNLABELLED_INPUTS:
            continue
        if doc.hidden(el):
            continue
        wrapped = any(a.tag == "label" and norm(text_of(a)) for a in el.iterancestors())
        if not (wrapped or (el.get("id") and el.get("id") in label_for)
                or norm(el.get("aria-label")) or labelled_by(el, doc.ids)
                or norm(el.get("title"))):
            yield el, f"<{el.tag}> 没有关联的标签", el.get("name") or el.get("id") or ""


@rule("link-name", "链接须有文字", "链接写成 [说明去向的文字](地址)；图片链接的图片要写 alt。",
      "2.4.4 / 4.1.2", "serious")
def _link_name(doc: PageDoc) -> Iterator[Hit]:
    for el in doc.by_tag("a"):
        if el.get("href") is not None and not doc.hidden(el) \
                and not doc.name(el):
            yield el, f"链接 {el.get('href')} 没有文字", el.get("href") or ""


@rule("link-text", "链接文字须说明去向", "不要用“点击这里”“更多”等文字，改成说明去向的文字，"
      "如“下载申请表”；版式需要短文字时加 aria-label。", "2.4.4", "moderate")
def _link_text(doc: PageDoc) -> Iterator[Hit]:
    for el in doc.by_tag("a"):
        if el.get("href") is None or doc.hidden(el):
            continue
        name = doc.name(el)
        if name and name.strip("。.：:>»›→ ").lower() in doc.vague_texts:
            yield el, f"链接文字“{name}”不能说明去向", f"[{text_of(el)}]"


@rule("duplicate-id", "id 不得重复", "改掉重复的 id（Markdown 里的 {#id} 或 HTML 的 id 属性）。",
      "4.1.1", "minor")
def _duplicate_id(doc: PageDoc) -> Iterator[Hit]:
    seen: set[str] = set()
    for el in doc.with_attribute("id"):
        node_id = el.get("id")
        if node_id in seen:
            yield el, f"id=\"{node_id}\" 重复", f'id="{node_id}"'
        seen.add(node_id)


def _landmarks(doc: PageDoc, tag: str, role: str) -> list[html.HtmlElement]:
    found = [el for el in doc.with_role(role) if not doc.hidden(el)]
    if tag in ("header", "footer"):
        # Only a header/footer that is not inside sectioning content is a banner/contentinfo.
        found += [el for el in doc.by_tag(tag) if not doc.hidden(el) and not any(
            a.tag in ("article", "aside", "main", "nav", "section") for a in el.iterancestors())]
    else:
        found += [el for el in doc.by_tag(tag) if not doc.hidden(el)]
    return found


@rule("landmarks", "页面须有地标区域", "主题模板须有 <header>、<main>（每页一个）和 <footer>；"
      "多个 <nav> 各用 aria-label 区分。", "1.3.1 / 2.4.1", "moderate")
def _landmark_rule(doc: PageDoc) -> Iterator[Hit]:
    mains = _landmarks(doc, "main", "main")
    if len(mains) != 1:
        yield (mains[1] if len(mains) > 1 else None), f"页面应有且只有一个 <main>，实有 {len(mains)} 个", ""
    for tag, role in (("header", "banner"), ("footer", "contentinfo")):
        if not _landmarks(doc, tag, role):
            yield None, f"页面没有 {tag}（{role}）地标", ""
    navs = _landmarks(doc, "nav", "navigation")
    if len(navs) > 1:
        names = [doc.name(n) if (n.get("aria-label") or n.get("aria-labelledby"))
                 else "" for n in navs]
        if len(set(names)) < len(names):
            yield navs[0], f"{len(navs)} 个导航区域没有各不相同的 aria-label", ""


@rule("skip-link", "第一个可聚焦元素须是“跳到正文”链接", "主题模板在 <body> 开头放 "
      "<a href=\"#main\">跳到正文</a>，目标在 <main> 内或就是 <main>。", "2.4.1", "serious")
def _skip_link(doc: PageDoc) -> Iterator[Hit]:
    body = next(doc.by_tag("body"), None)
    first = next((el for el in body.iter() if isinstance(el.tag, str) and is_focusable(el)
                  and not doc.hidden(el)), None) \
        if body is not None else None
    if first is None:
        return
    href = first.get("href") or ""
    if first.tag != "a" or not href.startswith("#") or len(href) < 2:
        yield first, "第一个可聚焦元素不是页内跳转链接", ""
        return
    target = doc.ids.get(href[1:])
    if target is None:
        yield first, f"跳转链接的目标 {href} 不存在", ""
    elif target.tag != "main" and target.get("role") != "main" and not any(
            a.tag == "main" or a.get("role") == "main" for a in target.iterancestors()):
        yield first, f"跳转链接的目标 {href} 不在 <main> 内", ""


@rule("tabindex-positive", "不得使用正数 tabindex", "删除 tabindex 或改为 0 / -1，按源码顺序排列内容。",
      "2.4.3", "serious")
def _tabindex(doc: PageDoc) -> Iterator[Hit]:
    for el in doc.with_attribute("tabindex"):
        value = el.get("tabindex")
        if value.strip().lstrip("+").isdigit() and int(value) > 0:
            yield el, f"tabindex=\"{value}\" 打乱了键盘顺序", f"tabindex=\"{value}\""


@rule("autoplay", "不得自动播放", "删除 autoplay，让用户自己点播放；不要用 <meta http-equiv=refresh>。",
      "1.4.2 / 2.2.1", "serious")
def _autoplay(doc: PageDoc) -> Iterator[Hit]:
    for el in doc.by_tag("audio", "video"):
        if el.get("autoplay") is not None:
            yield el, f"<{el.tag}> 会自动播放", "autoplay"
    for el in doc.by_tag("marquee", "blink"):
        yield el, f"<{el.tag}> 会自动滚动或闪烁", f"<{el.tag}"
    for el in doc.by_tag("meta"):
        if (el.get("http-equiv") or "").lower() == "refresh":
            yield el, "页面会自动刷新或跳转", "refresh"


@rule("inline-handler", "不得使用内联事件处理程序", "删除 onclick 等属性和 javascript: 链接；"
      "脚本放在主题的 JS 文件里（站点使用严格的内容安全策略）。", "CSP", "serious")
def _inline_handler(doc: PageDoc) -> Iterator[Hit]:
    for el in doc.els:
        for name, value in el.attrib.items():
            if name.lower().startswith("on"):
                yield el, f"<{el.tag}> 带有内联事件 {name}", f"{name}="
            elif name in ("href", "src", "action", "formaction") and \
                    value.strip().lower().startswith("javascript:"):
                yield el, f"<{el.tag}> 的 {name} 是 javascript: 地址", "javascript:"


@rule("inline-script", "不得使用内联脚本", "把脚本移到主题的 JS 文件，用 <script src> 引用。",
      "CSP", "moderate")
def _inline_script(doc: PageDoc) -> Iterator[Hit]:
    for el in doc.by_tag("script"):
        kind = (el.get("type") or "").lower().split(";")[0].strip()
        if el.get("src") is None and kind not in _DATA_SCRIPT_TYPES and norm(el.text):
            yield el, "页面含内联 <script>", "<script"


@rule("third-party-script", "不得加载第三方脚本", "只引用本站的脚本和样式；统计、字体等放在本站。",
      "安全 / GB/T 37668", "serious")
def _third_party(doc: PageDoc) -> Iterator[Hit]:
    for el in doc.by_tag("script", "link", "iframe"):
        if el.tag == "script":
            url = el.get("src")
        elif el.tag == "link" and "stylesheet" in (el.get("rel") or "").lower().split():
            url = el.get("href")
        elif el.tag == "iframe":
            url = el.get("src")
        else:
            continue
        host = urlsplit((url or "").strip()).netloc.lower()
        if host and host not in doc.site_hosts:
            yield el, f"<{el.tag}> 从第三方站点 {host} 加载", host
