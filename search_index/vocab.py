"""The index's own vocabulary: pinyin, initials, homophone pairs, characters, suggestions.

Latin input (``shenfenzheng``, ``sfz``) and typo correction (``身分证`` → ``身份证``) are
resolved against the words the site actually contains, ranked by how often documents use
them (a word in a title counts much more: titles are what people look for).
"""
from __future__ import annotations

import pickle
import re
from collections import Counter
from pathlib import Path
from typing import Any

from search_index.pinyin import char_readings, fuzzy, word_syllables
from search_index.store import FileWriter, bucket_count, write_atomic, write_family
from search_index.text import CJK_RE, normalize

TITLE_WEIGHT = 20
MIN_DF = 2
STRIP_PREFIX = re.compile(r"^中华人民共和国")


class Vocabulary:
    """Word document frequencies collected while indexing."""

    def __init__(self) -> None:
        self.word_df: Counter[str] = Counter()
        self.title_df: Counter[str] = Counter()
        self.titles: Counter[str] = Counter()

    def add(self, words: set[str], title_words: set[str], title: str) -> None:
        """Count one document's distinct words, title words and its title."""
        self.word_df.update(words)
        self.title_df.update(title_words)
        self.add_title(title)

    def add_title(self, title: str) -> None:
        """Count a document's title (the suggestions' phrases)."""
        t = STRIP_PREFIX.sub("", normalize(title).replace(" ", ""))
        if 2 <= len(t) <= 20:
            self.titles[t] += 1

    def score(self, word: str) -> int:
        """Popularity of a word: documents using it, titles weighing more."""
        return self.word_df[word] + TITLE_WEIGHT * self.title_df[word]

    def words(self) -> list[str]:
        """CJK words of 2-6 characters used by at least ``MIN_DF`` documents, best first."""
        out = [w for w, df in self.word_df.items()
               if (df >= MIN_DF or self.title_df[w]) and CJK_RE.fullmatch(w)]
        out.sort(key=lambda w: (-self.score(w), w))
        return out


class PinyinMemo:
    """Readings looked up once and kept between builds (pypinyin is most of the cost of
    writing the vocabulary families: tens of thousands of words, every build).

    Args:
        path: The file that keeps them (none: kept for this build only).
    """

    def __init__(self, path: Path | None = None) -> None:
        import pypinyin

        self.path = path
        self.version = pypinyin.__version__
        self.words: dict[str, list[str]] = {}
        self.chars: dict[str, tuple[str, ...]] = {}
        self._dirty = False
        if path is not None:
            try:
                data = pickle.loads(path.read_bytes())  # noqa: S301 - our own cache file
                if data.get("version") == self.version:
                    self.words, self.chars = data["words"], data["chars"]
            except (OSError, ValueError, KeyError, pickle.UnpicklingError, EOFError):
                pass

    def syllables(self, word: str) -> list[str]:
        """:func:`word_syllables`, remembered."""
        out = self.words.get(word)
        if out is None:
            out = self.words[word] = word_syllables(word)
            self._dirty = True
        return out

    def readings(self, ch: str) -> tuple[str, ...]:
        """:func:`char_readings`, remembered."""
        out = self.chars.get(ch)
        if out is None:
            out = self.chars[ch] = char_readings(ch)
            self._dirty = True
        return out

    def save(self) -> None:
        if self.path is None or not self._dirty:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(self.path, pickle.dumps({"version": self.version, "words": self.words,
                                              "chars": self.chars},
                                             protocol=pickle.HIGHEST_PROTOCOL))


def readings_of(word: str, syl: list[str], memo: PinyinMemo | None = None) -> list[list[str]]:
    """The word's reading in context, then readings with other heteronyms (献血: xue, xie).

    People type the reading they know; pypinyin's phrase reading is not always it.
    """
    readings = memo.readings if memo is not None else char_readings
    out = [syl]
    for i, ch in enumerate(word):
        for r in readings(ch)[:2]:
            if r != syl[i] and len(out) < 4:
                out.append([*syl[:i], r, *syl[i + 1:]])
    return out


def _top(entries: dict[str, list], key: str, item: list, cap: int) -> None:
    lst = entries.setdefault(key, [])
    if len(lst) < cap:
        lst.append(item)


def write_families(writer: FileWriter, vocab: Vocabulary, n_docs: int,
                   memo: PinyinMemo | None = None) -> dict[str, Any]:
    """Write the py, pyi, pyp, chr and sug families; return their manifest entries."""
    memo = memo or PinyinMemo()
    py: dict[str, list] = {}
    pyi: dict[str, list] = {}
    pyp: dict[str, list] = {}
    chars: set[str] = set()
    for w in vocab.words():  # best first, so the caps keep the most popular words
        syl = memo.syllables(w)
        if len(syl) != len(w) or not all(s.isalpha() for s in syl):
            continue
        sc = vocab.score(w)
        chars.update(w)
        for reading in readings_of(w, syl, memo):
            _top(py, "".join(reading), [w, sc], 5)
            if len(w) <= 5:
                _top(pyi, "".join(s[0] for s in reading), [w, sc], 8)
        fz = [fuzzy(s) for s in syl]
        if vocab.word_df[w] >= 3 or vocab.title_df[w]:
            for i in range(len(fz) - 1):
                _top(pyp, fz[i] + " " + fz[i + 1], [w, sc, " ".join(syl)], 60)
    fam: dict[str, Any] = {}
    for name, table in (("py", py), ("pyi", pyi), ("pyp", pyp)):
        entries = {k: (k, v) for k, v in table.items()}
        fam[name] = write_family(writer, name, entries, bucket_count(len(entries), 100))
    chr_entries = {}
    for cp in range(0x4E00, 0xA000):
        ch = chr(cp)
        readings = memo.readings(ch)
        if readings:
            chr_entries[ch] = (ch, " ".join(readings))
    fam["chr"] = write_family(writer, "chr", chr_entries, 64)
    fam["sug"] = _write_suggestions(writer, vocab, memo)
    return fam


def _write_suggestions(writer: FileWriter, vocab: Vocabulary, memo: PinyinMemo) -> dict[str, Any]:
    """Suggestions by first character (CJK) or first letter of the pinyin (latin)."""
    phrases: dict[str, int] = {}
    for t, c in vocab.titles.items():
        phrases[t] = 50 * c + vocab.score(t)
    for w in vocab.words()[:50000]:
        if vocab.title_df[w] and len(w) >= 2:
            phrases[w] = max(phrases.get(w, 0), vocab.score(w))
    ranked = sorted(phrases.items(), key=lambda kv: (-kv[1], kv[0]))
    sug: dict[str, list] = {}
    for p, sc in ranked:
        syl = memo.syllables(p)
        full = "".join(syl) if all(s.isascii() and s.isalpha() for s in syl) else ""
        item = [p, sc, full, "".join(s[0] for s in syl) if full else ""]
        _top(sug, p[0], item, 40)
        if full:
            _top(sug, full[0], item, 400)
    entries = {k: (k, v) for k, v in sug.items()}
    return write_family(writer, "sug", entries, bucket_count(len(entries), 30))
