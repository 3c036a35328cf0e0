"""Consistency (一致性): fields agree with each other and with related documents."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .context import CheckContext
from .findings import Problem
from .registry import rule

_NATIONAL = re.compile(r"^(国务院|全国人民代表大会|中华人民共和国|最高人民(法院|检察院)|中共中央|中央|国家|"
                       r"中国人民银行|海关总署|审计署)")
_MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")
_DISTRICT = re.compile(r"^[\u4e00-\u9fff]{1,8}?(市|州|盟)?[\u4e00-\u9fff]{1,8}?(区|县|旗)(?!域)")
_CITY = re.compile(r"^[\u4e00-\u9fff]{1,8}?(市|自治州|州|盟|地区)(?!场)")
_PROVINCE = re.compile(r"^[\u4e00-\u9fff]{1,8}?(省|自治区)")
_DISTRICT_AFTER_CITY = re.compile(r"^[\u4e00-\u9fff]{1,8}?(市|州|盟)[\u4e00-\u9fff]{1,8}?(区|县|旗)(?!域)")
LEVEL_NAMES = {"national": "国家级", "province": "省级", "city": "市级", "district": "区县级"}
NATIONAL_TYPES = ("法律", "行政法规", "部门规章", "司法解释", "宪法")
LOCAL_TYPES = ("地方性法规", "地方政府规章")


def issuer_level(issuer: str) -> str | None:
    """The level an issuer's name implies (国务院 → national, 临江市 → city), or ``None``."""
    name = issuer.split("、")[0].strip()
    if _NATIONAL.match(name):
        return "national"
    if name.startswith(_MUNICIPALITIES):
        rest = name[3:]
        return "district" if re.match(r"^[\u4e00-\u9fff]{1,8}?(区|县)(?!域)", rest) else "province"
    if name.endswith(("部", "总局", "委员会", "署", "局")) and not re.search(r"[省市县区州]", name):
        return None  # a ministry without a place (人力资源社会保障部): national, but be careful
    if "自治县" in name or re.match(r"^[\u4e00-\u9fff]{1,8}?(市|州)[\u4e00-\u9fff]{1,8}?(区|县|旗)(?!域)", name):
        return "district"
    if (province := _PROVINCE.match(name)) is not None:
        rest = name[province.end():]
        if _DISTRICT_AFTER_CITY.match(rest):
            return "district"
        return "city" if _CITY.match(rest) else "province"
    if _CITY.match(name):
        return "city"
    if _DISTRICT.match(name):
        return "district"
    return None


@rule("level-issuer-mismatch", "consistency", "warning", "层级与发文机关不符",
      "核对 level：国务院、部委为 national，省（自治区、直辖市）为 province，设区的市为 city，区县为 district。")
def level_issuer_mismatch(ctx: CheckContext) -> Iterator[Problem]:
    for e in ctx.policies():
        implied = issuer_level(e.meta.issuer)
        if implied is not None and implied != e.meta.level:
            yield Problem(e.id, f"发文机关“{e.meta.issuer}”是{LEVEL_NAMES[implied]}，level 却是"
                                f"{LEVEL_NAMES[e.meta.level]}（{e.meta.level}）", "level", ctx.line(e, "level"))


@rule("level-doc-type-mismatch", "consistency", "warning", "层级与文件类型不符",
      "法律、行政法规、部门规章、司法解释只能是 national；地方性法规、地方政府规章不能是 national。"
      "改 level 或 doc_type。")
def level_doc_type_mismatch(ctx: CheckContext) -> Iterator[Problem]:
    for e in ctx.policies():
        t, level = e.meta.doc_type, e.meta.level
        if (t in NATIONAL_TYPES and level != "national") or (t in LOCAL_TYPES and level == "national"):
            yield Problem(e.id, f"{t}的层级不应是{LEVEL_NAMES[level]}", "level", ctx.line(e, "level"))


def _region_level(code: str) -> str:
    if code.endswith("0000"):
        return "province"
    return "city" if code.endswith("00") else "district"


@rule("region-level-mismatch", "consistency", "warning", "区划代码与层级不符",
      "省级文件用 xx0000，市级用 xxxx00，区县级用完整 6 位代码；国家级文件不写 region。")
