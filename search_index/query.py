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
    return {"q": q, "norm": norm, "docnum": docnum_keys(q), "cue": find_cue(norm, lex),
            "pieces": pieces}


def find_cue(norm: str, lex: dict) -> str:
    """The question type: the kind of the longest cue word in the query (ties: by name).

    A cue word that is the whole query is its topic, not its type (补贴 alone).
    """
    compact = norm.replace(" ", "")
    cue, best = "", 0
    for kind in sorted(lex["cues"]):
        for w in lex["cues"][kind]:
            if w and len(w) > best and w in compact and w != compact:
                cue, best = kind, len(w)
    return cue


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


def rare(n_docs: int) -> int:
    """The most documents a pair of characters may be in and still count as rare on the site:
    a rare pair looks mistyped, a pair above this is one the site writes."""
    return max(1, n_docs // 1000)


def suspicious(part: str, bucket: Bucket, n_docs: int) -> list[int]:
    """Bigram positions that look mistyped: (nearly) absent from the site."""
    if len(part) < 2:
        return []
    dfs = [term_df(b, bucket) for b in bigrams(part)]
    limit = rare(n_docs)
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


def breaks_a_pair(part: str, j: int, w: str, bucket: Bucket, n_docs: int) -> bool:
    """Whether placing ``w`` at ``j`` changes a character that the site often sees beside its
    neighbour outside ``w``: in 实施条例, 一条 (施 has the rare reading yi) over 施条 would
    break 实施, so 施 is no typo."""
    limit = rare(n_docs)
    end = j + len(w)
    for p in range(j, end):
        if part[p] == w[p - j]:
            continue
        if p == j and p > 0 and term_df(part[p - 1 : p + 1], bucket) > limit:
            return True
        if p == end - 1 and end < len(part) and term_df(part[p : p + 2], bucket) > limit:
            return True
    return False


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
                if breaks_a_pair(part, a[4], a[3], bucket, n_docs):
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


def verb_split(run: str, lex: dict, bucket: Bucket) -> tuple[str, list[list]]:
    """A task verb typed in pinyin before an object: ``banhuzhao`` -> ("办", [["护照", n]]).

    The longest verb whose pinyin starts the run wins when the rest is a word of the site
    (full pinyin, two words, or initials); ("", []) otherwise.
    """
    for py in sorted(lex["verbs"], key=lambda v: (-len(v), v)):
        rest = run[len(py):]
        if not run.startswith(py) or len(rest) < 2:
            continue
        words: list[list] = []
        if pinyin_parse(rest, lex["_syl"]):
            words = bucket("py", rest).get(rest, []) or pinyin_pair(rest, lex, bucket)
        if not words and len(rest) <= 4:
            words = bucket("pyi", rest).get(rest, [])
        if words:
            return lex["verbs"][py], words[:3]
    return "", []


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


def _syn_concept(key: str, lex: dict, bucket: Bucket) -> dict[str, Any]:
    alts = [_alt(key, W_SYN_KEY, bucket)] + [_alt(e, 1.0, bucket) for e in lex["syn"][key]]
    return {"text": key, "alts": alts}


def _text_concepts(val: str, lex: dict, bucket: Bucket, n_docs: int, literal: bool,
                   shown: str) -> tuple[list[dict[str, Any]], str]:
    """Concepts of a CJK chunk: each part as typed, or corrected (with a notice).

    The chunk is corrected whole first (a typo may hide a word that a stop character
    would cut: in 护找, 找 is a stop), then each part. Corrected text is understood again:
    身分证补领 corrected to 身份证补领 holds the synonym 身份证, as if typed right.
    """
    whole = val if literal else correct(val, lex, bucket, n_docs)
    if whole != val:
        shown = shown.replace(val, whole, 1)
        again = split_run(whole, lex)
        if any(kind == "syn" for kind, _v in again):
            return _understood_again(again, lex, bucket), shown
        val = whole
    out: list[dict[str, Any]] = []
    for part in refine_text(val, lex, bucket):
        fixed = part if literal else correct(part, lex, bucket, n_docs)
        if fixed == part:
            out.append({"text": part, "alts": [_alt(part, 1.0, bucket)]})
            continue
        shown = shown.replace(part, fixed, 1)
        again = split_run(fixed, lex)
        if any(kind == "syn" for kind, _v in again):
            out += _understood_again(again, lex, bucket)
        else:
            out.append({"text": part, "alts": [_alt(fixed, 1.0, bucket),
                                               _alt(part, W_TYPO_ORIG, bucket)]})
    return out, shown


def _understood_again(pieces: list[tuple[str, str]], lex: dict,
                      bucket: Bucket) -> list[dict[str, Any]]:
    """Concepts of corrected text: its synonyms, and its other parts as they are."""
    out: list[dict[str, Any]] = []
    for kind, v in pieces:
        if kind == "syn":
            out.append(_syn_concept(v, lex, bucket))
        else:
            out += [{"text": part, "alts": [_alt(part, 1.0, bucket)]}
                    for part in refine_text(v, lex, bucket)]
    return out


def _latin_concepts(val: str, lex: dict, bucket: Bucket, plan: dict[str, Any],
                    shown: str) -> tuple[list[dict[str, Any]], str]:
    """Concepts of a latin run: the word itself, Chinese words for pinyin or initials, or
    a task verb plus an object (banhuzhao: 办 + 护照)."""
    out: list[dict[str, Any]] = []
    alts = [_alt(val, 1.0, bucket)] if term_df(val, bucket) else []
    words = pinyin_words(val, lex, bucket)
    verb = ""
    if not words and not alts:
        verb, words = verb_split(val, lex, bucket)
    for k, (w, _sc) in enumerate(words):
        alts.append(_alt(w, 1.0 if k == 0 and not alts else W_PINYIN_OTHER, bucket))
    if words and len(alts) == len(words):
        shown = shown.replace(val, verb + words[0][0], 1)
        again = split_run(words[0][0], lex)
        if any(kind == "syn" for kind, _v in again):
            # Understood again, as if typed in Chinese: 申请低保 holds the synonym 低保.
            alts = []
            out += _understood_again(again, lex, bucket)
    if alts:
        out.append({"text": val, "alts": alts})
    if verb:
        # The verb says what the question is for, and favours titles holding it.
        out.append({"text": verb, "alts": [_alt(verb, 1.0, bucket)], "opt": 1})
        plan["cue"] = plan["cue"] or "service"
    return out, shown


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
            concepts.append(_syn_concept(val, lex, bucket))
            continue
        if kind == "text":
            more, shown = _text_concepts(val, lex, bucket, n_docs, literal, shown)
        else:
            more, shown = _latin_concepts(val, lex, bucket, plan, shown)
        concepts += more
    plan["concepts"] = mark_optional(concepts)
    plan["shown"] = shown if shown != plan["norm"] else ""
    if not plan["cue"] and plan["shown"]:  # what pinyin or a correction turned out to say
        plan["cue"] = find_cue(plan["shown"], lex)
    del plan["pieces"]
    return plan


def mark_optional(concepts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Single characters beside longer words are optional: they only favour titles.

    换 in 我要换身份证 is not a topic of its own (a page need not contain it), but a title
    that holds it (居民身份证换领) answers better than one that does not (…补领).
    """
    if any(len(c["text"]) > 1 for c in concepts):
        for c in concepts:
            if len(c["text"]) == 1 and len(c["alts"]) == 1:
                c["opt"] = 1
    return concepts


def prepare_lexicon(lex: dict) -> dict:
    """Add the lookup sets the query steps use (done once after loading)."""
    lex["_stopset"] = set(lex["stop"])
    lex["_stop1"] = {s for s in lex["stop"] if len(s) == 1}
    lex["_stopmax"] = max((len(s) for s in lex["stop"]), default=1)
    lex["_synmax"] = max((len(s) for s in lex["syn"]), default=1)
    lex["_syl"] = set(lex["syl"].split(" "))
    lex.setdefault("verbs", {})
    lex.setdefault("boost", {})
    return lex
