"""Completeness (完整性): the fields and parts a reader needs are there."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from .context import CheckContext
from .findings import Problem
from .registry import rule

_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_HEADING_OR_SPACE = re.compile(r"^[ \t]*#[^\n]*$|\s+", re.MULTILINE)


@rule("summary-missing", "completeness", "notice", "缺少摘要",
      "在 front matter 中写 summary：一两句话说明文件讲什么、对谁有用（搜索结果和列表显示它）。")
def summary_missing(ctx: CheckContext) -> Iterator[Problem]:
    for e in ctx.of_kind("policy", "interpretation", "service"):
        if not (e.meta.summary or "").strip():
            yield Problem(e.id, "没有摘要（summary）", "summary", ctx.line(e, "title"))


_UNKNOWN = {"未注明", "未知", "不详", "无", "待定", "-", "—"}


@rule("issuer-unknown", "completeness", "warning", "发文机关不明",
      "写出发文机关的全称（如 临江市人民政府办公室）；查不到发文机关的材料不宜作为政策文件发布。")
def issuer_unknown(ctx: CheckContext) -> Iterator[Problem]:
    for e in ctx.of_kind("policy", "interpretation"):
        issuer = (e.meta.issuer or "").strip()
        if issuer in _UNKNOWN:
            yield Problem(e.id, f"发文机关写的是“{issuer}”", "issuer", ctx.line(e, "issuer"))


@rule("policy-published-missing", "completeness", "warning", "政策缺少发布日期",
      "写 published（发布日期，YYYY-MM-DD）；不知道时查原文落款或发布公告。")
def policy_published_missing(ctx: CheckContext) -> Iterator[Problem]:
    for e in ctx.policies():
        if e.meta.published is None and e.meta.status not in ("draft",):
            yield Problem(e.id, "没有发布日期（published）", "published", ctx.line(e, "title"))


@rule("policy-effective-missing", "completeness", "notice", "政策缺少施行日期",
      "写 effective（施行日期）；原文常写“自…起施行”。没有它，网站只能按发布日期推断状态。")
def policy_effective_missing(ctx: CheckContext) -> Iterator[Problem]:
    for e in ctx.policies():
        if e.meta.effective is None and e.meta.status not in ("draft", "consultation"):
            yield Problem(e.id, "没有施行日期（effective）", "effective", ctx.line(e, "title"))


@rule("doc-number-missing", "completeness", "warning", "规章或规范性文件缺少文号",
      "写 doc_number（文号，如 临政办发〔2023〕15号）；规章写“××令第N号”。")
def doc_number_missing(ctx: CheckContext) -> Iterator[Problem]:
    for e in ctx.policies():
        if (e.meta.doc_type in ("规范性文件", "地方政府规章", "部门规章") and not e.meta.doc_number
                and e.meta.status not in ("draft", "consultation")):
            yield Problem(e.id, f"{e.meta.doc_type}没有文号（doc_number）", "doc_number",
                          ctx.line(e, "title"))


@rule("interpretation-missing", "completeness", "notice", "政策没有解读",
      "为这份政策写一篇解读（content/interpretations/，interprets 写它的 id），或在 mkdocs.yml 的 "
      "tongda-quality 中调整 rules_interpretation_types / rules_interpretation_levels。")
def interpretation_missing(ctx: CheckContext) -> Iterator[Problem]:
    s = ctx.settings
    for e in ctx.policies():
        if (e.meta.doc_type in s.interpretation_types and e.meta.level in s.interpretation_levels
                and ctx.is_current(e)
                and not any(x.kind == "interprets" for x in ctx.corpus.graph.incoming(e.id))):
            yield Problem(e.id, f"{e.meta.doc_type}没有政策解读", "", ctx.line(e, "title"))


@rule("service-materials-missing", "completeness", "warning", "办事指南缺少申请材料",
      "在 materials 中逐项列出申请材料（name、来源、份数、原件/复印件）；确实不需要材料时写一项说明。")
def service_materials_missing(ctx: CheckContext) -> Iterator[Problem]:
    for e in ctx.of_kind("service"):
        if not e.meta.materials:
            yield Problem(e.id, "没有申请材料清单（materials）", "materials", ctx.line(e, "department"))


@rule("service-time-limit-missing", "completeness", "warning", "办事指南缺少办结时限",
      "写 time_limit 的 legal_days（法定时限）和 promised_days（承诺时限）；没有固定天数的（如按年度"
      "招生时间表办理），在 time_limit.note 中说明。")
def service_time_limit_missing(ctx: CheckContext) -> Iterator[Problem]:
    for e in ctx.of_kind("service"):
        limit = e.meta.time_limit
        # A note alone is a deliberate answer (招生按年度时间表办理), not a missing limit.
        if limit is None or (limit.legal_days is None and limit.promised_days is None
                             and not (limit.note or "").strip()):
            yield Problem(e.id, "没有办结时限（time_limit）", "time_limit",
                          ctx.line(e, "time_limit") if limit else ctx.line(e, "department"))


@rule("service-contact-missing", "completeness", "warning", "办事指南缺少办理渠道",
      "至少写一种办理渠道：where（窗口地址和时间）、online（网上办理地址）或 phone（咨询电话）。")
def service_contact_missing(ctx: CheckContext) -> Iterator[Problem]:
    for e in ctx.of_kind("service"):
        if not (e.meta.where or e.meta.online or e.meta.phone):
            yield Problem(e.id, "没有办理地点、网上办理地址或咨询电话", "where", ctx.line(e, "department"))


@rule("service-basis-missing", "completeness", "warning", "办事指南缺少设定依据",
      "在 policies 中写这项服务依据的政策 id（办事依据），读者才能从指南查到政策原文。")
def service_basis_missing(ctx: CheckContext) -> Iterator[Problem]:
    for e in ctx.of_kind("service"):
        if not e.meta.policies:
            yield Problem(e.id, "没有写依据的政策（policies）", "policies", ctx.line(e, "department"))


@rule("body-empty", "completeness", "warning", "正文为空或过短",
      "补上正文：政策写原文，解读写要点，问答写回答。只有标题的页面对读者没有用。")
def body_empty(ctx: CheckContext) -> Iterator[Problem]:
    for e in ctx.of_kind("policy", "interpretation", "faq"):
        if e.meta.kind == "policy" and e.meta.status in ("draft",):
            continue
        # Only whether there are 20 characters of text matters: look at the start.
        chars = ctx.memo.get("chars", e.body, None, functools.partial(_chars, e.body))
        if chars < 20:
            yield Problem(e.id, f"正文只有 {chars} 个字", "", e.body_line)


def _chars(body: str) -> int:
    """Characters of text at the start of ``body``: no headings, comments or spaces."""
    return len(_HEADING_OR_SPACE.sub("", _COMMENT.sub("", body[:4000])))


@rule("faq-about-missing", "completeness", "notice", "问答没有关联文档",
      "在 about 中写这条问答涉及的政策或办事指南 id，问答会显示在它们的页面上。")
def faq_about_missing(ctx: CheckContext) -> Iterator[Problem]:
    for e in ctx.of_kind("faq"):
        if not e.meta.about:
            yield Problem(e.id, "没有关联的政策或办事指南（about）", "about", ctx.line(e, "title"))


@rule("topics-missing", "completeness", "notice", "未归入专题",
      "在 topics 中写一个或几个专题 id，读者按主题浏览时才能找到它。")
def topics_missing(ctx: CheckContext) -> Iterator[Problem]:
    for e in ctx.of_kind("policy", "service"):
        if not e.meta.topics and ctx.is_current(e):
            yield Problem(e.id, "不属于任何专题（topics）", "topics", ctx.line(e, "title"))
