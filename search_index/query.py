"""Query understanding: the same steps as ``understand()`` in ``runtime/tongda-search.js``.

A query becomes *concepts* (one per topic the user typed); each concept has weighted
*alternatives* (the text as typed, synonyms, a typo correction, the Chinese word for a
pinyin input), and each alternative a list of index terms. Every rule needs only the
lexicon and term buckets, so the browser needs no dictionary of its own.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from search_index.text import CJK_RE, bigrams, docnum_keys, normalize, runs

#: A bigram is a real word when jieba cut it as a word in this share of its documents.
WORD_SHARE = 0.2
#: Weights of the alternatives of a concept.
W_SYN_KEY = 0.6
W_TYPO_ORIG = 0.3
W_PINYIN_OTHER = 0.5

Bucket = Callable[[str, str], dict]


def fuzzy(s: str) -> str:
    """Fold zh/z, ch/c, sh/s, l/n, -ang/-an, -eng/-en, -ing/-in (as in search_index.pinyin)."""
    if s[:2] in ("zh", "ch", "sh"):
        s = s[0] + s[2:]
    if s.startswith("l"):
        s = "n" + s[1:]
    if len(s) > 2 and s.endswith("ng") and s[-3] in "aei":
        s = s[:-1]
    return s


def longest_at(text: str, i: int, table: dict | set, maxlen: int, minlen: int) -> str:
    """Longest entry of ``table`` that occurs in ``text`` at ``i`` (or "")."""
    for n in range(min(maxlen, len(text) - i), minlen - 1, -1):
        if text[i : i + n] in table:
            return text[i : i + n]
    return ""


def split_run(run: str, lex: dict) -> list[tuple[str, str]]:
    """Cut a CJK run into ('syn', key) and ('text', chunk) pieces; drop long stop phrases."""
    syn, stop = lex["syn"], lex["_stopset"]
    out: list[tuple[str, str]] = []
    buf, i = "", 0
    while i < len(run):
        key = longest_at(run, i, syn, lex["_synmax"], 1)
        stp = "" if key else longest_at(run, i, stop, lex["_stopmax"], 2)
        if key or stp:
            if buf:
                out.append(("text", buf))
                buf = ""
            if key:
                out.append(("syn", key))
            i += len(key or stp)
        else:
            buf += run[i]
            i += 1
    if buf:
        out.append(("text", buf))
    return out


def pinyin_parse(s: str, syl: set[str]) -> bool:
    """True when a latin run is a sequence of pinyin syllables."""
    ok = [True] + [False] * len(s)
    for i in range(1, len(s) + 1):
        for n in range(1, min(6, i) + 1):
            if ok[i - n] and s[i - n : i] in syl:
                ok[i] = True
                break
    return ok[len(s)]


def pinyin_cuts(s: str, syl: set[str]) -> list[int]:
    """Syllable boundaries of a latin run (fewest syllables), or [] when it is not pinyin."""
    inf = len(s) + 1
    best = [0] + [inf] * len(s)
    back = [0] * (len(s) + 1)
    for i in range(1, len(s) + 1):
        for n in range(min(6, i), 0, -1):
            if best[i - n] + 1 < best[i] and s[i - n : i] in syl:
                best[i] = best[i - n] + 1
                back[i] = i - n
    if best[len(s)] >= inf:
        return []
    cuts = [len(s)]
    while cuts[-1] > 0:
        cuts.append(back[cuts[-1]])
    return cuts[::-1]


def first_pass(q: str, lex: dict) -> dict[str, Any]:
    """Everything that needs only the lexicon: pieces, cue, document number, fetch list."""
    norm = normalize(q)
    pieces: list[tuple[str, str]] = []
    for run in runs(norm):
        if CJK_RE.fullmatch(run):
            pieces.extend(split_run(run, lex))
        else:
            pieces.append(("syn" if run in lex["syn"] else "latin", run))
    cue = ""
    compact = norm.replace(" ", "")
    for kind in sorted(lex["cues"]):
        if any(w and w in compact for w in lex["cues"][kind]):
            cue = kind
            break
    return {"q": q, "norm": norm, "docnum": docnum_keys(q), "cue": cue, "pieces": pieces}


def text_terms(text: str, bucket: Bucket) -> list[str]:
    """Index terms of a CJK chunk: its bigrams and the indexed words (3+ chars) inside it."""
    if len(text) == 1:
        return [text]
    terms = bigrams(text)
    for i in range(len(text) - 1):
        b = bucket("t", text[i : i + 2])
        for w in sorted(b):
            if len(w) >= 3 and text.startswith(w, i) and w not in terms:
                terms.append(w)
    return terms


def phrase_terms(phrase: str, bucket: Bucket) -> list[str]:
    """Terms of any phrase (synonym expansion, correction): CJK runs and latin tokens."""
    out: list[str] = []
    for run in runs(normalize(phrase)):
        for t in text_terms(run, bucket) if CJK_RE.fullmatch(run) else [run]:
            if t not in out:
                out.append(t)
    return out


def term_df(term: str, bucket: Bucket) -> int:
    """Documents containing a term (0 when absent)."""
    p = bucket("t", term).get(term)
    return (len(p) - 1) // 2 if p else 0


def known_word(text: str, bucket: Bucket) -> bool:
    """A query span the site already uses as a word (抽烟): never "corrected"."""
    p = bucket("t", text).get(text)
    return p is not None and (len(text) >= 3 or p[0] >= 1)


def is_word(bg: str, bucket: Bucket) -> bool:
    """A bigram that jieba usually cuts as a word (土地, 社会), so a stop char inside stays."""
    p = bucket("t", bg).get(bg)
    return p is not None and p[0] >= 2 and p[0] >= WORD_SHARE * ((len(p) - 1) // 2)


def refine_text(chunk: str, lex: dict, bucket: Bucket) -> list[str]:
    """Drop single stop characters (被, 吗, 要) unless they belong to a word around them."""
    stop1 = lex["_stop1"]
    parts, buf = [], ""
    for i, ch in enumerate(chunk):
        keep = ch not in stop1 or (i > 0 and is_word(chunk[i - 1 : i + 1], bucket)) or (
            i + 1 < len(chunk) and is_word(chunk[i : i + 2], bucket))
        if keep:
            buf += ch
        elif buf:
            parts.append(buf)
            buf = ""
    if buf:
        parts.append(buf)
    return parts


def readings(ch: str, lex: dict, bucket: Bucket) -> list[str]:
    """Fuzzy readings of a character (from the chr family)."""
    r = bucket("chr", ch).get(ch)
    return r.split(" ") if r else []


def pair_keys(a: str, b: str, lex: dict, bucket: Bucket) -> list[str]:
    """Syllable-pair keys under which a homophone or similar-shape word could be filed."""
    ra = readings(a, lex, bucket) + [r for c in lex["shape"].get(a, []) for r in lex["shapepy"][c]]
    rb = readings(b, lex, bucket) + [r for c in lex["shape"].get(b, []) for r in lex["shapepy"][c]]
    keys: list[str] = []
    for x in ra:
        for y in rb:
            k = fuzzy(x) + " " + fuzzy(y)
            if k not in keys:
                keys.append(k)
    return keys[:9]


def suspicious(part: str, bucket: Bucket, n_docs: int) -> list[int]:
    """Bigram positions that look mistyped: (nearly) absent from the site."""
    if len(part) < 2:
        return []
    dfs = [term_df(b, bucket) for b in bigrams(part)]
    limit = max(1, n_docs // 1000)
    out = [i for i, d in enumerate(dfs) if d <= limit]
    if len(part) >= 3 and not bucket("t", part[:2]).get(part):
        worst = min(range(len(dfs)), key=lambda i: (dfs[i], i))
        if worst not in out:
            out.append(worst)
    return sorted(out)


def align(part: str, i: int, key: str, cand: list, lex: dict, bucket: Bucket) -> tuple | None:
    """Place a vocabulary word over the query so that it covers pair ``i``; cost the changes.

    A character that reads the same (tones aside) or looks alike costs 1, one that only
    sounds alike after folding (zh/z, -ng/-n...) costs 2. Allowed: 1 for two-character
    words, 2 up to four characters, 3 beyond; at most one changed character in three.
    """
    w, sc, syls = cand[0], cand[1], cand[2].split(" ")
    fz = [fuzzy(x) for x in syls]
    for o in range(len(w) - 1):
        if fz[o] + " " + fz[o + 1] != key:
            continue
        j = i - o
        if j < 0 or j + len(w) > len(part):
            continue
        cost, changed = 0, 0
        for m, wc in enumerate(w):
            qc = part[j + m]
            if qc == wc:
                continue
            rq = readings(qc, lex, bucket)
            changed += 1
            if syls[m] in rq or wc in lex["shape"].get(qc, []):
                cost += 1
            elif fz[m] in [fuzzy(r) for r in rq]:
                cost += 2
            else:
                cost = 99
                break
        limit = 1 if len(w) == 2 else 2 if len(w) <= 4 else 3
        if 1 <= cost <= limit and changed <= max(1, len(w) // 3):
            return (cost, -len(w), -sc, w, j)
    return None


def correct(part: str, lex: dict, bucket: Bucket, n_docs: int) -> str:
    """Replace homophone / similar-shape typos by popular words of the site's vocabulary."""
    fixed = part
    covered: set[int] = set()
    for i in suspicious(part, bucket, n_docs):
        if i in covered or i + 1 in covered:
            continue
        best = None
        for key in pair_keys(part[i], part[i + 1], lex, bucket):
            for cand in bucket("pyp", key).get(key, []):
                a = align(part, i, key, cand, lex, bucket)
                if a is None:
                    continue
                orig = part[a[4] : a[4] + len(a[3])]
                if -a[2] < 3 or -a[2] <= 3 * term_df(orig, bucket) or known_word(orig, bucket):
                    continue
                if best is None or a < best:
                    best = a
        if best:
            w, j = best[3], best[4]
            fixed = fixed[:j] + w + fixed[j + len(w) :]
            covered.update(range(j, j + len(w)))
    return fixed


