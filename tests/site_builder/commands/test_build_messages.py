"""``tongda build`` speaks Chinese on every line, MkDocs' own lines included."""

from __future__ import annotations

import re

import pytest

from site_builder.messages_zh import translate
from tests.conftest import tongda

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.unit
def test_mkdocs_lines_are_translated_and_others_left_alone() -> None:
    assert translate("Documentation built in 3.27 seconds") == "页面生成完毕，用时 3.27 秒"
    assert translate("Doc file 'faqs/a.md' contains a link 'b.md', but the target 'faqs/b.md' "
                     "is not found among documentation files.") == \
        "文档 faqs/a.md 中的链接“b.md”指向的 faqs/b.md 不在内容文件中。"
    assert translate("搜索索引：3 篇文档") == "搜索索引：3 篇文档"
    assert translate("something MkDocs may say one day") == "something MkDocs may say one day"


@pytest.mark.integration
def test_every_line_of_a_build_with_plugins_is_chinese(project) -> None:
    root = project("portal-small")
    config = root / "mkdocs.yml"
    config.write_text(config.read_text("utf-8") + "  - tongda-text\n  - tongda-search\n", "utf-8")
    faq = next((root / "content").rglob("*.md"))
    faq.write_text(faq.read_text("utf-8") + "\n见[不存在的页面](nowhere.md)。\n", "utf-8")
    result = tongda("build", cwd=root)
    assert result.returncode == 0, result.stderr
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert any("搜索索引" in ln for ln in lines) and any("页面生成完毕" in ln for ln in lines)
    assert any(ln.startswith("警告：") and "nowhere.md" in ln for ln in lines)
    assert [ln for ln in lines if not CJK.search(ln)] == []
