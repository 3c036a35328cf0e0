"""Ways of asking for a page, learned from the content itself (the ``ask`` family).

A citizen rarely types a page's title. The content already says how people ask for it:

- an FAQ's question is a way of asking for its answer, and for the pages it links
  (``about``): 身份证丢了怎么办 asks for 居民身份证补领;
- a service guide's or a scenario's title, and any page's ``tags``/``aliases``, are ways
  of asking for that page (开店 for 个体工商户设立登记);
- a scenario's title asks for the services it lists under ``sections.do``.

Each such phrase is an *alias*. The indexer writes them as the ``ask`` family, keyed by the
character bigrams of the phrase (function words removed), so the runtime fetches only the
buckets of the query's own bigrams. A query *covers* an alias when most of the alias's
bigrams occur in the query, allowing up to two characters in between (开个小店 covers 开店);
the runtime then lifts the alias's pages (:func:`ask_scores`). A phrase shared by many pages
(a tag such as 法律 on every law) says nothing about any one of them and is dropped.

The same module reads the satisfaction votes the Q&A function collects
(``content/_data/qa-feedback.json``) and turns them into bounded per-page factors.

Every query-side step has a twin in ``runtime/tongda-search.js`` (parity test).
"""
from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from search_index.model import SearchDoc
from search_index.store import FileWriter, bucket_count, write_family
from search_index.text import CJK_RE, bigrams, normalize, runs

#: Weight (percent) of an alias by where it comes from.
W_TITLE = 100
W_KEYWORD = 90
W_LINK = 80
W_LINK_KEYWORD = 70
#: Kinds whose own title is a way of asking for them (a law's long title is not).
TITLE_KINDS = ("service", "scenario", "faq")
#: An alias naming more pages than this tells none of them apart.
MAX_TARGETS = 8
#: Share of an alias's keys a question must hold for the alias to count (see :func:`needed`).
ASK_MIN = 0.5
#: Largest gap (characters) allowed between the two characters of an alias bigram.
ASK_GAP = 2
#: Feedback: a page's factor stays within 1 ± FB_RANGE; FB_PRIOR votes weigh as much as
#: the neutral prior, so a few votes move a page little.
FB_RANGE = 0.2
FB_PRIOR = 20

Bucket = Callable[[str, str], Any]


def longest_stop(text: str, i: int, stop: set[str] | dict, maxlen: int) -> str:
    """The longest stop phrase of two or more characters at ``text[i:]``, or ""."""
    for n in range(min(maxlen, len(text) - i), 1, -1):
        if text[i:i + n] in stop:
            return text[i:i + n]
    return ""


def alias_pieces(phrase: str, stop: set[str], maxlen: int,
                 is_word: Callable[[str], bool]) -> list[str]:
    """A phrase without its function words, as the query side cuts a question.

    Stop phrases go; a single stop character goes unless it forms a word with a neighbour
    (申领 keeps 领, 办狗证 loses 办), which is how the runtime refines a query's text.
    """
    out: list[str] = []
    for run in runs(normalize(phrase)):
        if not CJK_RE.fullmatch(run):
            out.append(run)
            continue
        buf, i = "", 0
        while i < len(run):
            stp = longest_stop(run, i, stop, maxlen)
            ch = run[i]
            drop = bool(stp) or (ch in stop and not (
                (i > 0 and is_word(run[i - 1:i + 1])) or (i + 1 < len(run) and is_word(run[i:i + 2]))))
            if drop:
                if buf:
                    out.append(buf)
                buf = ""
                i += len(stp) or 1
            else:
                buf += ch
                i += 1
        if buf:
            out.append(buf)
    return out


def keys_of(parts: list[str]) -> list[str]:
    """Distinct keys of pieces, in order: CJK bigrams, single characters, latin tokens."""
    out: list[str] = []
    for p in parts:
        for k in bigrams(p) if CJK_RE.fullmatch(p) else [p]:
            if k not in out:
                out.append(k)
    return out


def skip_keys(text: str) -> list[str]:
    """Character pairs of a CJK text with at most two characters between them."""
    out: list[str] = []
    for i in range(len(text)):
        for j in range(i + 1, min(len(text), i + ASK_GAP + 2)):
            k = text[i] + text[j]
            if k not in out:
                out.append(k)
    return out


def primary_text(concept: dict[str, Any]) -> str:
    """What the question says for a concept: the text as typed or as corrected (typo,
    pinyin), the colloquial phrase itself for a synonym."""
    first = concept["alts"][0] if concept["alts"] else None
    return first["text"] if first is not None and first["w"] >= 1.0 else concept["text"]


def query_keys(plan: dict[str, Any]) -> tuple[list[str], set[str], list[str]]:
    """The question's keys: its own (the bigrams of what it says, concept after concept:
    what an alias must explain); those its text holds (also two characters with up to two
    between); and every key an alias may be found by (also synonyms' formal terms)."""
    cjk, latin, extra = "", [], []
    for c in plan["concepts"]:
        main = primary_text(c)
        for t in runs(normalize(main)):
            if CJK_RE.fullmatch(t):
                cjk += t
            elif t not in latin:
                latin.append(t)
        for a in c["alts"]:
            if a["w"] >= 0.6 and a["text"] != main:
                extra += keys_of(runs(normalize(a["text"])))
    own = keys_of([cjk] if cjk else []) + latin
    skips = skip_keys(cjk)
    lookup = list(own)
    for k in skips + extra:
        if k not in lookup:
            lookup.append(k)
    return own, set(own) | set(skips), lookup


