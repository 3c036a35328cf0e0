"""What the build may read and publish from the content folder.

MkDocs copies every non-Markdown file of ``docs_dir`` into the site, following symbolic
links wherever they lead: ``content/policies/leak.txt → /etc/passwd`` was published byte
for byte. Tongda walks the folder itself first and refuses, each as a content error:

- a symbolic link (file or folder) that leads out of the project, that leads nowhere, or
  a folder link that leads back into its own parents (the walk would never end);
- anything that is not a plain file (a named pipe would block the build forever);
- a file over its size limit: text files that Tongda parses (Markdown, YAML, JSON, CSV)
  over ``text_bytes``, every other file (images, PDFs, audio) over ``asset_bytes``;
- a text file with a NUL byte, or that is not UTF-8.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ContentError

MB = 1024 * 1024
TEXT_SUFFIXES = frozenset({".md", ".markdown", ".yml", ".yaml", ".json", ".geojson",
                           ".csv", ".txt"})
"""Files Tongda (or a plugin) reads as text: held in memory and parsed, so their size is
bounded tightly and their encoding checked."""


@dataclass(frozen=True)
class FileLimits:
    """Limits of one content folder.

    Attributes:
        text_bytes: Largest text file (Markdown, YAML, JSON, CSV, TXT). 2 MB holds the
            longest law six times over (民法典 is about 0.3 MB in UTF-8); anything longer is
            a mistake or an attack on the parsers, which hold the whole file in memory.
        asset_bytes: Largest other file (images, PDFs, audio, video). Tongda never parses
            these, it copies them, so the limit guards the site's weight and the repository
            rather than the build: 20 MB lets a scanned official document (a PDF of tens of
            pages) through; video and larger files belong on a media server.
        roots: Folders (resolved) that files may really live in; empty means no check.
    """

    text_bytes: int = 2 * MB
    asset_bytes: int = 20 * MB
    roots: tuple[Path, ...] = ()

    def allows(self, real: str) -> bool:
        """Whether a resolved path lies inside one of the roots."""
        return not self.roots or any(real == str(r) or real.startswith(f"{r}{os.sep}")
                                     for r in self.roots)


@dataclass
class ContentFiles:
    """The files of a content folder, as the build will see them."""

    markdown: list[tuple[str, Path]] = field(default_factory=list)
    """Content documents: ``.md`` files outside ``_``- and ``.``-folders, sorted."""
    others: list[tuple[str, Path]] = field(default_factory=list)
    """Every other file that passed (assets, ``_data/``)."""
    errors: list[ContentError] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)
    """Every relative path the walk looked at, passed or refused."""


def _size(n: int) -> str:
    return f"{n / MB:.1f} MB" if n >= MB / 10 else f"{n / 1024:.0f} KB"


def is_text(name: str) -> bool:
    """Whether Tongda reads a file of this name as text."""
    return os.path.splitext(name)[1].lower() in TEXT_SUFFIXES


def _link_problem(rel: str, path: str, limits: FileLimits, is_dir: bool) -> ContentError | None:
    real = os.path.realpath(path)
    what = "文件夹" if is_dir else "文件"
    if not os.path.exists(real):
        return ContentError(rel, None, "", f"符号链接指向的{what}不存在：请删除这个链接或改正它")
    if not limits.allows(real):
        return ContentError(rel, None, "", f"是指向项目以外的{what}的符号链接，不会发布：请把需要的"
                                           f"{what}复制到项目里，不要用链接")
    if is_dir and (real == os.path.realpath(os.path.dirname(path))
                   or os.path.realpath(os.path.dirname(path)).startswith(real + os.sep)):
        return ContentError(rel, None, "", "这个文件夹链接指向它自己的上级文件夹，会无限循环：请删除它")
    return None


def check_file(rel: str, path: Path, limits: FileLimits, *, is_link: bool | None = None,
               stat: os.stat_result | None = None) -> ContentError | None:
    """Check one file's place, kind and size (not its text); ``None`` when it may be used."""
    if is_link if is_link is not None else os.path.islink(path):
        problem = _link_problem(rel, str(path), limits, is_dir=False)
        if problem is not None:
            return problem
    try:
        info = stat or path.stat()
    except OSError:
        return ContentError(rel, None, "", "文件在读取时不见了（也许正在保存）：保存完成后会重新检查")
    import stat as st

    if not st.S_ISREG(info.st_mode):
        return ContentError(rel, None, "", "不是普通文件（例如命名管道或设备），不能放在内容文件夹里")
    text = is_text(rel)
    limit = limits.text_bytes if text else limits.asset_bytes
    if limit > 0 and info.st_size > limit:
        if text:
            fix = "请拆成几个文件（上限可在 mkdocs.yml 的 tongda 插件中用 files_max_text_size 调整）"
        else:
            fix = ("图片请压缩；视频等大文件请放到专门的媒体服务器，页面中链接过去"
                   "（上限可在 mkdocs.yml 的 tongda 插件中用 files_max_asset_size 调整）")
        return ContentError(rel, None, "", f"文件有 {_size(info.st_size)}，超过上限 "
                                           f"{_size(limit)}：{fix}")
    return None


