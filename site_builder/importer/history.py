"""Read the history lines of an imported document: events, dates and document numbers.

The lines above ``<!-- INFO END -->`` look like ``2005年2月15日 中华人民共和国国务院令第432号公布``.
One line may hold several events (``…施行根据2018年9月7日…修正``) and one event may wrap onto
the next line, so the lines are first joined into a text and cut at every date; the kind
of each event is the last event word of its piece, ignoring titles quoted in 《…》 (a
quoted ``《…实施办法》`` is not an 实施).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

DATE_RE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_LEADING_DATE = re.compile(r"^\s*\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日")
# Longer words first so that 公布施行 wins over 公布 at the same place.
_EVENT_RE = re.compile(
    r"公布施行|发布施行|公布|发布|公告|印发|施行|实施|生效|执行|通过|批准|修订|修正|修改"
)
_EVENT_KINDS = {
    "公布施行": "published+effective", "发布施行": "published+effective",
    "公布": "published", "发布": "published", "公告": "published", "印发": "published",
    "施行": "effective", "实施": "effective", "生效": "effective", "执行": "effective",
    "通过": "adopted", "批准": "adopted",
    "修订": "amended", "修正": "amended", "修改": "amended",
}
_QUOTED = re.compile(r"《[^《》]*》")
_AMENDING_TITLE = re.compile(r"通过的?《[^》]*(?:修正案|修改)")

_NUM = r"(?:[0-9０-９]+|[一二三四五六七八九十百千零〇]+)"
_ORDER_NUMBER = re.compile(rf"[\u4e00-\u9fff、]+第{_NUM}号令?")
_CODE_NUMBER = re.compile(r"([\u4e00-\u9fff]+)([〔\[［(（]\d{4}[〕\]］)）]\d+号)")
_CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class Event:
    """One dated event of a document's history."""

    date: dt.date
    kind: str
    """``published``, ``effective``, ``published+effective``, ``adopted``, ``amended`` or ``other``."""
    text: str
    """The piece of text after the date (for issuer and number look-ups)."""


@dataclass(frozen=True)
class Dates:
    """The dates a policy's front matter gets."""

    written: dt.date | None
    published: dt.date | None
    effective: dt.date | None


def _to_date(match: re.Match[str]) -> dt.date | None:
    try:
        return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:  # 2月30日 and the like: a typo in the source, not a date
        return None


def _strip_quotes(text: str) -> str:
    # An opening 《 whose closing 》 is on a line we do not have: drop the rest.
    return _strip_quotes_keep_open(text).split("《", 1)[0]


def event_kind(piece: str) -> str:
    """Return the kind of the event a piece of history text describes."""
    words = _EVENT_RE.findall(_strip_quotes(piece))
    kind = _EVENT_KINDS[words[-1]] if words else "other"
    if kind == "adopted" and _AMENDING_TITLE.search(piece):
        # "…会议通过的《中华人民共和国宪法修正案》": adopting an amendment amends the text.
        return "amended"
    return kind


def join_lines(lines: list[str]) -> list[tuple[str, str]]:
    """Pair each dated line with the undated lines that follow it (their continuation)."""
    joined: list[tuple[str, str]] = []
    for line in lines:
        text = line.strip()
        if not text:
            continue
        if _LEADING_DATE.match(text):
            joined.append((text, ""))
        elif joined:
            dated, rest = joined[-1]
            joined[-1] = (dated, rest + text)
    return joined


def parse_events(lines: list[str]) -> list[Event]:
    """Every dated event in the history lines, in the order written.

    Undated lines continue the dated line before them (``2014年9月26`` / ``日山东省…批准``
    wraps a date; ``…《关于修改〈…〉`` / ``〈…〉的决定》修正`` wraps a title). The words on the
    dated line itself decide an event's kind when they can; the continuation only when
    they cannot, so ``1985年7月6日 林业部公布`` / ``公布之日施行`` stays a 公布 (and takes
    effect that day).
    """
    events: list[Event] = []
    for line, rest in join_lines(lines):
        text, boundary = line + rest, len(line)
        matches = list(DATE_RE.finditer(text))
        for index, match in enumerate(matches):
            end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
            date = _to_date(match)
            if date is None:
                continue
            piece = text[match.end():end]
            own = text[match.end():min(end, boundary)] if match.end() < boundary else piece
            kind = event_kind(own)
            if kind == "other" or "《" in _strip_quotes_keep_open(own):
                kind = event_kind(piece)
            # "…公布，自公布之日起施行": the last word is 施行, but it was published that day too.
            if kind in ("published", "effective") and re.search(r"(公布|发布)之日", piece):
                kind = "published+effective"
            events.append(Event(date, kind, piece.strip()))
    return events


