"""Split a Markdown file into YAML front matter and body, keeping line numbers.

Line numbers matter because every content error names ``path:line: field``; PyYAML's node
marks give the line of each key and list item, which we keep in a map from the field's
path (``("materials", 2, "name")``) to its 1-based line in the file.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from .yaml_zh import explain

try:  # The C loader is several times faster on 3,000 files.
    _Loader: type = yaml.CSafeLoader  # type: ignore[attr-defined]
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader



class _Loader(_Loader):  # type: ignore[no-redef,valid-type,misc]
    """Keeps an impossible date (2021-13-01) as text so the schema reports it by field."""


def _timestamp(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)  # type: ignore[arg-type]
    except ValueError:
        return loader.construct_scalar(node)  # type: ignore[arg-type]


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)  # type: ignore[attr-defined]

_FENCE = re.compile(r"^---[ \t]*$", re.MULTILINE)

FieldPath = tuple[str | int, ...]

MAX_DEPTH = 100
"""Deepest nesting of lists and mappings in front matter (JSON Logic rules nest a few
levels; PyYAML allows 1,000, deeper than the checks after it can recurse)."""
SAFE_INTEGER = 2**53 - 1
"""Largest integer that JSON readers in browsers (and the JSON Logic engines) keep exact."""
RULE_FIELDS = frozenset({"eligibility", "amount", "cases"})
"""Policy fields the rules model (``tongda_rules``) checks itself, numbers included, with
messages about rules; the check of numbers here leaves them to it."""


@dataclass
class SourceDocument:
    """A Markdown file split into its parts."""

    meta: dict[str, Any]
    body: str
    body_line: int
    lines: dict[FieldPath, int] = field(default_factory=dict)
    problems: list[tuple[FieldPath, int, str]] = field(default_factory=list)
    """Mistakes YAML lets through but the schema must not see: (field, line, message)
    for a duplicate field, a field name that is not text, a number out of range."""
    raw: dict[FieldPath, str] = field(default_factory=dict)
    """The text as written of each value YAML read as something other than text (so
    ``hours: 9:00``, which YAML 1.1 reads as the number 540, is shown as written)."""

    def line_of(self, path: FieldPath) -> int:
        """Return the line of a field, or of its nearest parent that has one."""
        probe = tuple(path)
        while probe:
            if probe in self.lines:
                return self.lines[probe]
            probe = probe[:-1]
        return 1


class FrontMatterError(ValueError):
    """The front matter is not valid YAML or not a mapping."""

    def __init__(self, line: int, message: str) -> None:
        self.line = line
        self.message = message
        super().__init__(f"{line}: {message}")


def split(text: str) -> tuple[str | None, str, int]:
    """Return (yaml text or None, body, 1-based line of the body's first line)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if not (text.startswith(("---\n", "---\r\n")) or text.rstrip() == "---"):
        return None, text, 1
    end = _FENCE.search(text, 3)
    if end is None:
        raise FrontMatterError(1, "front matter 以 --- 开始但没有结束的 --- 行")
    yaml_text = text[text.index("\n") + 1 : end.start()]
    body_start = end.end() + 1 if end.end() < len(text) else end.end()
    body_line = text.count("\n", 0, body_start) + 1
    return yaml_text, text[body_start:], body_line


class _Walk:
    """One pass over the YAML nodes: each field's line, and what YAML lets through."""

    def __init__(self, offset: int) -> None:
        self.offset = offset
        self.lines: dict[FieldPath, int] = {}
        self.problems: list[tuple[FieldPath, int, str]] = []
        self.raw: dict[FieldPath, str] = {}
        self._seen: set[int] = set()

    def node(self, node: yaml.Node, path: FieldPath, depth: int = 0) -> None:
        line = node.start_mark.line + self.offset
        if id(node) in self._seen:
            # An alias (*name) repeats a node; nested aliases of aliases grow exponentially
            # (“billion laughs”) in every later pass, so they are refused outright.
            raise FrontMatterError(line, "front matter 不支持 YAML 锚点和别名（&名称、*名称）："
                                         "请把内容直接写出来")
        self._seen.add(id(node))
        if depth > MAX_DEPTH:
            raise FrontMatterError(line, f"列表和映射嵌套超过 {MAX_DEPTH} 层")
        if isinstance(node, yaml.ScalarNode):
            if node.tag != "tag:yaml.org,2002:str":
                self.raw[path] = node.value
        elif isinstance(node, yaml.MappingNode):
            self._mapping(node, path, depth)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                child = (*path, index)
                self.lines[child] = item.start_mark.line + self.offset
                self.node(item, child, depth + 1)

    def _mapping(self, node: yaml.MappingNode, path: FieldPath, depth: int) -> None:
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + self.offset
            key = key_node.value
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != "tag:yaml.org,2002:str":
                shown = key if isinstance(key, str) else "…"
                self.problems.append((path, line, f"字段名“{shown}”应为文字（英文字母、数字和下划线），"
                                                  "不能是数字、日期、true/false 或 null"))
                continue
            child = (*path, key)
            if child in self.lines:
                self.problems.append((child, line, f"字段“{key}”重复：第 {self.lines[child]} 行"
                                                   "已经写过它，请删除其中一个"))
                continue
            self.lines[child] = line
            self.node(value_node, child, depth + 1)


def number_problems(value: Any, path: FieldPath = ()) -> list[tuple[FieldPath, str]]:
    """Numbers in front matter that no later step can hold exactly: integers beyond
    ±(2^53 − 1) and the floats .inf and .nan."""
    out: list[tuple[FieldPath, str]] = []
    if isinstance(value, bool):
        return out
    if isinstance(value, int) and abs(value) > SAFE_INTEGER:
        out.append((path, f"数字 {value} 太大：应在 ±{SAFE_INTEGER:,} 之内；"
                          "文号、证件号等编号请加引号写成文字"))
    elif isinstance(value, float) and not math.isfinite(value):
        out.append((path, "不是有效的数字（YAML 的 .inf、.nan 不能用）"))
    elif isinstance(value, dict):
        for key, item in value.items():
            if not path and key in RULE_FIELDS:
                continue
            out += number_problems(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            out += number_problems(item, (*path, index))
    return out


def parse(text: str) -> SourceDocument:
    """Parse a Markdown file's text.

    Raises:
        FrontMatterError: the YAML is broken, is not a mapping, uses aliases or nests too
            deep. Mistakes in single fields are kept in ``problems`` instead.
    """
    yaml_text, body, body_line = split(text)
    if yaml_text is None:
        return SourceDocument({}, body, body_line)
    offset = 2  # the opening --- is line 1, YAML line 0 is file line 2
    try:
        loader = _Loader(yaml_text)
        try:
            node = loader.get_single_node()
            walk = _Walk(offset)
            if node is not None:
                # Before constructing: the walk refuses aliases, whose construction is
                # cheap but whose later passes are not.
                walk.node(node, ())
            meta = loader.construct_document(node) if node is not None else {}
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        line, reason = explain(exc, yaml_text)
        raise FrontMatterError(line + offset, reason) from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise FrontMatterError(offset, "front matter 必须是“字段: 值”的映射")
    doc = SourceDocument(meta, body, body_line, walk.lines, walk.problems, walk.raw)
    for path, message in number_problems(meta):
        doc.problems.append((path, doc.line_of(path), message))
    return doc
