"""Generated pages: the home page, listings by kind and by facet (paginated), A–Z, 404."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pypinyin
from pypinyin import Style, lazy_pinyin

from search_index.store import read_kept, write_kept
from site_builder.content.corpus import Corpus, Entry
from site_builder.content.model import KIND_FOLDERS, KIND_LABELS, LEVEL_LABELS

FACETS: dict[str, tuple[str, Callable[[Entry], Iterable[str]]]] = {
    "issuer": ("发文机关", lambda e: [getattr(e.meta, "issuer", None) or ""] if e.kind == "policy" else []),
    "level": ("层级", lambda e: [e.meta.level] if e.kind == "policy" else []),  # type: ignore[attr-defined]
    "year": ("发布年份", lambda e: [str(e.meta.published.year)]  # type: ignore[attr-defined]
             if e.kind == "policy" and e.meta.published else []),  # type: ignore[attr-defined]
    "doc_type": ("文种", lambda e: [e.meta.doc_type] if e.kind == "policy" else []),  # type: ignore[attr-defined]
    "topic": ("专题", lambda e: list(e.meta.topics)),
    "audience": ("服务对象", lambda e: list(e.meta.audiences)),
    "life_stage": ("人生阶段", lambda e: list(e.meta.life_stages)),
}
FACET_PATHS = {"life_stage": "life-stage", "doc_type": "doc-type"}
LISTED_KINDS = ("policy", "interpretation", "service", "faq", "topic", "scenario")


def slug(text: str) -> str:
    """A readable ASCII slug: pinyin for Chinese (国务院 → guo-wu-yuan)."""
    # "travel" stays one word (pypinyin's stubs say the callback returns str; a list of
    # words is what it documents and accepts)
    words = lazy_pinyin(text, errors=lambda chars: [chars])  # type: ignore[arg-type,return-value]
    joined = "-".join(w.lower() for w in words)
    joined = re.sub(r"[^a-z0-9]+", "-", joined).strip("-")
    return joined[:60].rstrip("-") or "x"


def initial(title: str) -> str:
    """First letter of a title's pinyin, A–Z, or '#' for anything else."""
    first = lazy_pinyin(title[:1], style=Style.FIRST_LETTER, errors="default")
    letter = (first[0][:1] if first else "").upper()
    return letter if "A" <= letter <= "Z" else "#"


