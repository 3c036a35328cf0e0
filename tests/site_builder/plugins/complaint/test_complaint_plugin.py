"""The complaint plugin: the form, status and recent pages, and the catalog copied for the
function; the form works as a plain POST and every field has a label."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from lxml import html as lxml_html
from mkdocs.commands.build import build
from mkdocs.config import load_config

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[4]


def complaint_project(dest: Path) -> Path:
    """The small portal fixture with the demo city's complaint data and the plugin."""
    shutil.copytree(ROOT / "tests/fixtures/portal-small", dest)
    data = dest / "content" / "_data"
    data.mkdir(parents=True, exist_ok=True)
    for name in ("complaint.yml", "complaint-grid.geojson"):
        shutil.copyfile(ROOT / "content/_data" / name, data / name)
    config = yaml.safe_load((dest / "mkdocs.yml").read_text(encoding="utf-8"))
    config["plugins"].append("tongda-complaint")
    config["exclude_docs"] = "_data/\n"
    (dest / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True),
                                     encoding="utf-8")
    return dest


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = complaint_project(tmp_path_factory.mktemp("complaint") / "portal")
    config = load_config(str(root / "mkdocs.yml"), site_dir=str(root / "site"))
    build(config)
    return root / "site"


def _page(site: Path, path: str) -> lxml_html.HtmlElement:
    return lxml_html.fromstring((site / path / "index.html").read_text(encoding="utf-8"))


def test_the_form_posts_to_the_function_without_javascript(site: Path) -> None:
    page = _page(site, "complaint")
    form = page.xpath("//form[@class='td-complaint__form']")[0]
    assert form.get("action") == "../api/complaint/reports"
    assert form.get("method") == "post" and form.get("enctype") == "multipart/form-data"
    assert page.xpath("//input[@name='status_page']")[0].get("value") == "/complaint/status/"
    names = {e.get("name") for e in form.iter("input", "select", "textarea")}
    assert {"service_code", "description", "address_string", "media", "phone",
            "attribute[severity]", "attribute[kind][]", "round_location"} <= names
    options = [o.get("value") for o in page.xpath("//select[@id='td-complaint-service']//option")]
    assert "road-damage" in options and "suggestion" in options
    assert "components/complaint/complaint.js" in " ".join(
        s.get("src", "") for s in page.iter("script"))


def test_every_field_has_a_label(site: Path) -> None:
    page = _page(site, "complaint")
    labelled = {label.get("for") for label in page.iter("label") if label.get("for")}
    for field in page.xpath("//form//input | //form//select | //form//textarea"):
        if field.get("type") in ("hidden", "checkbox", "radio"):
            continue
        assert field.get("id") in labelled, lxml_html.tostring(field)


def test_the_status_and_recent_pages_and_the_navigation(site: Path) -> None:
    status = _page(site, "complaint/status")
    assert status.xpath("//*[@data-module='td-complaint-status']")[0].get("data-api") == \
        "../../api/complaint/"
    assert status.xpath("//*[@class='td-complaint__nojs']")
    recent = _page(site, "complaint/recent")
    links = [a.get("href") for a in recent.xpath("//*[@class='td-complaint__nojs']//a")]
    assert links == ["../../api/complaint/open311/v2/requests.xml",
                     "../../api/complaint/open311/v2/requests.json"]
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "随手拍" in home


def test_the_catalog_is_copied_for_the_function(site: Path) -> None:
    from functions.complaint import catalog

    copied = catalog.load(site / "api" / "complaint")
    assert "road-damage" in copied.services
    assert catalog.find_data_dir(site) == site / "api" / "complaint"
