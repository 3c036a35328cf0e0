"""``tongda import``: turn a folder of plain Markdown documents into Tongda policies.

Collect, then write: every source file is read and classified first; ids, versions
(``supersedes``) and document numbers are resolved across the whole set; only then are
files written, each only when its text changed. The source folder is only ever read.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from .history import Dates, Event, infer_dates, number_candidates, parse_events
from .ids import make_id
from .infer import UNKNOWN_ISSUER, classify
from .reader import INFO_END, ReadProblem, SourceText, normalise_rel, read_source
from .writer import POLICY_FOLDER, Existing, render, scan_existing, write_if_changed

T = TypeVar("T")
Progress = Callable[[Iterable[T], str, int], Iterable[T]]
IGNORED_NAMES = ("_index.md",)
"""Hugo section files: front matter only, not documents."""


def _no_progress(items: Iterable[T], label: str, total: int) -> Iterable[T]:
    return items


@dataclass
class Record:
    """One source document on its way to becoming a policy."""

    src: SourceText
    events: list[Event]
    dates: Dates
    meta: dict[str, Any]
    numbers: list[str]
    id: str = ""
    path: Path | None = None


@dataclass
class ImportReport:
    """What an import did: counts, skipped files with reasons, warnings."""

    imported: int = 0
    written: int = 0
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    """Files that are not documents: ``_index.md`` section files and non-Markdown files."""
    warnings: list[tuple[str, str]] = field(default_factory=list)
    duplicate_numbers: dict[str, dict[str, Any]] = field(default_factory=dict)
    """文号 → {files: [...], kept_by: the one file that got it, or None}."""
    superseded: int = 0

    def warn(self, path: str, message: str) -> None:
        self.warnings.append((path, message))

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form (for ``--report``)."""
        return {
            "imported": self.imported, "written": self.written, "unchanged": self.unchanged,
            "removed": self.removed, "superseded": self.superseded,
            "skipped": [{"path": p, "reason": r} for p, r in self.skipped],
            "ignored": self.ignored,
            "warnings": [{"path": p, "message": m} for p, m in self.warnings],
            "duplicate_numbers": self.duplicate_numbers,
        }


def discover(src: Path) -> tuple[list[tuple[str, Path]], list[str]]:
    """Markdown files under ``src`` and the other files (hidden ones left out), sorted."""
    found: list[tuple[str, Path]] = []
    others: list[str] = []
    for root, dirs, files in os.walk(src):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if name.startswith("."):
                continue
            path = Path(root, name)
            rel = normalise_rel(path.relative_to(src).as_posix())
            if name.endswith(".md"):
                found.append((rel, path))
            else:
                others.append(rel)
    return sorted(found), sorted(others)


def _history(src: SourceText) -> list[str]:
    """History lines to keep; lines that only repeat the title (a wrapped title) go."""
    lines = list(src.header)
    compact = src.title.replace(" ", "")
    joined = ""
    for index, line in enumerate(lines):
        if line[:1].isdigit():
            break
        joined += line.replace(" ", "")
        if joined == compact:
            return lines[index + 1:]
    return lines


def build_record(src: SourceText, keep_header: bool) -> Record:
    """Classify one source document and draft its front matter."""
    events = parse_events(src.header)
    dates = infer_dates(events, src.file_date)
    parts = tuple(src.rel.split("/")[:-1])
    info = classify(parts, src.title, events)
    body = src.body
    if not keep_header and INFO_END in body:
        body = body.split(INFO_END, 1)[1].lstrip("\r\n")
    meta: dict[str, Any] = {
        "kind": "policy", "title": src.title, "doc_type": info.doc_type, "level": info.level,
        "issuer": info.issuer, "region": info.region, "written": dates.written,
        "published": dates.published, "effective": dates.effective,
        "tags": [info.category] if info.category else [], "history": _history(src),
        "source": src.rel, "body": body,
    }
    return Record(src, events, dates, meta, number_candidates(src.header))


def _read_all(files: list[tuple[str, Path]], report: ImportReport, keep_header: bool,
              progress: Progress[tuple[str, Path]]) -> list[Record]:
    records: list[Record] = []
    for rel, path in progress(files, "读取", len(files)):
        if path.name in IGNORED_NAMES:
            report.ignored.append(rel)
            continue
        try:
            src = read_source(path, rel)
        except ReadProblem as problem:
            report.skipped.append((rel, problem.reason))
            continue
        except OSError as exc:
            report.skipped.append((rel, f"无法读取：{exc.strerror or exc}"))
            continue
        record = build_record(src, keep_header)
        for note in src.notes:
            report.warn(rel, note)
        if record.meta["issuer"] == UNKNOWN_ISSUER:
            report.warn(rel, "无法推断发文机关，已写为“未注明”")
        if not record.meta["body"].strip():
            report.warn(rel, "正文为空")
        records.append(record)
    return records


def assign_ids(records: list[Record], existing: Existing, dest: Path) -> None:
    """Reuse the id an earlier import gave each source; derive the others."""
    taken = {i for i, s in existing.ids.items() if s is None}
    for record in records:
        rel = record.src.rel
        if rel in existing.by_source:
            record.id, record.path = existing.by_source[rel]
            taken.add(record.id)
    for record in records:
        if record.id:
            continue
        length = 8
        while True:
            candidate = make_id(record.src.rel, record.src.stem, record.src.file_date, length)
            owner = existing.ids.get(candidate)
            if candidate not in taken and (owner is None or owner == record.src.rel):
                break
            length += 4
        record.id = candidate
        record.path = dest / POLICY_FOLDER / f"{candidate}.md"
        taken.add(candidate)


