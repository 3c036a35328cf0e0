"""Relations between imported documents: versions, amendments, and unique 文号."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from .records import ImportReport, Record
from .writer import Existing

# 刑法修正案（十一）, 宪法修正案（2018年）: the amendment names the law it amends.
_AMENDMENT = re.compile(r"^(?:中华人民共和国)?(.+?)修正案")
# …关于修改《关于审理…的规定》的决定
_AMENDING = re.compile(r"关于修改《(.+?)》的决定$")


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


def _amended_titles(title: str, issuer: str) -> list[str]:
    """Titles the document may amend, likeliest first (empty when it amends nothing)."""
    match = _AMENDMENT.match(title)
    if match and "关于" not in title:
        base = match.group(1)
    else:
        match = _AMENDING.search(title)
        if not match:
            return []
        base = match.group(1)
    prefixes = ["", "中华人民共和国", issuer, issuer.split("、", 1)[0]]
    return list(dict.fromkeys(prefix + base for prefix in prefixes))


def link_amendments(records: list[Record]) -> None:
    """An amendment (修正案, 关于修改《…》的决定) ``amends`` the text it names.

    The target is the version of that title in force when the amendment was published:
    the newest one published on or before it (or the oldest when none is dated earlier).
    Only an exact title match counts; nothing is guessed beyond that.
    """
    by_title: dict[str, list[Record]] = defaultdict(list)
    for record in records:
        by_title[record.meta["title"]].append(record)
    for record in records:
        for title in _amended_titles(record.meta["title"], record.meta["issuer"]):
            versions = [r for r in by_title.get(title, []) if r is not record]
            if not versions:
                continue
            versions.sort(key=_version_key)
            when = record.dates.published
            earlier = [r for r in versions if when and r.dates.published
                       and r.dates.published <= when]
            record.meta["amends"] = [(earlier[-1] if earlier else versions[0]).id]
            break
