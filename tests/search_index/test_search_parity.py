"""The browser runtime (run in Node) and the Python runtime agree on a few hundred queries."""
from __future__ import annotations

import json
import random
import subprocess
from pathlib import Path
from typing import Any

import pytest
from node_search import RUNTIME, run_node
from pypinyin import Style, lazy_pinyin
from search_fixture_docs import DOCS, SYNONYMS

from search_index.runtime import Searcher
from search_index.text import CJK_RE

pytestmark = [pytest.mark.integration, pytest.mark.node]

HOMOPHONES = {"份": "分", "登": "等", "积": "基", "助": "主", "伤": "商", "障": "帐", "证": "正",
              "保": "宝", "险": "显", "护": "户", "照": "找"}


def queries() -> list[str]:
    rnd = random.Random(7)
    out: list[str] = []
    for d in DOCS:
        out += [d.title, d.title[:4], d.title[2:7], d.issuer[:4]]
        runs_ = [r for r in CJK_RE.findall(d.body) if len(r) >= 4]
        for _ in range(6):
            r = rnd.choice(runs_)
            n = rnd.randint(2, min(6, len(r)))
            i = rnd.randint(0, len(r) - n)
            word = r[i:i + n]
            out.append(word)
            syl = lazy_pinyin(word, style=Style.NORMAL)
            out.append("".join(syl))
            out.append("".join(s[0] for s in syl))
            typo = "".join(HOMOPHONES.get(c, c) for c in word)
            out.append(typo)
    for line in SYNONYMS.splitlines():
        if ":" in line and line.startswith("  ") and "[" in line:
            key = line.split(":")[0].strip()
            out += [key, "我要" + key, key + "怎么办理", "北京 " + key]
    out += ["国办函[2011]15号", "国务院令第350号", "查国办函（2011）第15号", "", "   ", "的", "zzz",
            "身份证 到期 补办", "个人所得税 政策", "2018", "app",
            # common phrases whose characters have rare readings (施 yi): no "correction"
            "实施条例", "实施办法", "住房公基金", "身份正到期"]
    return list(dict.fromkeys(out))


def test_node_and_python_give_the_same_top_ten(index_dir: Path, tmp_path: Path) -> None:
    qs = queries()
    assert len(qs) >= 200
    js = run_node(tmp_path, index_dir, qs)
    py = Searcher(index_dir)
    mismatches = []
    for q, j in zip(qs, js, strict=True):
        r = py.search(q, limit=10)
        mine = {"ids": [x["id"] for x in r["results"]], "notice": r["notice"], "total": r["total"]}
        if mine != j:
            mismatches.append((q, mine, j))
    assert not mismatches, mismatches[:5]


def test_filters_sorting_and_ranges_agree(index_dir: Path, tmp_path: Path) -> None:
    cases: list[tuple[str, dict[str, Any]]] = []
    for q in ("条例", "身份证", "护照 办理", "个人所得税", "北京"):
        cases += [(q, {"filters": {"kind": ["policy"]}}), (q, {"sort": "date"}),
                  (q, {"filters": {"date": ["2010", "2019-06"]}}),
                  (q, {"filters": {"level": ["national"], "date": ["", "2012"]}, "sort": "date"})]
    js = run_node(tmp_path, index_dir, cases)
    py = Searcher(index_dir)
    for (q, opts), j in zip(cases, js, strict=True):
        r = py.search(q, limit=10, **opts)
        assert [x["id"] for x in r["results"]] == j["ids"], (q, opts)
        assert r["total"] == j["total"], (q, opts)


def test_suggestions_agree(index_dir: Path, tmp_path: Path) -> None:
    prefixes = ["住", "住房", "住房公", "身份", "个人所", "sh", "gj", "zhufang", "北京", "x", "护"]
    script = tmp_path / "sug.js"
    script.write_text(r"""
const TS = require(process.argv[2]);
const s = new TS.Searcher({dir: process.argv[3]});
(async () => {
  const out = [];
  for (const p of JSON.parse(process.argv[4])) out.push(await s.suggest(p));
  process.stdout.write(JSON.stringify(out));
})();
""", "utf-8")
    res = subprocess.run(["node", str(script), str(RUNTIME), str(index_dir), json.dumps(prefixes)],
                         capture_output=True, text=True, check=True)
    py = Searcher(index_dir)
    js = json.loads(res.stdout)
    assert [py.suggest(p) for p in prefixes] == js
    assert any(len(x) for x in js)
