"""The browser runtime and the Python runtime agree on any query, not only a fixed list.

Queries are generated (Hypothesis) from the fixture portal's own vocabulary, the way
citizens type: titles and tags cut anywhere, pinyin and initials, a task verb in pinyin
before an object, homophone typos, cue words and function words around them, several
pieces with or without spaces. Each generated batch runs once in Node (the browser's
``tongda-search.js``) and in Python; top ten, totals, scores and notices must be equal.
The index has every kind of page, learned aliases and readers' votes.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import node_search
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from pypinyin import Style, lazy_pinyin
from task_fixture_docs import DOCS, FEEDBACK, SYNONYMS, build

from search_index.lexicon import DEFAULT_CUES
from search_index.runtime import Searcher
from search_index.text import CJK_RE

pytestmark = [pytest.mark.integration, pytest.mark.node]


def _words() -> list[str]:
    out: set[str] = set()
    for d in DOCS:
        out.add(d.title)
        out.update(d.keywords)
        for run in CJK_RE.findall(d.body):
            out.update(run[i:i + n] for n in (2, 3, 4) for i in range(0, max(len(run) - n, 0), 3))
    for line in SYNONYMS.splitlines():
        if line.startswith("  ") and ":" in line and "[" in line:
            out.add(line.split(":")[0].strip())
    return sorted(w for w in out if w)


WORDS = _words()
CUES = sorted({w for ws in DEFAULT_CUES.values() for w in ws})
FUNCTION_WORDS = ["我要", "我想", "怎么", "的", "了", "吗", "个", "去哪里", "请问", "要"]
VERBS = ["ban", "huan", "bu", "ling", "shenqing", "banli"]
#: Characters and a homophone or look-alike a citizen might type instead.
TYPOS = {"份": "分", "登": "等", "护": "户", "照": "找", "证": "正", "保": "包", "险": "显",
         "领": "令", "犬": "大", "费": "废", "补": "捕"}


def _pinyin(text: str, initials: bool = False) -> str:
    syl = lazy_pinyin(text, style=Style.NORMAL, errors="ignore")
    return "".join(s[0] for s in syl if s) if initials else "".join(syl)


@st.composite
def piece(draw: st.DrawFn) -> str:
    word = draw(st.sampled_from(WORDS))
    if len(word) > 2 and draw(st.booleans()):
        i = draw(st.integers(0, len(word) - 2))
        word = word[i:i + draw(st.integers(2, min(6, len(word) - i)))]
    form = draw(st.sampled_from(["as is", "pinyin", "initials", "verb", "typo", "cue", "function"]))
    if form == "pinyin":
        return _pinyin(word)
    if form == "initials":
        return _pinyin(word, initials=True)[:6]
    if form == "verb":
        return draw(st.sampled_from(VERBS)) + _pinyin(word[:4])
    if form == "typo":
        return "".join(TYPOS.get(c, c) for c in word)
    if form == "cue":
        cue = draw(st.sampled_from(CUES))
        return cue + word if draw(st.booleans()) else word + cue
    if form == "function":
        return draw(st.sampled_from(FUNCTION_WORDS)) + word + draw(st.sampled_from(["", "吗", "了"]))
    return word


@st.composite
def query(draw: st.DrawFn) -> str:
    parts = draw(st.lists(piece(), min_size=1, max_size=3))
    return draw(st.sampled_from(["", " "])).join(parts)


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("parity-tasks"), feedback=FEEDBACK)


def run_node(index_dir: Path, queries: list[str]) -> list[Any]:
    """The browser runtime's answers, run under Node: everything ``answers`` compares."""
    return node_search.run_node(index_dir.parent, index_dir, queries,
                                fields=("ids", "scores", "notice", "total", "cue"))


def answers(s: Searcher, q: str) -> dict[str, Any]:
    r = s.search(q, limit=10)
    return {"ids": [x["id"] for x in r["results"]], "scores": [x["score"] for x in r["results"]],
            "notice": r["notice"], "total": r["total"], "cue": r["plan"]["cue"]}


# No shrinking: each example costs a Node process, and the message lists the queries.
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow],
          phases=[Phase.explicit, Phase.reuse, Phase.generate])
@given(st.lists(query(), min_size=30, max_size=60, unique=True))
def test_generated_queries_rank_alike_in_node_and_python(index_dir: Path, queries: list[str]) -> None:
    py = Searcher(index_dir)
    js = run_node(index_dir, queries)
    mismatches = [(q, mine, theirs) for q, theirs in zip(queries, js, strict=True)
                  if (mine := answers(py, q)) != theirs]
    assert not mismatches, mismatches[:3]


def test_the_cases_the_ranking_was_built_for_agree(index_dir: Path) -> None:
    queries = ["开个小店要办什么手续", "banhuzhao", "huanshenfenzheng", "换身份证", "身分证补领",
               "护找办理", "我要出国", "小微企业所得税优惠政策", "残疾证丢了怎么补", "养狗", "补贴", "",
               "zzz", "路灯坏了没人管"]
    py = Searcher(index_dir)
    assert run_node(index_dir, queries) == [answers(py, q) for q in queries]
