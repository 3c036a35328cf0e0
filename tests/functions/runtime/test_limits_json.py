"""A JSON body's problems as the person who sent it reads them: where (line, column, byte),
what is wrong (in Chinese), and the nesting limit counted exactly, for every body."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from functions.runtime.limits import decode_json
from functions.runtime.problems import Problem

pytestmark = pytest.mark.unit


def _refusal(raw: bytes, max_depth: int = 32) -> Problem:
    with pytest.raises(Problem) as refused:
        decode_json(raw, max_depth)
    return refused.value


@pytest.mark.parametrize(("raw", "where"), [
    (b'{"a": }', "第 1 行第 7 列：此处应为一个值"),
    (b"", "第 1 行第 1 列：此处应为一个值"),
    (b"[1 2]", "第 1 行第 4 列：此处缺少逗号"),
    (b'{"a" 1}', "第 1 行第 6 列：此处缺少冒号"),
    (b"{} x", "第 1 行第 4 列：之后还有多余内容"),
    (b"{'a': 1}", "第 1 行第 2 列：此处应为用双引号括起的名称"),
    (b'{\n  "a": 1,\n}', "第 3 行第 1 列：此处应为用双引号括起的名称"),
    (b'["abc', "第 1 行第 2 列：开始的字符串没有结束"),
    (b'["a\x01"]', "第 1 行第 4 列：有未转义的控制字符"),
    (b'["\\q"]', "第 1 行第 3 列：有无效的转义"),
    (b'["\\u12"]', "第 1 行第 4 列：格式有误"),  # a message without a translation
    (b'{"a": "\xff"}', "不是 UTF-8 编码（第 8 个字节）"),
    (b"\xfe", "不是 UTF-8 编码（第 1 个字节）"),
    (b"[NaN]", "含有不允许的数值（NaN 不是 JSON 数值）"),
    (b'{"x": -Infinity}', "含有不允许的数值（-Infinity 不是 JSON 数值）"),
    (b"[" + b"1" * 5000 + b"]", "含有不允许的数值（Exceeds the limit (4300 digits) for "
                                "integer string conversion: value has 5000 di）"),
])
def test_a_malformed_body_says_where_and_what_in_one_sentence(raw: bytes, where: str) -> None:
    refused = _refusal(raw)
    detail = f"请求体不是合法的 JSON：{where}。"
    assert (refused.status, refused.title, refused.detail) == (422, "请求体不是合法的 JSON",
                                                               detail)
    assert refused.extra == {"errors": [{"field": "请求体", "message": detail,
                                         "type": "json_invalid"}]}


@pytest.mark.parametrize(("raw", "where"), [
    (b"[" * 40, "第 1 行第 41 列：此处应为一个值"),
    (b"[[[]", "第 1 行第 5 列：此处缺少逗号"),
    (b"]]]]]", "第 1 行第 1 列：此处应为一个值"),
])
def test_unbalanced_brackets_are_a_syntax_error_at_their_place_not_a_depth_error(
        raw: bytes, where: str) -> None:
    refused = _refusal(raw, max_depth=1)
    assert refused.detail == f"请求体不是合法的 JSON：{where}。"


def _depth(value: Any) -> int:
    if isinstance(value, list):
        return 1 + max(map(_depth, value), default=0)
    if isinstance(value, dict):
        return 1 + max(map(_depth, value.values()), default=0)
    return 0


_TEXT = st.text(alphabet=st.sampled_from('[]{}"\\ab/\n\u00e9\u653f'), max_size=6)
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | _TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_TEXT, inner, max_size=3),
    max_leaves=12)


@settings(max_examples=120, deadline=None)
@given(value=_JSON, ascii_only=st.booleans(), indent=st.sampled_from([None, 1]))
def test_any_body_nested_exactly_to_the_limit_passes_and_one_level_less_refuses(
        value: Any, ascii_only: bool, indent: int | None) -> None:
    """Brackets inside strings (escaped quotes and backslashes too) never count."""
    raw = json.dumps(value, ensure_ascii=ascii_only, indent=indent).encode("utf-8")
    depth = _depth(value)
    assert decode_json(raw, depth) == value
    assert decode_json(raw, depth + 1) == value
    if depth:
        refused = _refusal(raw, depth - 1)
        assert (refused.status, refused.title) == (422, "JSON 嵌套过深")
        assert refused.detail == f"请求体的 JSON 嵌套超过 {depth - 1} 层，请减少嵌套后重试。"
        assert refused.extra == {"max_depth": depth - 1}
