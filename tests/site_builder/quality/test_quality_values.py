"""The value checks behind the validity and consistency rules, on real-world spellings."""

from __future__ import annotations

import pytest

from site_builder.quality.rules_consistency import issuer_level
from site_builder.quality.rules_validity import (
    doc_number_problem,
    phone_problem,
    region_problem,
    url_problem,
)

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(("number", "problem"), [
    ("国办发〔2021〕12号", None), ("中华人民共和国国务院令第722号", None),
    ("中华人民共和国主席令第五十一号", None), ("临江市人民代表大会常务委员会公告第12号", None),
    ("国务院、中央军事委员会令第17号", None),
    ("劳社部发[2008]3号", "六角括号"), ("人薪发［1995］32号", "六角括号"), ("临政发（2023）5号", "六角括号"),
    ("临政发〔2023〕第5号", "不加“第”"), ("临政发〔2023〕05号", "虚位"),
    ("海关总署第61号令", "令第N号"), ("中中华人民共和国主席令第三号", "重复"),
    ("中华人民共和国公安部令第１２５号", "半角"), ("2023年第5号", "格式应为"),
])
def test_doc_numbers(number: str, problem: str | None) -> None:
    found = doc_number_problem(number)
    assert (found is None) if problem is None else (found is not None and problem in found)


@pytest.mark.parametrize(("issuer", "level"), [
    ("国务院办公厅", "national"), ("全国人民代表大会常务委员会", "national"),
    ("国家市场监督管理总局", "national"), ("最高人民法院", "national"),
    ("北京市人民代表大会常务委员会", "province"), ("江南省人民政府", "province"),
    ("广西壮族自治区人民政府", "province"), ("广西壮族自治区南宁市人民政府", "city"),
    ("浙江省杭州市人民政府", "city"), ("临江市人力资源和社会保障局", "city"),
    ("深圳市人民代表大会常务委员会", "city"), ("临江市滨江区人民政府", "district"),
    ("上海市浦东新区人民政府", "district"), ("景宁畲族自治县人民代表大会", "district"),
    ("人力资源社会保障部", None),
])
def test_issuer_levels(issuer: str, level: str | None) -> None:
    assert issuer_level(issuer) == level


@pytest.mark.parametrize(("phone", "ok"), [
    ("0571-8690 1110", True), ("(010)12345678", True), ("12345", True), ("95598", True),
    ("400-123-4567", True), ("13812345678", True), ("0571-86901110转8001", True),
    ("12333、0571-86921333", True), ("0571-869011", False), ("1381234567", False), ("电话", False),
])
def test_phones(phone: str, ok: bool) -> None:
    assert (phone_problem(phone) is None) is ok


@pytest.mark.parametrize(("code", "ok"), [
    ("110000", True), ("330100", True), ("330106", True), ("419001", True), ("390100", False),
    ("330000", True), ("337100", False), ("110001", False),
])
def test_region_codes(code: str, ok: bool) -> None:
    assert (region_problem(code) is None) is ok


@pytest.mark.parametrize(("url", "ok"), [
    ("https://zwfw.linjiang.gov.cn/a?b=1", True), ("mailto:a@b.cn", True), ("http://localhost:8000/", True),
    ("https://zwfw。gov.cn", False), ("https://zwfw gov.cn", False), ("https://intranet/x", False),
    ("javascript:alert(1)", False), ("ftp://files.gov.cn/a", False),
])
def test_urls(url: str, ok: bool) -> None:
    assert (url_problem(url) is None) is ok
