from __future__ import annotations

import pytest

from site_builder.content.frontmatter import FrontMatterError, parse

pytestmark = pytest.mark.unit


def test_lines_of_keys_and_list_items() -> None:
    doc = parse("---\nid: a\nmaterials:\n  - name: x\n  - name: y\n---\n# T\n正文\n")
    assert doc.meta["materials"][1] == {"name": "y"}
    assert doc.line_of(("id",)) == 2
    assert doc.line_of(("materials", 1, "name")) == 5
    assert doc.line_of(("materials", 1, "missing")) == 5
    assert doc.body_line == 7
    assert doc.body == "# T\n正文\n"


def test_no_front_matter_is_all_body() -> None:
    doc = parse("# 标题\n")
    assert doc.meta == {} and doc.body == "# 标题\n"


def test_broken_yaml_names_the_line() -> None:
    with pytest.raises(FrontMatterError) as info:
        parse("---\nid: a\ntitle: [unclosed\nlevel: x\n---\n")
    assert info.value.line >= 3


def test_unterminated_front_matter() -> None:
    with pytest.raises(FrontMatterError):
        parse("---\nid: a\n")


def test_front_matter_must_be_a_mapping() -> None:
    with pytest.raises(FrontMatterError):
        parse("---\n- a\n- b\n---\n")


def _error(text: str) -> FrontMatterError:
    with pytest.raises(FrontMatterError) as info:
        parse(text)
    return info.value


@pytest.mark.parametrize(("yaml_text", "line", "reason"), [
    ("id: x\ntitle 标题\nlevel: city\n", 3, "缺少冒号"),
    ("id: x\ntitle: 时间: 上午\n", 3, "值里有冒号时，请用引号把整个值括起来"),
    ("tags:\n  - a\n - b\n", 4, "缩进不一致"),
    ("id: x\ntitle: \"没有结尾\nlevel: city\n", 3, "引号没有闭合"),
    ("id: x\ntitle: '没有结尾\nlevel: city\n", 3, "引号没有闭合"),
    ("id: x\ntags: [a, b\nlevel: city\n", 3, "方括号没有闭合"),
    ("id: x\ntime_limit: {legal_days: 1\nlevel: city\n", 3, "花括号没有闭合"),
    ("id: x\n\ttitle: y\n", 3, "不能用 Tab 缩进"),
    ("id: x\ntags:\n\t- a\n", 4, "不能用 Tab 缩进"),
    ("id: @x\n", 2, "“@”不能放在值的开头"),
    ("id: *x\n", 2, "别名"),
    ("id: !x y\n", 2, "类型标签"),
    ("id: \"a\\qb\"\n", 2, "反斜杠"),
    ("id: a\x01b\n", 2, "不可见的控制字符 U+0001"),
    ("id: a\x00b\n", 2, "不可见的控制字符 U+0000"),
])
def test_yaml_mistakes_have_a_chinese_reason_and_the_right_line(
        yaml_text: str, line: int, reason: str) -> None:
    error = _error(f"---\n{yaml_text}---\n正文\n")
    assert (error.line, reason in error.message) == (line, True), error.message
    assert not any(word in error.message for word in ("found", "expected", "while")), error.message


def test_aliases_are_refused_before_they_multiply() -> None:
    laughs = "---\na: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{n}: &{n} [{', '.join([f'*{p}'] * 9)}]\n" for p, n in zip("abcdefghi", "bcdefghij", strict=True)) + "---\n"
    error = _error(laughs)  # expanded, nine levels of nine would be 387 million strings
    assert error.line == 2 and "不支持 YAML 锚点和别名" in error.message  # where &a is


def test_nesting_is_bounded() -> None:
    deep = "---\n" + "".join(" " * i + f"k{i}:\n" for i in range(150)) + "---\n"
    assert "嵌套超过 100 层" in _error(deep).message
    assert "嵌套" in _error("---\nid: " + "[" * 1500 + "]" * 1500 + "\n---\n").message


def test_duplicate_and_non_text_field_names_are_problems_with_lines() -> None:
    doc = parse("---\nid: a\ntitle: 一\ntitle: 二\n1: x\nnull: y\n2021-01-01: z\n---\n")
    assert [(path, line, message.split("：")[0]) for path, line, message in doc.problems] == [
        (("title",), 4, "字段“title”重复"),
        ((), 5, "字段名“1”应为文字（英文字母、数字和下划线），不能是数字、日期、true/false 或 null"),
        ((), 6, "字段名“null”应为文字（英文字母、数字和下划线），不能是数字、日期、true/false 或 null"),
        ((), 7, "字段名“2021-01-01”应为文字（英文字母、数字和下划线），不能是数字、日期、true/false 或 null"),
    ]
    assert "第 3 行已经写过它" in doc.problems[0][2]


def test_numbers_out_of_the_exact_range_are_problems_except_in_rules() -> None:
    doc = parse("---\nid: a\nmaterials:\n  - copies: 18446744073709551616\nx: .nan\n"
                f"y: {2**53 - 1}\neligibility: [{{logic: {2**64}}}]\n---\n")
    assert [(path, line) for path, line, _ in doc.problems] == [
        (("materials", 0, "copies"), 4), (("x",), 5)]
    assert "数字 18446744073709551616 太大：应在 ±9,007,199,254,740,991 之内" in doc.problems[0][2]
    assert "不是有效的数字" in doc.problems[1][2]


def test_values_yaml_did_not_read_as_text_are_kept_as_written() -> None:
    doc = parse("---\nhours: 9:00\nphone: 12345\ntitle: 标题\n---\n")
    assert doc.meta["hours"] == 540  # YAML 1.1 reads 9:00 as sexagesimal
    assert doc.raw == {("hours",): "9:00", ("phone",): "12345"}
