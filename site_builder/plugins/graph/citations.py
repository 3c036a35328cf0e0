"""Find citations in documents' titles and bodies and resolve them to documents.

One pass of one compiled regex over each body finds 《…》 titles and document numbers
(国办函〔2018〕71号, 国务院令第306号); every hit is a dictionary lookup in a ``TitleIndex``,
so the cost grows with the text, not with titles × documents.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple

from site_builder.content.corpus import Corpus, Entry

from .titles import PRC, TitleIndex, choose_version, cn_number, title_key

SCANNED_KINDS = ("policy", "interpretation", "service", "faq")
# One pattern per opening character: each has a literal first character, which the regex
# engine finds with a fast scan; one alternation of them all is five times slower.
_FINDERS = [
    re.compile(r"《(?P<t>[^《》\n]{1,120})》"),
    re.compile(r"〔(?P<y>\d{4})〕第?(?P<n>\d{1,5})号"),
    re.compile(r"\[(?P<y>\d{4})\]第?(?P<n>\d{1,5})号"),
    re.compile(r"令第?(?P<o>[0-9零〇一二三四五六七八九十百千]{1,8})号"),
]
# The title says what it implements: 北京市实施《…》办法, …法实施条例, 浙江省实施…法办法.
_IMPLEMENTS_QUOTED = re.compile(r"实施《(?P<x>[^《》]+)》")
_IMPLEMENTS_SUFFIX = re.compile(r"^(?P<x>.+?)实施(?:条例|细则|办法)$")
_IMPLEMENTS_LOCAL = re.compile(r"^.{2,12}?(?:省|市|自治区|县|区)实施(?P<x>.+?)(?:的)?(?:办法|若干规定|细则|规定)$")
_BASIS_BEFORE = re.compile(r"根据|依据|依照|按照|为了?(?:贯彻|实施|执行)|贯彻(?:实施|执行|落实)?|实施")
_BASIS_AFTER = re.compile(r"制定本|制订本")
_HEADER_END = "<!-- INFO END -->"
_ISSUER_TAIL = re.compile(r"[\u4e00-\u9fff]{1,6}$")
# Cited names too generic to report when they resolve to nothing (《条例》 defined locally).
_GENERIC = {"条例", "办法", "规定", "细则", "决定", "通知", "意见", "规则", "本条例", "本办法",
            "实施细则", "实施办法", "若干规定", "规划", "方案", "标准"}
# 《…》 names a form or a certificate as often as a document (《残疾人证》, 《…申领登记表》);
# unresolved, those are no missing documents.
_NOT_A_DOCUMENT = re.compile(r"(?:证|证书|证明|表|申请书|通知书|回执)$")
# A national or trade standard, cited with its number: 《…》（GB/T 37668-2019）.
_STANDARD_AFTER = re.compile(r"\s*[（(]\s*(?:GB|DB|[A-Z]{2})(?:/T|/Z)?\s*\d")
# The sentence retires the cited document (…施行，《××条例》同时废止): an old text the site
# need not hold.
_RETIRED_AFTER = re.compile(r"同时废止|同时失效|予以废止|停止执行")


class Citation(NamedTuple):
    """A reference found in a document: what was written, where, and what it resolves to.

    A named tuple: the citations of 3,000 laws are made again from the cache on every
    build, and a tuple is made four times faster than a frozen dataclass."""

    source: str
    text: str
    where: str
    line: int
    target: str | None
    basis: bool = False
    """The citing document says it is made under the cited one (根据《…》…制定本条例)."""


@dataclass
class Findings:
    """Every citation found in a corpus, resolved or not."""

    citations: list[Citation] = field(default_factory=list)

    @property
    def resolved(self) -> list[Citation]:
        return [c for c in self.citations if c.target is not None]

    @property
    def unresolved(self) -> list[Citation]:
        return [c for c in self.citations if c.target is None]


class CitationFinder:
    """Finds the citations of every document of a corpus against its own titles and 文号."""

    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus
        self.index = TitleIndex.build(corpus)

    def find_all(self) -> Findings:
        """Scan every document (titles and bodies) once."""
        findings = Findings()
        for entry in self.corpus.documents.values():
            if entry.kind in SCANNED_KINDS:
                findings.citations.extend(self.find(entry))
        return findings

    def occurrences(self, entry: Entry) -> list[Citation]:
        """Every citation of one document, in its title and then its body, in order."""
        return [*self._from_title(entry), *self._from_body(entry)]

    def find(self, entry: Entry) -> list[Citation]:
        """Citations of one document, one per target (one per text when unresolved)."""
        out: list[Citation] = []
        seen: set[tuple[str, str | None]] = set()
        for citation in self.occurrences(entry):
            key = (citation.text if citation.target is None else "", citation.target)
            if key in seen and not citation.basis:
                continue
            seen.add(key)
            out.append(citation)
        return out

    def _from_title(self, entry: Entry) -> list[Citation]:
        title = entry.meta.title
        line = entry.source.line_of(("title",)) or 1
        where = f"{entry.src_path}:{line}"
        out: list[Citation] = []
        implemented: set[str] = set()
        for pattern in (_IMPLEMENTS_QUOTED, _IMPLEMENTS_SUFFIX, _IMPLEMENTS_LOCAL):
            for match in pattern.finditer(title):
                target = self._resolve_title(match["x"], entry)
                if target is not None and target.id not in implemented:
                    implemented.add(target.id)
                    out.append(Citation(entry.id, match["x"], where, line, target.id, basis=True))
        for match in re.finditer(r"《([^《》]+)》", title):
            if match.start() >= 2 and title[match.start() - 2:match.start()] == "实施":
                continue
            target = self._resolve_title(match[1], entry)
            out.append(Citation(entry.id, match[1], where, line, target.id if target else None))
        return out

    def _from_body(self, entry: Entry) -> list[Citation]:
        body = entry.body
        start = body.find(_HEADER_END)
        # The header block repeats the document's own history (its adoption and the
        # decisions that amended it), which the front matter's ``history`` already holds.
        pos = start + len(_HEADER_END) if start >= 0 else 0
        line = entry.body_line + body.count("\n", 0, pos)
        out: list[Citation] = []
        matches = [m for finder in _FINDERS for m in finder.finditer(body, pos)]
        matches.sort(key=lambda m: m.start())
        last_end = 0
        own_key = title_key(entry.meta.title)
        for match in matches:
            if match.start() < last_end:
                continue  # a 文号 inside a cited title is part of that citation
            last_end = match.end()
            line += body.count("\n", pos, match.start())
            pos = match.start()
            citation = self._citation(entry, body, match, line, own_key)
            if citation is not None:
                out.append(citation)
        return out

    def _citation(self, entry: Entry, body: str, match: re.Match[str], line: int,
                  own_key: str) -> Citation | None:
        where = f"{entry.src_path}:{line}"
        groups = match.groupdict()
        if (cited := groups.get("t")) is not None:
            key = title_key(cited)
            if key == own_key or key in _GENERIC or len(key) < 3:
                return None
            target = self._resolve_title(cited, entry, key)
            if target is None:
                if _not_a_document(cited, body, match.end()):
                    return None
                return Citation(entry.id, cited, where, line, None)
            basis = _is_basis(body, match.start(), match.end())
            return Citation(entry.id, cited, where, line, target.id, basis)
        before = body[max(0, match.start() - 24):match.start()]
        if groups.get("o") is not None:
            serial, series = cn_number(match["o"]), "令"
            text = _issuer_tail(before) + match[0]
        else:
            serial, series = int(match["n"]), match["y"]
            text = _issuer_tail(before) + match[0]
        if serial is None:
            return None
        found = self.index.number_candidates(series, serial, before)
        own = getattr(entry.meta, "doc_number", None)
        if found:
            target = choose_version(found, entry)
            number = getattr(target.meta, "doc_number", None) or text
            return None if target.id == entry.id else Citation(entry.id, number, where, line, target.id)
        if own and title_key(own).replace(PRC, "").endswith(title_key(text).replace(PRC, "")):
            return None
        return Citation(entry.id, text, where, line, None) if len(text) > len(match[0]) else None

    def _resolve_title(self, cited: str, citing: Entry, key: str | None = None) -> Entry | None:
        candidates = [e for e in self.index.candidates(cited, key) if e.id != citing.id]
        if not candidates:
            return None
        return choose_version(candidates, citing)


def _not_a_document(cited: str, body: str, end: int) -> bool:
    """Whether an unresolved 《…》 is no document the site lacks: a form or certificate, a
    standard cited with its number, or a document the text says is retired."""
    if _NOT_A_DOCUMENT.search(cited) or _STANDARD_AFTER.match(body, end):
        return True
    # Retired anywhere in this text (施行…《××条例》同时废止): every mention of it is history.
    quoted = f"《{cited}》"
    at = body.find(quoted)
    while at >= 0:
        after = at + len(quoted)
        stops = [i for i in (body.find("。", after), body.find("\n", after)) if i >= 0]
        if _RETIRED_AFTER.search(body, after, min([*stops, after + 24])):
            return True
        at = body.find(quoted, after)
    return False


def _issuer_tail(before: str) -> str:
    match = _ISSUER_TAIL.search(before)
    return match[0] if match else ""


def _is_basis(body: str, start: int, end: int) -> bool:
    """Whether the sentence around a citation says the document is made under it."""
    left = max(body.rfind("。", 0, start), body.rfind("\n", 0, start)) + 1
    right_stop = [i for i in (body.find("。", end), body.find("\n", end)) if i >= 0]
    right = min(right_stop) if right_stop else len(body)
    return bool(_BASIS_BEFORE.search(body, left, start)) and bool(
        _BASIS_AFTER.search(body, end, right))
