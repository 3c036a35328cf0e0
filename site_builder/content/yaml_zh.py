"""PyYAML's errors, told in Chinese with the line the editor has to look at.

PyYAML names the place it noticed a problem; for an unclosed quote or bracket that is the
end of the front matter, far from the mistake, so the line where the quote or bracket
opened is named instead.
"""

from __future__ import annotations

import yaml

_CHECK = "请检查这一行的冒号、缩进、引号和括号"

# (words in PyYAML's problem, use the context mark's line, Chinese reason)
_PROBLEMS: list[tuple[str, bool, str]] = [
    ("could not find expected ':'", True,
     "缺少冒号：每个字段写作“字段: 值”，冒号是英文冒号，后面要有一个空格"),
    ("mapping values are not allowed", False,
     "这一行多了一个“: ”：值里有冒号时，请用引号把整个值括起来（title: \"时间: 上午\"）；"
     "如果这是一个新字段，它的缩进和上面的字段不一致"),
    ("did not find expected key", False,
     "缩进不一致：同一层的字段或列表项（- ）必须对齐，请统一用两个空格缩进"),
    ("did not find expected '-' indicator", False,
     "缩进不一致：同一个列表的各项（- ）必须对齐"),
    ("did not find expected ',' or ']'", True,
     "方括号没有闭合：[ 开始的列表缺少结尾的 ]，或列表项之间缺少英文逗号"),
    ("did not find expected ',' or '}'", True,
     "花括号没有闭合：{ 开始的映射缺少结尾的 }，或各项之间缺少英文逗号"),
    ("found unexpected end of stream", True,
     "引号没有闭合：值以引号开头，但同一个值里找不到结尾的引号"),
    ("found a tab character", False, "不能用 Tab 缩进：请改用空格（两个空格一层）"),
    ("found unknown escape character", False,
     "双引号里的反斜杠（\\）后面不是有效的转义：请改用单引号，或把 \\ 写成 \\\\"),
    ("found undefined alias", False,
     "“*”开头的值在 YAML 里是别名：请用引号把整个值括起来"),
    ("could not determine a constructor for the tag", False,
     "“!”开头的值在 YAML 里是类型标签：请用引号把整个值括起来"),
    ("found unhashable key", False, "字段名必须是文字，不能是列表或映射"),
    ("expected a single document", False,
     "front matter 里只能有一个 YAML 文档：请删除中间多余的 --- 或 ... 行"),
    ("exceeded maximum nesting depth", False, "嵌套层数太多"),
    ("found unknown directive name", False, "“%”不能放在行首：请用引号把整个值括起来"),
    ("found incompatible YAML document", False, "“%”不能放在行首：请用引号把整个值括起来"),
]


def explain(exc: yaml.YAMLError, text: str) -> tuple[int, str]:
    """Return (0-based line in ``text``, Chinese reason) for a PyYAML error."""
    if isinstance(exc, yaml.reader.ReaderError):
        line = text.count("\n", 0, exc.position) if isinstance(exc.position, int) else 0
        return line, (f"有不可见的控制字符 U+{exc.character:04X}，YAML 不允许："
                      "请删除它（常见于从 Word 或网页复制的文字）"
                      if isinstance(exc.character, int) else f"有 YAML 不允许的字符。{_CHECK}")
    if not isinstance(exc, yaml.MarkedYAMLError):
        return 0, f"YAML 格式错误。{_CHECK}"
    problem = str(exc.problem or "")
    problem_line = exc.problem_mark.line if exc.problem_mark else 0
    context_line = exc.context_mark.line if exc.context_mark else problem_line
    if "cannot start any token" in problem and exc.problem_mark is not None:
        return problem_line, _bad_start(text, problem_line, exc.problem_mark.column)
    if "end of stream" in problem and "quoted" not in str(exc.context or ""):
        return context_line, f"front matter 在这里意外结束。{_CHECK}"
    for words, at_context, reason in _PROBLEMS:
        if words in problem or words in str(exc.context or ""):
            return (context_line if at_context else problem_line), reason
    return problem_line, f"YAML 格式错误（{problem or exc}）。{_CHECK}"


def _bad_start(text: str, line: int, column: int) -> str:
    lines = text.split("\n")
    char = lines[line][column] if line < len(lines) and column < len(lines[line]) else ""
    if char == "\t":
        return "不能用 Tab 缩进：请改用空格（两个空格一层）"
    if char in ("@", "`"):
        return f"“{char}”不能放在值的开头：请用引号把整个值括起来"
    return f"“{char}”不能放在这里：请用引号把整个值括起来。{_CHECK}" if char else \
        f"YAML 格式错误。{_CHECK}"
