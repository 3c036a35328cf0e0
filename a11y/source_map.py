"""Map a finding on a built page back to the editor's Markdown file and line.

Built pages name their source in ``<meta name="tongda:source" content="policies/foo.md">``
(relative to the content folder). Rendered HTML keeps no line numbers, so the line is
found by searching the source for what the rule saw: the image's ``src``, the heading's
text, the link's text or ``href``, the raw HTML attribute. The report says which text was
searched, so an editor knows how sure the line is.
"""

from __future__ import annotations

import posixpath
import re
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from a11y.findings import Finding, SourceRef

_HEADING = re.compile(r"^\s{0,3}#{1,6}\s")


def _lines(path: Path) -> tuple[str, ...]:
    try:
        stat = path.stat()
    except OSError:
        return ()
    # Keyed by mtime and size too: `tongda serve` keeps one process while editors save.
    return _read_lines(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=256)
def _read_lines(path: Path, _mtime: int, _size: int) -> tuple[str, ...]:
    try:
        return tuple(path.read_text(encoding="utf-8").splitlines())
    except (OSError, UnicodeDecodeError):
        return ()


def _candidates(hint: str) -> list[str]:
    """Search strings, most specific first: the hint, then the URL's file name and stem."""
    hint = hint.strip()
    if not hint:
        return []
    out = [hint]
    if hint.startswith("[") and hint.endswith("]") and len(hint) > 2:
        out.append(hint[1:-1])
    parts = urlsplit(hint)
    if parts.path and ("/" in hint or "." in parts.path):
        path = unquote(parts.path).rstrip("/")
        base = posixpath.basename(path)
        if base and base != "index.html":
            out.append(base)
            stem = base.rsplit(".", 1)[0]
            if stem and stem != base:
                out.append(stem)
        elif path:
            out.append(posixpath.basename(posixpath.dirname(path + "/x")))
    return [c for i, c in enumerate(out) if c and c not in out[:i]]


def hint_from_html(fragment: str) -> str:
    """Text to search for in Markdown: the start of an element's text, else its src/href/id."""
    text = " ".join(re.sub(r"<[^>]+>", " ", fragment).split()).rstrip("…")
    if len(text) >= 2:
        return text[:20]
    attr = re.search(r'(?:src|href|id)="([^"]+)"', fragment)
    return attr.group(1) if attr else ""


def body_start(lines: tuple[str, ...]) -> int:
    """Index of the first line after the YAML front matter (0 when there is none)."""
    if lines and lines[0].strip() == "---":
        for i, line in enumerate(lines[1:], 1):
            if line.strip() in ("---", "..."):
                return i + 1
    return 0


def find_line(lines: tuple[str, ...], hint: str, prefer: str = "") -> tuple[int, str]:
    """Return ``(line, searched_text)`` for the best line containing the hint, or ``(0, "")``.

    The Markdown body is searched before the front matter (a table's first cell "材料"
    should not match the ``materials:`` field); ``prefer`` (``heading`` or ``table``)
    favours lines of that kind among the hits.
    """
    start = body_start(lines)
    order = list(range(start, len(lines))) + list(range(start))
    for cand in _candidates(hint):
        # The page's text has its whitespace collapsed ("第一章 总则"); the source may
        # have a full-width space or a line break there ("第一章　总则").
        words = cand.split()
        loose = re.compile(r"\s*".join(re.escape(w) for w in words)) if len(words) > 1 else None
        hits = [i for i in order if cand in lines[i] or (loose and loose.search(lines[i]))]
        if prefer == "heading":
            hits = [i for i in hits if _HEADING.match(lines[i]) or "<h" in lines[i]] or hits
        elif prefer == "table":
            hits = [i for i in hits if "|" in lines[i] or "<t" in lines[i]] or hits
        if hits:
            return hits[0] + 1, cand
    return 0, ""


class SourceMapper:
    """Fill :attr:`Finding.source` for findings on pages built from Markdown.

    Args:
        docs_dir: The content folder (``content/``); ``None`` when unknown, in which case
            findings name the file but no line.
    """

    def __init__(self, docs_dir: Path | None) -> None:
        self.docs_dir = docs_dir

    def locate(self, finding: Finding, source: str) -> None:
        """Set ``finding.source`` from the page's ``tongda:source`` and the finding's hint."""
        if not source:
            return
        if not finding.hint and finding.snippet:
            finding.hint = hint_from_html(finding.snippet)
        ref = SourceRef(path=source)
        path = (self.docs_dir / source) if self.docs_dir else None
        if path is None or not path.is_file():
            ref.how = "源文件不在内容目录中，只给出文件"
        elif not finding.hint:
            ref.how = "问题在整页（或主题模板），只给出文件"
        else:
            prefer = "heading" if finding.rule.startswith("heading") or \
                finding.rule == "single-h1" else "table" if finding.rule.startswith("table") \
                else ""
            line, searched = find_line(_lines(path), finding.hint, prefer)
            if line:
                ref.line = line
                ref.how = f"在源文件中搜索“{searched}”找到（HTML 不带行号）"
            else:
                ref.how = f"源文件中找不到“{finding.hint}”，可能来自主题模板或生成内容"
        finding.source = ref