def _strip_quotes_keep_open(text: str) -> str:
    previous = None
    while previous != text:
        previous, text = text, _QUOTED.sub("", text)
    return text


def _latest(events: list[Event], kinds: tuple[str, ...]) -> dt.date | None:
    dates = [e.date for e in events if any(k in e.kind for k in kinds)]
    return max(dates) if dates else None


def infer_dates(events: list[Event], file_date: dt.date | None) -> Dates:
    """Work out written, published and effective dates.

    ``published`` is the latest of the version date in the file name and every 公布/发布/
    修订/修正 event (the current text is the one last published or amended); failing those,
    the latest 通过/批准. ``written`` (成文) is the latest adoption or amendment on or
    before it. ``effective`` is the latest 施行 date, kept only when it is not before
    ``published``: an older 施行 belongs to an earlier version of the text.
    """
    candidates = [e.date for e in events if "published" in e.kind or e.kind == "amended"]
    if file_date:
        candidates.append(file_date)
    published = max(candidates) if candidates else _latest(events, ("adopted",))
    written = None
    if published:
        # Only an adoption of this version counts: none after an earlier publication.
        before = [e.date for e in events
                  if ("published" in e.kind or e.kind == "amended") and e.date < published]
        start = max(before) if before else dt.date.min
        adopted = [e.date for e in events
                   if e.kind in ("adopted", "amended") and start < e.date <= published]
        written = max(adopted) if adopted else None
    effective = _latest(events, ("effective",))
    if effective and published and effective < published:
        effective = None
    return Dates(written, published, effective)


def _clean_prefix(prefix: str) -> str:
    # "最高人民法院以法发〔1993〕15号" → the number starts after the last 以.
    for word in ("以",):
        if word in prefix:
            prefix = prefix.rsplit(word, 1)[1]
    return prefix


def numbers_in(text: str) -> list[str]:
    """Document numbers (文号) written in one piece of text, in order."""
    found: list[tuple[int, str]] = []
    for match in _ORDER_NUMBER.finditer(text):
        number = _clean_prefix(match.group(0))
        if _CJK.match(number):
            found.append((match.start(), number))
    for match in _CODE_NUMBER.finditer(text):
        prefix = _clean_prefix(match.group(1))[-6:]
        found.append((match.start(), prefix + match.group(2)))
    return [number for _, number in sorted(found)]


def number_candidates(lines: list[str]) -> list[str]:
    """Document numbers from the history, the likeliest 文号 of this text first.

    A number on a line of its own (``法释〔2021〕11号``) comes first; then the numbers of
    the events, newest first (a 修订 under its own 令 re-publishes the whole text, so the
    newest order is this version's); last, numbers of a 《…决定》 that amended many
    documents at once (``国务院令第588号《国务院关于废止和修改部分行政法规的决定》修订``).
    """
    standalone: list[str] = []
    for line in lines:
        text = line.strip()
        if text and not DATE_RE.search(text):
            numbers = numbers_in(text)
            if len(numbers) == 1 and len(text) <= len(numbers[0]) + 2:
                standalone.extend(numbers)
    own: list[tuple[dt.date, str]] = []
    decisions: list[tuple[dt.date, str]] = []
    for event in parse_events(lines):
        by_decision = "决定" in event.text and event.kind == "amended"
        for number in numbers_in(event.text):
            (decisions if by_decision else own).append((event.date, number))
    ordered = standalone + [n for _, n in sorted(own, key=lambda x: x[0], reverse=True)]
    ordered += [n for _, n in sorted(decisions, key=lambda x: x[0], reverse=True)]
    return list(dict.fromkeys(ordered))  # first occurrence wins
