"""A word's syllables read character by character, where each character has one toneless
reading, are the syllables pypinyin's phrase dictionary gives: checked on jieba's own
dictionary (the words the index's vocabulary is made of), and the words with a
character of several readings still go to the phrase dictionary (行长, 银行)."""
from __future__ import annotations

from pathlib import Path

import jieba
import pytest
from pypinyin import Style, lazy_pinyin

from search_index import pinyin as pinyin_mod
from search_index.pinyin import word_syllables
from search_index.text import CJK_RE

pytestmark = pytest.mark.unit


def _dictionary_words(step: int) -> list[str]:
    lines = (Path(jieba.__file__).parent / "dict.txt").read_text("utf-8").splitlines()
    words = (line.split(" ", 1)[0] for line in lines[::step])
    return [w for w in words if len(w) >= 2 and CJK_RE.fullmatch(w)]


def test_words_read_char_by_char_are_read_as_the_phrase_dictionary_reads_them() -> None:
    words = _dictionary_words(7)
    fast = [w for w in words if all(len(pinyin_mod.char_readings(c)) == 1 for c in w)]
    assert len(fast) > 10_000 and len(fast) < len(words)  # both paths are exercised
    wrong = [w for w in fast
             if word_syllables(w) != lazy_pinyin(w, style=Style.NORMAL, errors="ignore")]
    assert wrong == []


@pytest.mark.parametrize("word, syllables", [
    ("行长", ["hang", "zhang"]), ("银行", ["yin", "hang"]), ("重庆", ["chong", "qing"]),
    ("护照", ["hu", "zhao"]), ("绿化", ["lv", "hua"]), ("身份证", ["shen", "fen", "zheng"]),
])
def test_heteronyms_are_read_in_context(word: str, syllables: list[str]) -> None:
    assert word_syllables(word) == syllables
