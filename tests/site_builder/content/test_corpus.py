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
        ("expires: 2021-13-01", "policies/a.md:9: expires: 日期“2021-13-01”不存在：月份应为1到12"),
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
    assert found == ["notes/x.md:1: kind: 文档类型“None”无效，应为：policy、interpretation、service、faq、"
                     "topic、scenario（或放在对应文件夹里）"]
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


@pytest.mark.parametrize(("value", "message"), [
    ("2021-02-30", "日期“2021-02-30”不存在：2021年2月没有30日（2月只有28天）"),
    ("2024-02-30", "日期“2024-02-30”不存在：2024年2月没有30日（2月只有29天）"),
    ("2021-04-31", "日期“2021-04-31”不存在：2021年4月没有31日（4月只有30天）"),
    ("2021-13-01", "日期“2021-13-01”不存在：月份应为1到12"),
    ("2021-00-10", "日期“2021-00-10”不存在：月份应为1到12"),
    ("2021-3-5", "日期应写作 YYYY-MM-DD，月和日都用两位数：2021-03-05"),
    ("2021年3月5日", "应为日期，写作 YYYY-MM-DD（例如 2021-04-01），不要写成“2021年3月5日”"),
    ('"2021-03-05"', "应为日期：请去掉“2021-03-05”两边的引号"),
    ("2021-03-05 10:00:00", "应为日期，不要带时间"),
])
def test_an_impossible_date_says_what_is_wrong(tmp_path: Path, value: str, message: str) -> None:
    write(tmp_path, "policies/a.md", GOOD.format(id="a", number="x").replace(
        "published: 2021-04-01", f"published: {value}"))
    found = errors_of(tmp_path)
    assert len(found) == 1 and found[0].startswith(f"policies/a.md:7: published: {message}"), found


def test_an_unknown_id_suggests_the_nearest(tmp_path: Path) -> None:
    write(tmp_path, "policies/passport-law.md", GOOD.format(id="passport-law", number="临政发〔2021〕1号"))
    write(tmp_path, "policies/passport-rules.md", GOOD.format(id="passport-rules", number="临政发〔2021〕2号"))
    write(tmp_path, "faqs/q.md", "---\nid: q\ntitle: 问？\nabout: [passport-lawx, zzz]\n---\n答。\n")
    write(tmp_path, "services/s.md", "---\nid: s\ntitle: 服务\ndepartment: 局\n"
                                     "policies: [passport-ruls]\nrelated: [passport-lav]\n---\n")
    found = errors_of(tmp_path)
    assert "faqs/q.md:4: about.0: 找不到 id 为“passport-lawx”的文档；是不是“passport-law”？" in found
    assert "faqs/q.md:4: about.1: 找不到 id 为“zzz”的文档" in found
    assert "services/s.md:5: policies.0: 找不到 id 为“passport-ruls”的文档；是不是“passport-rules”？" in found
    assert "services/s.md:6: related.0: 找不到 id 为“passport-lav”的文档；是不是“passport-law”？" in found


def test_an_unreadable_file_does_not_cascade_into_its_referrers(tmp_path: Path) -> None:
    write(tmp_path, "policies/a.md", GOOD.format(id="a", number="x").replace("title:", "title: \0"))
    write(tmp_path, "faqs/q.md", "---\nid: q\ntitle: 问？\nabout: [a]\n---\n答。\n")
    found = errors_of(tmp_path)
    assert len(found) == 1 and found[0].startswith("policies/a.md:3: 有空字符"), found


ODD_VALUES = [
    "1: b", "null: b", "true: x", "? [a]\n: b", "title: 18446744073709551616", "summary: .inf",
    "tags: [.nan]", "related: [{a: 1}]", "written: 0000-01-01", "written: 1e400",
    "written: 2021-01-01T10:00:00Z", "doc_type: 99999999999999999999", "region: 1234567",
    "cases: [{a: 1}]", "eligibility: 5", "amount: [1]", "history: \"\\u0000\"",
    "template: {a: [b]}", "status: [effective]", "subject: null", "id: [a]", "kind: [policy]",
    "topics: {a: b}", "published: [2021-01-01]", "<<: {x: 1}", "level: 0x10",
    "summary: |\n  多行\n  文字", "tags: [a, [b, [c]]]",
]


@pytest.mark.parametrize("odd", ODD_VALUES)
def test_odd_front_matter_is_an_error_in_chinese_never_an_exception(tmp_path: Path, odd: str) -> None:
    write(tmp_path, "policies/a.md", GOOD.format(id="a", number="x").replace("---\n正文", f"{odd}\n---\n正文"))
    found = errors_of(tmp_path)  # raises nothing
    for error in found:
        message = error.split(": ", 1)[1]
        assert any("\u4e00" <= ch <= "\u9fff" for ch in message), error
        for english in ("Input should", "Keys should", "Value error", "found ", "expected "):
            assert english not in error, error


def test_copies_cannot_be_negative(tmp_path: Path) -> None:
    write(tmp_path, "services/s.md", "---\nid: s\ntitle: 服务\ndepartment: 局\n"
                                     "materials:\n  - name: 身份证\n    copies: -1\n---\n")
    assert errors_of(tmp_path) == ["services/s.md:7: materials.0.copies: 不能为负数（现在是 -1）"]
