"""The query lexicon shipped with the index: synonyms, stop phrases, cues, shapes, syllables.

Editors maintain synonyms (and optionally question cues) in ``content/_data/synonyms.yml``::

    synonyms:
      出国: [护照, 出境入境]
      低保: [最低生活保障]
    cues:
      service: [办理, 补办, 到期]
      interpretation: [政策, 补贴, 税]

The indexer writes one small lexicon file; both runtimes read it, so the browser and the
Python side understand a query the same way.
"""
from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from search_index.pinyin import char_readings, syllable_list
from search_index.text import normalize

#: Default question-type cues: a query containing one ranks that kind first.
DEFAULT_CUES: dict[str, list[str]] = {
    "service": ["办理", "补办", "换领", "换证", "到期", "申领", "申办", "挂失", "续签", "注销",
                "预约", "怎么办", "去哪", "材料", "流程", "手续", "网上办"],
    "interpretation": ["政策", "补贴", "补助", "税", "解读", "优惠", "减免", "标准", "待遇"],
    "faq": ["为什么", "能不能", "可不可以", "是不是"],
}


class LexiconError(ValueError):
    """A malformed synonyms file; the message names the file and the entry."""


def _data_lines(name: str) -> list[str]:
    text = resources.files("search_index").joinpath("data", name).read_text("utf-8")
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


def load_synonyms(path: Path | None) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Read ``synonyms.yml``: returns (synonyms, cues). A missing file gives empty synonyms.

    Raises:
        LexiconError: when an entry is not ``phrase: [formal terms]``.
    """
    if path is None or not path.exists():
        return {}, dict(DEFAULT_CUES)
    data = yaml.safe_load(path.read_text("utf-8")) or {}
    if not isinstance(data, dict):
        raise LexiconError(f"{path}: top level must be a mapping with 'synonyms' and 'cues'")
    syn: dict[str, list[str]] = {}
    for key, values in (data.get("synonyms") or {}).items():
        if isinstance(values, str):
            values = [values]
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise LexiconError(f"{path}: synonyms.{key}: expected a list of strings")
        k = normalize(str(key)).replace(" ", "")
        merged = syn.setdefault(k, [])
        merged.extend(normalize(v) for v in values if normalize(v) not in merged)
    cues = dict(DEFAULT_CUES)
    for kind, words in (data.get("cues") or {}).items():
        if not isinstance(words, list):
            raise LexiconError(f"{path}: cues.{kind}: expected a list of strings")
        cues[str(kind)] = [normalize(str(w)) for w in words]
    return syn, cues


def build_lexicon(synonyms_path: Path | None) -> dict[str, Any]:
    """The lexicon object written beside the index (see module docstring)."""
    syn, cues = load_synonyms(synonyms_path)
    stop = [normalize(s) for s in _data_lines("stop.txt")]
    shape: dict[str, list[str]] = {}
    for group in _data_lines("shape.txt"):
        for ch in group:
            shape[ch] = [c for c in group if c != ch]
    # Readings of the shape characters ride along, so a shape typo needs no extra fetch.
    shape_py = {ch: list(char_readings(ch)) for ch in shape}
    return {
        "syn": syn,
        "stop": sorted(set(stop)),
        "cues": cues,
        "shape": shape,
        "shapepy": shape_py,
        "syl": " ".join(syllable_list()),
    }
