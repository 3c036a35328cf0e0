"""Turn pydantic's validation errors into ``ContentError``s an editor can act on."""

from __future__ import annotations

import difflib
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
}


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


def _message(error: dict[str, Any], model_fields: list[str]) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        field = str(error["loc"][-1])
        close = difflib.get_close_matches(field, model_fields, n=1)
        hint = f"，是不是想写“{close[0]}”？" if close else ""
        return f"未知字段{hint}（此类文档可用字段：{'、'.join(model_fields)}）"
    if kind == "literal_error":
        expected = str(error["ctx"]["expected"]).replace(" or ", ", ").replace("'", "")
        return f"取值“{error.get('input')}”无效，应为：{expected.replace(', ', '、')}"
    if kind == "string_pattern_mismatch":
        if error["loc"] and error["loc"][0] in ("id", "topics", "related") or "id" in str(error["loc"]):
            return f"“{error.get('input')}”不是有效的 id：只能用小写字母、数字和连字符"
        return f"“{error.get('input')}”格式不对（应符合 {error['ctx']['pattern']}）"
    if kind == "value_error":
        return str(error["msg"]).removeprefix("Value error, ")
    base = _MESSAGES.get(kind, error["msg"])
    if "input" in error and kind not in ("missing",):
        return f"{base}（现在是 {error['input']!r}）"
    return base


def to_content_errors(exc: ValidationError, src: SourceDocument, path: str,
                      model_fields: list[str]) -> list[ContentError]:
    """Convert one pydantic ``ValidationError`` into content errors with lines."""
    out: list[ContentError] = []
    for error in exc.errors(include_url=False):
        loc = _data_path(tuple(error["loc"]), src.meta)
        message = _message(error, model_fields)
        if message.startswith("@"):  # a model validator naming its field: "@field@ message"
            name, _, message = message[1:].partition("@ ")
            loc = (*loc, name) if name not in loc else loc
        field = ".".join(str(p) for p in loc)
        out.append(ContentError(path, src.line_of(loc) if loc else 1, field, message))
    return out
