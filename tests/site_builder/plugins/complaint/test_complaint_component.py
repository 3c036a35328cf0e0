"""The complaint component renders its examples.yml: every field labelled, the questions
of each kind grouped, the no-JavaScript paths present (unit tests, no MkDocs)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from lxml import html as lxml_html

from site_builder.plugins.complaint import pages

pytestmark = pytest.mark.unit
EXAMPLES = yaml.safe_load((pages.COMPONENT_DIR / "examples.yml").read_text(encoding="utf-8"))
PAGE_OF = {macro: page for page, macro in pages.MACROS.items()}


def _render(example: dict[str, Any]) -> lxml_html.HtmlElement:
    markup = pages.render(PAGE_OF[example["macro"]], example["params"])
    return lxml_html.fragment_fromstring(markup, create_parent="div")


@pytest.mark.parametrize("example", EXAMPLES["examples"], ids=lambda e: e["name"])
def test_every_example_renders_with_its_declared_params(example: dict[str, Any]) -> None:
    declared = set(EXAMPLES["macros"][example["macro"]]["params"])
    assert set(example["params"]) <= declared
    root = _render(example)
    assert root.xpath("//*[starts-with(@data-module, 'td-complaint-')]")


def test_the_form_labels_every_field_and_groups_each_kinds_questions() -> None:
    root = _render(EXAMPLES["examples"][0])
    labelled = {label.get("for") for label in root.iter("label") if label.get("for")}
    for field in root.xpath("//input | //select | //textarea"):
        if field.get("type") in ("hidden", "checkbox", "radio"):
            assert field.get("type") == "hidden" or field.getparent().tag == "label"
            continue
        assert field.get("id") in labelled, lxml_html.tostring(field)
    kinds = [f.get("data-service") for f in root.xpath("//fieldset[@data-service]")]
    assert kinds == ["road-damage", "manhole", "garbage"]  # not the one without questions
    # An informational attribute is shown, never asked.
    assert root.xpath("//p[@class='td-complaint__notice']/text()") == ["请勿靠近。"]
    assert not root.xpath("//*[@name='attribute[notice]']")
    assert root.xpath("//optgroup/@label") == ["市政设施", "环境卫生", "意见建议"]


def test_pages_without_javascript_say_what_to_do() -> None:
    status = _render(EXAMPLES["examples"][1])
    assert "12345" in status.xpath("string(//*[@class='td-complaint__nojs'])")
    recent = _render(EXAMPLES["examples"][2])
    assert recent.xpath("//*[@class='td-complaint__nojs']//a/@href") == [
        "../api/complaint/open311/v2/requests.xml", "../api/complaint/open311/v2/requests.json"]


def test_links_between_the_pages_are_relative() -> None:
    paths = pages.Paths(form="complaint/", status="complaint/status/",
                        recent="complaint/recent/", api="api/complaint/")
    status = pages.params("status", paths, "临江市", [], "https://zc.example.gov.cn/portal/")
    assert (status["api"], status["form_url"], status["status_page"]) == (
        "../../api/complaint/", "../../complaint/", "/portal/complaint/status/")
    assert Path(pages.relative("complaint/", "complaint/recent/")) == Path("../complaint/recent")
