"""Citation finding and resolution, lineage and the picture, on the graph-site fixture's content."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from lxml import etree

from site_builder.content.corpus import load_corpus
from site_builder.plugins.core.context import related_panels
from site_builder.plugins.graph.builder import add_citations, graph_json
from site_builder.plugins.graph.citations import CitationFinder
from site_builder.plugins.graph.lineage import chain
from site_builder.plugins.graph.neighbourhood import drawn, render_svg
from site_builder.plugins.graph.titles import cn_number, parse_number, title_key

pytestmark = pytest.mark.unit
CONTENT = Path(__file__).parents[3] / "fixtures" / "graph-site" / "content"


@pytest.fixture
def corpus():
    corpus = load_corpus(CONTENT, today=dt.date(2024, 6, 1))
    assert not corpus.errors, corpus.errors
    return corpus


def found(corpus, source: str) -> dict[str, tuple[str, bool]]:
    """target → (kind, declared) of the edges leaving ``source``."""
    return {e.target: (e.kind, e.declared) for e in corpus.graph.outgoing(source)}


def test_title_and_number_helpers() -> None:
    assert title_key("北京市实施〈中华人民共和国 道路交通安全法〉办法") == "北京市实施中华人民共和国道路交通安全法办法"
    assert cn_number("三百零六") == 306 and cn_number("七十") == 70 and cn_number("十二") == 12
    assert parse_number("国办函〔2018〕71号") == ("国办函", "2018", 71)
    assert parse_number("中华人民共和国国务院令第306号") == ("国务院", "令", 306)
    assert parse_number("没有文号") is None


def test_implementing_title_and_short_title_resolve_to_the_law(corpus) -> None:
    add_citations(corpus)
    # 江南省实施《中华人民共和国就业促进法》办法 → the law, as the policy it is made under
    assert found(corpus, "province-implementation")["employment-law"] == ("based_on", False)
    # …法实施条例 → …法
    assert found(corpus, "employment-law-regulation")["employment-law"] == ("based_on", False)


def test_nested_title_and_document_number(corpus) -> None:
    add_citations(corpus)
    out = found(corpus, "city-measures")
    # 根据《江南省实施〈中华人民共和国就业促进法〉办法》…制定本措施
    assert out["province-implementation"] == ("based_on", False)
    assert out["stable-jobs-notice"] == ("cites", False)  # 国办函〔2018〕71号


def test_version_in_force_at_the_citing_date(corpus) -> None:
    add_citations(corpus)
    # 2016 cites 《就业服务条例》: the 2012 version was in force; 2021 gets the 2020 one.
    assert "service-regulation-2012" in found(corpus, "province-implementation")
    assert "service-regulation-2020" not in found(corpus, "province-implementation")
    assert "service-regulation-2020" in found(corpus, "city-measures")
    assert "service-regulation-2012" not in found(corpus, "city-measures")


def test_declared_relation_is_not_repeated_as_a_citation(corpus) -> None:
    add_citations(corpus)
    # the interpretation names the policy it interprets; the district rules cite the city
    # measures they declare as based_on: one declared edge each, no found duplicate
    assert [e.kind for e in corpus.graph.outgoing("city-measures-text") if e.target == "city-measures"] == ["interprets"]
    assert found(corpus, "district-rules")["city-measures"] == ("based_on", True)


def test_unresolved_citations_name_file_and_line(corpus) -> None:
    result = add_citations(corpus)
    assert result.unresolved == [("policies/city-measures.md", 14, "临江市人才引进暂行办法")]
    texts = [c.text for c in CitationFinder(corpus).find(corpus.documents["city-measures"])]
    assert "临江市稳就业若干措施" not in texts  # never itself


def test_where_points_at_the_citing_line(corpus) -> None:
    add_citations(corpus)
    edge = next(e for e in corpus.graph.outgoing("city-measures") if e.target == "stable-jobs-notice")
    path, line = edge.where.rsplit(":", 1)
    text = (CONTENT / path).read_text(encoding="utf-8").splitlines()[int(line) - 1]
    assert "国办函〔2018〕71号" in text


def test_lineage_runs_national_to_district(corpus) -> None:
    add_citations(corpus)
    ids = [e.id for e in chain(corpus.documents["district-rules"], corpus)]
    assert ids == ["employment-law", "province-implementation", "city-measures", "district-rules"]
    assert [e.id for e in chain(corpus.documents["employment-law"], corpus)] == ["employment-law"]


def test_picture_draws_the_first_items_of_the_related_panels(corpus) -> None:
    add_citations(corpus)
    entry = corpus.documents["city-measures"]
    panels = related_panels(entry, corpus, "../../")
    shown = drawn(panels, 50)
    listed = [item["id"] for _, item in shown]
    assert listed == [item["id"] for panel in panels for item in panel["items"]]
    assert {"province-implementation", "stable-jobs-notice", "city-measures-text",
            "stable-jobs-subsidy", "district-rules"} <= set(listed)
    assert [panel["label"] for panel, _ in shown] == \
        [panel["label"] for panel in panels for _ in panel["items"]]
    svg = etree.fromstring(render_svg(entry, panels, 50, "t").encode())
    ns = {"s": "http://www.w3.org/2000/svg"}
    assert svg.get("role") == "img" and svg.get("aria-labelledby") == "t"
    assert "各项列在本页“相关内容”中" in svg.find("s:title", ns).text
    nodes = svg.findall(".//s:circle", ns)
    assert len(nodes) == len(listed) + 1  # plus the centre
    dashed = svg.xpath("//s:line[contains(@class,'--found')]", namespaces=ns)
    assert len(dashed) == sum(item["declared"] is False for _, item in shown) > 0
    levels = {item["id"]: item["level"] for _, item in shown}
    assert levels["district-rules"] == "district" and levels["city-measures-text"] is None
    # Each node is coloured by its document's kind and level.
    classes = [n.get("class") for n in nodes[:-1]]
    assert "td-graph__node td-graph__node--policy td-graph__node--district" in classes


def test_picture_caps_nodes_and_says_how_many_more(corpus) -> None:
    add_citations(corpus)
    entry = corpus.documents["city-measures"]
    panels = related_panels(entry, corpus, "../../")
    shown = drawn(panels, 2)
    assert [item["id"] for _, item in shown] == \
        [item["id"] for panel in panels for item in panel["items"]][:2]
    svg = render_svg(entry, panels, 2, "t")
    total = sum(p["total"] for p in panels)
    assert svg.count("<circle") == 3 and f"另有 {total - 2} 项" in svg


def test_graph_json_shape(corpus) -> None:
    add_citations(corpus)
    data = graph_json(corpus)
    assert set(data) == {"nodes", "edges"}
    assert len(data["nodes"]) == len(corpus.documents)
    for node in data["nodes"]:
        assert {"id", "title", "kind", "level", "url"} <= set(node)
    assert all(set(e) == {"source", "target", "kind", "declared"} for e in data["edges"])
    assert {"source": "city-measures", "target": "stable-jobs-notice", "kind": "cites",
            "declared": False} in data["edges"]


def test_picture_counts_from_panel_totals_not_from_shown_items(corpus) -> None:
    """A panel lists at most PANEL_LIMIT items; the picture's "另有 N 项" counts from
    the panels' totals (a basic law is cited by hundreds)."""
    add_citations(corpus)
    entry = corpus.documents["city-measures"]
    panels = related_panels(entry, corpus, "../../")
    for panel in panels:  # as if each panel had been cut to its first item
        panel["total"] += 5
        panel["items"] = panel["items"][:1]
    total = sum(p["total"] for p in panels)
    assert f"另有 {total - len(panels)} 项" in render_svg(entry, panels, 50, "t")


