"""Whole build of the graph-site fixture: graph.json, pictures, lineage, explorer, unresolved."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import html
from mkdocs.commands.build import build
from mkdocs.config import load_config

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    import shutil

    root = tmp_path_factory.mktemp("graph") / "graph-site"
    shutil.copytree(Path(__file__).parents[3] / "fixtures" / "graph-site", root)
    config = load_config(str(root / "mkdocs.yml"), site_dir=str(root / "site"))
    build(config)
    return root / "site", config.plugins["tongda-graph"]


def page(site: Path, url: str) -> html.HtmlElement:
    return html.fromstring((site / url / "index.html").read_text(encoding="utf-8"))


def test_graph_json_in_the_site(built) -> None:
    site, _ = built
    data = json.loads((site / "graph" / "graph.json").read_text(encoding="utf-8"))
    ids = {n["id"] for n in data["nodes"]}
    assert {"city-measures", "employment-law", "subsidy-when"} <= ids
    assert all(set(e) == {"source", "target", "kind", "declared"} for e in data["edges"])
    found = {(e["source"], e["target"]) for e in data["edges"] if not e["declared"]}
    assert ("province-implementation", "employment-law") in found
    assert all(e["source"] in ids and e["target"] in ids for e in data["edges"])


def test_unresolved_citations_on_the_plugin(built) -> None:
    _, plugin = built
    assert plugin.unresolved == [("policies/city-measures.md", 14, "临江市人才引进暂行办法")]


def test_found_citation_appears_in_the_related_panel(built) -> None:
    site, _ = built
    doc = page(site, "policies/city-measures")
    panel_text = doc.xpath("//aside[contains(@class,'td-related')]")[0].text_content()
    assert "国务院办公厅关于进一步做好稳就业工作的通知" in panel_text  # found by 文号
    law = page(site, "policies/employment-law").xpath("//aside")[0].text_content()
    assert "江南省实施《中华人民共和国就业促进法》办法" in law  # the other direction


def test_lineage_breadcrumbs_top_down(built) -> None:
    site, _ = built
    nav = page(site, "policies/district-rules").xpath("//nav[@aria-label='政策层级沿革']")[0]
    items = [li.text_content() for li in nav.xpath(".//li")]
    assert items == ["国家级中华人民共和国就业促进法", "省级江南省实施《中华人民共和国就业促进法》办法",
                     "市级临江市稳就业若干措施", "区县级滨江区稳就业实施细则"]
    assert nav.xpath(".//li[last()]/span[@aria-current='page']")
    (href,) = nav.xpath(".//li[1]/a/@href")
    target = (site / "policies/district-rules" / href / "index.html").resolve()
    assert target == (site / "policies/employment-law/index.html").resolve()


def test_picture_text_alternative_is_the_related_panels(built) -> None:
    """The picture draws the first items of the related panels, in their order, and says
    where its text alternative is; every drawn node is listed there."""
    site, plugin = built
    doc = page(site, "policies/city-measures")
    section = doc.xpath("//section[@class='td-graph']")[0]
    svg = section.xpath(".//*[local-name()='svg']")[0]
    assert svg.get("role") == "img"
    title = svg.xpath("./*[local-name()='title']")[0]
    assert title.get("id") == svg.get("aria-labelledby")
    assert "相关内容" in title.text
    panels = doc.xpath("//aside[@id='td-related']")[0]
    (href,) = section.xpath(".//figcaption/a/@href")
    assert href == "#td-related"
    titles = panels.xpath(".//li/a/text()")
    drawn = svg.xpath(".//*[local-name()='g' and @class='td-graph__item']")
    labels = [g.xpath("string(./*[local-name()='title'])").split("：", 1)[1] for g in drawn]
    assert len(labels) == min(len(titles), plugin.config.picture_max_nodes) >= 5
    for label, listed in zip(labels, titles, strict=False):  # same items, same order
        assert listed == label  # the full title, for the pointer
    for g in drawn:  # the visible label: at most two short lines
        lines = [t.text for t in g.xpath(".//*[local-name()='tspan']")] or \
            [g.xpath("string(./*[local-name()='text'])")]
        assert len(lines) <= 2 and all(len(line) <= 11 for line in lines), lines
    # A dashed line for each found relation; the panel names each one.
    items = panels.xpath(".//li")
    found = [li for li in items if li.xpath("span[contains(@class,'td-tag--found')]")]
    dashed = svg.xpath("./*[local-name()='line' and contains(@class,'--found')]")
    assert len(dashed) == len([li for li in items[:len(labels)] if li in found]) > 0
    assert all(li.xpath("string(span[contains(@class,'td-tag--found')])") == "正文中的引用"
               for li in found)
    # Elder mode hides the picture along with the panels it hides (引用, 相关).
    assert section.xpath(".//figure")[0].get("data-td-elder") == "hide"
    assert not section.xpath(".//details")  # no second copy of the list
    assert section.xpath(".//a[contains(@href,'graph/#city-measures')]")


def test_explorer_page_works_without_script(built) -> None:
    site, _ = built
    doc = page(site, "graph")
    assert doc.findtext(".//h1") == "政策图谱"
    root = doc.xpath("//*[@data-module='td-graph-explorer']")[0]
    assert root.get("data-graph-url") == "graph.json"
    nojs = root.xpath(".//*[contains(@class,'td-graph-explorer__nojs')]")[0]
    assert nojs.get("hidden") is None and nojs.xpath(".//a")  # points to lists without JS
    form = root.xpath(".//form")[0]
    assert form.get("hidden") is not None  # the script shows it
    assert all(doc.xpath(f"//label[@for='{i.get('id')}']") for i in form.xpath(".//input[@id]"))
    scripts = doc.xpath("//script/@src")
    assert any(s.endswith("components/graph/graph.js") for s in scripts)
    assert not doc.xpath("//script[not(@src)]")  # strict CSP: no inline script


def test_reused_pages_redraw_when_a_neighbour_changes_level(tmp_path: Path) -> None:
    import shutil

    root = tmp_path / "graph-site"
    shutil.copytree(Path(__file__).parents[3] / "fixtures" / "graph-site", root)
    config_file = root / "mkdocs.yml"
    config_file.write_text(config_file.read_text(encoding="utf-8").replace(
        "cache_enabled: false", "cache_enabled: true"), encoding="utf-8")

    def build_site() -> html.HtmlElement:
        build(load_config(str(config_file), site_dir=str(root / "site")))
        return page(root / "site", "policies/city-measures")

    first = build_site()
    assert first.xpath("//*[local-name()='circle' and contains(@class,'td-graph__node--district')]")
    rules = root / "content/policies/district-rules.md"
    rules.write_text(rules.read_text(encoding="utf-8").replace("level: district", "level: city"),
                     encoding="utf-8")
    second = build_site()  # only the neighbour's level changed; the picture must follow
    assert not second.xpath("//*[local-name()='circle' and contains(@class,'td-graph__node--district')]")
    assert second.xpath("//*[local-name()='circle' and contains(@class,'td-graph__node--city')]")


def test_found_citations_are_kept_until_a_file_changes(tmp_path: Path, caplog) -> None:
    """With the core's caches on, a rebuild of unchanged content takes the citations found
    last time; an edited file (or the finder's options) makes them be found again."""
    import logging
    import shutil

    root = tmp_path / "graph-site"
    shutil.copytree(Path(__file__).parents[3] / "fixtures" / "graph-site", root)
    config_file = root / "mkdocs.yml"
    config_file.write_text(config_file.read_text(encoding="utf-8").replace(
        "cache_enabled: false", "cache_enabled: true"), encoding="utf-8")

    def run() -> tuple[str, set[tuple[str, str, str]]]:
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="mkdocs.plugins.tongda-graph"):
            build(load_config(str(config_file), site_dir=str(root / "site")))
        data = json.loads((root / "site" / "graph" / "graph.json").read_text(encoding="utf-8"))
        edges = {(e["source"], e["target"], e["kind"]) for e in data["edges"] if not e["declared"]}
        return caplog.text, edges

    log, first = run()
    assert "沿用" not in log and (root / ".tongda-cache" / "graph" / "citations.json").is_file()
    log, again = run()
    assert "沿用上次的识别结果" in log and again == first

    district = root / "content" / "policies" / "district-rules.md"
    district.write_text(district.read_text(encoding="utf-8") + "\n第九条 执行《就业服务条例》。\n",
                        encoding="utf-8")
    log, edited = run()
    assert "沿用" not in log
    assert {s for s, _, _ in edited - first} == {"district-rules"}

    # A damaged cache file is ignored, and the build finds the citations again.
    (root / ".tongda-cache" / "graph" / "citations.json").write_text("{", encoding="utf-8")
    log, damaged = run()
    assert "沿用" not in log and damaged == edited


