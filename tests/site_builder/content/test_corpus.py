"""Every kind of front-matter mistake is reported as path:line: field: message, all at once."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from site_builder.content.corpus import load_corpus

pytestmark = pytest.mark.unit

GOOD = """---
id: {id}
title: 测试政策{id}
issuer: 临江市人民政府
level: city
doc_number: {number}
published: 2021-04-01
effective: 2021-05-01
---
正文
"""


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def errors_of(root: Path) -> list[str]:
    return [e.format() for e in load_corpus(root).errors]


def test_valid_corpus_has_no_errors(tmp_path: Path) -> None:
    write(tmp_path, "policies/a.md", GOOD.format(id="a", number="临政发〔2021〕1号"))
    corpus = load_corpus(tmp_path, today=dt.date(2022, 1, 1))
    assert corpus.errors == []
    assert corpus.documents["a"].url == "policies/a/"
    assert corpus.documents["a"].status == "effective"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("colour: red", "policies/a.md:9: colour: 未知字段"),
        ("related: 5", "policies/a.md:9: related: 应为列表"),
        ("expires: 2021-13-01", "policies/a.md:9: expires: 应为日期"),
        ("expires: 2021-01-01", "policies/a.md:9: expires: 失效日期必须晚于生效日期"),
        ("written: 2021-06-01", "policies/a.md:7: published: 发布日期不能早于成文日期"),
        ("level: town", "policies/a.md:5: level: 取值“town”无效"),
        ("based_on: [nowhere]", "policies/a.md:9: based_on.0: 找不到 id 为“nowhere”的文档"),
        ("supersedes: [faq1]", "policies/a.md:9: supersedes.0: “faq1”是常见问题，这里应引用政策文件"),
    ],
)
def test_each_mistake_names_file_line_and_field(tmp_path: Path, line: str, expected: str) -> None:
    text = GOOD.format(id="a", number="临政发〔2021〕1号").replace("---\n正文", f"{line}\n---\n正文")
    if line.startswith("level"):
        text = text.replace("level: city\n", "").replace("issuer: 临江市人民政府\n",
                                                         "issuer: 临江市人民政府\nlevel: town\n")
        text = text.replace(f"{line}\n---", "---")
    write(tmp_path, "policies/a.md", text)
    write(tmp_path, "faqs/faq1.md", "---\nid: faq1\ntitle: 问？\n---\n答。\n")
    found = errors_of(tmp_path)
    assert any(e.startswith(expected) for e in found), found


def test_unknown_field_suggests_the_close_name(tmp_path: Path) -> None:
    write(tmp_path, "policies/a.md", GOOD.format(id="a", number="x").replace("issuer:", "issuerr:"))
    found = errors_of(tmp_path)
    assert any("issuerr: 未知字段，是不是想写“issuer”" in e for e in found), found
    assert any("policies/a.md:4: issuer: 缺少必填字段" not in e for e in found)


def test_duplicates_and_many_errors_in_one_run(tmp_path: Path) -> None:
    write(tmp_path, "policies/a.md", GOOD.format(id="a", number="临政发〔2021〕1号"))
    write(tmp_path, "policies/b.md", GOOD.format(id="a", number="临政发〔2021〕2号"))
    write(tmp_path, "policies/c.md", GOOD.format(id="c", number="临政发〔2021〕1号"))
    write(tmp_path, "services/s.md", "---\nid: s\ntitle: 服务\nfee: 3\n---\n")
    write(tmp_path, "faqs/bad.md", "---\nid: Bad_Id\ntitle: x\n")
    found = errors_of(tmp_path)
    assert "policies/b.md:2: id: id“a”重复：policies/a.md 已经使用了它" in found
    assert "policies/c.md:6: doc_number: 文号“临政发〔2021〕1号”重复：policies/a.md 已经使用了它" in found
    assert any(e.startswith("services/s.md:4: fee: 应为文本") for e in found)
    assert any(e.startswith("services/s.md:1: department: 缺少必填字段") for e in found)
    assert any(e.startswith("faqs/bad.md:1: ") and "结束" in e for e in found)
    assert len(found) >= 5


def test_kind_from_folder_and_wrong_kind(tmp_path: Path) -> None:
    write(tmp_path, "notes/x.md", "---\nid: x\ntitle: 随笔\n---\n")
    write(tmp_path, "faqs/y.md", "---\nid: y\ntitle: 问？\n---\n")
    found = errors_of(tmp_path)
    assert found == ["notes/x.md: 文档类型“None”无效，应为：policy、interpretation、service、faq、"
                     "topic、scenario（或放在对应文件夹里）"] or found[0].startswith("notes/x.md")
    assert "y" in load_corpus(tmp_path).documents


def test_status_is_computed_from_dates(tmp_path: Path) -> None:
    write(tmp_path, "policies/old.md", GOOD.format(id="old", number="临政发〔2020〕1号").replace(
        "---\n正文", "expires: 2022-01-01\n---\n正文"))
    write(tmp_path, "policies/new.md", GOOD.format(id="new", number="临政发〔2020〕2号").replace(
        "2021-05-01", "2030-01-01"))
    write(tmp_path, "policies/gone.md", GOOD.format(id="gone", number="临政发〔2020〕3号").replace(
        "---\n正文", "status: repealed\n---\n正文"))
    write(tmp_path, "policies/next.md", GOOD.format(id="next", number="临政发〔2020〕4号").replace(
        "---\n正文", "supersedes: [gone, rep]\n---\n正文"))
    write(tmp_path, "policies/rep.md", GOOD.format(id="rep", number="临政发〔2020〕5号"))
    corpus = load_corpus(tmp_path, today=dt.date(2024, 1, 1))
    status = {k: v.status for k, v in corpus.documents.items()}
    assert status == {"old": "expired", "new": "pending", "gone": "repealed",
                      "next": "effective", "rep": "superseded"}
    assert corpus.documents["rep"].superseded_by == ["next"]
