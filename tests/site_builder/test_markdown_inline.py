"""The inline shortcut: plain text skips Python-Markdown's inline patterns, output unchanged."""

from __future__ import annotations

import re
from pathlib import Path

import markdown
import pytest
import yaml
from markdown.inlinepatterns import SimpleTagInlineProcessor

from site_builder.markdown_inline import InlineShortcutExtension, shortcut_applies

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]


def _demo_extensions() -> tuple[list[str], dict[str, dict[str, object]]]:
    """The demo's ``markdown_extensions`` (names and options), as MkDocs reads them."""
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    block = re.search(r"^markdown_extensions:\n((?:  .*\n)+)", text, re.M)
    assert block is not None
    names: list[str] = []
    configs: dict[str, dict[str, object]] = {}
    for item in yaml.safe_load(block.group(1)):
        if isinstance(item, dict):
            (name, options), = item.items()
            names.append(name)
            configs[name] = options or {}
        else:
            names.append(item)
    return names, configs


def _pair(extra: list[object] | None = None) -> tuple[markdown.Markdown, markdown.Markdown]:
    names, configs = _demo_extensions()
    plain = markdown.Markdown(extensions=[*names, *(extra or [])], extension_configs=configs)
    fast = markdown.Markdown(extensions=[*names, *(extra or []), InlineShortcutExtension()],
                             extension_configs=configs)
    return plain, fast


def _both(text: str, extra: list[object] | None = None) -> tuple[str, str]:
    plain, fast = _pair(extra)
    return plain.convert(text), fast.convert(text)


SNIPPETS = [
    "第一条 为了规范行政许可，制定本条例。\n\n第二条 本条例适用于本市。",
    "代码 `x = 1` 和 ``a`b`` 与转义 \\*不是强调\\* 及 \\\\`",
    "链接 [办事指南](https://zc.example.gov.cn/a) 与 ![图](a.png \"标题\") 与 [参考][r]\n\n"
    "[r]: https://example.com/r\n",
    "[简写引用] 与 ![图片简写]\n\n[简写引用]: /x\n[图片简写]: /i.png\n",
    "自动链接 <https://www.gov.cn/> 和 <service@example.gov.cn>",
    "第一行末尾两个空格  \n第二行",
    "行内 <span class=\"x\">HTML</span> 与 <!-- 注释 --> 与 &amp; &#169; &copy; 与 a < b & c",
    "**加粗** *强调* __加粗__ _强调_ ***两者*** 与 2*3*4 与 snake_case_name",
    "脚注[^1]。\n\n[^1]: 脚注内容 *强调*。",
    "| 项目 | 标准 |\n|---|---|\n| **本科** | `3000` 元 |\n| 硕士 | 5000 元 |",
    "## 标题 {#custom-id}\n\n段落 {: .note }\n\n术语\n:   定义 *强调*",
    "表：补贴标准\n\n| 学历 | 金额 |\n|---|---|\n| 本科 | 3000 |",
    "全角符号：［］＜＞＆＊＿ 与　全角空格　与 —— 破折号",
    "嵌套 [**加粗链接**](/a) 与 *强调里的 `代码`* 与 <b>*不是强调*</b>",
]


@pytest.mark.parametrize("text", SNIPPETS)
def test_output_equals_python_markdown(text: str) -> None:
    plain, fast = _both(text)
    assert fast == plain


def test_every_demo_page_renders_the_same() -> None:
    plain, fast = _pair()
    pages = sorted((ROOT / "content").rglob("*.md"))
    assert len(pages) > 50
    for path in pages:
        text = path.read_text(encoding="utf-8")
        body = text.split("---", 2)[2] if text.startswith("---") else text
        plain.reset()
        fast.reset()
        assert fast.convert(body) == plain.convert(body), path
        assert fast.toc_tokens == plain.toc_tokens, path  # type: ignore[attr-defined]


def test_the_shortcut_is_on_for_the_demo() -> None:
    """A Markdown release that changes a pattern turns the shortcut off: this says so."""
    _plain, fast = _pair()
    assert shortcut_applies(fast)


class _Mark(markdown.Extension):
    """An extension whose pattern needs none of the shortcut's characters: ==text==."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # the name is Markdown's API
        md.inlinePatterns.register(SimpleTagInlineProcessor(r"()==(.+?)==", "mark"), "mark", 65)


def test_another_extensions_pattern_turns_the_shortcut_off() -> None:
    plain, fast = _both("这是==重点==内容", extra=[_Mark()])
    assert "<mark>重点</mark>" in plain
    assert fast == plain
    _p, md = _pair([_Mark()])
    assert not shortcut_applies(md)
