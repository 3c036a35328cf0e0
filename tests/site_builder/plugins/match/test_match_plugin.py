"""The match plugin writes rules.json and the calculator page, and stops on bad rules."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from lxml import html as lxml_html
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, PluginError

pytestmark = pytest.mark.integration


def _build(root: Path) -> Path:
    site = root / "site"
    config = load_config(str(root / "mkdocs.yml"), site_dir=str(site))
    build(config)
    return site


def _edit_front_matter(path: Path, change: Any) -> None:
    text = path.read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    meta = yaml.safe_load(front)
    change(meta)
    path.write_text("---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)
                    + "---\n" + body, encoding="utf-8")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import shutil

    root = tmp_path_factory.mktemp("match") / "match-site"
    shutil.copytree(Path(__file__).resolve().parents[4] / "tests/fixtures/match-site", root)
    return _build(root)


def test_rules_json_holds_the_policies_in_force(site: Path) -> None:
    rules = json.loads((site / "api/match/rules.json").read_text(encoding="utf-8"))
    assert rules["version"] == 1
    assert [p["id"] for p in rules["policies"]] == ["graduate-subsidy", "rd-subsidy",
                                                    "stable-jobs"]  # old-subsidy has expired
    rd = next(p for p in rules["policies"] if p["id"] == "rd-subsidy")
    assert rd["url"] == "policies/rd-subsidy/"
    assert rd["services"] == [{"id": "rd-apply", "title": "企业研发投入补助申领",
                               "url": "services/rd-apply/"}]
    assert {f["name"] for f in rules["facts"]["enterprise"]} >= {"revenue", "tags", "employees"}


def test_calculator_page_has_a_labelled_form_and_a_static_checklist(site: Path) -> None:
    page = (site / "calculator/index.html").read_text(encoding="utf-8")
    tree = lxml_html.fromstring(page)
    assert tree.findtext(".//title").startswith("惠企政策计算器")
    root = tree.find('.//div[@data-module="td-calculator"]')
    assert root.get("data-rules") == "../api/match/rules.json"
    for control in root.iter("input", "select"):
        if control.get("type") in ("radio", "checkbox"):
            assert control.getparent().tag == "label"
        else:  # every text input and select has a visible label
            assert tree.find(f'.//label[@for="{control.get("id")}"]') is not None
    checklist = root.find('.//section[@id="td-calculator-checklist"]')
    titles = [a.text for a in checklist.iter("a")]
    assert "临江市企业研发投入补助办法" in titles
    assert "上年营业收入不低于2000万元" in checklist.text_content()
    assert "<script>" not in page  # no inline scripts (strict CSP)
    for asset in ("assets/vendor/json-logic-js/logic.js", "components/calculator/match-core.js",
                  "components/calculator/calculator.js", "components/calculator/calculator.css"):
        assert (site / asset).is_file()
        assert asset in page


@pytest.mark.parametrize("change, where", [
    (lambda m: m["eligibility"][0].update(logic={">=": [{"var": "revenu"}, 1]}),
     "eligibility.0.logic: 未声明的事实 'revenu'"),
    (lambda m: m["eligibility"][1].update(logic={"in": ["高薪技术企业", {"var": "tags"}]}),
     "eligibility.1.logic: 取值 高薪技术企业 不在事实的可选值中"),
    (lambda m: m["cases"][0]["expect"].update(amount=12345),
     "cases.0.expect: 案例“符合条件的高新技术企业”不成立：amount"),
    (lambda m: m["eligibility"][0].update(logic={">=": [{"var": "revenue"}, "2000"]}),
     "eligibility.0.logic: 运算 '>=' 的参数必须都是 number"),
])
def test_a_bad_rule_or_case_stops_the_build_naming_file_line_and_field(
        project: Any, change: Any, where: str) -> None:
    root = project("match-site")
    _edit_front_matter(root / "content/policies/rd-subsidy.md", change)
    with pytest.raises((Abort, PluginError)) as info:
        _build(root)
    error: BaseException | None = info.value
    while error is not None and not isinstance(error, PluginError):  # MkDocs wraps it in Abort
        error = error.__context__
    message = str(error)
    assert "policies/rd-subsidy.md:" in message and where in message, message
    assert not (root / "site").exists()
