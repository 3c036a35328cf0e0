"""History lines written the way only some regulations write them.

Orders numbered in Chinese numerals or full-width digits, 文号 in any of the bracket
styles found in the sources, amendments adopted with or without 的, and 公布 with 施行
on the same line.
"""

from __future__ import annotations

import datetime as dt

import pytest

from site_builder.importer.history import event_kind, infer_dates, numbers_in, parse_events

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(("text", "number"), [
    ("国务院令第三百零六号公布", "国务院令第三百零六号"),
    ("海关总署令第１２号发布", "海关总署令第１２号"),
    ("国办发〔2018〕71号印发", "国办发〔2018〕71号"),
    ("国办发[2018]71号印发", "国办发[2018]71号"),
    ("国办发［2018］71号印发", "国办发［2018］71号"),
    ("国办发(2018)71号印发", "国办发(2018)71号"),
    ("国办发（2018）71号印发", "国办发（2018）71号"),
])
def test_numbers_in_every_form(text: str, number: str) -> None:
    assert numbers_in(" " + text) == [number]


@pytest.mark.parametrize("text", [
    "第十届全国人民代表大会第二次会议通过《中华人民共和国宪法修正案》",
    "第十三届全国人民代表大会第一次会议通过的《中华人民共和国宪法修正案》",
    "第十一届全国人民代表大会常务委员会第七次会议通过的《关于修改〈中华人民共和国专利法〉的决定》",
    "第十三届全国人民代表大会常务委员会第六次会议《关于修改〈中华人民共和国公司法〉的决定》第四次修正",
])
def test_adopting_an_amendment_in_any_wording_is_an_amendment(text: str) -> None:
    assert event_kind(text) == "amended"


@pytest.mark.parametrize("line", [
    "2018年9月7日 国务院令第701号公布，自公布之日起施行",
    "2018年9月7日 国务院令第701号发布，自发布之日起施行",
    "2018 年 9 月 7 日 国务院令第701号公布施行",
])
def test_published_and_effective_on_one_line(line: str) -> None:
    events = parse_events([line])
    assert [(e.date, e.kind) for e in events] == [(dt.date(2018, 9, 7), "published+effective")]
    dates = infer_dates(events, None)
    assert dates.published == dates.effective == dt.date(2018, 9, 7)
