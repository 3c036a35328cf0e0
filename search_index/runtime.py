"""The Python runtime: the same query understanding and ranking as the JavaScript runtime.

Used by the Q&A function and the tests::

    s = Searcher(Path("site/search"))
    res = s.search("身分证")
    res["notice"], [r["title"] for r in res["results"]]
"""
from __future__ import annotations

import gzip
import html
import json
import math
import re
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from search_index.asks import ask_scores
from search_index.query import prepare_lexicon, understand
from search_index.store import EXT
from search_index.text import fnv1a, is_cjk, normalize, runs, term_key

TITLE_BONUS = 1.0
EXACT_TITLE = 2.0
TITLE_HAS_ALL = 1.5
#: An optional concept (a single character beside longer words) adds this share of its score.
OPT_WEIGHT = 0.5
#: A page the query fully asks for (its learned aliases) gains this share of a perfect title match.
ASK_WEIGHT = 1.0


def round6(x: float) -> float:
    """Round half up to 1e-6 (as the JS runtime does), so both sort ties alike."""
    return math.floor(x * 1e6 + 0.5) / 1e6


def date_bound(text: str, end: bool) -> int:
    """``2018`` / ``2018-05`` / ``2018-05-01`` as YYYYMMDD, the first or last day of it."""
    digits = re.sub(r"\D", "", text)[:8]
    if len(digits) < 4:
        return 99999999 if end else 0
    if len(digits) < 6:
        return int(digits[:4] + ("1231" if end else "0101"))
    if len(digits) < 8:
        return int(digits[:6] + ("31" if end else "01"))
    return int(digits)


def is_word_term(term: str) -> bool:
    """A jieba word (3+ CJK characters): the title test uses the bigrams, which always exist."""
    return len(term) >= 3 and is_cjk(term[0])


def title_factor(found: list[int] | None, tlen: int) -> float:
    """Boost from the title: exact title, every concept in it, and how much of it they cover.

    ``found`` holds, per concept, the length of the longest alternative whose terms are all
    in the title (0: none); ``tlen`` is the title's length without 中华人民共和国. Coverage
    prefers 消防法 to 山东省消防条例 for 消防: the shorter title is the more specific answer.
    """
    if not found or not all(found) or tlen <= 0:
        return 1.0
    if len(found) == 1 and found[0] >= tlen:
        return EXACT_TITLE
    return TITLE_HAS_ALL * (1 + 0.5 * min(1.0, sum(found) / tlen))


def notice_text(shown: str, q: str) -> str:
    """The "did you mean" notice shown above the results."""
    return f"已为您显示“{shown}”的结果，仍搜索“{q}”"


