"""History lines: events, the dates a policy gets, and its likeliest 文号."""

from __future__ import annotations

import datetime as dt

import pytest

from site_builder.importer.history import (
    event_kind,
    infer_dates,
    number_candidates,
    numbers_in,
    parse_events,
)

pytestmark = pytest.mark.unit

D = dt.date

ELECTRICITY = [
    "2005年2月2日 国务院第80次常务会议通过",
    "2005年2月15日 中华人民共和国国务院令第432号公布",
    "2005年5月1日 施行",
]


def test_regulation_dates_and_number() -> None:
    events = parse_events(ELECTRICITY)
    assert [e.kind for e in events] == ["adopted", "published", "effective"]
    dates = infer_dates(events, D(2005, 2, 15))
    assert (dates.written, dates.published, dates.effective) == (
        D(2005, 2, 2), D(2005, 2, 15), D(2005, 5, 1))
    assert number_candidates(ELECTRICITY)[0] == "中华人民共和国国务院令第432号"


def test_amended_law_is_published_on_its_latest_amendment_and_old_effective_date_dropped() -> None:
    lines = [
        "2002年6月29日 第九届全国人民代表大会常务委员会第二十八次会议通过",
        "2003年1月1日 施行",
        ("2012年2月29日 第十一届全国人民代表大会常务委员会第二十五次会议"
        "《关于修改<中华人民共和国清洁生产促进法>的决定》修正"),
    ]
    dates = infer_dates(parse_events(lines), D(2012, 2, 29))
    assert dates.published == D(2012, 2, 29)
    assert dates.written == D(2012, 2, 29)
    # 2003 施行 belongs to the 2002 text; the model forbids effective < published.
    assert dates.effective is None


def test_two_events_on_one_line_and_quoted_titles_ignored() -> None:
    lines = [("2008年3月1日 施行根据2018年9月7日青岛市第十六届人民代表大会常务委员会第十一次会议"
             "《关于修改〈青岛市环境噪声管理规定〉等十九件地方性法规的决定》修正")]
    events = parse_events(lines)
    assert [(e.date, e.kind) for e in events] == [
        (D(2008, 3, 1), "effective"), (D(2018, 9, 7), "amended")]
    # 《…实施办法》 is a title, not an 实施 event.
    assert event_kind(" 《关于修改〈浙江省实施办法〉的决定》") == "other"


def test_wrapped_event_joins_the_line_before() -> None:
    lines = [
        "2015年8月29日 第十二届全国人民代表大会常务委员会第十六次会议《关于修改〈中华人民共和国地方各级人民代表大会和地方各级人民政府组织法〉",
        "〈中华人民共和国全国人民代表大会和地方各级人民代表大会选举法〉",
        "〈中华人民共和国全国人民代表大会和地方各级人民代表大会代表法〉的决定》第六次修正",
    ]
    events = parse_events(lines)
    assert len(events) == 1 and events[0].kind == "amended"


def test_local_regulation_published_by_file_date_written_by_approval() -> None:
    lines = [
        "2019年8月29日 商丘市第五届人民代表大会常务委员会第十七次会议通过",
        "2019年9月27日 河南省第十三届人民代表大会常务委员会第十二次会议批准",
    ]
    dates = infer_dates(parse_events(lines), D(2019, 11, 13))
    assert dates.published == D(2019, 11, 13)
    assert dates.written == D(2019, 9, 27)


def test_written_left_empty_when_this_versions_adoption_is_not_recorded() -> None:
    lines = ["1989年9月26日 国务院批准", "1989年11月13日 卫生部令第3号发布"]
    dates = infer_dates(parse_events(lines), D(2019, 3, 2))
    assert dates.published == D(2019, 3, 2)
    assert dates.written is None


def test_published_and_effective_together() -> None:
    lines = ["1982年12月4日 全国人民代表大会公告公布施行"]
    dates = infer_dates(parse_events(lines), None)
    assert dates.published == dates.effective == D(1982, 12, 4)


def test_impossible_date_is_ignored() -> None:
    assert parse_events(["2019年2月30日 施行"]) == []


def test_numbers() -> None:
    assert numbers_in("2014年4月11日 杭州市人民代表大会常务委员会第26号公布") == [
        "杭州市人民代表大会常务委员会第26号"]
    assert numbers_in(" 最高人民法院以法发〔1993〕15号通知印发） ") == ["法发〔1993〕15号"]
    assert numbers_in(" 对外贸易经济合作部令第6号发布") == ["对外贸易经济合作部令第6号"]
    assert numbers_in(" 国务院第80次常务会议通过") == []


def test_number_order_own_line_then_newest_order_then_amending_decision() -> None:
    assert number_candidates(["法释〔2021〕11号", "2021年5月31日 最高人民法院审判委员会第1840次会议通过"]) == [
        "法释〔2021〕11号"]
    revised = [
        "2005年6月23日 中华人民共和国国务院、中华人民共和国中央军事委员会令第438号公布",
        "2017年9月27日 中华人民共和国国务院、中华人民共和国中央军事委员会令第689号修订",
    ]
    assert number_candidates(revised)[0].endswith("第689号")
    by_decision = [
        "2001年1月1日 中华人民共和国国务院令第300号公布",
        "2010年12月29日 中华人民共和国国务院令第588号《国务院关于废止和修改部分行政法规的决定》修订",
    ]
    assert number_candidates(by_decision) == [
        "中华人民共和国国务院令第300号", "中华人民共和国国务院令第588号"]


def test_continuation_line_does_not_override_the_dated_lines_event() -> None:
    lines = ["1985年6月21日 国务院批准", "1985年7月6日 林业部公布", "公布之日施行"]
    events = parse_events(lines)
    assert [e.kind for e in events] == ["adopted", "published+effective"]
    # The file name says 1958 (a typo upstream); the 公布 line is later and wins.
    dates = infer_dates(events, D(1958, 7, 6))
    assert dates.published == dates.effective == D(1985, 7, 6)


def test_date_wrapped_onto_the_next_line() -> None:
    lines = ["2014年7月23日 济南市第十五届人民代表大会常务委员会第十五次会议通过", "2014年9月26",
             "日山东省第十二届人民代表大会常务委员会第十次会议批准"]
    assert [(e.date, e.kind) for e in parse_events(lines)] == [
        (D(2014, 7, 23), "adopted"), (D(2014, 9, 26), "adopted")]


def test_adopting_an_amendment_is_an_amendment() -> None:
    lines = ["1982年12月4日 全国人民代表大会公告公布施行",
             "2018年3月11日 第十三届全国人民代表大会第一次会议通过的《中华人民共和国宪法修正案》"]
    events = parse_events(lines)
    assert events[-1].kind == "amended"
    assert infer_dates(events, None).published == D(2018, 3, 11)