def region_level_mismatch(ctx: CheckContext) -> Iterator[Problem]:
    for e in ctx.policies():
        code = e.meta.region
        if code and e.meta.level != (implied := _region_level(code)):
            actual = LEVEL_NAMES[e.meta.level]
            yield Problem(e.id, f"区划代码 {code} 是{LEVEL_NAMES[implied]}代码，level 却是{actual}",
                          "region", ctx.line(e, "region"))


@rule("doc-number-year", "consistency", "warning", "文号年份与日期不符",
      "文号〔年份〕应与成文或发布日期的年份一致；核对文号和 written / published。")
def doc_number_year(ctx: CheckContext) -> Iterator[Problem]:
    for e in ctx.policies():
        m = re.search(r"〔(\d{4})〕", e.meta.doc_number or "")
        years = {d.year for d in (e.meta.written, e.meta.published) if d is not None}
        if m and years and int(m[1]) not in years:
            shown = "、".join(str(y) for y in sorted(years))
            yield Problem(e.id, f"文号年份 {m[1]} 与日期年份 {shown} 不一致", "doc_number",
                          ctx.line(e, "doc_number"))


@rule("status-contradicts-dates", "consistency", "warning", "状态与日期矛盾",
      "删掉 status 让网站按日期计算，或改正 effective / expires；写明 status 时它必须与日期相符。")
def status_contradicts_dates(ctx: CheckContext) -> Iterator[Problem]:
    for e in ctx.policies():
        m, today = e.meta, ctx.today
        problem = None
        if m.status == "effective" and m.expires and m.expires <= today:
            problem = f"status 写的是现行有效，但已于 {m.expires.isoformat()} 失效"
        elif m.status == "effective" and m.effective and m.effective > today:
            problem = f"status 写的是现行有效，但 {m.effective.isoformat()} 才施行"
        elif m.status == "expired" and m.expires and m.expires > today:
            problem = f"status 写的是已失效，但失效日期 {m.expires.isoformat()} 还没到"
        if problem:
            yield Problem(e.id, problem, "status", ctx.line(e, "status"))


@rule("interpretation-before-policy", "consistency", "warning", "解读早于政策发布",
      "核对解读的 published 和 interprets：解读不应早于它解读的政策发布。")
def interpretation_before_policy(ctx: CheckContext) -> Iterator[Problem]:
    for e in ctx.of_kind("interpretation"):
        for target in e.meta.interprets:
            policy = ctx.corpus.documents.get(target)
            published = getattr(policy.meta, "published", None) if policy else None
            if e.meta.published and published and e.meta.published < published:
                yield Problem(e.id, f"解读发布于 {e.meta.published.isoformat()}，早于政策“{target}”的"
                                    f"发布日期 {published.isoformat()}", "published", ctx.line(e, "published"))


@rule("updated-before-published", "consistency", "warning", "更新或审核日期早于发布日期",
      "updated / reviewed 记录发布之后的更新和审核，不能早于 published；核对这几个日期。")
def updated_before_published(ctx: CheckContext) -> Iterator[Problem]:
    for e in ctx.entries:
        published = getattr(e.meta, "published", None)
        for name in ("updated", "reviewed"):
            value = getattr(e.meta, name)
            if published and value and value < published:
                yield Problem(e.id, f"{name} {value.isoformat()} 早于发布日期 {published.isoformat()}",
                              name, ctx.line(e, name))


@rule("supersedes-newer", "consistency", "warning", "替代了更新的文件",
      "supersedes 应指向被本文件替代的旧文件；如果写反了，把它移到另一份文件中。")
def supersedes_newer(ctx: CheckContext) -> Iterator[Problem]:
    for e in ctx.policies():
        mine = e.meta.published or e.meta.effective
        for i, target in enumerate(e.meta.supersedes):
            old = ctx.corpus.documents.get(target)
            theirs = old and (getattr(old.meta, "published", None) or getattr(old.meta, "effective", None))
            if mine and theirs and theirs > mine:
                yield Problem(e.id, f"替代的“{target}”发布于 {theirs.isoformat()}，晚于本文件 "
                                    f"{mine.isoformat()}", f"supersedes.{i}", ctx.line(e, "supersedes", i))
