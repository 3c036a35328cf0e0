"""Look up cited titles and document numbers among the corpus' documents.

Several documents can share a title (versions of one law with different dates). A citation
resolves to the version in force at the citing document's date, or to the newest version
when the citing document has no date or every version is younger than it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass

from site_builder.content.corpus import Corpus, Entry

PRC = "中华人民共和国"
_SPACE = re.compile(r"[\s\u3000]+")
_BRACKETS = str.maketrans({"《": "", "》": "", "〈": "", "〉": "", "(": "（", ")": "）",
                           "[": "〔", "]": "〕", "［": "〔", "］": "〕", "【": "〔", "】": "〕"})
# A version note after a cited title: 《公司法（2018年修正）》, 《…（2013修订）》.
_VERSION_NOTE = re.compile(r"（\d{4}年?(?:修正|修订|修改|版)?）$|（(?:修正|修订)）$")
_NUMERALS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0}


def title_key(title: str) -> str:
    """A title as it is compared: no spaces, no inner title marks, one bracket style."""
    return _SPACE.sub("", title).translate(_BRACKETS)


def entry_date(entry: Entry) -> dt.date | None:
    """The date a document took effect (or was published), for version choice."""
    meta = entry.meta
    return (getattr(meta, "effective", None) or getattr(meta, "published", None)
            or getattr(meta, "written", None))


def cn_number(text: str) -> int | None:
    """``"306"`` or ``"三百零六"`` → 306; ``None`` when it is not a number."""
    if text.isdigit():
        return int(text)
    total, current = 0, 0
    units = {"十": 10, "百": 100, "千": 1000}
    for char in text:
        if char in _NUMERALS:
            current = _NUMERALS[char]
        elif char in units:
            total += (current or 1) * units[char]
            current = 0
        else:
            return None
    return total + current


@dataclass
class TitleIndex:
    """Titles and 文号 of every policy-like document, normalised for lookup."""

    exact: dict[str, list[Entry]]
    loose: dict[str, list[Entry]]
    numbers: dict[tuple[str, int], list[tuple[str, Entry]]]
    """(year or "令", serial) → [(issuer prefix, entry)]: the prefix is matched against the
    text right before the number, so the regex never has to guess where an issuer starts."""

    @classmethod
    def build(cls, corpus: Corpus) -> TitleIndex:
        exact: dict[str, list[Entry]] = defaultdict(list)
        loose: dict[str, list[Entry]] = defaultdict(list)
        numbers: dict[tuple[str, int], list[tuple[str, Entry]]] = defaultdict(list)
        for entry in corpus.documents.values():
            if entry.kind not in ("policy", "interpretation"):
                continue
            key = title_key(entry.meta.title)
            exact[key].append(entry)
            if PRC in key:
                loose[key.replace(PRC, "")].append(entry)
            number = getattr(entry.meta, "doc_number", None) or own_number_line(entry.body)
            if number and (parsed := parse_number(number)) is not None:
                numbers[parsed[1:]].append((parsed[0], entry))
        _add_whole_works(exact, loose)
        return cls(dict(exact), dict(loose), dict(numbers))

    def candidates(self, cited: str, key: str | None = None) -> list[Entry]:
        """Every version whose title matches a cited title, or an empty list; ``key`` is
        ``title_key(cited)`` when the caller has it already."""
        key = key if key is not None else title_key(cited)
        found = self.exact.get(key)
        if found is None and (bare := _VERSION_NOTE.sub("", key)) != key:
            key, found = bare, self.exact.get(bare)
        if found is None:
            found = self.exact.get(PRC + key) or self.loose.get(key.replace(PRC, ""))
        return found or []

    def number_candidates(self, series: str, serial: int, before: str) -> list[Entry]:
        """Documents numbered ``serial`` in ``series`` whose issuer prefix ends ``before``."""
        text = title_key(before).replace(PRC, "")
        return [entry for prefix, entry in self.numbers.get((series, serial), ())
                if text.endswith(prefix)]


_OWN_NUMBER = re.compile(r"^[ \t\u3000]*([\u4e00-\u9fff]{1,12}〔\d{4}〕\d{1,5}号)[ \t\u3000]*$", re.MULTILINE)


def own_number_line(body: str) -> str | None:
    """A 文号 standing alone on a line near the top of the text (法释〔2024〕5号 under a
    judicial interpretation's title): the document's own number when its metadata has none."""
    start = body.find("<!-- INFO END -->")
    head = body[max(start, 0):max(start, 0) + 600]
    match = _OWN_NUMBER.search(head)
    return match[1] if match else None


def _add_whole_works(exact: dict[str, list[Entry]], loose: dict[str, list[Entry]]) -> None:
    """A work split into parts (中华人民共和国民法典·总则, ·物权编…) is cited as a whole
    (《民法典》): the whole resolves to its 总则 part, or to its first part."""
    parts: dict[str, list[Entry]] = defaultdict(list)
    for key, entries in exact.items():
        if "·" in key:
            parts[key.split("·", 1)[0]].extend(entries)
    for whole, entries in parts.items():
        if whole in exact:
            continue
        general = [e for e in entries if e.meta.title.endswith("总则")]
        exact[whole] = general or sorted(entries, key=lambda e: e.meta.title)[:1]
        if PRC in whole:
            loose.setdefault(whole.replace(PRC, ""), exact[whole])


_NUMBER = re.compile(r"^(?P<prefix>.*?)(?:〔(?P<year>\d{4})〕第?(?P<n>\d+)号|令第?(?P<o>[0-9零〇一二三四五六七八九十百千]+)号)$")


def parse_number(number: str) -> tuple[str, str, int] | None:
    """``国办函〔2018〕71号`` → ("国办函", "2018", 71); ``国务院令第306号`` → ("国务院", "令", 306)."""
    match = _NUMBER.match(title_key(number).replace(PRC, ""))
    if match is None:
        return None
    if match["year"]:
        return match["prefix"], match["year"], int(match["n"])
    serial = cn_number(match["o"])
    return (match["prefix"], "令", serial) if serial is not None else None


def choose_version(candidates: list[Entry], citing: Entry) -> Entry:
    """The version in force at the citing document's date, else the newest one."""
    if len(candidates) == 1:
        return candidates[0]
    dated = sorted(candidates, key=lambda e: (entry_date(e) or dt.date.min, e.id))
    when = entry_date(citing)
    if when is not None:
        in_force = [e for e in dated if (entry_date(e) or dt.date.min) <= when]
        if in_force:
            return in_force[-1]
    return dated[-1]