@pytest.mark.parametrize("explorer", ["map/", None])
def test_a_cut_panel_leads_to_the_explorer_where_it_is(tmp_path: Path, monkeypatch,
                                                       explorer: str | None) -> None:
    """A panel that lists only its first items links to the rest in the explorer, at the
    explorer's configured path, and does not link at all when there is no explorer."""
    import shutil

    from site_builder.plugins.core import context

    monkeypatch.setattr(context, "PANEL_LIMIT", 1)
    root = tmp_path / "graph-site"
    shutil.copytree(Path(__file__).parents[3] / "fixtures" / "graph-site", root)
    config_file = root / "mkdocs.yml"
    option = f"explorer_path: {explorer}" if explorer else "explorer_enabled: false"
    config_file.write_text(config_file.read_text(encoding="utf-8").replace(
        "  - tongda-graph\n", f"  - tongda-graph:\n      {option}\n"), encoding="utf-8")
    build(load_config(str(config_file), site_dir=str(root / "site")))
    doc = page(root / "site", "policies/employment-law")
    more = doc.xpath("//p[@class='td-related__more']")
    assert more, "a panel of the law is cut to its first item"
    links = [a.get("href") for p in more for a in p.xpath(".//a")]
    if explorer is None:
        assert links == [] and not (root / "site" / "graph" / "index.html").exists()
        return
    assert links and all(h == "../../map/#employment-law" for h in links)
    assert (root / "site" / "policies/employment-law" / "../../map/index.html").resolve().is_file()
