"""A sensitive-word filter for what citizens write (comments, questions), for moderators.

Shared by the functions that take free text from the public: the consultation comments
of ``functions/engage`` and the questions of the Q&A function. It never rejects text on
its own: it says what it found, by category and position, and a moderator decides.

- Words come from a plain-text list (``content/_data/sensitive-words.txt`` by default,
  ``TONGDA_SENSITIVE_WORDS`` elsewhere): ``[分类]`` lines start a category, every other
  non-empty line not starting with ``#`` is a word of it.
- Matching runs on a normalised copy of the text (NFKC, so full-width letters and digits
  match their ASCII forms; case-folded; spaces, punctuation and zero-width characters
  dropped), so “加 微·信” is found as 加微信. Each finding gives its span in the original.
- One Aho–Corasick automaton (``pyahocorasick``) holds every word: the text is read once
  whatever the size of the list.
- Personal data that must not be published (mobile numbers, 身份证号, e-mail addresses)
  is found by pattern, category ``个人信息``.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_LIST = Path("content/_data/sensitive-words.txt")
PERSONAL = "个人信息"
_PATTERNS = [
    ("手机号码", re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")),
    ("身份证号", re.compile(r"(?<![\dXx])\d{17}[\dXx](?![\dXx])")),
    ("电子邮箱", re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")),
]


@dataclass(frozen=True)
class Finding:
    """One thing found in a text.

    Attributes:
        category: The word's category (``广告``, ``辱骂``…) or ``个人信息``.
        word: The listed word, or what the pattern names (``手机号码``).
        start: Where it starts in the original text.
        end: Where it ends (exclusive) in the original text.
    """

    category: str
    word: str
    start: int
    end: int

    def as_dict(self) -> dict[str, Any]:
        """The finding as JSON-ready data."""
        return {"category": self.category, "word": self.word, "start": self.start,
                "end": self.end}


def _skipped(char: str) -> bool:
    """Characters that separate nothing: spaces, punctuation, symbols, format characters."""
    kind = unicodedata.category(char)
    return kind[0] in "ZPS" or kind in ("Cf", "Cc")


def normalise(text: str) -> tuple[str, list[int]]:
    """The text as matching sees it, and for each of its characters the original index."""
    chars: list[str] = []
    where: list[int] = []
    for index, char in enumerate(text):
        for folded in unicodedata.normalize("NFKC", char).casefold():
            if not _skipped(folded):
                chars.append(folded)
                where.append(index)
    return "".join(chars), where


class WordFilter:
    """Finds listed words and personal data in text.

    Args:
        words: ``(category, word)`` pairs.
    """

    def __init__(self, words: Iterable[tuple[str, str]]) -> None:
        import ahocorasick  # imported here: only the functions that screen text need it

        self._automaton: Any = ahocorasick.Automaton()
        self.size = 0
        for category, word in words:
            key, _ = normalise(word)
            if key and not self._automaton.exists(key):
                self._automaton.add_word(key, (category, word, len(key)))
                self.size += 1
        if self.size:
            self._automaton.make_automaton()

    @classmethod
    def from_file(cls, path: Path) -> WordFilter:
        """Read a word list (see the module's description of the format)."""
        return cls(parse(path.read_text(encoding="utf-8")))

    @classmethod
    def from_env(cls) -> WordFilter:
        """The list named by ``TONGDA_SENSITIVE_WORDS`` (default :data:`DEFAULT_LIST`).

        Raises:
            FileNotFoundError: The list named by the variable does not exist. The default
                list may be missing (then only personal data is found).
        """
        named = os.environ.get("TONGDA_SENSITIVE_WORDS", "").strip()
        path = Path(named) if named else DEFAULT_LIST
        if not named and not path.is_file():
            return cls([])
        return cls.from_file(path)

    def find(self, text: str) -> list[Finding]:
        """Everything found in ``text``, in order of position (overlaps kept)."""
        found: list[Finding] = []
        if self.size:
            folded, where = normalise(text)
            for end, (category, word, length) in self._automaton.iter(folded):
                found.append(Finding(category, word, where[end - length + 1], where[end] + 1))
        for name, pattern in _PATTERNS:
            found += [Finding(PERSONAL, name, m.start(), m.end()) for m in pattern.finditer(text)]
        return sorted(found, key=lambda f: (f.start, f.end))

    def mask(self, text: str, mask: str = "＊") -> str:
        """``text`` with every finding replaced by ``mask`` characters of the same length."""
        chars = list(text)
        for finding in self.find(text):
            for i in range(finding.start, finding.end):
                chars[i] = mask
        return "".join(chars)


def parse(text: str) -> list[tuple[str, str]]:
    """``(category, word)`` pairs of a word list; words before any ``[分类]`` are ``其他``."""
    category = "其他"
    words = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            category = line[1:-1].strip() or "其他"
            continue
        words.append((category, line))
    return words
