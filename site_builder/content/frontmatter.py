"""Split a Markdown file into YAML front matter and body, keeping line numbers.

Line numbers matter because every content error names ``path:line: field``; PyYAML's node
marks give the line of each key and list item, which we keep in a map from the field's
path (``("materials", 2, "name")``) to its 1-based line in the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

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


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)

_FENCE = re.compile(r"^---[ \t]*$", re.MULTILINE)

FieldPath = tuple[str | int, ...]


@dataclass
class SourceDocument:
    """A Markdown file split into its parts."""

    meta: dict[str, Any]
    body: str
    body_line: int
    lines: dict[FieldPath, int] = field(default_factory=dict)

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
    if not (text.startswith("---\n") or text.startswith("---\r\n") or text.rstrip() == "---"):
        return None, text, 1
    end = _FENCE.search(text, 3)
    if end is None:
        raise FrontMatterError(1, "front matter 以 --- 开始但没有结束的 --- 行")
    yaml_text = text[text.index("\n") + 1 : end.start()]
    body_start = end.end() + 1 if end.end() < len(text) else end.end()
    body_line = text.count("\n", 0, body_start) + 1
    return yaml_text, text[body_start:], body_line


def _record_lines(node: yaml.Node, path: FieldPath, offset: int, out: dict[FieldPath, int]) -> None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            child = (*path, key)
            out[child] = key_node.start_mark.line + offset
            _record_lines(value_node, child, offset, out)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            child = (*path, index)
            out[child] = item.start_mark.line + offset
            _record_lines(item, child, offset, out)


def parse(text: str) -> SourceDocument:
    """Parse a Markdown file's text.

    Raises:
        FrontMatterError: the YAML is broken or is not a mapping.
    """
    yaml_text, body, body_line = split(text)
    if yaml_text is None:
        return SourceDocument({}, body, body_line)
    offset = 2  # the opening --- is line 1, YAML line 0 is file line 2
    try:
        loader = _Loader(yaml_text)
        try:
            node = loader.get_single_node()
            meta = loader.construct_document(node) if node is not None else {}
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + offset) if mark else 1
        raise FrontMatterError(line, f"YAML 格式错误：{exc.problem or exc}") from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise FrontMatterError(offset, "front matter 必须是“字段: 值”的映射")
    lines: dict[FieldPath, int] = {}
    if node is not None:
        _record_lines(node, (), offset, lines)
    return SourceDocument(meta, body, body_line, lines)
