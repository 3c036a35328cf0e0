"""A whole build with ``tongda-text``: every page has a plain-text twin whose links work."""

from __future__ import annotations

import posixpath
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from lxml import html as lxml_html

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[4]
FIXTURE = ROOT / "tests" / "fixtures" / "theme-site"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dest = tmp_path_factory.mktemp("text") / "site"
    done = subprocess.run([sys.executable, "-m", "site_builder.cli", "build", "-f",
                           str(FIXTURE / "mkdocs.yml"), "-d", str(dest)],
                          check=False, capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    return dest


def pages(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("index.html")
                  if not p.relative_to(site).as_posix().startswith("text/"))


def resolve(site: Path, rel: str, href: str) -> Path | None:
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), parts.path))
    path = site / target
    return path / "index.html" if href.split("?")[0].split("#")[0].endswith("/") or path.is_dir() else path


def test_every_page_has_a_text_twin(site: Path) -> None:
    originals = pages(site)
    assert len(originals) > 30
    for rel in originals:
        assert (site / "text" / rel).is_file(), rel


def test_text_pages_have_content_and_no_images_or_layout(site: Path) -> None:
    original = lxml_html.document_fromstring((site / "policies/city-travel-2023/index.html").read_bytes())
    text = lxml_html.document_fromstring((site / "text/policies/city-travel-2023/index.html").read_bytes())
    assert text.get("lang") == "zh-CN"
    assert text.xpath("string(//h1)") == original.xpath("string(//h1)")
    body = " ".join(text.xpath("//main")[0].text_content().split())
    for paragraph in original.xpath("//main//div[contains(@class,'td-body')]/p"):
        words = " ".join(paragraph.text_content().split())
        if words:
            assert words in body
    assert "［图片：出行补贴申领流程图］" in body
    for tag in ("img", "script", "style", "svg", "button", "form", "input"):
        assert not text.xpath(f"//{tag}"), tag
    assert not text.xpath("//@class|//@style")
    sheets = text.xpath("//link[@rel='stylesheet']/@href")
    assert sheets == ["../../text.css"] and (site / "text" / "text.css").is_file()
    css = (site / "text" / "text.css").read_text("utf-8")
    assert "color" not in css.replace("border-collapse", "") and "display: grid" not in css


def test_text_links_resolve_and_stay_in_text_where_possible(site: Path) -> None:
    for rel in pages(site):
        text_rel = f"text/{rel}"
        doc = lxml_html.document_fromstring((site / text_rel).read_bytes())
        for href in doc.xpath("//a/@href"):
            target = resolve(site, text_rel, href)
            if target is None:
                continue
            assert target.is_file(), f"{text_rel}: {href} -> {target}"
        nav = doc.xpath("//nav[@aria-label='主导航']//a/@href")
        for href in nav:
            target = resolve(site, text_rel, href)
            assert target is not None and "/text/" in target.as_posix(), f"{text_rel}: {href}"
        back = doc.xpath("//link[@rel='alternate']/@href")[0]
        assert resolve(site, text_rel, back) == site / rel


def test_text_page_of_a_page_links_back_and_forth(site: Path) -> None:
    doc = lxml_html.document_fromstring((site / "text/services/passport-service/index.html").read_bytes())
    links = {a.text_content(): a.get("href") for a in doc.xpath("//a")}
    assert links["返回图文版"] == "../../../services/passport-service/"
    themed = lxml_html.document_fromstring((site / "services/passport-service/index.html").read_bytes())
    assert themed.xpath("//link[@rel='alternate']/@href") == ["../../text/services/passport-service/"]


def test_a_full_build_with_the_cache_kept_links_each_unchanged_twin(tmp_path: Path) -> None:
    """A second site built from the same pages (no previous site, so no page reuse; the
    cache folder kept, as CI restores it) gets the same twins, linked from the cache."""
    import shutil

    project = tmp_path / "project"
    shutil.copytree(FIXTURE, project, ignore=shutil.ignore_patterns(".tongda-cache", "site"))
    config = project / "mkdocs.yml"
    config.write_text(config.read_text("utf-8").replace("cache_enabled: false",
                                                        "cache_enabled: true"), "utf-8")
    built = []
    for name in ("first", "second"):
        done = subprocess.run([sys.executable, "-m", "site_builder.cli", "build", "-d", name],
                              check=False, capture_output=True, text=True, timeout=300,
                              cwd=project)
        assert done.returncode == 0, done.stderr[-3000:]
        built.append(project / name / "text")
    twins = sorted(p.relative_to(built[0]) for p in built[0].rglob("*.html"))
    assert twins and twins == sorted(p.relative_to(built[1]) for p in built[1].rglob("*.html"))
    for rel in twins:
        assert (built[1] / rel).read_bytes() == (built[0] / rel).read_bytes()
        assert (built[1] / rel).stat().st_nlink >= 2, rel  # the cache's file, linked
