"""The ``tongda-apply`` plugin: catalog, application pages, the policy box, build errors."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import jinja2
import pytest
import yaml
from lxml import html as lxml_html

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[4]
FIXTURE = ROOT / "tests" / "fixtures" / "apply-site"
COMPONENT = ROOT / "themes" / "tongda" / "components" / "apply"


def build(project: Path, dest: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "site_builder.cli", "build", "-f",
                           str(project / "mkdocs.yml"), "-d", str(dest)],
                          capture_output=True, text=True, timeout=300, cwd=ROOT, check=False)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dest = tmp_path_factory.mktemp("apply-site") / "site"
    done = build(FIXTURE, dest)
    assert done.returncode == 0, done.stderr[-3000:]
    return dest


def page(site: Path, path: str) -> Any:
    return lxml_html.fromstring((site / path / "index.html").read_text(encoding="utf-8"))


def test_the_catalog_lists_each_policy_with_its_materials_limit_and_calendar(site: Path) -> None:
    catalog = json.loads((site / "api/apply/catalog.json").read_text(encoding="utf-8"))
    policies = {p["id"]: p for p in catalog["policies"]}
    assert set(policies) == {"elderly-allowance", "rd-subsidy"}
    elderly = policies["elderly-allowance"]
    assert elderly["proactive"] is True and elderly["time_limit_days"] == 10
    assert [m["name"] for m in elderly["materials"]] == ["老年人居民身份证或户口簿", "代办人居民身份证"]
    assert elderly["apply_url"] == "apply/elderly-allowance/"
    assert policies["rd-subsidy"]["time_limit_days"] == 15
    assert policies["rd-subsidy"]["reads"] == ["revenue", "rd_spend"]
    assert set(catalog["calendar"]["years"]) == {"2025", "2026"}
    assert catalog["generated"] == "2026-12-07"


def test_the_application_page_asks_for_the_facts_the_policy_reads(site: Path) -> None:
    root = page(site, "apply/rd-subsidy")
    form = root.xpath("//form[@class='td-apply__form']")[0]
    assert form.get("hidden") is not None  # shown by the script; the static list without it
    assert [f.get("data-fact") for f in form.xpath(".//div[@data-fact]")] == ["revenue", "rd_spend"]
    assert root.xpath("string(//label[@for='td-apply-fact-revenue'])") == "上年营业收入（元）"
    assert form.xpath(".//input[@name='materials']/@value") == ["研发费用专项审计报告"]
    assert [li.get("data-condition") for li in form.xpath(".//li[@data-condition]")] == \
        ["revenue", "rd-ratio"]
    static = root.xpath("string(//section[@class='td-apply__static'])")
    assert "上年营业收入不低于2000万元" in static and "15 个工作日" in static
    scripts = root.xpath("//script/@src")
    order = [s.rsplit("/", 1)[-1] for s in scripts]
    assert order.index("logic.js") < order.index("match-core.js") < order.index("apply.js")
    div = root.xpath("//div[@data-module='td-apply']")[0]
    assert (div.get("data-api"), div.get("data-rules")) == ("../../api/apply/",
                                                            "../../api/match/rules.json")
    ids = root.xpath("//@id")
    assert not [i for i, n in Counter(ids).items() if n > 1]
    for ref in root.xpath("//@aria-describedby|//@aria-labelledby"):
        assert all(t in ids for t in ref.split()), ref


def test_policy_pages_link_to_their_application_page_and_the_calculator_knows(site: Path) -> None:
    root = page(site, "policies/elderly-allowance")
    box = root.xpath("//section[@data-module='td-apply-stats']")[0]
    assert box.xpath(".//a/@href") == ["../../apply/elderly-allowance/"]
    assert "免申即享" in box.text_content()
    assert any(s.endswith("apply-stats.js") for s in root.xpath("//script/@src"))
    calculator = page(site, "calculator")
    assert calculator.xpath("//div[@data-module='td-calculator']/@data-apply") == ["apply/"]


def _project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    shutil.copytree(FIXTURE, project)
    return project


def test_proactive_on_a_policy_reading_an_unverifiable_fact_fails_the_build(tmp_path: Path) -> None:
    project = _project(tmp_path)
    policy = project / "content/policies/rd-subsidy.md"
    policy.write_text(policy.read_text(encoding="utf-8").replace(
        "subject: enterprise\n", "subject: enterprise\nproactive: true\n"), encoding="utf-8")
    done = build(project, tmp_path / "site")
    assert done.returncode != 0
    assert "content/policies/rd-subsidy.md:" in done.stderr and "proactive" in done.stderr
    assert "rd_spend" in done.stderr and "Traceback" not in done.stderr
    checked = subprocess.run([sys.executable, "-m", "site_builder.cli", "check", "-f",
                              str(project / "mkdocs.yml")], capture_output=True, text=True,
                             timeout=300, cwd=ROOT, check=False)
    assert checked.returncode != 0  # tongda check refuses what the build refuses
    assert "content/policies/rd-subsidy.md:" in checked.stdout + checked.stderr
    assert "rd_spend" in checked.stdout + checked.stderr


def test_proactive_without_conditions_fails_the_build(tmp_path: Path) -> None:
    project = _project(tmp_path)
    (project / "content/policies/no-rules.md").write_text(
        "---\nid: no-rules\nkind: policy\ntitle: 没有条件的政策\nissuer: 临江市人民政府\n"
        "level: city\nproactive: true\n---\n\n第一条 正文。\n", encoding="utf-8")
    done = build(project, tmp_path / "site")
    assert done.returncode != 0
    assert "policies/no-rules.md:7: proactive: 免申即享的政策必须写适用条件" in done.stderr


def test_a_wrong_holiday_calendar_fails_the_build_naming_the_field(tmp_path: Path) -> None:
    project = _project(tmp_path)
    (project / "content/_data/holidays.yml").write_text(
        "years:\n  2026:\n    workdays: [2026-02-16]\n", encoding="utf-8")
    done = build(project, tmp_path / "site")
    assert done.returncode != 0
    assert "years.2026.workdays.0" in done.stderr and "本来就是工作日" in done.stderr


def _examples() -> list[dict[str, Any]]:
    return yaml.safe_load((COMPONENT / "examples.yml").read_text(encoding="utf-8"))["examples"]


@pytest.mark.unit
@pytest.mark.parametrize("example", _examples(), ids=lambda e: e["name"])
def test_every_component_example_renders_operable_markup(example: dict[str, Any]) -> None:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(COMPONENT)), autoescape=True,
                             undefined=jinja2.StrictUndefined)
    module = env.get_template("apply.html").make_module({})
    root = lxml_html.fragment_fromstring(str(getattr(module, example["macro"])(**example["params"])),
                                         create_parent="div")
    ids = root.xpath("//@id")
    assert not [i for i, n in Counter(ids).items() if n > 1]
    for ref in root.xpath("//@aria-describedby|//@aria-labelledby"):
        assert all(t in ids for t in ref.split()), ref
    for button in root.xpath("//button"):
        assert button.get("type") in ("button", "submit") and button.text_content().strip()
    for field in root.xpath("//input[@type!='checkbox']|//select"):
        assert root.xpath(f"//label[@for='{field.get('id')}']"), field.get("id")
    assert not root.xpath("//script|//@style|//@*[starts-with(name(), 'on')]")


@pytest.mark.unit
def test_the_component_has_a_no_javascript_example() -> None:
    assert any(e.get("script") is False for e in _examples())
