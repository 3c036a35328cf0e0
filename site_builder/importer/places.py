"""Places the corpus's local regulations come from, with their GB/T 2260 codes.

A small fixed table is enough: the corpus holds regulations of seven provincial-level
regions, and a local regulation is city level when its title (or the body that adopted
it) names one of that region's prefecture-level cities. 直辖市 (北京, 上海, 重庆) are
provincial level and have no prefecture-level cities of their own.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Place:
    """A province or city: its short name, full name and GB/T 2260 code."""

    short: str
    full: str
    code: str
    province: str
    """Short name of the province it belongs to (itself for a province)."""


PROVINCES: dict[str, Place] = {
    p.short: p
    for p in (
        Place("北京", "北京市", "110000", "北京"),
        Place("上海", "上海市", "310000", "上海"),
        Place("浙江", "浙江省", "330000", "浙江"),
        Place("山东", "山东省", "370000", "山东"),
        Place("河南", "河南省", "410000", "河南"),
        Place("广东", "广东省", "440000", "广东"),
        Place("重庆", "重庆市", "500000", "重庆"),
    )
}

_CITY_CODES: dict[str, dict[str, str]] = {
    "浙江": {
        "杭州": "330100", "宁波": "330200", "温州": "330300", "嘉兴": "330400",
        "湖州": "330500", "绍兴": "330600", "金华": "330700", "衢州": "330800",
        "舟山": "330900", "台州": "331000", "丽水": "331100",
    },
    "山东": {
        "济南": "370100", "青岛": "370200", "淄博": "370300", "枣庄": "370400",
        "东营": "370500", "烟台": "370600", "潍坊": "370700", "济宁": "370800",
        "泰安": "370900", "威海": "371000", "日照": "371100", "莱芜": "371200",
        "临沂": "371300", "德州": "371400", "聊城": "371500", "滨州": "371600",
        "菏泽": "371700",
    },
    "河南": {
        "郑州": "410100", "开封": "410200", "洛阳": "410300", "平顶山": "410400",
        "安阳": "410500", "鹤壁": "410600", "新乡": "410700", "焦作": "410800",
        "濮阳": "410900", "许昌": "411000", "漯河": "411100", "三门峡": "411200",
        "南阳": "411300", "商丘": "411400", "信阳": "411500", "周口": "411600",
        "驻马店": "411700", "济源": "419001",
    },
    "广东": {
        "广州": "440100", "韶关": "440200", "深圳": "440300", "珠海": "440400",
        "汕头": "440500", "佛山": "440600", "江门": "440700", "湛江": "440800",
        "茂名": "440900", "肇庆": "441200", "惠州": "441300", "梅州": "441400",
        "汕尾": "441500", "河源": "441600", "阳江": "441700", "清远": "441800",
        "东莞": "441900", "中山": "442000", "潮州": "445100", "揭阳": "445200",
        "云浮": "445300",
    },
}

CITIES: dict[str, Place] = {
    short: Place(short, f"{short}市", code, province)
    for province, cities in _CITY_CODES.items()
    for short, code in cities.items()
}

# Longest first so that a longer name wins over a shorter one it starts with.
_CITY_NAMES = sorted(CITIES, key=len, reverse=True)
# A city name counts only when followed by one of these (济南市…, 深圳经济特区…).
_CITY_SUFFIXES = ("市", "经济特区")


def city_in(text: str) -> Place | None:
    """Return the prefecture-level city that ``text`` starts with, if any.

    Args:
        text: A title or the name of an adopting body, e.g. ``"深圳经济特区数据条例"``.
    """
    for name in _CITY_NAMES:
        if text.startswith(name) and text[len(name):].startswith(_CITY_SUFFIXES):
            return CITIES[name]
    return None


def province_of_folder(parts: tuple[str, ...]) -> Place | None:
    """Return the province a source path's folders name (``DLC/…/浙江/…``), if any."""
    for part in reversed(parts):
        if part in PROVINCES:
            return PROVINCES[part]
    return None
