"""Numbers, dates, 文号 and units are rewritten the way people say them."""

from __future__ import annotations

import pytest

from site_builder.plugins.audio.normalise import cardinal, normalise, split_sentences

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("自2021年4月1日起施行", "自二〇二一年四月一日起施行"),
        ("国办函〔2018〕71号", "国办函二〇一八年第七十一号"),
        ("国发[2021]1号", "国发二〇二一年第一号"),
        ("补贴4.68亿元", "补贴四点六八亿元"),
        ("2021-04-01", "二〇二一年四月一日"),
        ("办公时间9:00-17:00", "办公时间九点至十七点"),
        ("9:30—12:00", "九点三十分至十二点"),
        ("拨打12345咨询", "拨打幺二三四五咨询"),
        ("13812345678", "幺三八幺二三四五六七八"),
        ("0571-12345678", "零五七幺，幺二三四，五六七八"),
        ("电话：0571-8890 1234", "电话：零五七幺，八八九零，幺二三四"),
        ("网上办理 https://zwfw.linjiang.example/items/dibao", "网上办理 网址见页面"),
        ("增长12.5%", "增长百分之十二点五"),
        ("面积120m²，限速60km/h", "面积一百二十平方米，限速六十公里每小时"),
        ("3-5个工作日", "三至五个工作日"),
        ("第3条", "第三条"),
        ("1,200,000元", "一百二十万元"),
        ("温度37℃", "温度三十七摄氏度"),
        ("①材料", "一、材料"),
    ],
)
def test_spoken_forms(text: str, spoken: str) -> None:
    assert normalise(text) == spoken


@pytest.mark.parametrize(
    ("n", "words"),
    [(0, "零"), (10, "十"), (15, "十五"), (71, "七十一"), (110, "一百一十"), (1001, "一千零一"),
     (10010, "一万零一十"), (200000, "二十万"), (100000001, "一亿零一")],
)
def test_cardinal(n: int, words: str) -> None:
    assert cardinal(n) == words


def test_sentences_keep_their_punctuation() -> None:
    assert split_sentences("第一句。第二句！末尾") == ["第一句。", "第二句！", "末尾"]