class Readings:
    """``lazy_pinyin`` of titles and facet values, kept between builds in ``path``: pypinyin
    takes most of a millisecond a title, two seconds for the A–Z index of 3,000 laws."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.known: dict[str, list[str]] = {}
        self.used: set[str] = set()
        self._dirty = False
        kept = read_kept(path, pypinyin.__version__) if path is not None else None
        if kept is not None:
            self.known = kept["readings"]

    def __call__(self, text: str) -> list[str]:
        self.used.add(text)
        out = self.known.get(text)
        if out is None:
            out = self.known[text] = lazy_pinyin(text)
            self._dirty = True
        return out

    def save(self) -> None:
        """Keep the readings this build used (others are forgotten)."""
        if self.path is None or not (self._dirty or len(self.known) > len(self.used)):
            return
        write_kept(self.path, pypinyin.__version__,
                   {"readings": {t: self.known[t] for t in self.used}})


@dataclass
class Listing:
    """One page of a list of documents."""

    key: str
    title: str
    base_url: str
    items: list[str]
    page: int = 1
    pages: int = 1
    facet: str | None = None
    value: str | None = None
    groups: list[dict[str, object]] = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.base_url if self.page == 1 else f"{self.base_url}page/{self.page}/"

    def page_url(self, number: int) -> str:
        return self.base_url if number == 1 else f"{self.base_url}page/{number}/"


def facet_label(facet: str, value: str, corpus: Corpus) -> str:
    if facet == "level":
        return LEVEL_LABELS.get(value, value)
    if facet == "topic" and value in corpus.documents:
        return corpus.documents[value].meta.title
    if facet == "year":
        return f"{value}年"
    return value


def _paginate(key: str, title: str, base_url: str, ids: list[str], size: int,
              **extra: object) -> list[Listing]:
    chunks = [ids[i:i + size] for i in range(0, len(ids), size)] or [[]]
    return [Listing(key, title, base_url, chunk, n + 1, len(chunks), **extra)  # type: ignore[arg-type]
            for n, chunk in enumerate(chunks)]


def build_listings(corpus: Corpus, page_size: int, facets: list[str],
                   readings: Readings | None = None) -> list[Listing]:
    """Every generated listing page of the site (``readings``: pinyin kept between builds)."""
    readings = readings or Readings()
    out: list[Listing] = []
    for kind in LISTED_KINDS:
        ids = [e.id for e in corpus.of_kind(kind)]
        out += _paginate(f"kind:{kind}", KIND_LABELS[kind], f"{KIND_FOLDERS[kind]}/", ids, page_size)
    for facet in facets:
        label, values_of = FACETS[facet]
        members: dict[str, list[str]] = defaultdict(list)
        for entry in sorted(corpus.documents.values(), key=_order):
            for value in values_of(entry):
                if value:
                    members[value].append(entry.id)
        path = FACET_PATHS.get(facet, facet)
        slugs = _unique_slugs(sorted(members), facet)
        groups = [{"label": facet_label(facet, v, corpus), "url": f"by/{path}/{slugs[v]}/",
                   "count": len(members[v])} for v in _facet_order(facet, members, readings)]
        out.append(Listing(f"facet:{facet}", f"按{label}浏览", f"by/{path}/", [],
                           facet=facet, groups=groups))
        for value in _facet_order(facet, members, readings):
            title = f"{label}：{facet_label(facet, value, corpus)}"
            out += _paginate(f"{facet}:{value}", title, f"by/{path}/{slugs[value]}/",
                             members[value], page_size, facet=facet, value=value)
    out += _a_to_z(corpus, readings)
    return out


def _order(entry: Entry) -> tuple[object, ...]:
    from site_builder.content.corpus import sort_key

    return sort_key(entry)


def _facet_order(facet: str, members: dict[str, list[str]],
                 readings: Callable[[str], list[str]] = lazy_pinyin) -> list[str]:
    if facet == "year":
        return sorted(members, reverse=True)
    if facet == "level":
        return [v for v in LEVEL_LABELS if v in members]
    return sorted(members, key=lambda v: (-len(members[v]), readings(v)))


def _unique_slugs(values: list[str], facet: str) -> dict[str, str]:
    out: dict[str, str] = {}
    used: set[str] = set()
    for value in values:
        base = value if facet in ("level", "year") else slug(value)
        candidate, n = base, 2
        while candidate in used:
            candidate, n = f"{base}-{n}", n + 1
        used.add(candidate)
        out[value] = candidate
    return out


def _a_to_z(corpus: Corpus, readings: Callable[[str], list[str]] = lazy_pinyin) -> list[Listing]:
    letters: dict[str, list[str]] = defaultdict(list)
    keyed = [(readings(e.meta.title), e) for e in corpus.documents.values()]
    for syllables, entry in sorted(keyed, key=lambda pair: (pair[0], pair[1].id)):
        first = syllables[0][:1].upper() if syllables else ""
        letters[first if "A" <= first <= "Z" else "#"].append(entry.id)
    order = [chr(c) for c in range(ord("A"), ord("Z") + 1)] + ["#"]
    groups = [{"label": L, "url": f"a-z/{'other' if L == '#' else L.lower()}/",
               "count": len(letters[L])} for L in order if letters.get(L)]
    out = [Listing("az", "A–Z 索引", "a-z/", [], facet="az", groups=groups)]
    for letter in order:
        if letters.get(letter):
            name = "other" if letter == "#" else letter.lower()
            out.append(Listing(f"az:{letter}", f"A–Z 索引：{letter}", f"a-z/{name}/",
                               letters[letter], facet="az", value=letter, groups=groups))
    return out
