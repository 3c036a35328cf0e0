"""Subscriptions: feeds parse, list newest first, keep dates stable, and are discoverable."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import feedparser
import jsonschema
import pytest
from lxml import html
from mkdocs.commands.build import build
from mkdocs.config import load_config

pytestmark = pytest.mark.integration
FIXTURE = Path(__file__).parents[3] / "fixtures" / "graph-site"
# JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/): feedparser 6 reads only XML feeds,
# so the JSON twin is checked against the spec's required fields and types.
_STAMP = {"type": "string", "format": "date-time"}
JSON_FEED = {
    "type": "object",
    "required": ["version", "title", "items"],
    "properties": {
        "version": {"const": "https://jsonfeed.org/version/1.1"},
        "title": {"type": "string"}, "home_page_url": {"type": "string", "format": "uri"},
        "feed_url": {"type": "string", "format": "uri"}, "language": {"type": "string"},
        "authors": {"type": "array", "items": {"type": "object", "required": ["name"]}},
        "items": {"type": "array", "items": {
            "type": "object", "required": ["id"],
            "anyOf": [{"required": ["content_text"]}, {"required": ["content_html"]}],
            "properties": {"id": {"type": "string"}, "url": {"type": "string", "format": "uri"},
                           "title": {"type": "string"}, "content_text": {"type": "string"},
                           "date_published": _STAMP, "date_modified": _STAMP,
                           "tags": {"type": "array", "items": {"type": "string"}}}}},
    },
}


def build_site(root: Path, site: str = "site") -> Path:
    build(load_config(str(root / "mkdocs.yml"), site_dir=str(root / site)))
    return root / site


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("feeds") / "graph-site"
    shutil.copytree(FIXTURE, root)
    build_site(root)
    return root


def only(site: Path, pattern: str) -> str:
    """The one folder matching ``pattern`` (listing slugs are the core's business)."""
    (match,) = site.glob(pattern)
    return match.relative_to(site).as_posix()


def feed_files(site: Path) -> list[Path]:
    return sorted((site / "feeds").rglob("atom.xml"))


def test_every_feed_parses(project: Path) -> None:
    site = project / "site"
    atoms = feed_files(site)
    folders = {p.parent.relative_to(site / "feeds").as_posix() for p in atoms}
    assert {"level/city", "level/district", "audience/qi-ye", "all"} <= folders
    assert any(f.startswith("issuer/") for f in folders)
    assert any(f.startswith("topic/") for f in folders)
    for atom in atoms:
        parsed = feedparser.parse(atom.read_bytes())
        assert not parsed.bozo, (atom, parsed.get("bozo_exception"))
        assert parsed.version == "atom10" and parsed.entries
        as_json = json.loads((atom.parent / "feed.json").read_text(encoding="utf-8"))
        jsonschema.validate(as_json, JSON_FEED, format_checker=jsonschema.FormatChecker())
        assert [i["url"] for i in as_json["items"]] == [e.link for e in parsed.entries]


def test_topic_feed_is_newest_first_with_document_dates(project: Path) -> None:
    topic = only(project / "site", "feeds/topic/*")
    parsed = feedparser.parse((project / "site" / topic / "atom.xml").read_bytes())
    titles = [e.title for e in parsed.entries]
    stamps = [e.updated for e in parsed.entries]
    assert stamps == sorted(stamps, reverse=True)
    assert titles[:2] == ["稳岗补贴多久到账？", "稳岗补贴申领"]  # 2023-02-01, 2023-01-10
    law = next(e for e in parsed.entries if e.title == "中华人民共和国就业促进法")
    assert law.updated.startswith("2015-04-24")  # the document's updated field
    assert law.published.startswith("2007-08-30")
    assert parsed.feed.updated == stamps[0]
    assert parsed.entries[1].link == "https://portal.example.gov.cn/services/stable-jobs-subsidy/"


def test_rebuild_changes_nothing_and_an_edit_changes_only_that_entry(project: Path) -> None:
    first = {p: p.read_bytes() for p in feed_files(project / "site")}
    again = build_site(project, "site2")
    assert {p.relative_to(project / "site"): b for p, b in first.items()} == \
        {p.relative_to(again): p.read_bytes() for p in feed_files(again)}
    doc = project / "content/policies/district-rules.md"
    doc.write_text(doc.read_text(encoding="utf-8").replace(
        "published: 2022-02-01", "published: 2022-02-01\nupdated: 2024-05-20"), encoding="utf-8")
    edited = build_site(project, "site3")
    parsed = feedparser.parse((edited / "feeds/level/district/atom.xml").read_bytes())
    assert parsed.feed.updated.startswith("2024-05-20")
    city = (edited / "feeds/level/city/atom.xml").read_bytes()
    assert city == (project / "site/feeds/level/city/atom.xml").read_bytes()
    folder = only(edited, "feeds/topic/*")
    topic = feedparser.parse((edited / folder / "atom.xml").read_bytes())
    before = feedparser.parse((project / "site" / folder / "atom.xml").read_bytes())
    assert topic.entries[0].title == "滨江区稳就业实施细则"
    unchanged = {e.id: e.updated for e in before.entries if "district-rules" not in e.id}
    assert unchanged == {e.id: e.updated for e in topic.entries if "district-rules" not in e.id}


def test_listing_pages_link_their_feeds(project: Path) -> None:
    site = project / "site"
    for listing in (only(site, "by/topic/*/"), "by/level/city", "topics/employment"):
        doc = html.fromstring((site / listing / "index.html").read_bytes())
        links = doc.xpath("//head/link[@rel='alternate']")
        types = {link.get("type") for link in links}
        assert types == {"application/atom+xml", "application/feed+json"}, listing
        for link in links:
            assert (site / listing / link.get("href")).resolve().is_file(), link.get("href")
    home = html.fromstring((site / "index.html").read_bytes())
    assert home.xpath("//head/link[@type='application/atom+xml']/@href") == ["feeds/all/atom.xml"]
    plain = html.fromstring((site / "policies/city-measures/index.html").read_bytes())
    assert not plain.xpath("//head/link[@rel='alternate']")


def test_json_feed_fields(project: Path) -> None:
    topic = only(project / "site", "feeds/topic/*")
    data = json.loads((project / "site" / topic / "feed.json").read_text("utf-8"))
    assert data["version"] == "https://jsonfeed.org/version/1.1"
    assert data["feed_url"] == f"https://portal.example.gov.cn/{topic}/feed.json"
    assert all(item["date_modified"].endswith("+08:00") for item in data["items"])
