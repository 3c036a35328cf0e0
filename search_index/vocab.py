"""The index's own vocabulary: pinyin, initials, homophone pairs, characters, suggestions.

Latin input (``shenfenzheng``, ``sfz``) and typo correction (``身分证`` → ``身份证``) are
resolved against the words the site actually contains, ranked by how often documents use
them (a word in a title counts much more: titles are what people look for).
"""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

from search_index.pinyin import char_readings, fuzzy, word_syllables
from search_index.store import FileWriter, bucket_count, read_kept, write_family, write_kept
from search_index.text import CJK_RE, normalize

TITLE_WEIGHT = 20
MIN_DF = 2
#: Bump when what :class:`PinyinMemo` keeps for a word or a family changes meaning.
MEMO_VERSION = 2
STRIP_PREFIX = re.compile(r"^中华人民共和国")


class Vocabulary:
    """Word document frequencies collected while indexing."""

    def __init__(self) -> None:
        self.word_df: Counter[str] = Counter()
        self.title_df: Counter[str] = Counter()
        self.titles: Counter[str] = Counter()

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
        self.version = f"{pypinyin.__version__}/{MEMO_VERSION}"
        self.words: dict[str, list[str]] = {}
        self.chars: dict[str, tuple[str, ...]] = {}
        # A word's keys in the py, pyi and pyp families, and its syllables spaced (or None
        # for a word without a full latin reading): worked out once per word.
        self.keys: dict[str, tuple[list[str], list[str], list[str], str] | None] = {}
        # The chr family (readings of every CJK character): the same for every site.
        self.chr: tuple[dict[str, Any], list[str]] | None = None
        self._dirty = False
        kept = read_kept(path, self.version) if path is not None else None
        if kept is not None:
            self.words, self.chars = kept["words"], kept["chars"]
            self.keys, self.chr = kept["keys"], kept["chr"]

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

    def word_keys(self, w: str) -> tuple[list[str], list[str], list[str], str] | None:
        """The word's keys in the py, pyi and pyp families and its spaced syllables."""
        if w in self.keys:
            return self.keys[w]
        syl = self.syllables(w)
        out = None
        if len(syl) == len(w) and all(s.isalpha() for s in syl):
            readings = readings_of(w, syl, self)
            fz = [fuzzy(s) for s in syl]
            out = (["".join(r) for r in readings],
                   ["".join(s[0] for s in r) for r in readings] if len(w) <= 5 else [],
                   [fz[i] + " " + fz[i + 1] for i in range(len(fz) - 1)], " ".join(syl))
        self.keys[w] = out
        self._dirty = True
        return out

    def save(self) -> None:
        if self.path is None or not self._dirty:
            return
        write_kept(self.path, self.version, {"words": self.words, "chars": self.chars,
                                             "keys": self.keys, "chr": self.chr})


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
        keys = memo.word_keys(w)
        if keys is None:
            continue
        py_keys, pyi_keys, pyp_keys, spaced = keys
        sc = vocab.score(w)
        chars.update(w)
        for k in py_keys:
            _top(py, k, [w, sc], 5)
        for k in pyi_keys:
            _top(pyi, k, [w, sc], 8)
        if vocab.word_df[w] >= 3 or vocab.title_df[w]:
            for k in pyp_keys:
                _top(pyp, k, [w, sc, spaced], 60)
    fam: dict[str, Any] = {}
    for name, table in (("py", py), ("pyi", pyi), ("pyp", pyp)):
        entries = {k: (k, v) for k, v in table.items()}
        fam[name] = write_family(writer, name, entries, bucket_count(len(entries), 100))
    fam["chr"] = _write_chars(writer, memo)
    fam["sug"] = _write_suggestions(writer, vocab, memo)
    return fam


def _write_chars(writer: FileWriter, memo: PinyinMemo) -> dict[str, Any]:
    """The chr family: every CJK character's readings (kept in ``memo`` with its files'
    names: the same for every build with this pypinyin)."""
    if memo.chr is not None:
        entry, files = memo.chr
        if all(writer.has(f) for f in files):
            for f in files:
                writer.take(f)
            return entry
    chr_entries = {}
    for cp in range(0x4E00, 0xA000):
        ch = chr(cp)
        readings = memo.readings(ch)
        if readings:
            chr_entries[ch] = (ch, " ".join(readings))
    written, reused = len(writer.written), len(writer.reused)
    entry = write_family(writer, "chr", chr_entries, 64)
    memo.chr = (entry, writer.written[written:] + writer.reused[reused:])
    memo._dirty = True
    return entry


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