def link_versions(records: list[Record], report: ImportReport) -> None:
    """The newest dated version of a title supersedes the older ones."""
    groups: dict[str, list[Record]] = defaultdict(list)
    for record in records:
        groups[record.meta["title"]].append(record)
    for title, group in sorted(groups.items()):
        if len(group) < 2:
            continue
        dated = [r for r in group if r.dates.published]
        for record in group:
            if not record.dates.published:
                report.warn(record.src.rel, f"“{title}”有多个版本，但此文件没有日期，无法排序")
        if len(dated) < 2:
            continue
        dated.sort(key=lambda r: (r.dates.published, r.src.rel))
        newest = dated[-1]
        ties = [r for r in dated if r.dates.published == newest.dates.published]
        if len(ties) > 1:
            paths = "、".join(r.src.rel for r in ties)
            report.warn(newest.src.rel, f"同名同日期的版本：{paths}；未标注替代关系")
            continue
        older = [r for r in dated if r is not newest]
        newest.meta["supersedes"] = sorted(r.id for r in older)
        report.superseded += len(older)


def choose_numbers(records: list[Record], existing: Existing, report: ImportReport) -> None:
    """Give each record the likeliest 文号 that no other document claims.

    A number that several files name (a 决定 amending many regulations, two copies of one
    law) would be a duplicate-文号 error in the content model. When all those files are
    versions of one title, the newest version keeps it (it is the one people cite);
    otherwise no file gets it. Either way it stays in ``history`` and is reported.
    """
    ours = {r.src.rel for r in records}
    claims: dict[str, list[Record]] = defaultdict(list)
    for record in records:
        for number in record.numbers:
            claims[number].append(record)
    foreign = {n for n, (source, _) in existing.numbers.items() if source not in ours}
    owner: dict[str, Record | None] = {}
    for number, claimants in claims.items():
        if number in foreign:
            owner[number] = None
        elif len(claimants) == 1 or len({r.meta["title"] for r in claimants}) == 1:
            owner[number] = max(claimants, key=_version_key)
        else:
            owner[number] = None
    for record in records:
        for number in record.numbers:
            if owner[number] is record:
                record.meta["doc_number"] = number
                break
    for number, claimants in sorted(claims.items()):
        if len(claimants) > 1:
            kept = owner[number]
            report.duplicate_numbers[number] = {
                "files": sorted(r.src.rel for r in claimants),
                "kept_by": kept.src.rel if kept and kept.meta.get("doc_number") == number else None,
            }
    for number in sorted(foreign & set(claims)):
        report.warn(existing.numbers[number][1], f"文号“{number}”已被目标目录中的其他文档使用")


def _version_key(record: Record) -> tuple[Any, ...]:
    published = record.dates.published
    return (published.toordinal() if published else 0, record.src.rel)


def _write_all(records: list[Record], report: ImportReport,
               progress: Progress[Record]) -> None:
    for record in progress(records, "写入", len(records)):
        meta = dict(record.meta)
        body = meta.pop("body")
        assert record.path is not None
        text = render({"id": record.id, **meta}, body)
        if write_if_changed(record.path, text):
            report.written += 1
        else:
            report.unchanged += 1
        report.imported += 1


def _prune(records: list[Record], existing: Existing, report: ImportReport, dest: Path) -> None:
    """Delete documents an earlier import wrote whose source file is gone."""
    current = {r.src.rel for r in records} | {p for p, _ in report.skipped}
    for source, (_, path) in sorted(existing.by_source.items()):
        if source not in current and path.exists():
            path.unlink()
            report.removed.append(path.relative_to(dest).as_posix())


def import_folder(src: Path, dest: Path, *, keep_header: bool = True, prune: bool = False,
                  progress: Progress[Any] = _no_progress) -> ImportReport:
    """Import every Markdown document under ``src`` into the content folder ``dest``.

    Args:
        src: The folder of plain Markdown documents (only read, never changed).
        dest: The Tongda content folder (docs_dir); policies go to ``dest/policies/``.
        keep_header: Keep the history lines and ``<!-- INFO END -->`` at the top of the body.
        prune: Delete earlier imported documents whose source file no longer exists.
        progress: Wraps an iterable to show progress (``(items, label, total)``).

    Raises:
        ValueError: ``src`` is not a folder, or ``dest`` lies inside ``src``.
    """
    src, dest = Path(src).resolve(), Path(dest).resolve()
    if not src.is_dir():
        raise ValueError(f"源目录不存在：{src}")
    if dest == src or src in dest.parents:
        raise ValueError("目标目录不能位于源目录之内（导入不得改动源目录）")
    report = ImportReport()
    files, others = discover(src)
    report.ignored.extend(others)
    records = _read_all(files, report, keep_header, progress)
    existing = scan_existing(dest)
    assign_ids(records, existing, dest)
    link_versions(records, report)
    choose_numbers(records, existing, report)
    _write_all(records, report, progress)
    if prune:
        _prune(records, existing, report, dest)
    return report

