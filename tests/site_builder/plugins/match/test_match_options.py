"""Choice facts from declared option lists with names: districts from ``_data/regions.yml``."""

from __future__ import annotations

from pathlib import Path

import pytest
from tongda_rules import FactsFile, Matcher, check_rules, profile_problems

from site_builder.content.regions import load_regions, region_level, region_parent
from site_builder.errors import ContentError
from site_builder.plugins.match.ruleset import load_facts

pytestmark = pytest.mark.unit
ROOT = Path(__file__).resolve().parents[4]
FACTS = """\
enterprise:
  - name: district
    label: 注册地所在区
    type: string
    options_from: {table: regions, within: "390100", other: 临江市以外}
person:
  - {name: age, label: 年龄, type: integer}
"""
REGIONS = '"390000": 江南省\n"390100": 临江市\n"390102": 滨江区\n"390171": 高新区\n"390202": 别市区\n'


def _data(tmp_path: Path, facts: str = FACTS, regions: str | None = REGIONS) -> Path:
    data = tmp_path / "_data"
    data.mkdir()
    (data / "facts.yml").write_text(facts, encoding="utf-8")
    if regions is not None:
        (data / "regions.yml").write_text(regions, encoding="utf-8")
    return data / "facts.yml"


def test_a_district_fact_offers_the_citys_districts_by_name(tmp_path: Path) -> None:
    facts = load_facts(_data(tmp_path), "_data/facts.yml")
    district = facts.of("enterprise")["district"]
    assert district.options == ["390102", "390171", "other"]
    assert district.option_labels == {"390102": "滨江区", "390171": "高新区", "other": "临江市以外"}
    assert district.options_from is None  # resolved: rules.json carries the options only
    dumped = facts.model_dump(mode="json", exclude_none=True)["enterprise"][0]
    assert "options_from" not in dumped and dumped["option_labels"]["390102"] == "滨江区"


def test_rules_are_checked_against_the_table(tmp_path: Path) -> None:
    from tongda_rules import Rule

    facts = load_facts(_data(tmp_path), "_data/facts.yml")
    typo = Rule.model_validate({"id": "d", "label": "在滨江区注册", "clause": "第二条",
                                "logic": {"==": [{"var": "district"}, "390112"]}})
    problems = check_rules("enterprise", [typo], None, [], facts)
    assert problems and "390112 不在事实的可选值中" in problems[0].message
    assert profile_problems({"district": "滨江区"}, facts.of("enterprise"))  # codes only here


@pytest.mark.parametrize("facts, regions, field, message", [
    (FACTS.replace('"390100"', '"390900"'), REGIONS, "enterprise.0.options_from.within",
     "390900 不在 _data/regions.yml 中"),
    (FACTS, None, "enterprise.0.options_from.within", "不在 _data/regions.yml 中"),
    (FACTS, '"39010": 滨江区\n', "39010", "6 位数字"),
    (FACTS, '"390102": ""\n', "390102", "名称"),
    (FACTS.replace("type: string", "type: integer"), REGIONS, "enterprise.0",
     "只有 string 或 list 类事实可以设置 options"),
    (FACTS.replace("    options_from:", "    options: [a]\n    options_from:"), REGIONS,
     "enterprise.0", "options 与 options_from 只能写一个"),
])
def test_mistakes_name_the_file_and_field(tmp_path: Path, facts: str, regions: str | None,
                                          field: str, message: str) -> None:
    with pytest.raises(ContentError) as info:
        load_facts(_data(tmp_path, facts, regions), "content/_data/facts.yml")
    error = info.value
    assert error.field == field and message in error.message, error.format()
    assert error.path.startswith("content/_data/")


def test_region_codes_know_their_level_and_parent(tmp_path: Path) -> None:
    _data(tmp_path)
    regions = load_regions(tmp_path / "_data")
    assert [region_level(c) for c in ("390000", "390100", "390171")] == \
        ["province", "city", "district"]
    assert region_parent("390171") == "390100" and region_parent("390000") is None
    assert regions.chain("390102") == ["390000", "390100", "390102"]
    assert regions.children("390100") == ["390102", "390171"]


def test_the_demo_asks_for_districts_by_name_and_rules_match_them() -> None:
    data = ROOT / "content/_data"
    facts = load_facts(data / "facts.yml", "content/_data/facts.yml")
    for subject in ("enterprise", "person"):
        district = facts.of(subject)["district"]
        assert district.option_labels and district.option_labels["390102"] == "滨江区"
        assert district.option_labels["390171"] == "高新区"
    document = {"facts": facts.model_dump(mode="json", exclude_none=True), "policies": [
        {"id": "p", "subject": "person", "title": "高龄津贴",
         "eligibility": [{"id": "d", "label": "在滨江区居住", "clause": "第二条",
                          "logic": {"==": [{"var": "district"}, "390102"]}}]}]}
    (result,) = Matcher(document).match("person", {"district": "390102"})
    assert result["eligible"] is True
    assert isinstance(FactsFile.model_validate(document["facts"]), FactsFile)
