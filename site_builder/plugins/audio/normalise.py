"""Rewrite numbers, dates, 文号 and units the way people read them aloud.

eSpeak NG reads ``2021`` as 两千零二十一 and ``km`` as English letters. Before synthesis,
text is rewritten into Chinese words: years digit by digit (二〇二一年), document numbers
(国办函〔2018〕71号 → 国办函二〇一八年第七十一号), decimals (4.68亿元 → 四点六八亿元),
percentages, times, phone numbers and common units. The normalised text is what the cache
keys on, so changing a rule re-synthesises exactly the clips whose spoken text changed.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_DIGITS = "零一二三四五六七八九"
_YEAR_DIGITS = "〇一二三四五六七八九"
_SMALL_UNITS = ("", "十", "百", "千")
_BIG_UNITS = ("", "万", "亿", "万亿")


def _four(n: int) -> str:
    """0 < n < 10000 as Chinese, with 零 for inner gaps."""
    out = ""
    zero = False
    for pos in range(3, -1, -1):
        d = n // 10**pos % 10
        if d == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        out += _DIGITS[d] + _SMALL_UNITS[pos]
    return out


def cardinal(n: int) -> str:
    """An integer the way it is said: 71 → 七十一, 1001 → 一千零一, 10 → 十.

    Args:
        n: A non-negative integer below 10**16.
    """
    if n == 0:
        return "零"
    groups: list[int] = []
    while n:
        groups.append(n % 10000)
        n //= 10000
    out = ""
    need_zero = False
    for idx in range(len(groups) - 1, -1, -1):
        g = groups[idx]
        if g == 0:
            need_zero = bool(out)
            continue
        if out and (need_zero or g < 1000):
            out += "零"
        out += _four(g) + _BIG_UNITS[idx]
        need_zero = False
    # 一十五 → 十五 only at the very start (一百一十 keeps its inner 一十).
    return out[1:] if out.startswith("一十") else out


def digits(s: str, year: bool = False) -> str:
    """Read a digit string one by one (years, phone numbers, codes)."""
    table = _YEAR_DIGITS if year else _DIGITS
    return "".join(table[int(c)] for c in s if c.isdigit())


def phone_digits(s: str) -> str:
    """Phone numbers: digit by digit, 1 as 幺 as telephone operators say it."""
    return digits(s).replace("一", "幺")


def decimal(s: str) -> str:
    """``4.68`` → 四点六八, ``1,200`` → 一千二百."""
    s = s.replace(",", "").replace("，", "")
    whole, _, frac = s.partition(".")
    out = cardinal(int(whole)) if whole else "零"
    return out + ("点" + digits(frac) if frac else "")


_NUM = r"\d+(?:,\d{3})*(?:\.\d+)?"
_BRACKETS = "〔［\\[（(【"
_CLOSE = "〕］\\]）)】"

#: Units after a number; longest first so ``km/h`` wins over ``km``.
_UNITS: list[tuple[str, str]] = [
    ("km/h", "公里每小时"), ("kWh", "千瓦时"), ("kW·h", "千瓦时"), ("km²", "平方公里"),
    ("m²", "平方米"), ("m2", "平方米"), ("㎡", "平方米"), ("m³", "立方米"), ("m3", "立方米"),
    ("km", "公里"), ("kg", "千克"), ("mg", "毫克"), ("cm", "厘米"), ("mm", "毫米"),
    ("ml", "毫升"), ("mL", "毫升"), ("kW", "千瓦"), ("MB", "兆字节"), ("GB", "吉字节"),
    ("℃", "摄氏度"), ("°C", "摄氏度"), ("m", "米"), ("g", "克"), ("L", "升"), ("t", "吨"),
    ("h", "小时"), ("min", "分钟"), ("s", "秒"),
]
_UNIT_RE = re.compile(
    rf"({_NUM})\s*("
    + "|".join(re.escape(u) for u, _ in sorted(_UNITS, key=lambda x: -len(x[0])))
    + r")(?![A-Za-z])"
)
_UNIT_WORDS = dict(_UNITS)


def _date(m: re.Match[str]) -> str:
    y, mo, d = m.group("y"), m.group("m"), m.group("d")
    out = digits(y, year=True) + "年" + cardinal(int(mo)) + "月"
    return out + (cardinal(int(d)) + "日" if d else "")


def _time(m: re.Match[str]) -> str:
    h, mi = int(m.group(1)), int(m.group(2))
    if mi == 0:
        return cardinal(h) + "点"
    return cardinal(h) + "点" + ("零" if mi < 10 else "") + cardinal(mi) + "分"


_RULES: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    # A web address read letter by letter is a minute of noise; the page shows it.
    (re.compile(r"(?:https?://|www\.)[\w./?=&%#:~+-]+", re.ASCII), lambda m: "网址见页面"),
    # 文号: 国办函〔2018〕71号, with any of the brackets editors type.
    (
        re.compile(rf"[{_BRACKETS}](\d{{4}})[{_CLOSE}]\s*第?(\d+)\s*号"),
        lambda m: digits(m.group(1), True) + "年第" + cardinal(int(m.group(2))) + "号",
    ),
    # ISO and slashed dates: 2021-04-01, 2021/4/1, 2021.4.1, 2021年4月1日.
    (
        re.compile(r"(?<!\d)(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?!\d)"),
        _date,
    ),
    (
        re.compile(r"(?<!\d)(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月(?:\s*(?P<d>\d{1,2})\s*[日号])?"),
        _date,
    ),
    (re.compile(r"(?<!\d)(\d{4})\s*年"), lambda m: digits(m.group(1), True) + "年"),
    (re.compile(r"(?<![\d:])([01]?\d|2[0-3])[:：]([0-5]\d)(?![\d:])"), _time),
    # Mobile numbers, area-code numbers and 5-digit hotlines: digit by digit.
    (re.compile(r"(?<!\d)(1[3-9]\d{9})(?!\d)"), lambda m: phone_digits(m.group(1))),
    (
        re.compile(r"(?<!\d)(0\d{2,3})[-－ ]?(\d{3,4})[- ]?(\d{4})(?!\d)"),
        lambda m: "，".join(phone_digits(g) for g in m.groups()),
    ),
    (re.compile(r"(?<![\d.])(12\d{3})(?![\d.])"), lambda m: phone_digits(m.group(1))),
    # Long digit strings (IDs, account numbers) are read digit by digit, never as amounts.
    (re.compile(r"(?<![\d.,])(\d{7,})(?![\d.,])"), lambda m: digits(m.group(1))),
    (re.compile(rf"({_NUM})\s*[%％]"), lambda m: "百分之" + decimal(m.group(1))),
    (re.compile(rf"({_NUM})\s*‰"), lambda m: "千分之" + decimal(m.group(1))),
    (re.compile(rf"[¥￥]\s*({_NUM})"), lambda m: decimal(m.group(1)) + "元"),
    (_UNIT_RE, lambda m: decimal(m.group(1)) + _UNIT_WORDS[m.group(2)]),
    # Ranges: 3-5个工作日, 9:00—17:00 (times already rewritten) → 至.
    (re.compile(rf"({_NUM})\s*[-－~～—–]+\s*({_NUM})"), lambda m: decimal(m.group(1)) + "至" + decimal(m.group(2))),
    (re.compile(r"(?<=[点分])\s*[-－~～—–]+\s*(?=[零一二三四五六七八九十])"), lambda m: "至"),
    (re.compile(_NUM), lambda m: decimal(m.group(0))),
]

_CIRCLED = {chr(0x2460 + i): cardinal(i + 1) + "、" for i in range(20)}
_SKIP = re.compile(r"[#*_`|>]+")


def normalise(text: str) -> str:
    """Return ``text`` rewritten for speech; whitespace collapsed.

    >>> normalise("自2021年4月1日起施行")
    '自二〇二一年四月一日起施行'
    >>> normalise("国办函〔2018〕71号")
    '国办函二〇一八年第七十一号'
    >>> normalise("补贴4.68亿元")
    '补贴四点六八亿元'
    """
    text = "".join(_CIRCLED.get(c, c) for c in text)
    text = _SKIP.sub(" ", text)
    for pattern, repl in _RULES:
        text = pattern.sub(repl, text)
    return re.sub(r"\s+", " ", text).strip()


_SENTENCE_END = re.compile(r"(?<=[。！？!?；;])\s*")


def split_sentences(text: str) -> list[str]:
    """Split on Chinese sentence ends (and ；), keeping the punctuation with its sentence."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]
