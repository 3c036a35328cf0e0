"""Citation forms that only some regulations use still resolve to the document cited.

Laws are cited with a version note (《公司法（2018年修正）》, 《…（2013修订）》,
《…（修正）》), with or without 中华人民共和国; 文号 with 〔〕 or [] and an optional 第;
orders (令) with Arabic or Chinese numerals (国务院令第三百零六号).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from site_builder.content.corpus import Corpus, load_corpus
from site_builder.plugins.graph.builder import add_citations
from site_builder.plugins.graph.titles import cn_number, parse_number

pytestmark = pytest.mark.unit
CITED = {
    "company-law": "title: 中华人民共和国公司法\nissuer: 全国人民代表大会常务委员会\nlevel: national\n"
                   "doc_type: 法律\neffective: 2006-01-01",
    "jobs-notice": "title: 国务院办公厅关于做好稳就业工作的通知\nissuer: 国务院办公厅\nlevel: national\n"
                   "doc_number: 国办函〔2018〕71号\neffective: 2018-11-01",
    "order-306": "title: 城市房屋拆迁管理条例\nissuer: 国务院\nlevel: national\ndoc_type: 行政法规\n"
                 "doc_number: 中华人民共和国国务院令第306号\neffective: 2001-11-01",
    "order-110": "title: 企业名称登记管理规定\nissuer: 国务院\nlevel: national\ndoc_type: 行政法规\n"
                 "doc_number: 国务院令第110号\neffective: 1991-09-01",
}


def _corpus(root: Path, sentence: str) -> Corpus:
    policies = root / "policies"
    policies.mkdir(parents=True)
    for id_, meta in CITED.items():
        (policies / f"{id_}.md").write_text(f"---\nid: {id_}\n{meta}\n---\n正文。\n", encoding="utf-8")
    (policies / "citing.md").write_text(
        "---\nid: citing\ntitle: 临江市企业服务办法\nissuer: 临江市人民政府\nlevel: city\n"
        f"effective: 2024-01-01\n---\n第一条 {sentence}\n", encoding="utf-8")
    corpus = load_corpus(root, today=dt.date(2024, 6, 1))
    assert not corpus.errors, corpus.errors
    return corpus


@pytest.mark.parametrize(("sentence", "target"), [
    ("根据《中华人民共和国公司法》，制定本办法。", "company-law"),
    ("根据《公司法》，制定本办法。", "company-law"),
    ("根据《公司法（2018年修正）》，制定本办法。", "company-law"),
    ("根据《中华人民共和国公司法（2013修订）》，制定本办法。", "company-law"),
    ("根据《公司法（2005年修订）》，制定本办法。", "company-law"),
    ("根据《中华人民共和国公司法（修正）》，制定本办法。", "company-law"),
    ("根据《公司法(2018年修正)》，制定本办法。", "company-law"),
    ("按照国办函〔2018〕71号文件要求。", "jobs-notice"),
    ("按照国办函[2018]71号文件要求。", "jobs-notice"),
    ("按照国办函〔2018〕第71号文件要求。", "jobs-notice"),
    ("依照国务院令第306号的规定。", "order-306"),
    ("依照国务院令第三百零六号的规定。", "order-306"),
    ("依照国务院令第一百一十号的规定。", "order-110"),
    ("依照中华人民共和国国务院令第一百一十号的规定。", "order-110"),
])
def test_each_citation_form_resolves(tmp_path: Path, sentence: str, target: str) -> None:
    corpus = _corpus(tmp_path, sentence)
    result = add_citations(corpus)
    assert target in {e.target for e in corpus.graph.outgoing("citing")}, result.unresolved
    assert not result.unresolved


@pytest.mark.parametrize("sentence", [
    "依照国务院令第307号的规定。", "按照国办函〔2018〕72号文件要求。", "按照国办发〔2018〕71号文件要求。",
    "根据《公司登记法》，制定本办法。",
])
def test_a_near_miss_resolves_to_nothing(tmp_path: Path, sentence: str) -> None:
    corpus = _corpus(tmp_path, sentence)
    add_citations(corpus)
    assert [e.target for e in corpus.graph.outgoing("citing")] == []


@pytest.mark.parametrize(("text", "number"), [
    ("十", 10), ("十五", 15), ("二十", 20), ("一百一十", 110), ("一百零五", 105), ("三百零六", 306),
    ("一千", 1000), ("一千零一", 1001), ("两百", None), ("〇", 0), ("709", 709),
])
def test_chinese_order_numbers(text: str, number: int | None) -> None:
    assert cn_number(text) == number


def test_a_number_with_brackets_of_any_style() -> None:
    for written in ("国办函〔2018〕71号", "国办函[2018]71号", "国办函［2018］71号", "国办函【2018】第71号"):
        assert parse_number(written) == ("国办函", "2018", 71), written
