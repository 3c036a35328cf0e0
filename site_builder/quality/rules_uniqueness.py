"""Uniqueness (唯一性): one document says one thing once.

Duplicate ids and 文号 are schema errors (the build cannot place two pages at one URL);
these rules find what the schema cannot: the same title, the same or nearly the same text
under two paths, and repeated items inside one document.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator

from .context import CheckContext
from .dedupe import Pair, find_duplicates, fingerprint
from .findings import Problem
from .registry import rule

_LIST_FIELDS = ("topics", "audiences", "life_stages", "tags", "related", "based_on", "supersedes",
                "amends", "services", "interprets", "policies", "about", "conditions", "steps")


def _title_key(title: str) -> str:
    """Titles that differ only in spaces or the separator between issuers are the same."""
    return re.sub(r"[\s\u3000、，,·]+", "", title)


@rule("duplicate-title", "uniqueness", "warning", "标题重复",
      "同一文件只保留一份（删除重复的一份，或用 supersedes 把新旧版本连起来）；不同文件请改成能区分的标题。")
def duplicate_title(ctx: CheckContext) -> Iterator[Problem]:
    groups = defaultdict(list)
    for e in ctx.entries:
        groups[(e.kind, _title_key(e.meta.title))].append(e)
    for docs in groups.values():
        for e in docs[1:]:
            others = [o for o in docs if o is not e and not ctx.same_family(o.id, e.id)]
            first = others[0] if others else None
            if first is not None and docs.index(first) < docs.index(e):
                yield Problem(e.id, f"标题与 {first.src_path} 相同", "title", ctx.line(e, "title"))


def _pairs(ctx: CheckContext) -> list[Pair]:
    cached = getattr(ctx, "_duplicate_pairs", None)
    if cached is None:
        texts = ((e.id, e.body) for e in ctx.of_kind("policy", "interpretation", "faq", "service"))
        cached = find_duplicates(texts, threshold=ctx.settings.similarity,
                                 prepare=lambda body: ctx.memo.get(
                                     "duplicates", body, None, lambda: fingerprint(body)))
        ctx._duplicate_pairs = cached  # type: ignore[attr-defined]
    return cached


@rule("duplicate-body", "uniqueness", "warning", "正文完全相同",
      "两份文件正文一字不差：同一文件放在了两个位置就删掉一份；不同版本就核对原文，换上正确版本的正文。")
def duplicate_body(ctx: CheckContext) -> Iterator[Problem]:
    docs = ctx.corpus.documents
    for pair in _pairs(ctx):
        if pair.exact:
            first, second = docs[pair.first], docs[pair.second]
            yield Problem(second.id, f"正文与 {first.src_path} 完全相同", "", second.body_line)


@rule("near-duplicate-body", "uniqueness", "notice", "正文高度相似",
      "两份不是同一版本链的文件正文几乎相同：是同一文件的两个版本就用 supersedes / amends 连起来，"
      "是重复收录就删掉一份。")
def near_duplicate_body(ctx: CheckContext) -> Iterator[Problem]:
    docs = ctx.corpus.documents
    for pair in _pairs(ctx):
        if not pair.exact and not ctx.same_family(pair.first, pair.second):
            first, second = docs[pair.first], docs[pair.second]
            yield Problem(second.id, f"正文与 {first.src_path} 的相似度为 {pair.similarity:.0%}",
                          "", second.body_line)


@rule("duplicate-list-item", "uniqueness", "warning", "列表中有重复项",
      "删掉列表中重复的一项（专题、对象、标签、关联文档等各写一次即可）。")
def duplicate_list_item(ctx: CheckContext) -> Iterator[Problem]:
    for e in ctx.entries:
        for name in _LIST_FIELDS:
            values = getattr(e.meta, name, None)
            if not isinstance(values, list):
                continue
            seen: set[str] = set()
            for i, value in enumerate(values):
                if isinstance(value, str) and value in seen:
                    yield Problem(e.id, f"“{value}”重复出现", f"{name}.{i}", ctx.line(e, name, i))
                seen.add(value) if isinstance(value, str) else None


@rule("duplicate-material", "uniqueness", "warning", "申请材料重复",
      "同一份材料只列一次；需要多份时写 copies。")
def duplicate_material(ctx: CheckContext) -> Iterator[Problem]:
    for e in ctx.of_kind("service"):
        seen: dict[str, int] = {}
        for i, material in enumerate(e.meta.materials):
            key = _title_key(material.name)
            if key in seen:
                yield Problem(e.id, f"材料“{material.name}”与第 {seen[key] + 1} 项重复",
                              f"materials.{i}.name", ctx.line(e, "materials", i, "name"))
            seen.setdefault(key, i)


