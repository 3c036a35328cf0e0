"""Whole builds of a small portal: pages, listings, panels, banners, atomic output."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import html

from tests.conftest import tongda

pytestmark = pytest.mark.integration


def page(site: Path, url: str) -> html.HtmlElement:
    return html.fromstring((site / url / "index.html").read_text(encoding="utf-8"))


@pytest.fixture
def built(project) -> Path:
    root = project("portal-small")
    result = tongda("build", cwd=root)
    assert result.returncode == 0, result.stderr
    return root / "site"


def test_every_page_is_semantic(built: Path) -> None:
    pages = list(built.rglob("index.html"))
    assert len(pages) > 20
    for path in pages:
        doc = html.fromstring(path.read_text(encoding="utf-8"))
        assert doc.get("lang") == "zh-CN", path
        assert len(doc.findall(".//h1")) == 1, path
        assert doc.xpath("//body/*[1]")[0].get("href") == "#main", path
        assert doc.find(".//main").get("id") == "main"


def test_policy_metadata_and_banners(built: Path) -> None:
    doc = page(built, "policies/city-travel-2023")
    rows = {dt.text_content(): dd.text_content() for dt, dd in
            zip(doc.xpath("//dl[@class='td-meta']//dt"), doc.xpath("//dl[@class='td-meta']//dd"),
                strict=True)}
    assert rows["文号"] == "临政发〔2023〕8号"
    assert rows["发布日期"] == "2023年3月5日"
    assert rows["有效性"] == "现行有效"
    assert not doc.xpath("//*[contains(@class,'td-banner')]")
    old = page(built, "policies/city-travel-2019")
    banner = old.xpath("//*[contains(@class,'td-banner')]")[0].text_content()
    assert "已被替代" in banner and "临江市出入境便民服务办法" in banner
    expired = page(built, "policies/district-old").xpath("//*[contains(@class,'td-banner')]")
    assert "2022年5月1日失效" in expired[0].text_content()


def test_related_panels_go_both_ways(built: Path) -> None:
    policy = page(built, "policies/city-travel-2023").text_content()
    assert "一图读懂《临江市出入境便民服务办法》" in policy  # its interpretation
    assert "中国公民因私出国护照办理" in policy  # the service that implements it
    interp = page(built, "interpretations/city-travel-2023-qa")
    links = [a.get("href") for a in interp.xpath("//aside//a")]
    assert "../../policies/city-travel-2023/" in links
    law = page(built, "policies/passport-law").text_content()
    assert "下位政策" in law and "临江市出入境便民服务办法" in law


def test_listings_paginate_and_facets(built: Path) -> None:
    first = page(built, "policies")
    assert len(first.xpath("//main//ul[@class='td-list']/li")) == 2
    assert first.xpath("//a[@rel='next']")[0].get("href") == "page/2/"
    assert (built / "policies/page/2/index.html").exists()
    assert "国家级" in page(built, "by/level").text_content()
    assert (built / "by/level/national/index.html").exists()
    assert (built / "by/year/2023/index.html").exists()
    assert (built / "by/issuer/lin-jiang-shi-ren-min-zheng-fu/index.html").exists()
    assert (built / "by/audience/ge-ren/index.html").exists()
    az = page(built, "a-z/z")
    assert "中国公民因私出国护照办理" in az.text_content()


def test_scenario_topic_home_404_sitemap(built: Path) -> None:
    scenario = page(built, "scenarios/going-abroad").text_content()
    for part in ("我要看", "我要办", "我要问", "我要查", "中国公民因私出国护照办理"):
        assert part in scenario
    assert "办护照要多久？" in page(built, "topics/travel").text_content()
    assert "最新政策" in page(built, ".").text_content()
    assert "页面不存在" in (built / "404.html").read_text(encoding="utf-8")
    sitemap = (built / "sitemap.xml").read_text(encoding="utf-8")
    assert "policies/passport-law/" in sitemap


def test_broken_content_writes_no_site_and_keeps_the_old_one(project) -> None:
    root = project("portal-small")
    assert tongda("build", cwd=root).returncode == 0
    before = (root / "site/policies/passport-law/index.html").read_bytes()
    target = root / "content/policies/passport-law.md"
    target.write_text(target.read_text(encoding="utf-8").replace("level: national", "level: planet")
                      .replace("services: [passport-service]", "services: [nothing]"), encoding="utf-8")
    result = tongda("build", cwd=root)
    assert result.returncode == 1
    assert "policies/passport-law.md:6: level: 取值“planet”无效" in result.stderr
    assert (root / "site/policies/passport-law/index.html").read_bytes() == before
    assert not list(root.glob("site.tongda-*"))
    fresh = tongda("build", "-d", "other-site", cwd=root)
    assert fresh.returncode == 1 and not (root / "other-site").exists()


def test_check_lists_every_error(project) -> None:
    root = project("portal-small")
    good = tongda("check", cwd=root)
    assert good.returncode == 0, good.stdout + good.stderr
    (root / "content/faqs/bad.md").write_text("---\nid: bad\ntitle: 问？\nabout: [x]\nzz: 1\n---\n",
                                               encoding="utf-8")
    bad = tongda("check", cwd=root)
    assert bad.returncode == 1
    lines = bad.stdout.splitlines()
    assert "content/faqs/bad.md:4: about.0: 找不到 id 为“x”的文档" in lines or any(
        "faqs/bad.md:5: zz: 未知字段" in line for line in lines)
