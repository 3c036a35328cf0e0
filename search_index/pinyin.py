"""Pinyin helpers (indexer side): readings, fuzzy syllables, the syllable list."""
from __future__ import annotations

from functools import lru_cache

from pypinyin import Style, lazy_pinyin, pinyin
from pypinyin.contrib.tone_convert import to_normal
from pypinyin.pinyin_dict import pinyin_dict


def fuzzy(syllable: str) -> str:
    """Fold the syllable pairs that speakers and typists confuse.

    zh/z, ch/c, sh/s, l/n, and the nasal finals -ang/-an, -eng/-en, -ing/-in.
    The JavaScript runtime has the same function.
    """
    s = syllable
    if s[:2] in ("zh", "ch", "sh"):
        s = s[0] + s[2:]
    if s.startswith("l"):
        s = "n" + s[1:]
    if len(s) > 2 and s.endswith("ng") and s[-3] in "aei":
        s = s[:-1]
    return s


@lru_cache(maxsize=65536)
def char_readings(ch: str) -> tuple[str, ...]:
    """Toneless readings of one character, most common first (heteronyms included)."""
    out: list[str] = []
    for r in pinyin(ch, style=Style.NORMAL, heteronym=True, errors="ignore")[0:1]:
        for s in r:
            if s.isalpha() and s not in out:
                out.append(s)
    return tuple(out[:3])


def word_syllables(word: str) -> list[str]:
    """Toneless syllables of a word in context (phrase dictionary picks heteronyms).

    A word whose every character has one toneless reading is read character by
    character: pypinyin's phrase dictionary could only pick among readings that are the
    same without tones (the same syllables as ``lazy_pinyin`` for all 129,082 such words
    of jieba's dictionary, in a tenth of the time). Other words go to ``lazy_pinyin``."""
    out = []
    for ch in word:
        readings = char_readings(ch)
        if len(readings) != 1:
            return lazy_pinyin(word, style=Style.NORMAL, errors="ignore")
        out.append(readings[0])
    return out


@lru_cache(maxsize=1)
def syllable_list() -> tuple[str, ...]:
    """Every toneless syllable pypinyin knows, for parsing latin input as pinyin.

    Worked out once per process: the 40,000 characters' readings are about 1,500 distinct
    toned syllables, and only those are converted (each conversion is slow)."""
    toned = {r for readings in pinyin_dict.values() for r in readings.split(",")}
    out: set[str] = set()
    for r in toned:
        s = to_normal(r).replace("ü", "v")
        if s.isascii() and s.isalpha():
            out.add(s)
    return tuple(sorted(out))
