"""Whole builds of tests/fixtures/audio-site with the ``tongda`` and ``tongda-audio`` plugins."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from lxml import html as lxml_html

pytestmark = pytest.mark.integration

FIXTURE = Path(__file__).parents[3] / "fixtures" / "audio-site"
READ = "//article//*[self::p or self::li or self::h1 or self::h2 or self::dd or self::tr]"


def build(project: Path, cache: Path, monkeypatch: pytest.MonkeyPatch):
    """Build ``project`` into ``project/site``; return the audio plugin (for its stats)."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    monkeypatch.setenv("TONGDA_AUDIO_CACHE", str(cache))
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(project / "site"))
    config.plugins.on_startup(command="build", dirty=False)
    try:
        mkdocs_build(config)
    finally:
        config.plugins.on_shutdown()
    return config.plugins["tongda-audio"]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("audio-site")
    project = root / "project"
    shutil.copytree(FIXTURE, project, ignore=shutil.ignore_patterns(".tongda-cache", "site"))
    with pytest.MonkeyPatch.context() as mp:
        plugin = build(project, root / "cache", mp)
    return project, root / "cache", plugin


def _pages(site: Path) -> dict[str, Path]:
    manifest = json.loads((site / "audio/manifest.json").read_text("utf-8"))
    return {url: site / url / "index.html" for url in manifest["pages"]}


def test_every_service_interpretation_and_faq_has_audio(built) -> None:
    project, _, plugin = built
    pages = _pages(project / "site")
    assert {"services/id-card-renewal/", "interpretations/id-card-explained/",
            "faqs/id-card-lost/", "policies/id-card-law/"} == set(pages)
    assert plugin.stats.synthesised > 0 and plugin.stats.pages == 4


def test_each_mp3_decodes_and_lasts_as_long_as_its_timing_map(built) -> None:
    import soundfile as sf

    site = built[0] / "site"
    for mp3 in sorted((site / "audio").rglob("*.mp3")):
        data, rate = sf.read(str(mp3))
        timing = json.loads(mp3.with_suffix(".json").read_text("utf-8"))
        assert data.shape[0] > rate, mp3
        assert abs(data.shape[0] / rate - timing["cues"][-1]["end"]) <= 0.050, mp3


def test_every_paragraph_of_a_full_page_has_a_cue(built) -> None:
    site = built[0] / "site"
    for url, page in _pages(site).items():
        if url.startswith("policies/"):
            continue  # read as a summary by default
        tree = lxml_html.fromstring(page.read_text("utf-8"))
        timing = json.loads((site / "audio" / (url.strip("/") + ".json")).read_text("utf-8"))
        cue_ids = {c["id"] for c in timing["cues"]}
        for el in tree.xpath(READ):
            text = "".join(el.xpath("./text()|./*[not(self::button)]//text()")).strip()
            if not text or el.xpath("ancestor::*[@data-module='td-player']"):
                continue
            if el.tag == "li" and el.xpath("./p"):
                continue  # read as its paragraphs
            assert el.get("id") in cue_ids, f"{url}: <{el.tag}> {text[:20]} has no cue"
        # And the cues point at elements of the page, the title first.
        assert cue_ids <= set(tree.xpath("//@id"))
        assert timing["cues"][0]["text"] == tree.xpath("string(//main//h1)")


def test_player_and_point_reading_buttons_are_in_the_page(built) -> None:
    site = built[0] / "site"
    page = (site / "services/id-card-renewal/index.html").read_text("utf-8")
    tree = lxml_html.fromstring(page)
    player = tree.xpath("//*[@data-module='td-player']")[0]
    audio = player.xpath(".//audio")[0]
    assert audio.get("autoplay") is None and audio.get("controls") is not None
    assert audio.xpath("./source/@src") == ["../../audio/services/id-card-renewal.mp3"]
    assert player.xpath(".//track[@kind='metadata']/@src") == ["../../audio/services/id-card-renewal.vtt"]
    buttons = tree.xpath("//button[@data-td-read]")
    assert buttons and all(b.text == "朗读此段" and b.get("type") == "button" for b in buttons)
    assert all(b.get("aria-label", "").startswith("朗读此段") for b in buttons)
    # The tongda theme ships the component; the page loads it from there, nothing is copied twice.
    assert '<script src="../../components/player/player.js"' in page
    assert (site / "components/player/player.js").exists()
    assert not (site / "assets/tongda-audio").exists()
    # A topic page is not read.
    assert "td-player" not in (site / "topics/id-documents/index.html").read_text("utf-8")


def test_policy_is_read_as_its_summary(built) -> None:
    site = built[0] / "site"
    timing = json.loads((site / "audio/policies/id-card-law.json").read_text("utf-8"))
    assert [c["text"] for c in timing["cues"]] == [
        "居民身份证管理办法", "居民身份证的申领、换领和补领。自2021年4月1日起施行。"]


def test_second_build_synthesises_nothing_and_one_edit_one_clip(
    built, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    project, cache, first = built
    again = build(project, cache, monkeypatch)
    assert again.stats.synthesised == 0
    assert again.stats.cached == first.stats.synthesised + first.stats.cached
    assert again.stats.line() == f"语音：4 个页面，新合成 0 段，沿用缓存 {again.stats.cached} 段"

    guide = project / "content/services/id-card-renewal.md"
    guide.write_text(guide.read_text("utf-8").replace("请携带本人户口簿。", "请携带本人户口簿和照片。"),
                     "utf-8")
    edited = build(project, cache, monkeypatch)
    assert edited.stats.synthesised == 1
    timing = json.loads((project / "site/audio/services/id-card-renewal.json").read_text("utf-8"))
    assert any("户口簿和照片" in c["text"] for c in timing["cues"])


def test_size_budget_warns_or_fails() -> None:
    from mkdocs.exceptions import PluginError

    from site_builder.plugins.audio.builder import AudioStats
    from site_builder.plugins.audio.plugin import AudioPlugin

    plugin = AudioPlugin()
    errors, _ = plugin.load_config({"budget_mb": 1, "budget_strict": True})
    assert not errors
    plugin.stats = AudioStats(bytes=900_000)
    plugin._check_budget()  # within budget
    plugin.stats = AudioStats(bytes=1_200_000)
    with pytest.raises(PluginError, match="超出 budget_mb"):
        plugin._check_budget()