def pinyin_words(run: str, lex: dict, bucket: Bucket) -> list[list]:
    """Chinese words for a latin run typed as full pinyin or initials, best first (max 3)."""
    if not run.isalpha():
        return []
    cands: list[list] = []
    if pinyin_parse(run, lex["_syl"]):
        cands += bucket("py", run).get(run, [])
    if len(run) <= 6 and (not cands or len(run) <= 4):
        for c in bucket("pyi", run).get(run, []):
            if all(c[0] != d[0] for d in cands):
                cands.append(c)
    if not cands:
        cands = pinyin_pair(run, lex, bucket)
    return cands[:3]


def pinyin_pair(run: str, lex: dict, bucket: Bucket) -> list[list]:
    """Full pinyin of two words the vocabulary has apart (zhufang + gongjijin), longest first."""
    cuts = pinyin_cuts(run, lex["_syl"])
    for k in range(len(cuts) - 2, 0, -1):
        a, b = run[: cuts[k]], run[cuts[k] :]
        wa, wb = bucket("py", a).get(a), bucket("py", b).get(b)
        if wa and wb:
            return [[wa[0][0] + wb[0][0], min(wa[0][1], wb[0][1])]]
    return []


def _alt(text: str, weight: float, bucket: Bucket) -> dict[str, Any]:
    return {"text": text, "w": weight, "terms": phrase_terms(text, bucket)}


