"""Does the first result answer the question? Evidence from the index alone.

Two kinds, and the better one counts (:func:`confidence`):

- **coverage**: how much of what the question is about the page holds, and holds as a
  topic rather than in passing (:func:`coverage`);
- **aliases**: how strongly the question asks for the page through what the content says
  people call it (:func:`search_index.asks.ask_scores`, the ranking's own measure).

Only words count. Two characters that jieba cut as a word of the site count; two that
straddle words (江工 in 临江工作) say nothing; two characters no page ever uses together
(驾驶 in 驾驶证到期, 产税 in 房产税) are a topic the site does not cover, unless they only
join two known words. Cue words (手续, 怎么办) say what the question is for, not what it
is about, and are left out.
"""

from __future__ import annotations

from typing import Any

from search_index.asks import ask_scores, primary_text
from search_index.query import is_word
from search_index.runtime import Searcher
from search_index.text import CJK_RE, bigrams, normalize, runs

#: A term in a page counts fully from this impact on (0..1; a title hit counts fully),
#: less below it: 住房公积金 once among a family's assets does not answer 公积金怎么提取.
CENTRAL = 0.5


def _weight(postings: list[int] | None, doc: int) -> float:
    """How much a term stands for the page: 1 in its title, else its impact over CENTRAL."""
    if not postings:
        return 0.0
    d = 0
    for k in range(1, len(postings), 2):
        d += postings[k]
        if d == doc:
            v = postings[k + 1]
            return 1.0 if v < 0 else min(1.0, v / 255 / CENTRAL)
        if d > doc:
            break
    return 0.0


def _grams(searcher: Searcher, run: str, doc: int) -> list[tuple[int, float | None]]:
    """The words of a CJK run as ``(position, weight in the page)``; None: unknown to the site."""
    grams = bigrams(run)
    posts = [searcher.postings(g) for g in grams]
    words = [p is not None and is_word(g, searcher.bucket) for g, p in zip(grams, posts, strict=True)]
    in_word = {c for j, w in enumerate(words) if w for c in (j, j + 1)}
    out: list[tuple[int, float | None]] = []
    for j, p in enumerate(posts):
        if words[j]:
            out.append((j, _weight(p, doc)))
        elif p is None and not (j in in_word and j + 1 in in_word):
            out.append((j, None))  # unknown, and not just the seam of two known words
    return out


def run_cover(searcher: Searcher, run: str, doc: int, *, whole: bool) -> float:
    """How much of a CJK run the page holds.

    As typed (``whole`` false), by characters: each counts as much as the best word of
    the page it belongs to, times the share of the run's words the site knows at all. A
    synonym's formal term (``whole``) counts only whole: its weakest word.
    """
    if len(run) == 1:
        return _weight(searcher.postings(run), doc)
    kept = _grams(searcher, run, doc)
    if not kept:
        return 0.0
    if whole:
        return min((w or 0.0) for _j, w in kept)
    best: dict[int, float] = {}
    for j, w in kept:
        for c in (j, j + 1):
            best[c] = max(best.get(c, 0.0), w or 0.0)
    known = sum(1 for _j, w in kept if w is not None)
    return sum(best.values()) / len(best) * known / len(kept)


def _alt_cover(searcher: Searcher, text: str, doc: int, whole: bool) -> float:
    parts = runs(normalize(text))
    size = sum(len(r) if CJK_RE.fullmatch(r) else 1 for r in parts)
    got = 0.0
    for r in parts:
        if CJK_RE.fullmatch(r):
            got += run_cover(searcher, r, doc, whole=whole) * len(r)
        else:
            got += _weight(searcher.postings(r), doc)
    return got / size if size else 0.0


def _is_cue(text: str, lex: dict) -> bool:
    return any(text == w for words in lex["cues"].values() for w in words)


def coverage(searcher: Searcher, plan: dict[str, Any], doc: int) -> float:
    """Share of what the question is about that the page holds (0..1).

    Each required concept counts by its length with its best alternative: the text as
    typed or corrected, or a synonym's formal term (家里困难: a page on 最低生活保障).
    """
    required = [c for c in plan["concepts"] if not c.get("opt")]
    topics = [c for c in required if not _is_cue(primary_text(c), searcher.lex)] or required
    total = held = 0.0
    for c in topics:
        main = primary_text(c)
        best = 0.0
        for alt in c["alts"]:
            if alt["w"] >= 0.6:  # not a typo as typed, nor a second pinyin reading
                best = max(best, _alt_cover(searcher, alt["text"], doc, alt["text"] != main))
        weight = max(len(main), 1)
        total += weight
        held += best * weight
    return held / total if total else 0.0


def confidence(searcher: Searcher, plan: dict[str, Any], doc: int,
               asks: dict[int, float] | None = None) -> float:
    """The better of :func:`coverage` and the page's alias strength (0..1)."""
    if asks is None:
        asks = ask_scores(plan, searcher.bucket) if plan["concepts"] else {}
    return max(coverage(searcher, plan, doc), asks.get(doc, 0.0))
