"""Write the fixtures of the Node unit tests (``tests/js/*.test.cjs``) into ``tests/js/fixtures``.

    .venv/bin/python tests/js/make_fixtures.py

* ``search/`` and ``tasks/``: the search indexes of the search tests' documents
  (``tests/search_index/search_fixture_docs.py``; ``task_fixture_docs.py`` with its votes),
  written by the real indexer;
* ``expected.json``: the Python runtime's answers (``search_index/runtime.py``) to the
  queries below, which the browser runtime must give too (``search-runtime.test.cjs``);
* ``page.html`` and ``timing.json``: a service guide of the audio fixture site, built with
  the real theme (toolbar, overlays, player), and its reading timing map;
* ``search.html``: the search plugin's results page body.

``tests/js/test_js_units.py`` writes them again into a temporary folder and fails when the
committed copies differ: rerun this script after changing the indexer, the theme or a fixture.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any
from unittest import mock

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"
AUDIO_SITE = ROOT / "tests" / "fixtures" / "audio-site"
PAGE = "services/id-card-renewal"

if str(ROOT / "tests" / "search_index") not in sys.path:
    sys.path.insert(0, str(ROOT / "tests" / "search_index"))

#: (group, index, query, options): each group is one Node test, so a change in one part of
#: the runtime runs only the tests that reach it.
SEARCHES: list[tuple[str, str, str, dict[str, Any]]] = [
    *[("titles", "search", q, {}) for q in (
        "个人所得税法", "个人所得税", "中华人民共和国护照法", "住房公积金", "劳动合同", "工伤保险条例",
        "北京 停车", "上海 停车", "条例", "最低生活保障", "停车场（库）", "法律援助", "居民身份证",
        "吸烟", "北京市", "中华人民共和国", "实施条例", "个人所得税法实施条例", "养犬管理", "职工",
        "第一条")],
    *[("typos", "search", q, {}) for q in (
        "身分证", "户口等记", "住房公基金", "工商保险", "身分证 到期", "护找", "最低生活保帐",
        "劳动合通", "个人所的税", "法律援主", "居民身分证法", "户口登记条列")],
    # a shape-alike character (入 for 人, 士 for 土, 检 for 险), a near reading (以 for 施),
    # two typos in one query, and replacements that would break a pair the site often writes
    *[("typos", "search", q, {}) for q in (
        "个入所得税", "国有士地", "工伤保检", "实以条例", "提施条例", "为动车停车", "住房公之金",
        "专项附加扣主", "专项附加扣出", "劳懂合同", "个人所得水", "设会秩序", "申睛办理",
        "户口等记条列", "身分证护找", "实以条例实以条例")],
    ("typos", "tasks", "居民身分证法实施条列", {}),
    ("typos", "search", "身分证", {"literal": True}),
    ("typos", "search", "户口等记", {"literal": True}),
    *[("pinyin", "search", q, {}) for q in (
        "huzhao", "gongjijin", "sfz", "zhufang", "jumin", "shenfenzheng", "laodonghetong", "zfgjj",
        "tingche", "ldht", "gs", "beijing", "hz", "falvyuanzhu", "xiyan", "gongjijin tiqu", "hzbl",
        "huzhaobanli")],
    # a task verb before initials (ban + gs: 办 工商), and before initials that also begin a word
    *[("pinyin", "tasks", q, {}) for q in ("bangs", "banlijm")],
    *[("synonyms", "search", q, {}) for q in (
        "我要出国", "房子被拆迁怎么补偿", "被公司辞退", "低保", "养狗", "出国 办理", "低保 北京",
        "我想养狗", "辞退补偿", "出国")],
    *[("docnum", "search", q, {}) for q in (
        "国办函[2011]15号", "国务院令第350号", "查国办函（2011）第15号", "主席令第51号",
        "国办函〔2011〕15号 补偿", "国办函〔2099〕1号", "国务院令第999号", "办函〔2011〕15号")],
    ("docnum", "search", "国办函[2011]15号", {"filters": {"kind": ["service"]}}),
    *[("cues", "search", q, {}) for q in (
        "身份证到期", "护照办理", "个人所得税 政策", "补办身份证", "税", "办理", "身份证 补贴",
        "护照 办 理", "身份证 补 办")],
    *[("edge", "search", q, {}) for q in (
        "", "   ", "的", "zzz", "zzzzqqq", "2018", "app", "Ｂｅｉｊｉｎｇ", "身份证！！", "<script>",
        "身", "证", "的的的", "a", "中华人民共和国的", "\u3000护照\u3000")],
    *[("filters", "search", q, opts) for q in ("条例", "身份证", "护照 办理", "北京") for opts in (
        {"filters": {"kind": ["policy"]}}, {"sort": "date"},
        {"filters": {"date": ["2010", "2019-06"]}},
        {"filters": {"level": ["national"], "date": ["", "2012"]}, "sort": "date"})],
    ("filters", "search", "条例", {"filters": {"kind": ["policy", "service"]}}),
    ("filters", "search", "条例", {"filters": {"date": ["2011-01-21", "2011-01-21"]}}),
    ("filters", "search", "条例", {"filters": {"date": ["1999-09", ""]}, "sort": "date"}),
    ("filters", "search", "条例", {"filters": {"issuer": ["国务院"], "level": ["national"]}}),
    ("filters", "search", "条例", {"filters": {"kind": ["nonexistent"]}}),
    ("filters", "search", "条例", {"offset": 3, "limit": 4}),
    ("filters", "search", "条例", {"offset": 20, "limit": 10}),
    ("filters", "search", "条例", {"limit": 0}),
    # pages without a date: date order keeps them in rank order, last
    *[("filters", "tasks", q, {"sort": "date"}) for q in ("身份证", "护照")],
    ("facets", "search", "身份证", {"facets": True}),
    ("facets", "search", "条例", {"facets": True, "filters": {"level": ["province"]}}),
    ("facets", "search", "zzz", {"facets": True}),
    *[("tasks", "tasks", q, {}) for q in (
        "开个小店要办什么手续", "残疾证丢了怎么补", "我要出国", "小微企业所得税优惠政策", "banhuzhao",
        "huanshenfenzheng", "换身份证", "补身份证", "身分证补领", "护找办理", "办狗证", "养狗",
        "狗证要交钱吗", "家里困难", "身份证丢了", "补贴", "路灯坏了没人管", "banli", "bugongshang",
        "shenqingdibao", "办护照要多久", "身份证丢了怎么办", "ban", "lingz", "huzhao jiaji")],
]
#: (query, options) as the results page asks them (search.html: ?q=...&page=...): its tests
#: answer from these, so that they test the page, not the ranking again.
PAGES: list[tuple[str, dict[str, Any]]] = [
    (q, {"filters": f, "sort": sort, "offset": offset, "limit": 10, "facets": True, "literal": literal})
    for q, f, sort, offset, literal in (
        ("身份证", {}, "relevance", 0, False),
        ("身份证", {"kind": ["policy"], "date": ["2000", ""]}, "relevance", 0, False),
        ("条例", {}, "date", 0, False),
        ("中华人民共和国", {"status": ["effective"], "date": ["1990", ""]}, "date", 10, False),
        ("中华人民共和国", {}, "relevance", 0, False),
        ("北京", {}, "relevance", 0, False),
        ("身分证", {}, "relevance", 0, False),
        ("身分证", {}, "relevance", 0, True),
        ("<img src=x>", {}, "relevance", 0, False),
        ("条例", {"date": ["2010", "2019"]}, "relevance", 0, False),
        ("国有土地", {}, "relevance", 0, False),
        ("中华人民共和国", {}, "relevance", 0, True))]
#: (index, prefix) for suggest().
SUGGESTS: list[tuple[str, str]] = [
    (ix, p) for ix, ps in (
        ("search", ["住", "住房", "住房公", "身份", "个人所", "sh", "gj", "zhufang", "北京", "x", "护",
                    "", " ", "中华人民共和国", "ZHU", "居民身份证法", "zfgjj", "个",
                    " 住 房", "s h"]),
        ("tasks", ["身", "身份证", "hu", "办", "残疾"]))
    for p in ps]


def _plain(x: Any) -> Any:
    """JSON without Infinity: an exact 文号 hit's score is written as the string "inf"."""
    if isinstance(x, float) and math.isinf(x):
        return "inf"
    if isinstance(x, dict):
        return {k: _plain(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_plain(v) for v in x]
    return x


def _answers(indexes: dict[str, Path]) -> dict[str, Any]:
    from search_index.runtime import Searcher

    searchers = {name: Searcher(path) for name, path in indexes.items()}
    searches = []
    for group, ix, q, opts in SEARCHES:
        s = searchers[ix]
        r = s.search(q, **opts)
        searches.append({
            "group": group, "index": ix, "q": q, "opts": opts,
            "ids": [x["id"] for x in r["results"]], "scores": [x["score"] for x in r["results"]],
            "docs": [x["doc"] for x in r["results"]],
            "total": r["total"], "notice": r["notice"], "shown": r["shown"], "plan": r["plan"],
            "facets": r.get("facets"),
            "excerpts": [s.excerpt(x, r["plan"]) for x in r["results"][:3]],
        })
    suggests = [{"index": ix, "prefix": p, "out": searchers[ix].suggest(p)} for ix, p in SUGGESTS]
    pages = []
    for q, opts in PAGES:
        r = searchers["search"].search(q, **opts)
        pages.append({"q": q, "opts": opts, "answer": {
            "total": r["total"], "results": r["results"], "plan": r["plan"], "shown": r["shown"],
            "notice": r["notice"], "facets": r["facets"],
            "excerpts": [searchers["search"].excerpt(x, r["plan"]) for x in r["results"]]}})
    return _plain({"searches": searches, "suggests": suggests, "pages": pages})


def _page(tmp: Path) -> tuple[str, str]:
    """The audio fixture's service guide and its timing map, built with the real theme."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    project = tmp / "audio-site"
    shutil.copytree(AUDIO_SITE, project, ignore=shutil.ignore_patterns(".tongda-cache", "site"))
    # a cache of its own: clips left in the project's cache by an earlier build must not make
    # the fixture differ from what a fresh clone writes
    with mock.patch.dict(os.environ, TONGDA_AUDIO_CACHE=str(tmp / "audio-cache")):
        build(load_config(str(project / "mkdocs.yml"), site_dir=str(project / "site")))
    site = project / "site"
    return ((site / PAGE / "index.html").read_text("utf-8"),
            (site / "audio" / f"{PAGE}.json").read_text("utf-8"))


def write_fixtures(out: Path) -> None:
    """Write every fixture into ``out`` (emptied first)."""
    import search_fixture_docs
    import task_fixture_docs

    from site_builder.plugins.search.plugin import PAGE_BODY

    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        built = {"search": search_fixture_docs.build(tmp / "search"),
                 "tasks": task_fixture_docs.build(_mkdir(tmp / "tasks"), feedback=task_fixture_docs.FEEDBACK)}
        indexes = {}
        for name, folder in built.items():
            shutil.copytree(folder, out / name)
            indexes[name] = out / name
        page, timing = _page(tmp)
    (out / "expected.json").write_text(
        json.dumps(_answers(indexes), ensure_ascii=False, indent=1, sort_keys=True) + "\n", "utf-8")
    (out / "page.html").write_text(page, "utf-8")
    (out / "timing.json").write_text(timing, "utf-8")
    (out / "search.html").write_text(
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>搜索</title></head>\n'
        '<body><input id="td-search-input" type="search">\n<main>\n' + PAGE_BODY + "</main></body></html>\n",
        "utf-8")


def _mkdir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


if __name__ == "__main__":
    write_fixtures(Path(sys.argv[1]) if len(sys.argv) > 1 else FIXTURES)
