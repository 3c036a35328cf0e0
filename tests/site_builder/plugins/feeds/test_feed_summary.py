"""A feed entry's summary is the start of its body without Markdown marks, cut at 160
characters: read from the body's first lines only (a law is tens of thousands of
characters), it is what the whole body, stripped, starts with."""
from __future__ import annotations

import re
import types

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from site_builder.plugins.feeds.feeds import summary_of

pytestmark = pytest.mark.unit

_MARKUP = re.compile(r"^#+\s*|<!--.*?-->|[*_`>|]", re.MULTILINE)


def _whole(body: str, limit: int) -> str:
    """The summary worked out from the whole body (the definition)."""
    text = " ".join(_MARKUP.sub("", body).split())
    return text if len(text) <= limit else text[:limit] + "…"


def _entry(body: str, summary: str | None = None) -> object:
    return types.SimpleNamespace(meta=types.SimpleNamespace(summary=summary), body=body)


PIECES = st.sampled_from(["第一条", "为了规范", "## ", "# 第二章", "\n", "\n\n", "  ", "**重点**",
                          "<!-- 注释 -->", "> 引文", "| 表 | 格 |", "`代码`", "#", "<!--", "-->",
                          "字" * 90, "ab cd", "_"])


@settings(max_examples=300, deadline=None)
@given(parts=st.lists(PIECES, max_size=80), limit=st.sampled_from([5, 20, 160, 400]))
def test_the_summary_is_what_the_whole_stripped_body_starts_with(parts: list[str], limit: int) -> None:
    body = "".join(parts)
    assert summary_of(_entry(body), limit) == _whole(body, limit)  # type: ignore[arg-type]


def test_a_long_law_is_summarised_from_its_start() -> None:
    body = "# 总则\n\n" + "第一条　为了规范行政许可。\n\n" * 5000
    got = summary_of(_entry(body))  # type: ignore[arg-type]
    assert got == _whole(body, 160) and got.endswith("…") and len(got) == 161


def test_a_written_summary_wins() -> None:
    assert summary_of(_entry("正文", "摘要")) == "摘要"  # type: ignore[arg-type]
