"""The tongda-engage plugin: the notifier's data (tags, a substance digest that ignores
rewording), the drafts' deadlines and sections, the form before the deadline and the summary
with the office's responses after it; the component's examples; the new front matter."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from lxml import html as lxml_html

from site_builder.content.corpus import load_corpus
from site_builder.plugins.engage import page as pages
from site_builder.plugins.engage.data import policies_document, substance

ROOT = Path(__file__).resolve().parents[4]
FIXTURE = ROOT / "tests" / "fixtures" / "engage-site"
EXAMPLES = yaml.safe_load((pages.COMPONENT_DIR / "examples.yml").read_text(encoding="utf-8"))
DRAFT = "content/policies/silver-draft.md"


def _render(example: dict[str, Any]) -> lxml_html.HtmlElement:
    markup = pages.render(example["macro"], example["params"]["params"])
    return lxml_html.fragment_fromstring(markup, create_parent="div")


def _copy(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    shutil.copytree(FIXTURE, project)
    return project


def _edit(project: Path, old: str, new: str, path: str = DRAFT) -> None:
    file = project / path
    text = file.read_text(encoding="utf-8")
    assert old in text
    file.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.unit
@pytest.mark.parametrize("example", EXAMPLES["examples"], ids=lambda e: e["name"])
def test_every_example_renders_with_its_declared_params(example: dict[str, Any]) -> None:
    declared = EXAMPLES["macros"][example["macro"]]["params"]["params"]["description"]
    assert all(key in declared for key in example["params"]["params"])
    root = _render(example)
    assert root.xpath("//section[@id='td-consult']/h2 | //*[@data-module='td-subscribe']")
    labelled = {label.get("for") for label in root.iter("label")}
    for field in root.xpath("//input | //select | //textarea"):
        inside = field.getparent().tag == "label"  # a checkbox or radio in its label
        assert inside or field.get("id") in labelled, lxml_html.tostring(field)


@pytest.mark.unit
def test_the_form_is_a_plain_post_and_the_summary_says_what_needs_javascript() -> None:
    form = _render(EXAMPLES["examples"][0])
    (element,) = form.xpath("//form")
    assert element.get("method") == "post" and element.get("action").endswith("/comments")
    assert form.xpath("//select/option/text()")[0] == "总体意见"
    assert form.xpath("//textarea/@required") and form.xpath("//textarea/@maxlength") == ["2000"]
    summary = _render(EXAMPLES["examples"][1])
    assert "需要启用 JavaScript" in summary.xpath("string(//*[@class='td-consult__nojs'])")
    assert summary.xpath("//h4/text()") == ["部分采纳", "未采纳"]
    empty = _render(EXAMPLES["examples"][2])
    assert "正在研究" in empty.text_content()


@pytest.mark.unit
def test_the_substance_digest_ignores_rewording_but_not_conditions_or_status(
        tmp_path: Path) -> None:
    project = _copy(tmp_path)

    def digests() -> dict[str, str]:
        corpus = load_corpus(project / "content", today=dt.date(2026, 12, 7))
        assert not corpus.errors, [e.format() for e in corpus.errors]
        return {e.id: substance(e) for e in corpus.of_kind("policy")}

    first = digests()
    _edit(project, "给予每张1万元", "给予每张一万元", "content/policies/silver-draft.md")
    _edit(project, "summary: 公开征求意见", "summary: 现公开征求意见")
    assert digests() == first  # rewording the text or the summary is no news
    _edit(project, "consultation_ends: 2026-12-10", "consultation_ends: 2026-12-20")
    _edit(project, "effective: 2023-05-01", "effective: 2023-06-01", "content/policies/rd-subsidy.md")
    changed = digests()
    assert all(changed[k] != first[k] for k in first)


@pytest.mark.unit
def test_the_policies_document_lists_tags_with_labels(tmp_path: Path) -> None:
    corpus = load_corpus(FIXTURE / "content", today=dt.date(2026, 12, 7))
    document = policies_document(corpus, site_name="测试门户", site_url="https://x.example/")
    assert [p["id"] for p in document["policies"]] == ["rd-subsidy", "silver-draft"]
    assert document["facets"]["level"] == [{"value": "city", "label": "市级", "count": 2}]
    draft = document["policies"][1]
    assert (draft["status"], draft["status_label"]) == ("consultation", "征求意见")
    assert draft["audiences"] == ["老年人", "企业"] and draft["url"] == "policies/silver-draft/"


@pytest.mark.unit
def test_front_matter_errors_of_a_consultation_name_their_field(tmp_path: Path) -> None:
    project = _copy(tmp_path)
    _edit(project, "status: consultation\n", "status: consultation\nconsultation_responses:\n"
          "  - opinion: 建议取消户籍限制\n    decision: 未采纳\n")
    _edit(project, "published: 2023-03-28\n", "published: 2023-03-28\nconsultation_ends: 2023-04-30\n",
          "content/policies/rd-subsidy.md")
    errors = [e.format() for e in load_corpus(project / "content").errors]
    assert any("silver-draft.md" in e and "reason" in e and "须说明理由" in e for e in errors), errors
    assert any("rd-subsidy.md" in e and "consultation_ends" in e for e in errors), errors


def _build(project: Path, site: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "site_builder.cli", "build", "-f",
                           str(project / "mkdocs.yml"), "-d", str(site)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]


@pytest.mark.integration
def test_the_build_writes_the_data_and_switches_from_form_to_summary(tmp_path: Path) -> None:
    project = _copy(tmp_path)
    site = tmp_path / "site"
    _build(project, site)
    drafts = json.loads((site / "api/engage/consultations.json").read_text(encoding="utf-8"))
    assert drafts["consultations"] == [{
        "id": "silver-draft", "title": "临江市促进银发经济发展若干措施（征求意见稿）",
        "url": "policies/silver-draft/", "ends": "2026-12-10",
        "sections": ["一、发展社区养老服务", "二、推进适老化改造"]}]
    page = (site / "policies/silver-draft/index.html").read_text(encoding="utf-8")
    assert 'action="../../api/engage/consultations/silver-draft/comments"' in page
    assert "components/engage/engage.css" in page and "consult-summary.js" not in page
    assert 'id="td-consult"' not in (site / "policies/rd-subsidy/index.html").read_text("utf-8")

    _edit(project, 'today: "2026-12-07"', 'today: "2026-12-11"', "mkdocs.yml")
    _build(project, site)
    page = (site / "policies/silver-draft/index.html").read_text(encoding="utf-8")
    assert "<form" not in page.split('id="td-consult"')[1]
    assert "已于2026年12月10日截止" in page and "consult-summary.js" in page
    assert 'data-api="../../api/engage/consultations/silver-draft/summary"' in page


@pytest.mark.unit
def test_the_subscriptions_page_offers_feeds_without_javascript_and_groups_tags() -> None:
    root = _render(next(e for e in EXAMPLES["examples"] if e["macro"] == "subscribe_page"))
    assert root.xpath("//*[@class='td-subscribe__nojs']//a/@href") == ["../feeds/"]
    assert root.xpath("//form[@class='td-subscribe__form'][@hidden]")  # shown by the script
    legends = root.xpath("//div[@class='td-subscribe__tags']/fieldset/legend/text()")
    assert legends == ["专题", "对象"]  # a kind without values is left out
    assert root.xpath("//input[@name='tag']/@value") == [
        "topic:business-support", "audience:企业", "audience:老年人"]
    assert root.xpath("//select[@id='td-subscribe-enterprise-district']/option/text()") == [
        "不填写", "滨江区", "高新区"]
    assert root.xpath("//*[@data-subject='person'][@hidden]")
