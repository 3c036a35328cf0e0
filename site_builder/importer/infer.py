"""Infer a policy's doc type, level, issuer and region from its folder, title and history.

Folder names follow the corpus (``/work/shared/corpus/laws``): the nine NPC law categories,
``行政法规``, ``部门规章/<部门>``, ``司法解释``, ``DLC/…/地方性法规/<省>``, ``其他``. Folders named
after a doc type (``法律``, ``地方政府规章``, ``规范性文件``…) work too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .history import Event
from .places import CITIES, Place, city_in, province_of_folder

LAW_CATEGORIES = (
    "宪法相关法", "民法典", "民法商法", "行政法", "经济法", "社会法", "刑法", "诉讼与非诉讼程序法",
)
_FOLDER_TYPES: dict[str, str] = {
    **dict.fromkeys(LAW_CATEGORIES, "法律"),
    "宪法": "宪法", "法律": "法律", "行政法规": "行政法规", "部门规章": "部门规章",
    "司法解释": "司法解释", "地方性法规": "地方性法规", "地方政府规章": "地方政府规章",
    "规范性文件": "规范性文件", "其他": "其他",
}
# Folder short names of ministries → the name they issue under.
DEPARTMENTS: dict[str, str] = {
    "市场监督管理总局": "国家市场监督管理总局",
    "人力资源社会保障部": "人力资源和社会保障部",
}
NPC = "全国人民代表大会"
NPCSC = "全国人民代表大会常务委员会"
SPC = "最高人民法院"
SPP = "最高人民检察院"
UNKNOWN_ISSUER = "未注明"
_COUNTY = re.compile(r"^([\u4e00-\u9fff]{2,12}?自治县)")
# "宁波市第九届人民代表大会常务委员会…", "景宁畲族自治县八届人大四次会议…"
_LOCAL_BODY = re.compile(
    r"^(.+?)(?:第?[一二三四五六七八九十百]+届)?(?:人民代表大会|人大)(常务委员会|常委会)?")
_AGENCY = re.compile(r"(院|部|局|署|委员会|办公厅|总局|银行|会)$")


@dataclass(frozen=True)
class Classification:
    """What the folder, title and history say about a document."""

    doc_type: str
    level: str
    issuer: str
    region: str | None = None
    category: str | None = None
    """The NPC law category (经济法, 社会法…) when the folder names one."""


def doc_type_of(parts: tuple[str, ...]) -> str | None:
    """The doc type a source path's folders name (deepest folder first)."""
    for part in reversed(parts):
        if part in _FOLDER_TYPES:
            return _FOLDER_TYPES[part]
    return None


def classify(parts: tuple[str, ...], title: str, events: list[Event]) -> Classification:
    """Classify one document.

    Args:
        parts: The folders of its path relative to the source folder.
        title: Its title.
        events: Its dated history events.
    """
    doc_type = doc_type_of(parts) or "其他"
    category = next((p for p in reversed(parts) if p in LAW_CATEGORIES), None)
    if doc_type in ("地方性法规", "地方政府规章"):
        return _local(parts, title, events, doc_type)
    issuer = {
        "宪法": lambda: NPC,
        "法律": lambda: _law_issuer(title, events),
        "行政法规": lambda: _state_council(title, events),
        "部门规章": lambda: _department(parts, events),
        "司法解释": lambda: _judicial(title, events),
    }.get(doc_type, lambda: _any_issuer(title, events))()
    return Classification(doc_type, "national", issuer, None, category)


def _law_issuer(title: str, events: list[Event]) -> str:
    if title.startswith(NPCSC):
        return NPCSC
    if title.startswith(NPC):
        return NPC
    # The body that adopted (or fully revised) the current text; amendments by the
    # standing committee do not change who made the law.
    for event in reversed(events):
        if event.kind in ("adopted", "amended") and NPC in event.text:
            if event.kind == "amended" and "修订" not in event.text:
                continue
            return NPCSC if NPCSC in event.text else NPC
    return NPCSC


def _state_council(title: str, events: list[Event]) -> str:
    texts = [title] + [e.text for e in events]
    if any("中央军事委员会" in t or "中央军委" in t for t in texts):
        return "国务院、中央军事委员会"
    return "国务院"


def _department(parts: tuple[str, ...], events: list[Event]) -> str:
    index = parts.index("部门规章") if "部门规章" in parts else -1
    if 0 <= index < len(parts) - 1:
        name = parts[index + 1]
        return DEPARTMENTS.get(name, name)
    for event in events:
        match = re.search(r"(?:中华人民共和国)?([\u4e00-\u9fff、]+?)令第", event.text)
        if match:
            return match.group(1)
    return UNKNOWN_ISSUER


def _judicial(title: str, events: list[Event]) -> str:
    if title.startswith("最高人民"):
        head = title.split("关于", 1)[0]
        names = [n for n in re.split(r"[、\s]+", head) if n]
        if names and all(_AGENCY.search(n) for n in names):
            return "、".join(names)
    text = " ".join(e.text for e in events)
    found = [name for name, mark in ((SPC, "审判委员会"), (SPP, "检察委员会")) if mark in text]
    found += [name for name in (SPC, SPP) if name in text and name not in found]
    if found:
        return "、".join(sorted(found, key=(SPC, SPP).index))
    return SPP if "人民检察院" in title else SPC


def _any_issuer(title: str, events: list[Event]) -> str:
    for name in (NPCSC, NPC, SPC, SPP, "国务院"):
        if title.startswith(name):
            return name
    for event in events:
        for name in (NPCSC, NPC, SPC, SPP):
            if name in event.text:
                return name
    return UNKNOWN_ISSUER


def _local(parts: tuple[str, ...], title: str, events: list[Event], doc_type: str) -> Classification:
    province = province_of_folder(parts)
    bare = title
    if province is not None and title.startswith(province.full):
        bare = title[len(province.full):]  # 浙江省景宁畲族自治县自治条例
    county = _COUNTY.match(bare)
    if county:
        return Classification(doc_type, "district", _local_body(county.group(1), events))
    city = city_in(title) or _adopting_city(events)
    if city is not None:
        return Classification(doc_type, "city", _local_body(city.full, events), city.code)
    if province is None:
        return Classification(doc_type, "province", _any_issuer(title, events))
    return Classification(doc_type, "province", _local_body(province.full, events), province.code)


def _adopting_city(events: list[Event]) -> Place | None:
    """The city whose people's congress adopted the document, when one did."""
    for event in events:
        if event.kind == "adopted":
            city = city_in(event.text)
            if city is not None and city.short in CITIES:
                return city
    return None


def _local_body(place: str, events: list[Event]) -> str:
    """``<place>人民代表大会常务委员会``, or ``<place>人民代表大会`` when the full congress
    adopted the current text."""
    for event in reversed(events):
        if event.kind not in ("adopted", "amended") or not event.text.startswith(place):
            continue
        if event.kind == "amended" and "修订" not in event.text:
            continue
        match = _LOCAL_BODY.match(event.text)
        if match and match.group(1) == place:
            return f"{place}人民代表大会{'常务委员会' if match.group(2) else ''}"
    return f"{place}人民代表大会常务委员会"
