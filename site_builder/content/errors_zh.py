"""Turn pydantic's validation errors into ``ContentError``s an editor can act on."""

from __future__ import annotations

import calendar
import datetime as dt
import difflib
import re
from typing import Any

from pydantic import ValidationError

from ..errors import ContentError
from .frontmatter import FieldPath, SourceDocument

_MESSAGES: dict[str, str] = {
    "missing": "缺少必填字段",
    "date_type": "应为日期，写作 YYYY-MM-DD（例如 2021-04-01），不要加引号",
    "date_parsing": "不是有效的日期，写作 YYYY-MM-DD（例如 2021-04-01）",
    "date_from_datetime_inexact": "应为日期，不要带时间",
    "string_type": "应为文本",
    "int_type": "应为整数",
    "float_type": "应为数字",
    "bool_type": "应为 true 或 false",
    "list_type": "应为列表（每项一行，以“- ”开头）",
    "dict_type": "应为“字段: 值”的映射",
    "model_type": "应为“字段: 值”的映射",
    "too_short": "不能为空",
    "greater_than_equal": "不能为负数",
    "int_from_float": "应为整数，不要带小数",
    "int_parsing": "应为整数",
    "float_parsing": "应为数字",
    "finite_number": "应为有限的数字",
    "bool_parsing": "应为 true 或 false",
    "string_too_long": "太长",
    "too_long": "项数太多",
    "less_than_equal": "太大",
    "less_than": "太大",
    "greater_than": "太小",
    "datetime_type": "应为日期和时间",
    "union_tag_invalid": "取值无效",
    "recursion_loop": "嵌套层数太多",
}
_LIMITS = {"less_than_equal": ("不能大于", "le"), "less_than": ("应小于", "lt"),
           "greater_than": ("应大于", "gt"), "greater_than_equal": ("不能小于", "ge"),
           "string_too_long": ("最多这么多字：", "max_length"),
           "too_long": ("最多这么多项：", "max_length")}
_DATE = re.compile(r"^\s*(\d{1,4})-(\d{1,2})-(\d{1,2})\s*$")
_SHAPES = {bool: "true/false", int: "数字", float: "数字", dt.date: "日期", dt.datetime: "日期时间",
           type(None): "空值"}


def date_problem(value: Any) -> str:
    """What is wrong with a value that should be a date, in words an editor can act on."""
    if isinstance(value, dt.datetime):
        return "应为日期，不要带时间（写作 YYYY-MM-DD，例如 2021-04-01）"
    text = str(value)
    match = _DATE.match(text) if isinstance(value, str) else None
    if match is None:
        if isinstance(value, str) and "年" in value:
            return f"应为日期，写作 YYYY-MM-DD（例如 2021-04-01），不要写成“{value}”"
        return f"应为日期，写作 YYYY-MM-DD（例如 2021-04-01）（现在是“{text}”）"
    year, month, day = (int(g) for g in match.groups())
    if not 1 <= month <= 12:
        return f"日期“{text.strip()}”不存在：月份应为1到12"
    if year < 1 or len(match.group(1)) != 4:
        return f"日期“{text.strip()}”不存在：年份应写四位数"
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        return (f"日期“{text.strip()}”不存在：{year}年{month}月没有{day}日"
                f"（{month}月只有{days}天）" if day else f"日期“{text.strip()}”不存在：日应从1开始")
    if len(match.group(2)) < 2 or len(match.group(3)) < 2:
        return f"日期应写作 YYYY-MM-DD，月和日都用两位数：{year:04d}-{month:02d}-{day:02d}"
    return f"应为日期：请去掉“{text.strip()}”两边的引号"


def _not_text(error: dict[str, Any], raw: str | None) -> str:
    value = error.get("input")
    shape = next((label for kind, label in _SHAPES.items() if type(value) is kind), None)
    if shape is None:
        return f"应为文本（现在是 {_short(value)}）"
    shown = raw if raw is not None else str(value)
    return f"应为文本：请给“{shown}”加上引号（不加引号时 YAML 把它读成了{shape}）"


def _data_path(loc: tuple[Any, ...], meta: dict[str, Any]) -> FieldPath:
    """Keep only the parts of a pydantic location that exist in the data."""
    path: list[str | int] = []
    value: Any = meta
    for part in loc:
        if isinstance(value, dict) and isinstance(part, str) and (part in value or part == loc[-1]):
            path.append(part)
            value = value.get(part)
        elif isinstance(value, list) and isinstance(part, int):
            path.append(part)
            value = value[part] if part < len(value) else None
    return tuple(path)


def _message(error: dict[str, Any], model_fields: list[str], raw: str | None = None) -> str:
    kind = error["type"]
    if kind in ("date_type", "date_parsing", "date_from_datetime_inexact"):
        return date_problem(error.get("input"))
    if kind == "string_type":
        return _not_text(error, raw)
    if kind == "extra_forbidden":
        field = str(error["loc"][-1])
        close = difflib.get_close_matches(field, model_fields, n=1)
        hint = f"，是不是想写“{close[0]}”？" if close else ""
        return f"未知字段{hint}（此类文档可用字段：{'、'.join(model_fields)}）"
    if kind == "literal_error":
        expected = str(error["ctx"]["expected"]).replace(" or ", ", ").replace("'", "")
        return f"取值“{error.get('input')}”无效，应为：{expected.replace(', ', '、')}"
    if kind == "string_pattern_mismatch":
        if (error["loc"] and error["loc"][0] in ("id", "topics", "related")) or "id" in str(error["loc"]):
            return f"“{error.get('input')}”不是有效的 id：只能用小写字母、数字和连字符"
        return f"“{error.get('input')}”格式不对（应符合 {error['ctx']['pattern']}）"
    if kind == "value_error":
        return str(error["msg"]).removeprefix("Value error, ")
    base = _MESSAGES.get(kind, "取值不符合要求")
    if kind in _LIMITS and (limit := error.get("ctx", {}).get(_LIMITS[kind][1])) is not None:
        base = f"{_LIMITS[kind][0]}{limit}" if kind not in ("greater_than_equal",) or limit \
            else base
    if "input" in error and kind not in ("missing",):
        shown = raw if raw is not None else _short(error["input"])
        return f"{base}（现在是 {shown}）"
    return base


def _short(value: Any) -> str:
    """A value as the editor wrote it, cut short (an error line is one line)."""
    text = f"“{value}”" if isinstance(value, str) else repr(value)
    return text if len(text) <= 80 else f"{text[:77]}…"


def to_content_errors(exc: ValidationError, src: SourceDocument, path: str,
                      model_fields: list[str]) -> list[ContentError]:
    """Convert one pydantic ``ValidationError`` into content errors with lines."""
    out: list[ContentError] = []
    for error in exc.errors(include_url=False):
        loc = _data_path(tuple(error["loc"]), src.meta)
        message = _message(dict(error), model_fields, src.raw.get(loc))
        if message.startswith("@"):  # a model validator naming its field: "@field@ message"
            name, _, message = message[1:].partition("@ ")
            loc = (*loc, name) if name not in loc else loc
        field = ".".join(str(p) for p in loc)
        out.append(ContentError(path, src.line_of(loc) if loc else 1, field, message))
    return out