def decode(rel: str, data: bytes) -> str:
    """The text of a content file.

    Raises:
        ContentError: the bytes hold a NUL or are not UTF-8, naming the line.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 (Windows' “Unicode”): NULs throughout
        raise ContentError(rel, 1, "", _encoding_message(data, None))
    nul = data.find(b"\0")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise ContentError(rel, line, "", "有空字符（NUL，\\0）：文件可能已损坏，或不是文本文件；"
                                          "请删除这个字符，或用文本编辑器重新保存")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ContentError(rel, line, "", _encoding_message(data, exc)) from None


def _encoding_message(data: bytes, exc: UnicodeDecodeError | None) -> str:
    byte = data[exc.start] if exc is not None else data[0]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        guess = "看起来是 UTF-16 编码"
    else:
        try:
            data.decode("gb18030")
            guess = "看起来是 GBK/GB18030 编码"
        except UnicodeDecodeError:
            guess = f"有无法识别的字节 0x{byte:02X}"
    return (f"不是 UTF-8 编码（{guess}）：请用 UTF-8 重新保存（记事本“另存为”时选 UTF-8；"
            "也可用 iconv -f GBK -t UTF-8 转换）")


def read_text(rel: str, path: Path, limits: FileLimits) -> tuple[str, os.stat_result]:
    """Read a text file the walk passed: its text and the state it was read in.

    Raises:
        ContentError: the file went away, grew over the limit, holds a NUL byte or is
            not UTF-8.
    """
    try:
        with open(path, "rb") as handle:
            info = os.fstat(handle.fileno())
            # Read one byte more than the limit: a file that grew since the walk is refused
            # without reading all of it.
            data = handle.read(limits.text_bytes + 1 if limits.text_bytes > 0 else -1)
    except FileNotFoundError:
        raise ContentError(rel, None, "", "文件在读取时不见了（也许正在保存）：保存完成后会重新检查") from None
    except OSError as exc:
        raise ContentError(rel, None, "", f"无法读取文件：{exc.strerror or exc}") from None
    if limits.text_bytes > 0 and len(data) > limits.text_bytes:
        raise ContentError(rel, None, "", f"文件超过上限 {_size(limits.text_bytes)}：请拆成几个文件")
    return decode(rel, data), info


Skip = Callable[[str], bool]


def scan(docs_dir: Path, limits: FileLimits | None = None, *, skip: Skip | None = None) -> ContentFiles:
    """Walk a content folder (following links that stay inside the roots) and check it.

    Args:
        docs_dir: The content folder.
        limits: Sizes and roots; the defaults check sizes but not where links lead.
        skip: Files the site leaves out (MkDocs' defaults and ``exclude_docs``): never
            read, never published, so not checked either. Folders are walked all the same
            (a link out of the project is refused wherever it is), except hidden ones the
            site leaves out; content documents and ``_data/`` are always read. Without it,
            hidden files and folders are left out, as MkDocs does by default.
    """
    limits = limits or FileLimits()
    out = ContentFiles()
    _walk(Path(docs_dir), "", limits, skip, out)
    return out


def _walk(folder: Path, prefix: str, limits: FileLimits, skip: Skip | None,
          out: ContentFiles) -> None:
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        out.errors.append(ContentError(prefix.rstrip("/") or ".", None, "",
                                       f"无法读取文件夹：{exc.strerror or exc}"))
        return
    for entry in entries:
        rel = f"{prefix}{entry.name}"
        if entry.name.startswith(".") and (skip is None or skip(rel + ("/" if _is_dir(entry) else ""))):
            continue  # MkDocs leaves hidden files out unless exclude_docs brings them back
        link = entry.is_symlink()
        if _is_dir(entry):
            problem = _link_problem(rel, entry.path, limits, is_dir=True) if link else None
            if problem is not None:
                out.seen.add(rel)
                out.errors.append(problem)
            else:
                _walk(Path(entry.path), f"{rel}/", limits, skip, out)
            continue
        if skip is not None and not rel.startswith("_data/") and not _is_content(rel) \
                and skip(rel):
            continue
        out.seen.add(rel)
        try:
            info = None if link else entry.stat()
        except OSError:
            info = None
        problem = check_file(rel, Path(entry.path), limits, is_link=link, stat=info)
        if problem is not None:
            out.errors.append(problem)
        elif _is_content(rel):
            out.markdown.append((rel, Path(entry.path)))
        else:
            if is_text(rel):
                try:
                    read_text(rel, Path(entry.path), limits)
                except ContentError as exc:
                    out.errors.append(exc)
                    continue
            out.others.append((rel, Path(entry.path)))


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()  # follows a link: a link to a folder is walked as one
    except OSError:
        return False


def _is_content(rel: str) -> bool:
    """A content document: ``.md`` outside ``_``- and ``.``-folders, not so named itself."""
    return rel.endswith(".md") and not any(part.startswith(("_", ".")) for part in rel.split("/"))
