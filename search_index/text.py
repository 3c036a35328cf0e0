"""Text normalisation and tokenisation shared by the indexer and the Python runtime.

Every rule here has a twin in ``runtime/tongda-search.js``; the parity test keeps them equal.
"""
from __future__ import annotations

import re
import unicodedata

#: CJK unified ideographs (basic, extension A, compatibility).
CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
#: A run of CJK characters or of latin letters/digits; everything else separates.
RUN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[a-z0-9]+")
#: Document numbers: 国办函〔2018〕71号, 国发[2021]7号, 国务院令第306号 ...
DOCNUM_RE = re.compile(
    r"([\u4e00-\u9fff]{1,12})\s*[〔\[（(【]\s*(\d{4})\s*[〕\]）)】]\s*第?\s*(\d{1,5})\s*号"
)
ORDER_RE = re.compile(r"([\u4e00-\u9fff]{1,16}令)\s*第?\s*(\d{1,5})\s*号")


def is_cjk(ch: str) -> bool:
    """Tell whether one character is a CJK ideograph."""
    return bool(CJK_RE.fullmatch(ch))


def normalize(text: str) -> str:
    """NFKC (full-width latin to half-width), lower case, collapse whitespace."""
    text = unicodedata.normalize("NFKC", text).lower()
    return re.sub(r"\s+", " ", text).strip()


def runs(text: str) -> list[str]:
    """Split normalised text into CJK runs and latin/digit runs, dropping punctuation."""
    return RUN_RE.findall(text)


def bigrams(run: str) -> list[str]:
    """Character bigrams of a CJK run (the run itself when it has one character)."""
    if len(run) < 2:
        return [run] if run else []
    return [run[i : i + 2] for i in range(len(run) - 1)]


def docnum_keys(text: str) -> list[str]:
    """Canonical forms of the document number in ``text``, longest issuer first.

    ``国办函[2018]71号``, ``国办函（2018）第71号`` and ``国办函〔2018〕71号`` all give
    ``国办函〔2018〕71号``, so a lookup table answers any spelling exactly. Words typed
    before the number without a space (查国办函…) cannot be told from the issuer, so the
    runtime tries each shorter issuer too.
    """
    t = unicodedata.normalize("NFKC", text)
    m = DOCNUM_RE.search(t)
    if m:
        head, tail = m.group(1), f"〔{m.group(2)}〕{m.group(3)}号"
    else:
        m = ORDER_RE.search(t)
        if not m:
            return []
        head, tail = m.group(1), f"第{m.group(2)}号"
    return [head[i:] + tail for i in range(max(1, len(head) - 1))]


def docnum_key(text: str) -> str | None:
    """The canonical document number in ``text`` (longest reading), or None."""
    keys = docnum_keys(text)
    return keys[0] if keys else None


def fnv1a(key: str) -> int:
    """32-bit FNV-1a over the code points of ``key`` (JS: Math.imul over codePointAt)."""
    h = 0x811C9DC5
    for ch in key:
        h = ((h ^ ord(ch)) * 16777619) & 0xFFFFFFFF
    return h


def term_key(term: str) -> str:
    """Key that picks a term's bucket: CJK terms share the bucket of their first bigram.

    So fetching the bucket of a query bigram also brings every indexed word that starts
    with that bigram, and the runtime can find words in the query without a dictionary.
    """
    if term and is_cjk(term[0]):
        return term[:2]
    return term