class Searcher:
    """Reads an index written by :class:`search_index.indexer.SearchIndex`.

    Args:
        source: the ``search/`` directory, or a function ``name -> bytes``.
        cache_files: index files kept in memory, least recently used dropped first; a
            long-running server (the Q&A function) stays bounded however varied its
            questions (the laws corpus has 21,000 files).
    """

    def __init__(self, source: Path | Callable[[str], bytes], cache_files: int = 4096) -> None:
        if isinstance(source, Path):
            root = source
            self._read: Callable[[str], bytes] = lambda name: (root / name).read_bytes()
        else:
            self._read = source
        self._cache: OrderedDict[str, Any] = OrderedDict()
        self.cache_files = max(1, cache_files)
        self.bytes_read = 0
        raw = self._read("manifest.tdz")
        self.bytes_read += len(raw)
        self.manifest = json.loads(gzip.decompress(raw))
        self.n = int(self.manifest["n"])
        self.lex = prepare_lexicon(self.manifest["lexicon"])
        self.feedback = {int(d): float(f) for d, f in self.manifest.get("fb", [])}

    # -- files -----------------------------------------------------------------------------
    def get(self, name: str) -> Any:
        """A gzip JSON file of the index (cached, least recently used dropped first)."""
        if name in self._cache:
            self._cache.move_to_end(name)
            return self._cache[name]
        raw = self._read(name)
        self.bytes_read += len(raw)
        value = self._cache[name] = json.loads(gzip.decompress(raw))
        if len(self._cache) > self.cache_files:
            self._cache.popitem(last=False)
        return value

    def bucket(self, fam: str, key: str) -> dict:
        """The bucket of ``key`` in family ``fam`` (empty when the bucket or family is)."""
        f = self.manifest["fam"].get(fam)
        if f is None:  # an index written before the family existed
            return {}
        k = term_key(key) if fam == "t" else key
        b = fnv1a(k) % f["b"]
        h = self.get(f["pages"][b // f["s"]])[b % f["s"]]
        return self.get(f"{fam}-{h}{EXT}") if h else {}

    def postings(self, term: str) -> list[int] | None:
        """Raw postings of a term: ``[word_df, delta, value, delta, value, ...]``."""
        return self.bucket("t", term).get(term)

    def doc(self, i: int) -> dict[str, Any]:
        """Record of document ``i`` (title, url, kind, facets, excerpt file)."""
        d = self.manifest["docs"]
        c = i // d["chunk"]
        h = self.get(d["pages"][c // d["s"]])[c % d["s"]]
        return self.get(f"d-{h}{EXT}")[i % d["chunk"]]

    # -- query -----------------------------------------------------------------------------
    def understand(self, q: str, literal: bool = False) -> dict[str, Any]:
        """The query plan (concepts, alternatives, terms, cue, notice)."""
        return understand(q, self.lex, self.bucket, self.n, literal)

    def _alt_scores(self, alt: dict[str, Any], acc: dict[int, float],
                    in_title: dict[int, int], tlen: dict[int, int]) -> None:
        """BM25 of one alternative into ``acc``; count its terms found in each title."""
        for t in alt["terms"]:
            p = self.postings(t)
            if not p:
                continue
            df = (len(p) - 1) // 2
            idf = math.log(1 + (self.n - df + 0.5) / (df + 0.5))
            doc = 0
            for k in range(1, len(p), 2):
                doc += p[k]
                v = p[k + 1]
                if v < 0:
                    acc[doc] = acc.get(doc, 0.0) + idf * ((-v >> 7) / 255 + TITLE_BONUS)
                    if not is_word_term(t):
                        in_title[doc] = in_title.get(doc, 0) + 1
                    tlen[doc] = -v & 127
                else:
                    acc[doc] = acc.get(doc, 0.0) + idf * (v / 255)

    def _concept_scores(self, plan: dict[str, Any]) -> tuple[dict, dict, dict, dict, dict]:
        """Per document: required concepts' score and count, optional score, title info."""
        concepts = plan["concepts"]
        required = [ci for ci, c in enumerate(concepts) if not c.get("opt")]
        slot = {ci: k for k, ci in enumerate(required)}
        total: dict[int, float] = {}
        matched: dict[int, int] = {}
        optional: dict[int, float] = {}
        found: dict[int, list[int]] = {}
        tlen: dict[int, int] = {}
        for ci, c in enumerate(concepts):
            best: dict[int, float] = {}
            for alt in c["alts"]:
                acc: dict[int, float] = {}
                in_title: dict[int, int] = {}
                self._alt_scores(alt, acc, in_title, tlen)
                norm = alt["w"] / math.sqrt(max(len(alt["terms"]), 1))
                size = len(normalize(alt["text"]).replace(" ", ""))
                need = sum(1 for t in alt["terms"] if not is_word_term(t))
                for doc, s in acc.items():
                    s *= norm
                    if s > best.get(doc, 0.0):
                        best[doc] = s
                    if need and in_title.get(doc, 0) == need and ci in slot:
                        f = found.setdefault(doc, [0] * len(required))
                        f[slot[ci]] = max(f[slot[ci]], size)
            for doc, s in best.items():
                if ci in slot:
                    total[doc] = total.get(doc, 0.0) + s
                    matched[doc] = matched.get(doc, 0) + 1
                else:
                    optional[doc] = optional.get(doc, 0.0) + s * OPT_WEIGHT
        return total, matched, optional, found, tlen

    def _ideal(self, plan: dict[str, Any]) -> float:
        """What a page holding every term of the question in its title would score (before
        coordination and title factors; a term no page holds counts as the rarest): the
        scale of the aliases' contribution, so an alias counts even when no text matches."""
        total = 0.0
        for c in plan["concepts"]:
            if c.get("opt"):
                continue
            best = 0.0
            for alt in c["alts"]:
                s = 0.0
                for t in alt["terms"]:
                    p = self.postings(t)
                    df = (len(p) - 1) // 2 if p else 0
                    s += math.log(1 + (self.n - df + 0.5) / (df + 0.5)) * (1 + TITLE_BONUS)
                s *= alt["w"] / math.sqrt(max(len(alt["terms"]), 1))
                best = max(best, s)
            total += best
        return total

    def _score(self, plan: dict[str, Any]) -> dict[int, float]:
        """Concepts (best alternative each, coordination, title), aliases, question type.

        ``base`` is the text match; a page the query asks for through its learned aliases
        gains up to what a perfect title match would score (:meth:`_ideal`, times
        :data:`ASK_WEIGHT`), so an alias counts however weakly the words match; the question type multiplies
        the kinds it puts first; readers' feedback multiplies within bounds.
        """
        total, matched, optional, found, tlen = self._concept_scores(plan)
        n_c = max(sum(1 for c in plan["concepts"] if not c.get("opt")), 1)
        base: dict[int, float] = {}
        for doc, s in total.items():
            r = matched[doc] / n_c
            base[doc] = s * r * r * title_factor(found.get(doc), tlen.get(doc, 0)) + optional.get(doc, 0.0)
        ref = self._ideal(plan)
        asks = ask_scores(plan, self.bucket) if plan["concepts"] else {}
        boost = self.lex["boost"].get(plan["cue"], {}) if plan["cue"] else {}
        ranges = [(r[0], r[1], boost[k]) for k, r in sorted(self.manifest["kinds"].items()) if k in boost]
        out = {}
        for doc in sorted(set(base) | set(asks)):
            s = base.get(doc, 0.0) + ASK_WEIGHT * asks.get(doc, 0.0) * ref
            for lo, hi, f in ranges:
                if lo <= doc < hi:
                    s *= f
            out[doc] = s * self.feedback.get(doc, 1.0)
        return out

    def _filter(self, filters: dict[str, list[str]] | None) -> set[int] | None:
        if not filters:
            return None
        allowed: set[int] | None = None
        for facet, values in filters.items():
            ids: set[int] = set()
            if facet == "date":  # a range: [from, to], either may be ""
                lo = date_bound(values[0] if values else "", end=False)
                hi = date_bound(values[1] if len(values) > 1 else "", end=True)
                dates = self.get(self.manifest["dates"])
                ids = {i for i, d in enumerate(dates) if d and lo <= d <= hi}
            else:
                table = self.get(self.manifest["facets"][facet])
                for v in values:
                    doc = 0
                    for d in table.get(v, []):
                        doc += d
                        ids.add(doc)
            allowed = ids if allowed is None else allowed & ids
        return allowed

    def facet_counts(self, docs: list[int]) -> dict[str, dict[str, int]]:
        """For each facet, how many of ``docs`` have each value."""
        want = set(docs)
        out: dict[str, dict[str, int]] = {}
        for facet, name in sorted(self.manifest["facets"].items()):
            counts: dict[str, int] = {}
            for v, deltas in self.get(name).items():
                doc, c = 0, 0
                for d in deltas:
                    doc += d
                    c += doc in want
                if c:
                    counts[v] = c
            out[facet] = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
        return out

    def search(self, q: str, *, filters: dict[str, list[str]] | None = None,
               sort: str = "relevance", offset: int = 0, limit: int = 10,
               facets: bool = False, literal: bool = False) -> dict[str, Any]:
        """Search. Returns ``{total, results, notice, shown, plan[, facets]}``.

        Args:
            q: the query.
            filters: ``{facet: [values]}``; values of one facet are OR-ed, facets AND-ed;
                ``{"date": [from, to]}`` is a date range (``2018``, ``2018-05``, ISO dates).
            sort: ``relevance`` or ``date`` (newest first).
            offset: results to skip.
            limit: results to return.
            facets: also count facet values over all matching documents.
            literal: no typo correction (the notice's "仍搜索" link).
        """
        plan = self.understand(q, literal)
        ranked = self.rank(plan, filters, sort)
        results = []
        for doc, score in ranked[offset:offset + limit]:
            rec = dict(self.doc(doc))
            rec["score"] = score
            rec["doc"] = doc  # the document's number in the index; ``n`` is its 文号
            results.append(rec)
        out: dict[str, Any] = {"total": len(ranked), "results": results, "plan": plan,
                               "shown": plan["shown"],
                               "notice": notice_text(plan["shown"], q) if plan["shown"] else ""}
        if facets:
            out["facets"] = self.facet_counts([d for d, _ in ranked])
        return out

    def rank(self, plan: dict[str, Any], filters: dict[str, list[str]] | None = None,
             sort: str = "relevance") -> list[tuple[int, float]]:
        """All matching documents as ``(doc, score)``, best first (exact 文号 hits first)."""
        scores = self._score(plan)
        allowed = self._filter(filters)
        ranked = sorted(((d, round6(s)) for d, s in scores.items()
                         if allowed is None or d in allowed), key=lambda x: (-x[1], x[0]))
        exact: list[int] = []
        for key in plan["docnum"]:
            hit = self.bucket("dn", key).get(key, [])
            exact = [d for d in hit if allowed is None or d in allowed]
            if hit:
                break
        if exact:
            ranked = [(d, math.inf) for d in exact] + [x for x in ranked if x[0] not in exact]
        if sort == "date":
            dates = self.get(self.manifest["dates"])
            ranked.sort(key=lambda x: (-dates[x[0]], x[0]))
        return ranked

    def suggest(self, prefix: str, limit: int = 8) -> list[str]:
        """Completions for a prefix (Chinese, full pinyin or initials), most popular first."""
        p = normalize(prefix).replace(" ", "")
        if not p:
            return []
        out: list[str] = []
        for phrase, _sc, full, ini in self.bucket("sug", p[0]).get(p[0], []):
            hit = phrase.startswith(p) if not p.isascii() else (
                full.startswith(p) or ini.startswith(p))
            if hit and phrase != p and phrase not in out:
                out.append(phrase)
                if len(out) >= limit:
                    return out
        if len(p) >= 2 and not p.isascii():
            # Longer Chinese prefixes: indexed words starting with them, most used first.
            words = self.bucket("t", p[:2])
            more = sorted((w for w in words if w.startswith(p) and len(w) > len(p)),
                          key=lambda w: (-words[w][0], w))
            out += [w for w in more if w not in out][: limit - len(out)]
        return out

    def excerpt(self, rec: dict[str, Any], plan: dict[str, Any], size: int = 110) -> str:
        """An HTML-escaped passage of the document with the query's terms in ``<mark>``."""
        text = self.get(rec["x"]).replace("\n", " ")
        terms = sorted({t for c in plan["concepts"] for a in c["alts"] if a["w"] >= 0.6
                        for t in a["terms"] + runs(normalize(a["text"])) if len(t) >= 2},
                       key=lambda t: (-len(t), t))
        return make_excerpt(text, terms, size)


def make_excerpt(text: str, terms: list[str], size: int) -> str:
    """The window of ``size`` characters holding the most distinct terms, highlighted."""
    starts: list[int] = []
    for t in terms:
        i = text.find(t)
        while i >= 0 and len(starts) < 200:
            starts.append(i)
            i = text.find(t, i + 1)
    best, best_n = 0, 0
    for s in sorted(set(starts)):
        a = max(0, s - 20)
        n = sum(1 for t in terms if t in text[a:a + size])
        if n > best_n:
            best, best_n = a, n
    win = text[best:best + size]
    if not terms:
        return html.escape(win)
    pat = re.compile("|".join(re.escape(t) for t in terms))
    out, last = [], 0
    for m in pat.finditer(win):
        out.append(html.escape(win[last:m.start()]) + "<mark>" + html.escape(m.group()) + "</mark>")
        last = m.end()
    out.append(html.escape(win[last:]))
    body = "".join(out).replace("</mark><mark>", "")
    return ("…" if best > 0 else "") + body + ("…" if best + size < len(text) else "")
