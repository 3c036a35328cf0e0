"""``tongda import``: turn a folder of plain Markdown documents into Tongda policies.

Collect, then write: every source file is read and classified first; ids, versions
(``supersedes``) and document numbers are resolved across the whole set; only then are
files written, each only when its text changed. The source folder is only ever read.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

from .history import infer_dates, number_candidates, parse_events
from .ids import make_id
from .infer import UNKNOWN_ISSUER, classify
from .reader import INFO_END, ReadProblem, SourceText, normalise_rel, read_source
from .records import ImportReport, Record
from .relations import choose_numbers, link_amendments, link_versions
from .writer import POLICY_FOLDER, Existing, render, scan_existing, write_if_changed

T = TypeVar("T")
Progress = Callable[[Iterable[T], str, int], Iterable[T]]
IGNORED_NAMES = ("_index.md",)
"""Hugo section files: front matter only, not documents."""


def _no_progress(items: Iterable[T], label: str, total: int) -> Iterable[T]:
    return items


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
    link_amendments(records)
    choose_numbers(records, existing, report)
    _write_all(records, report, progress)
    if prune:
        _prune(records, existing, report, dest)
    return report

