"""The tongda-search plugin in a whole build of the small portal."""
from __future__ import annotations

from pathlib import Path

import pytest
from lxml import html

from search_index.runtime import Searcher
from search_index.store import read_file
from tests.conftest import tongda

pytestmark = pytest.mark.integration


def with_search(root: Path) -> Path:
    cfg = root / "mkdocs.yml"
    text = cfg.read_text("utf-8")
    cfg.write_text(text.replace("plugins:\n", "plugins:\n  - tongda-search\n", 1), "utf-8")
    data = root / "content" / "_data"
    data.mkdir(exist_ok=True)
    (data / "synonyms.yml").write_text("synonyms:\n  出国: [护照]\n", "utf-8")
    return root


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import shutil

    from tests.conftest import FIXTURES

    root = tmp_path_factory.mktemp("portal") / "portal-small"
    shutil.copytree(FIXTURES / "portal-small", root)
    with_search(root)
    result = tongda("build", cwd=root)
    assert result.returncode == 0, result.stderr
    return root / "site"


def test_index_covers_every_content_page(site: Path) -> None:
    manifest = read_file(site / "search" / "manifest.tdz")
    pages = [p for p in (site).rglob("index.html")
             if p.parent.parent.name in ("policies", "services", "faqs", "interpretations",
                                         "topics", "scenarios")]
    assert manifest["n"] == len(pages) > 5


def test_colloquial_query_finds_the_passport_pages(site: Path) -> None:
    res = Searcher(site / "search").search("我要出国")
    urls = [r["u"] for r in res["results"]]
    # A task (我要…): the guide or the one-stop scenario first, the law still found.
    assert urls[0].startswith(("services/passport-service", "scenarios/going-abroad"))
    assert any(u.startswith("policies/passport-law") for u in urls)
    assert all((site / u / "index.html").exists() for u in urls)


def test_results_page_is_a_labelled_get_form_with_a_live_region(site: Path) -> None:
    doc = html.fromstring((site / "search" / "index.html").read_text("utf-8"))
    form = doc.find(".//form[@role='search']")
    assert form.get("method") == "get"
    field = form.find(".//input[@name='q']")
    assert doc.find(f".//label[@for='{field.get('id')}']") is not None
    status = doc.xpath("//*[@data-module='td-search-page']//*[@role='status']")[0]
    assert status.get("aria-live") == "polite"
    assert len(doc.findall(".//h1")) == 1


def test_runtime_script_is_on_every_page_and_in_the_index_folder(site: Path) -> None:
    assert (site / "search" / "tongda-search.js").exists()
    doc = html.fromstring((site / "policies" / "passport-law" / "index.html").read_text("utf-8"))
    srcs = [s.get("src") for s in doc.findall(".//script")]
    assert any(s and s.endswith("search/tongda-search.js") for s in srcs)
    assert not [s for s in doc.findall(".//script") if not s.get("src")], "no inline scripts"


def test_a_guide_is_found_by_what_its_front_matter_sections_say(site: Path) -> None:
    """The address, the steps and the fee are shown by the theme from front matter, not
    written in the body: the index covers them too (the page model)."""
    searcher = Searcher(site / "search")
    for query in ("江滨路", "制证"):
        urls = [r["u"] for r in searcher.search(query)["results"]]
        assert urls[:1] == ["services/passport-service/"], query