def understand(q: str, lex: dict, bucket: Bucket, n_docs: int,
               literal: bool = False) -> dict[str, Any]:
    """Turn a query into a plan: concepts with weighted alternatives, cue, notice.

    Args:
        q: the query as typed.
        lex: the lexicon (see :func:`prepare_lexicon`).
        bucket: ``bucket(family, key) -> dict`` reading the index.
        n_docs: documents in the index.
        literal: search the words as typed (no typo correction): "仍搜索…".
    """
    plan = first_pass(q, lex)
    concepts: list[dict[str, Any]] = []
    shown = plan["norm"]
    for kind, val in plan["pieces"]:
        if kind == "syn":
            alts = [_alt(val, W_SYN_KEY, bucket)]
            alts += [_alt(e, 1.0, bucket) for e in lex["syn"][val]]
            concepts.append({"text": val, "alts": alts})
        elif kind == "text":
            for part in refine_text(val, lex, bucket):
                fixed = part if literal else correct(part, lex, bucket, n_docs)
                if fixed != part:
                    alts = [_alt(fixed, 1.0, bucket), _alt(part, W_TYPO_ORIG, bucket)]
                    shown = shown.replace(part, fixed, 1)
                else:
                    alts = [_alt(part, 1.0, bucket)]
                concepts.append({"text": part, "alts": alts})
        else:
            alts = [_alt(val, 1.0, bucket)] if term_df(val, bucket) else []
            words = pinyin_words(val, lex, bucket)
            for k, (w, _sc) in enumerate(words):
                alts.append(_alt(w, 1.0 if k == 0 and not alts else W_PINYIN_OTHER, bucket))
            if words and len(alts) == len(words):
                shown = shown.replace(val, words[0][0], 1)
            if alts:
                concepts.append({"text": val, "alts": alts})
    if any(len(c["text"]) > 1 for c in concepts):
        concepts = [c for c in concepts if len(c["text"]) > 1 or len(c["alts"]) > 1]
    plan["concepts"] = concepts
    plan["shown"] = shown if shown != plan["norm"] else ""
    del plan["pieces"]
    return plan


def prepare_lexicon(lex: dict) -> dict:
    """Add the lookup sets the query steps use (done once after loading)."""
    lex["_stopset"] = set(lex["stop"])
    lex["_stop1"] = {s for s in lex["stop"] if len(s) == 1}
    lex["_stopmax"] = max((len(s) for s in lex["stop"]), default=1)
    lex["_synmax"] = max((len(s) for s in lex["syn"]), default=1)
    lex["_syl"] = set(lex["syl"].split(" "))
    return lex
