"""Doc type, level, issuer and region from folder, title and history."""

from __future__ import annotations

import pytest

from site_builder.importer.history import parse_events
from site_builder.importer.infer import classify
from site_builder.importer.places import city_in

pytestmark = pytest.mark.unit

ZJ = ("DLC", "浙江地方法规", "地方性法规", "浙江")


def test_national_folders() -> None:
    law = classify(("经济法",), "中华人民共和国对外贸易法", parse_events(
        ["1994年5月12日 第八届全国人民代表大会常务委员会第七次会议通过"]))
    assert (law.doc_type, law.level, law.issuer, law.category) == (
        "法律", "national", "全国人民代表大会常务委员会", "经济法")
    code = classify(("民法典",), "中华人民共和国民法典·总则", parse_events(
        ["2020年5月28日 第十三届全国人民代表大会第三次会议通过"]))
    assert code.issuer == "全国人民代表大会"
    assert classify(("宪法",), "中华人民共和国宪法", []).doc_type == "宪法"
    reg = classify(("行政法规",), "中国人民解放军文职人员条例", parse_events(
        ["2005年6月23日 中华人民共和国国务院、中华人民共和国中央军事委员会令第438号公布"]))
    assert (reg.doc_type, reg.issuer) == ("行政法规", "国务院、中央军事委员会")
    rule = classify(("部门规章", "市场监督管理总局"), "药品进口管理办法", [])
    assert (rule.doc_type, rule.issuer) == ("部门规章", "国家市场监督管理总局")


def test_law_amended_by_standing_committee_keeps_its_maker() -> None:
    events = parse_events([
        "1997年3月14日 第八届全国人民代表大会第五次会议修订",
        "2020年12月26日 第十三届全国人民代表大会常务委员会第二十四次会议《刑法修正案（十一）》修正",
    ])
    assert classify(("刑法",), "中华人民共和国刑法", events).issuer == "全国人民代表大会"


def test_judicial_interpretations() -> None:
    joint = "最高人民法院  最高人民检察院关于办理强奸、猥亵未成年人刑事案件适用法律若干问题的解释"
    assert classify(("司法解释",), joint, []).issuer == "最高人民法院、最高人民检察院"
    rules = classify(("司法解释",), "人民检察院刑事诉讼规则", parse_events(
        ["2019年12月2日 最高人民检察院第十三届检察委员会第二十八次会议通过"]))
    assert rules.issuer == "最高人民检察院"
    online = classify(("司法解释",), "人民法院在线诉讼规则", parse_events(
        ["2021年5月18日 最高人民法院审判委员会第1838次会议通过"]))
    assert online.issuer == "最高人民法院"


@pytest.mark.parametrize(("title", "history", "level", "issuer", "region"), [
    ("浙江省广告管理条例", "2020年7月31日 浙江省第十三届人民代表大会常务委员会第二十二次会议通过",
     "province", "浙江省人民代表大会常务委员会", "330000"),
    ("浙江省人民代表大会议事规则", "2021年1月30日 浙江省第十三届人民代表大会第五次会议修订",
     "province", "浙江省人民代表大会", "330000"),
    ("杭州市城市绿化管理条例", "2020年1月1日 杭州市第十三届人民代表大会常务委员会第二十三次会议通过",
     "city", "杭州市人民代表大会常务委员会", "330100"),
    ("宁波大榭开发区条例", "2000年1月1日 宁波市第十一届人民代表大会常务委员会第十五次会议通过",
     "city", "宁波市人民代表大会常务委员会", "330200"),
    ("景宁畲族自治县城市管理条例", "2015年3月26日 景宁畲族自治县八届人大四次会议通过",
     "district", "景宁畲族自治县人民代表大会", None),
    ("浙江省景宁畲族自治县自治条例", "1991年1月1日 景宁畲族自治县第一届人民代表大会第四次会议通过",
     "district", "景宁畲族自治县人民代表大会", None),
])
def test_local_regulations(title: str, history: str, level: str, issuer: str,
                           region: str | None) -> None:
    info = classify(ZJ, title, parse_events([history]))
    assert (info.doc_type, info.level, info.issuer, info.region) == (
        "地方性法规", level, issuer, region)


def test_special_economic_zone_is_city_level_and_municipality_is_province() -> None:
    gd = ("DLC", "广东地方法规", "地方性法规", "广东")
    sz = classify(gd, "深圳经济特区数据条例", [])
    assert (sz.level, sz.issuer, sz.region) == ("city", "深圳市人民代表大会常务委员会", "440300")
    cq = ("DLC", "重庆地方法规", "地方性法规", "重庆")
    info = classify(cq, "重庆市区县（自治县）人民代表大会常务委员会街道工作委员会工作条例", [])
    assert (info.level, info.issuer) == ("province", "重庆市人民代表大会常务委员会")


def test_city_names_need_a_suffix() -> None:
    assert city_in("中山市物业管理条例") is not None
    assert city_in("中山陵保护条例") is None
