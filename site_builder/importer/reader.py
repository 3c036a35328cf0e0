"""Read one source Markdown file: title, header (history) lines, body, version date.

Nothing here writes anything; a file that cannot be used raises :class:`ReadProblem`
with a reason a person can act on.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from ..content.frontmatter import FrontMatterError, split

INFO_END = "<!-- INFO END -->"
_H1 = re.compile(r"^#[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
# "电力监管条例(2005-02-15)" and the full-width "（2005-02-15）".
_NAME_DATE = re.compile(r"\s*[(（](\d{4}-\d{2}-\d{2})[)）]\s*$")
_SPACES = re.compile(r"[\s\u3000]+")


class ReadProblem(Exception):
    """A source file that cannot be imported; ``reason`` says why (Chinese)."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


@dataclass
class SourceText:
    """A source document split into the parts the importer needs."""

    rel: str
    """Path relative to the source folder, POSIX separators, Unicode NFC."""
    title: str
    header: list[str]
    """Non-blank lines between the title and ``<!-- INFO END -->`` (empty without it)."""
    body: str
    """Everything after the title heading(s), leading blank lines removed, else unchanged."""
    stem: str
    """File name without ``.md`` and without the version date."""
    file_date: dt.date | None
    notes: list[str] = field(default_factory=list)
    """Things worth a warning that did not stop the import."""


def normalise_rel(rel: str) -> str:
    """Source paths as stored and hashed: POSIX separators and NFC (macOS writes NFD)."""
    return unicodedata.normalize("NFC", rel.replace("\\", "/"))


def _decode(data: bytes) -> str:
    if not data.strip():
        raise ReadProblem("文件为空")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ReadProblem(f"不是 UTF-8 编码（第 {line} 行，第 {exc.start} 字节）") from None


def _name_parts(name: str, notes: list[str]) -> tuple[str, dt.date | None]:
    stem = unicodedata.normalize("NFC", name.removesuffix(".md"))
    match = _NAME_DATE.search(stem)
    if not match:
        return stem.strip(), None
    try:
        date = dt.date.fromisoformat(match.group(1))
    except ValueError:
        notes.append(f"文件名中的日期 {match.group(1)} 无效，已忽略")
        date = None
    return stem[: match.start()].strip(), date


def _title_lines(lines: list[str]) -> tuple[list[str], int]:
    """Return the H1 texts that open the document and the index of the line after them.

    The first H1 is the title. A second H1 separated from it only by blank lines is a
    subtitle (the 民法典 parts: ``# 中华人民共和国民法典`` then ``# 总则``).
    """
    index = 0
    while index < len(lines) and not lines[index].strip():
        index += 1
    titles: list[str] = []
    while index < len(lines) and len(titles) < 2:
        match = _H1.match(lines[index].rstrip("\r\n"))
        if not match or not match.group(1).strip():
            break
        titles.append(_SPACES.sub(" ", match.group(1)).strip())
        index += 1
        probe = index
        while probe < len(lines) and not lines[probe].strip():
            probe += 1
        if probe < len(lines) and _H1.match(lines[probe].rstrip("\r\n")):
            index = probe
        else:
            break
    return titles, index


def read_source(path: Path, rel: str) -> SourceText:
    """Read and split one source file.

    Raises:
        ReadProblem: the file is empty, not UTF-8, or does not open with a ``# 标题``.
    """
    text = _decode(path.read_bytes())
    notes: list[str] = []
    try:
        yaml_text, text, _ = split(text)
    except FrontMatterError as exc:
        raise ReadProblem(f"front matter 无法解析：{exc.message}") from None
    if yaml_text is not None:
        notes.append("源文件的 front matter 已忽略")
    lines = text.splitlines(keepends=True)
    titles, after = _title_lines(lines)
    if not titles:
        raise ReadProblem("没有标题：文件的第一行应为一级标题（# 标题）")
    rest = "".join(lines[after:])
    body = rest.lstrip("\r\n")
    header: list[str] = []
    if INFO_END in rest:
        head = rest.split(INFO_END, 1)[0]
        header = [line.strip() for line in head.splitlines() if line.strip()]
    stem, file_date = _name_parts(path.name, notes)
    title = titles[0] if len(titles) == 1 else f"{titles[0]}·{titles[1]}"
    return SourceText(normalise_rel(rel), title, header, body, stem, file_date, notes)
