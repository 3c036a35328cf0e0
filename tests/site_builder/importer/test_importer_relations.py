"""Relations the importer infers: newest version supersedes, amendments amend."""

from __future__ import annotations

from pathlib import Path

import pytest

from site_builder.content.corpus import load_corpus
from site_builder.importer import import_folder

pytestmark = pytest.mark.integration


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def law(title: str, *history: str) -> str:
    return f"# {title}\n\n" + "".join(f"{h}\n\n" for h in history) + "<!-- INFO END -->\n\n第一条 …\n"


@pytest.fixture
def corpus(tmp_path: Path):
    src = tmp_path / "src"
    write(src, "刑法/刑法.md", law(
        "中华人民共和国刑法", "1997年3月14日 第八届全国人民代表大会第五次会议修订",
        "2020年12月26日 第十三届全国人民代表大会常务委员会第二十四次会议通过的"
        "《中华人民共和国刑法修正案（十一）》修正"))
    write(src, "刑法/刑法修正案（十一）.md", law(
        "中华人民共和国刑法修正案（十一）",
        "2020年12月26日 第十三届全国人民代表大会常务委员会第二十四次会议通过"))
    for date in ("2010-01-01", "2015-06-30", "2020-03-01"):
        write(src, f"行政法规/某某条例({date}).md", law("某某条例", f"{date[:4]}年1月1日 国务院公布"))
    write(src, "经济法/广告法(2021-04-29).md", law("中华人民共和国广告法"))
    write(src, "行政法/广告法(2021-04-29).md", law("中华人民共和国广告法"))
    write(src, "经济法/广告法(2018-10-26).md", law("中华人民共和国广告法"))
    dest = tmp_path / "content"
    report = import_folder(src, dest)
    result = load_corpus(dest)
    assert [e.format() for e in result.errors] == []
    return report, {getattr(e.meta, "source", None): e for e in result.documents.values()}


def test_amendment_amends_the_law_it_names(corpus) -> None:
    _, docs = corpus
    assert docs["刑法/刑法修正案（十一）.md"].meta.amends == [docs["刑法/刑法.md"].id]
    assert docs["刑法/刑法.md"].meta.amends == []
    assert str(docs["刑法/刑法.md"].meta.published) == "2020-12-26"


def test_newest_version_supersedes_every_older_one(corpus) -> None:
    _, docs = corpus
    newest = docs["行政法规/某某条例(2020-03-01).md"]
    older = [docs[f"行政法规/某某条例({d}).md"] for d in ("2010-01-01", "2015-06-30")]
    assert newest.meta.supersedes == sorted(o.id for o in older)
    assert all(o.status == "superseded" for o in older) and newest.status == "effective"


def test_same_title_and_date_in_two_folders_is_a_warning_not_a_guess(corpus) -> None:
    report, docs = corpus
    assert not any(docs[p].meta.supersedes for p in
                   ("经济法/广告法(2021-04-29).md", "行政法/广告法(2021-04-29).md"))
    assert any("同名同日期" in message for _, message in report.warnings)
