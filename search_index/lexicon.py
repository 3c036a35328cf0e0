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

from search_index.pinyin import char_readings, syllable_list, word_syllables
from search_index.text import normalize

#: Default question-type cues: what the question is for, from the words that say so.
#: ``service`` is a task (办事), ``interpretation`` a question about a policy (政策),
#: ``faq`` a consultation (咨询), ``complaint`` a complaint (投诉). The longest cue word
#: found decides (怎么申请 outweighs 补助); the editors' ``cues`` add to these.
DEFAULT_CUES: dict[str, list[str]] = {
    "service": ["办理", "补办", "换领", "换证", "到期", "申领", "申办", "挂失", "续签", "注销",
                "预约", "怎么办", "去哪", "材料", "流程", "手续", "网上办", "我要", "我想",
                "申请", "怎么报名", "要带", "带什么"],
    "interpretation": ["政策", "补贴", "补助", "税", "解读", "优惠", "减免", "标准", "待遇"],
    "faq": ["为什么", "能不能", "可不可以", "是不是", "还能", "要不要", "需不需要", "会不会",
            "要自己", "自己去", "自己申请", "能同时", "能一起", "可以同时"],
    "complaint": ["投诉", "举报", "随手拍", "没人管", "曝光", "反映问题"],
}
#: Words that, before a task verb, ask how or where to do it (怎么 + 换 = 怎么换).
TASK_ASKS = ("怎么", "如何", "怎样", "去哪", "去哪里", "在哪", "在哪里", "哪里", "想", "要", "我要", "我想")
#: What each question type ranks first: a factor per kind of page.
CUE_BOOSTS: dict[str, dict[str, float]] = {
    "service": {"service": 2.0, "scenario": 2.0, "faq": 1.2},
    "interpretation": {"interpretation": 2.0, "policy": 1.5},
    "faq": {"faq": 2.0},
    "complaint": {},
}


#: libyaml's safe loader where PyYAML has it (ten times faster on a large synonyms file).
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


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
    # A copy of each list too: the caller extends them, and the defaults must stay as they
    # are for the next build in the same process (tongda serve, a test run).
    cues = {kind: list(words) for kind, words in DEFAULT_CUES.items()}
    if path is None or not path.exists():
        return {}, cues
    data = yaml.load(path.read_text("utf-8"), Loader=_LOADER) or {}  # noqa: S506 - a safe loader
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
    for kind, words in (data.get("cues") or {}).items():
        if not isinstance(words, list):
            raise LexiconError(f"{path}: cues.{kind}: expected a list of strings")
        merged = cues.setdefault(str(kind), [])
        merged.extend(w for w in (normalize(str(w)) for w in words) if w and w not in merged)
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
    # Task verbs by their pinyin, so banhuzhao is read as 办 + 护照.
    verb_list = _data_lines("verbs.txt")
    verbs = {"".join(word_syllables(v)): v for v in verb_list}
    # "怎么换", "去哪办", "想办", "要补": asking how or where to do something is a task.
    task = cues.setdefault("service", [])
    task.extend(w for w in (a + v for a in TASK_ASKS for v in verb_list) if w not in task)
    return {
        "syn": syn,
        "stop": sorted(set(stop)),
        "cues": cues,
        "boost": {k: CUE_BOOSTS.get(k, {}) for k in sorted(cues)},
        "verbs": dict(sorted(verbs.items())),
        "shape": shape,
        "shapepy": shape_py,
        "syl": " ".join(syllable_list()),
    }
