"""Validity (规范性): values have the form the standards and readers expect."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from urllib.parse import urlsplit

from site_builder.content.corpus import Entry

from .context import CheckContext
from .findings import Problem
from .registry import rule

_NUMBERED = re.compile(r"^[\u4e00-\u9fff]{2,40}〔(?P<year>\d{4})〕(?P<n>\d+)号$")
_ORDER = re.compile(r"^[\u4e00-\u9fff、 ]{2,80}?第[0-9一二三四五六七八九十百千零〇]+号$")
_WRONG_BRACKETS = re.compile(r"[\[［(（【〈<{｛]\s*\d{4}\s*[\]］)）】〉>}｝]")
_YEAR_THEN_DI = re.compile(r"〔\d{4}〕第")
_ORDER_SUFFIX = re.compile(r"第[0-9一二三四五六七八九十百千零〇]+号令$")
_PHONE_SPLIT = re.compile(r"[、/，,；;]|\s{2,}|或")
_PHONE_NOISE = re.compile(r"[\s\-－—()（）]")
_EXT = re.compile(r"(转|分机|ext\.?|x)\d{1,5}$", re.IGNORECASE)
_PHONES = re.compile(r"^(1[3-9]\d{9}|0\d{10,11}|[2-9]\d{6,7}|1\d{4}|9[56]\d{3,4}|[48]00\d{7})$")
PROVINCE_CODES = frozenset(
    ["11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82"])
_VAGUE = {"点击这里", "点这里", "这里", "此处", "点击", "详见", "更多", "链接", "查看", "请点击",
          "here", "click here", "more", "link"}
_EARLIEST = dt.date(1900, 1, 1)


def doc_number_problem(number: str) -> str | None:
    """What is wrong with a 文号 (GB/T 9704-2012: 机关代字〔年份〕序号号), or ``None``."""
    text = number.strip()
    if _WRONG_BRACKETS.search(text):
        return "年份应使用六角括号〔〕，不用 [ ]、（ ）或【 】"
    if re.search(r"[０-９]", text):
        return "序号和年份应使用半角阿拉伯数字，不用全角数字"
    if _YEAR_THEN_DI.search(text):
        return "〔年份〕后直接写序号，不加“第”"
    if _ORDER_SUFFIX.search(text):
        return "令的编号应写作“××令第N号”"
    if len(text) > 1 and text[0] == text[1]:
        return f"开头重复了“{text[0]}”字"
    if "中华人民共和国" in text and not text.startswith("中华人民共和国") and "、" not in text:
        return "“中华人民共和国”前有多余的字"
    if (m := _NUMBERED.match(text)) is not None:
        return "序号不编虚位（不写 0 开头）" if m["n"].startswith("0") else None
    if _ORDER.match(text):
        return None
    return "格式应为“机关代字〔年份〕序号号”（如 临政办发〔2023〕15号）或“××令第N号”"


@rule("doc-number-format", "validity", "warning", "文号格式不规范",
      "按 GB/T 9704-2012 写文号：机关代字〔年份〕序号号，六角括号，序号不加“第”不编虚位；"
      "规章写“××令第N号”。照原件核对。")
def doc_number_format(ctx: CheckContext) -> Iterator[Problem]:
    for e in ctx.policies():
        if e.meta.doc_number and (problem := doc_number_problem(e.meta.doc_number)):
            yield Problem(e.id, f"文号“{e.meta.doc_number}”：{problem}", "doc_number",
                          ctx.line(e, "doc_number"))


_DATE_FIELDS = ("written", "published", "effective", "expires", "updated", "reviewed")


@rule("date-implausible", "validity", "error", "日期不合理",
      "核对日期：不能早于 1900 年；发布、成文、更新、审核日期不能晚于今天（未来施行请写在 effective）。")
def date_implausible(ctx: CheckContext) -> Iterator[Problem]:
    for e in ctx.entries:
        for name in _DATE_FIELDS:
            value = getattr(e.meta, name, None)
            if not isinstance(value, dt.date):
                continue
            if value < _EARLIEST:
                yield Problem(e.id, f"{name} 为 {value.isoformat()}，早于 1900 年", name,
                              ctx.line(e, name))
            # A draft may carry its planned publication date.
            elif (name in ("written", "published", "updated", "reviewed") and value > ctx.today
                  and not (name == "published" and getattr(e.meta, "status", None)
                           in ("draft", "consultation"))):
                yield Problem(e.id, f"{name} 为 {value.isoformat()}，晚于今天（{ctx.today.isoformat()}）",
                              name, ctx.line(e, name))


def _urls(ctx: CheckContext, e: Entry) -> Iterator[tuple[str, str, int]]:
    """(url, field, line) of every absolute URL a document holds."""
    online = getattr(e.meta, "online", None)
    if online:
        yield online, "online", ctx.line(e, "online")
    for link in ctx.scan(e).links:
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", link.url):
            yield link.url, "", link.line


def url_problem(url: str) -> str | None:
    """What makes an absolute URL unusable, or ``None``."""
    if re.search(r"[\s\u3000-\u303f\uff00-\uffef]", url):
        return "含有空格或全角字符"
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme in ("mailto", "tel"):
        return None
    if scheme not in ("http", "https"):
        return f"不支持的协议“{scheme}:”"
    host = parts.hostname or ""
    if not host or ("." not in host and host != "localhost") or host.startswith(".") or ".." in host:
        return "域名不完整"
    return None


@rule("url-invalid", "validity", "error", "网址无效",
      "改正网址：以 https:// 开头、域名完整、不含空格和全角符号（如全角句号“。”）。")
def url_invalid(ctx: CheckContext) -> Iterator[Problem]:
    for e in ctx.entries:
        for url, field, line in _urls(ctx, e):
            if (problem := url_problem(url)) is not None:
                yield Problem(e.id, f"网址“{url}”{problem}", field, line)


@rule("url-insecure", "validity", "warning", "网址未使用 HTTPS",
      "改用 https:// 地址；政务网站要求加密传输，http 链接在浏览器中会被标为不安全。")
def url_insecure(ctx: CheckContext) -> Iterator[Problem]:
    for e in ctx.entries:
        for url, field, line in _urls(ctx, e):
            parts = urlsplit(url)
            local = parts.hostname in (None, "localhost", "127.0.0.1")
            if parts.scheme.lower() == "http" and not local and url_problem(url) is None:
                yield Problem(e.id, f"网址“{url}”使用 http", field, line)


def phone_problem(value: str) -> str | None:
    """What is wrong with a phone field (one or several numbers), or ``None``."""
    for part in filter(None, (p.strip() for p in _PHONE_SPLIT.split(value))):
        digits = _PHONE_NOISE.sub("", _EXT.sub("", part))
        if not _PHONES.match(digits):
            return f"“{part}”不是有效的电话号码"
    return None


@rule("phone-invalid", "validity", "warning", "电话号码无效",
      "写完整号码：固话带区号（0571-86901110），手机 11 位，或政务服务热线（12345、12333 等特服号）；"
      "几个号码用顿号分开。")
def phone_invalid(ctx: CheckContext) -> Iterator[Problem]:
    for e in ctx.of_kind("service"):
        fields: list[tuple[str, str | None]] = [("phone", e.meta.phone)]
        fields += [(f"where.{i}.phone", p.phone) for i, p in enumerate(e.meta.where)]
        for name, value in fields:
            if value and (problem := phone_problem(value)):
                yield Problem(e.id, problem, name, ctx.line(e, *_path(name)))


def _path(name: str) -> tuple[str | int, ...]:
    return tuple(int(p) if p.isdigit() else p for p in name.split("."))


def region_problem(code: str) -> str | None:
    """What is wrong with a GB/T 2260 administrative division code, or ``None``."""
    if code[:2] not in PROVINCE_CODES:
        return f"“{code[:2]}”不是省级行政区划代码"
    city = int(code[2:4])
    if not (city <= 70 or city == 90):
        return f"地级代码“{code[2:4]}”超出 GB/T 2260 的编码范围"
    if code[2:4] == "00" and code[4:] != "00":
        return "省级代码的后四位应为 0000"
    return None


@rule("region-code-invalid", "validity", "warning", "行政区划代码无效",
      "按 GB/T 2260 写 6 位行政区划代码（省 xx0000、市 xxxx00、区县 xxxxxx），从民政部公布的代码表核对；"
      "虚构（演示）或新设的区划，把代码和名称加进 _data/regions.yml。")
def region_code_invalid(ctx: CheckContext) -> Iterator[Problem]:
    regions = ctx.regions
    for e in ctx.policies():
        code = e.meta.region
        if code and code not in regions and (problem := region_problem(code)):
            yield Problem(e.id, f"区划代码 {code}：{problem}，也不在 _data/regions.yml 中",
                          "region", ctx.line(e, "region"))


@rule("heading-skip", "validity", "warning", "标题层级跳级",
      "标题逐级使用：章用 ##，节用 ###，不要从 ## 直接跳到 ####（读屏软件按层级导航）。")
def heading_skip(ctx: CheckContext) -> Iterator[Problem]:
    for e in ctx.entries:
        previous = 1
        for h in ctx.scan(e).headings:
            level = max(h.level, 2) if h.level == 1 else h.level
            if level > previous + 1:
                yield Problem(e.id, f"“{h.text[:30]}”是 {level} 级标题，前面是 {previous} 级",
                              "", h.line)
            previous = level


@rule("image-alt-missing", "validity", "warning", "图片缺少替代文字",
      "在 ![替代文字](图片) 的方括号里写出图片要传达的内容；纯装饰图片请用 CSS 背景。")
def image_alt_missing(ctx: CheckContext) -> Iterator[Problem]:
    for e in ctx.entries:
        for link in ctx.scan(e).links:
            if link.image and not link.text:
                yield Problem(e.id, f"图片“{link.url}”没有替代文字", "", link.line)


@rule("link-text-vague", "validity", "notice", "链接文字不明确",
      "链接文字写清去向（如“《临江市研发补助办法》全文”），不要只写“点击这里”“详见”或留空。")
def link_text_vague(ctx: CheckContext) -> Iterator[Problem]:
    for e in ctx.entries:
        for link in ctx.scan(e).links:
            if not link.image and link.text.strip().lower() in _VAGUE | {""}:
                text = link.text or "（空）"
                yield Problem(e.id, f"链接文字“{text}”看不出去向（{link.url}）", "", link.line)