def test_picture_escapes_titles(corpus) -> None:
    odd = {"id": "odd", "title": 'A&B<i>"', "kind": "policy", "level": "city",
           "declared": False}
    panels = [{"kind": "cites", "direction": "out", "label": "引用", "items": [odd], "total": 1}]
    svg = render_svg(corpus.documents["city-measures"], panels, 16, "t")
    etree.fromstring(svg.encode())  # well-formed
    assert "<i>" not in svg and "A&amp;B&lt;i&gt;&#34;" in svg


def test_citation_cache_takes_only_well_formed_rows(tmp_path: Path) -> None:
    """Stored citations come back as they were saved; a file for another key, a row of
    the wrong length or a flag that is not a bool make the build find them again."""
    import json

    from site_builder.plugins.graph import cache
    from site_builder.plugins.graph.citations import Citation

    saved = [Citation("a", "献血法", "body", 3, "b", True), Citation("a", "x", "title", 1, None)]
    cache.save(tmp_path, "k1", saved)
    assert cache.load(tmp_path, "k1") == saved
    assert cache.load(tmp_path, "k2") is None
    for rows in ([["a", "x", "body", 1, None]], [["a", "x", "body", 1, None, 1]], [None]):
        (tmp_path / "citations.json").write_text(json.dumps({"key": "k1", "citations": rows}),
                                                 encoding="utf-8")
        assert cache.load(tmp_path, "k1") is None, rows