class AskTable:
    """Collects aliases while indexing; writes the ``ask`` family once every id is known."""

    def __init__(self) -> None:
        # phrase -> {target id: weight}
        self.phrases: dict[str, dict[str, int]] = {}

    def _put(self, phrase: str, target: str, weight: int) -> None:
        phrase = normalize(phrase)
        if phrase:
            t = self.phrases.setdefault(phrase, {})
            t[target] = max(t.get(target, 0), weight)

    def add(self, doc: SearchDoc) -> None:
        """Record the aliases one page contributes (its own and those of pages it links)."""
        if doc.kind in TITLE_KINDS:
            self._put(doc.title, doc.id, W_TITLE)
        for k in doc.keywords:
            self._put(k, doc.id, W_KEYWORD)
        for target in doc.links:
            self._put(doc.title, target, W_LINK)
            for k in doc.keywords:
                self._put(k, target, W_LINK_KEYWORD)

    def write(self, writer: FileWriter, id_of: dict[str, int], stop: Iterable[str],
              is_word: Callable[[str], bool]) -> dict:
        """Write the family: bigram -> ``[[alias, bigrams, [doc, weight, ...]], ...]``.

        Args:
            writer: where the files go.
            id_of: doc number of each page id.
            stop: the lexicon's stop phrases and characters.
            is_word: whether two characters are a word of the site (keeps 领 in 申领).
        """
        stopset = set(stop)
        maxlen = max((len(s) for s in stopset), default=1)
        merged: dict[tuple[str, ...], dict[int, int]] = {}
        for phrase, targets in sorted(self.phrases.items()):
            keys = tuple(keys_of(alias_pieces(phrase, stopset, maxlen, is_word)))
            if not keys:
                continue
            m = merged.setdefault(keys, {})
            for tid, w in targets.items():
                if tid in id_of:
                    m[id_of[tid]] = max(m.get(id_of[tid], 0), w)
        entries: dict[str, list] = {}
        pid = 0
        for keys, docs in sorted(merged.items()):
            if not docs or len(docs) > MAX_TARGETS:
                continue
            flat: list[int] = []
            for n in sorted(docs):
                flat += [n, docs[n]]
            for k in keys:
                entries.setdefault(k, []).append([pid, len(keys), flat])
            pid += 1
        fam = {k: (k, v) for k, v in entries.items()}
        return write_family(writer, "ask", fam, bucket_count(len(fam), 200))


def needed(nb: int) -> int:
    """Keys of an alias of ``nb`` keys the question must hold: half, and at least two."""
    return 1 if nb == 1 else max(2, math.ceil(ASK_MIN * nb))


def ask_scores(plan: dict[str, Any], bucket: Bucket) -> dict[int, float]:
    """How strongly the question asks for each page through its aliases (0..1).

    An alias counts when the question holds :func:`needed` of its keys (its own words,
    a synonym's formal terms, or two of its characters with up to two between). It asks
    for its pages with the share of it found, times its weight, times how much of the
    question's own text it explains (a synonym's terms count for finding, not for
    explaining): 身份证丢了 asks more through 身份证丢了怎么办 than through 身份证.
    A page takes its strongest alias.
    """
    own, said, lookup = query_keys(plan)
    found: dict[int, list[str]] = {}
    info: dict[int, list] = {}
    for k in lookup:
        for pid, nb, flat in bucket("ask", k).get(k, []):
            found.setdefault(pid, []).append(k)
            info[pid] = [nb, flat]
    n = max(len(own), 1)
    out: dict[int, float] = {}
    for pid in sorted(found):
        nb, flat = info[pid]
        hits = found[pid]
        if len(hits) < needed(nb):
            continue
        explains = min(1.0, sum(1 for k in hits if k in said) / n)
        sim = len(hits) / nb * (0.5 + 0.5 * explains)
        for i in range(0, len(flat), 2):
            s = sim * flat[i + 1] / 100
            if s > out.get(flat[i], 0.0):
                out[flat[i]] = s
    return out


# -- feedback ---------------------------------------------------------------------------
def load_feedback(path: Path | None) -> dict[str, tuple[int, int]]:
    """Votes per page id from the Q&A function's export (``{"votes": {id: [up, down]}}``).

    A missing file means no votes; a malformed one raises :class:`ValueError` naming it.
    """
    if path is None or not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text("utf-8"))
        votes = data["votes"]
        return {str(k): (int(v[0]), int(v[1])) for k, v in votes.items()}
    except (ValueError, KeyError, TypeError, IndexError) as exc:
        raise ValueError(f"{path}：满意度统计格式不对（应为 {{\"votes\": {{页面id: [满意, 不满意]}}}}）"
                         f"：{exc}") from exc


def feedback_factor(up: int, down: int) -> float:
    """A page's ranking factor from its votes: within 1 ± :data:`FB_RANGE`, 3 decimals."""
    up, down = max(0, up), max(0, down)
    f = 1 + FB_RANGE * (up - down) / (up + down + FB_PRIOR)
    return round(min(1 + FB_RANGE, max(1 - FB_RANGE, f)), 3)


def feedback_table(votes: dict[str, tuple[int, int]], id_of: dict[str, int]) -> list[list]:
    """``[[doc, factor], ...]`` for the pages whose factor is not 1 (sorted by doc)."""
    out = []
    for tid, (up, down) in votes.items():
        if tid in id_of:
            f = feedback_factor(up, down)
            if f != 1.0:
                out.append([id_of[tid], f])
    return sorted(out)
