"""Importing the fixture folders: valid content, exact bodies, idempotence, skipped files."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from site_builder.commands.import_cmd import command
from site_builder.content.corpus import load_corpus
from site_builder.importer import import_folder

pytestmark = pytest.mark.integration

FIXTURES = Path(__file__).parents[2] / "fixtures" / "import-src"
LAWS = FIXTURES / "laws"
BROKEN = FIXTURES / "broken"
DOCS = 13  # .md files in LAWS that are documents (the two _index.md are not)


def snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    return {p.relative_to(folder).as_posix(): (hashlib.sha1(p.read_bytes(), usedforsecurity=False).hexdigest(),
                                               p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory):
    dest = tmp_path_factory.mktemp("content")
    before = snapshot(LAWS)
    report = import_folder(LAWS, dest)
    assert snapshot(LAWS) == before, "the source folder must never change"
    corpus = load_corpus(dest)
    by_source = {getattr(e.meta, "source", None): e for e in corpus.documents.values()}
    return dest, report, corpus, by_source


def test_whole_fixture_imports_with_zero_content_errors(imported) -> None:
    dest, report, corpus, _ = imported
    assert [e.format() for e in corpus.errors] == []
    assert report.imported == len(corpus.documents) == DOCS
    assert report.skipped == []
    assert sorted(report.ignored) == ["民法典/_index.md", "部门规章/市场监督管理总局/_index.md"]
    assert all(p.parent.name == "policies" for p in (dest / "policies").rglob("*.md"))


def test_bodies_are_the_source_text_after_the_title(imported) -> None:
    _, _, _corpus, by_source = imported
    for source, entry in by_source.items():
        text = (LAWS / source).read_text(encoding="utf-8")
        assert text.endswith(entry.body), source
        head = text[: len(text) - len(entry.body)]
        assert all(line.startswith("# ") for line in head.splitlines() if line.strip()), source


def test_inferred_metadata(imported) -> None:
    _, _, _, docs = imported
    power = docs["行政法规/电力监管条例(2005-02-15).md"].meta
    assert (power.doc_type, power.level, power.issuer) == ("行政法规", "national", "国务院")
    assert power.doc_number == "中华人民共和国国务院令第432号"
    assert (str(power.written), str(power.published), str(power.effective)) == (
        "2005-02-02", "2005-02-15", "2005-05-01")
    assert power.history[1] == "2005年2月15日 中华人民共和国国务院令第432号公布"
    code = docs["民法典/附则.md"].meta
    assert code.title == "中华人民共和国民法典·附则" and code.issuer == "全国人民代表大会"
    reply = docs["司法解释/最高人民法院关于知识产权侵权诉讼中被告以原告滥用权利为由请求赔偿合理开支问题的批复.md"].meta
    assert reply.doc_number == "法释〔2021〕11号" and reply.issuer == "最高人民法院"
    zone = docs["DLC/广东地方法规/地方性法规/广东/汕头经济特区突发公共卫生事件应急条例(2022-05-30).md"].meta
    assert (zone.level, zone.issuer, zone.region) == ("city", "汕头市人民代表大会常务委员会", "440500")
    county = docs["DLC/浙江地方法规/地方性法规/浙江/景宁畲族自治县城市管理条例(2015-06-08).md"].meta
    assert county.level == "district"
    assert docs["DLC/浙江地方法规/地方性法规/浙江/浙江省广告管理条例(2020-07-31).md"].meta.level == "province"
    wrapped = docs["宪法相关法/外国中央银行财产司法强制措施豁免法(2005-10-25).md"].meta
    assert wrapped.history and wrapped.history[0][:4].isdigit(), "a wrapped title is not history"
    assert wrapped.tags == ["宪法相关法"]


def test_newest_version_supersedes_the_older_and_keeps_the_shared_number(imported) -> None:
    _, report, _corpus, docs = imported
    old = docs["行政法规/进出口商品检验法实施条例(2019-03-02).md"]
    new = docs["行政法规/进出口商品检验法实施条例(2022-03-29).md"]
    assert new.meta.supersedes == [old.id]
    assert old.status == "superseded" and new.status == "effective"
    number = "中华人民共和国国务院令第447号"
    assert new.meta.doc_number == number and old.meta.doc_number != number
    assert report.duplicate_numbers[number]["kept_by"] == new.meta.source
    assert any(number in line for line in old.meta.history)


def test_reimport_is_idempotent(imported) -> None:
    dest, _, corpus, _ = imported
    before = snapshot(dest)
    again = import_folder(LAWS, dest)
    assert (again.written, again.unchanged) == (0, DOCS)
    assert snapshot(dest) == before
    assert set(load_corpus(dest).documents) == set(corpus.documents)


def test_reimport_keeps_an_id_already_in_dest(tmp_path: Path) -> None:
    import_folder(LAWS, tmp_path)
    path = next((tmp_path / "policies").glob("dian-li-jian-guan-tiao-li-*.md"))
    old_id = path.stem
    path.write_text(path.read_text(encoding="utf-8").replace(old_id, "dian-li-old-id"),
                    encoding="utf-8")
    import_folder(LAWS, tmp_path)
    ids = set(load_corpus(tmp_path).documents)
    assert "dian-li-old-id" in ids and old_id not in ids


def test_number_used_by_other_content_is_not_repeated(tmp_path: Path) -> None:
    mine = tmp_path / "policies" / "hand-written.md"
    mine.parent.mkdir(parents=True)
    mine.write_text("---\nid: hand-written\ntitle: 手写的政策\nissuer: 国务院\nlevel: national\n"
                    "doc_number: 中华人民共和国国务院令第432号\n---\n正文\n", encoding="utf-8")
    report = import_folder(LAWS, tmp_path)
    corpus = load_corpus(tmp_path)
    assert [e.format() for e in corpus.errors] == []
    assert any("第432号" in message for _, message in report.warnings)


def test_strip_header_leaves_history_in_front_matter_only(tmp_path: Path) -> None:
    import_folder(LAWS, tmp_path, keep_header=False)
    entry = next(e for e in load_corpus(tmp_path).documents.values()
                 if getattr(e.meta, "source", None) == "行政法规/电力监管条例(2005-02-15).md")
    assert entry.body.startswith("## 第一章 总则") and "INFO END" not in entry.body
    assert len(entry.meta.history) == 3  # type: ignore[attr-defined]


def test_prune_removes_documents_whose_source_is_gone(tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(LAWS, src)
    dest = tmp_path / "content"
    import_folder(src, dest)
    (src / "民法典" / "附则.md").unlink()
    kept = import_folder(src, dest)
    assert kept.removed == [] and len(load_corpus(dest).documents) == DOCS
    pruned = import_folder(src, dest, prune=True)
    assert len(pruned.removed) == 1 and len(load_corpus(dest).documents) == DOCS - 1


def test_unreadable_files_are_listed_skipped_and_fail_the_command(tmp_path: Path) -> None:
    report_file = tmp_path / "report.json"
    result = CliRunner().invoke(command, [str(BROKEN), str(tmp_path / "out"),
                                          "--report", str(report_file)])
    assert result.exit_code == 1
    for name, reason in [("非UTF8编码(2005-02-15).md", "不是 UTF-8"), ("空文件.md", "文件为空"),
                         ("无标题.md", "没有标题")]:
        assert f"{name}: {reason}" in result.output
    data = json.loads(report_file.read_text(encoding="utf-8"))
    assert data["imported"] == 1 and len(data["skipped"]) == 3
    assert len(load_corpus(tmp_path / "out").documents) == 1


def test_command_succeeds_and_summarises(tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(LAWS, src)
    (src / "说明.txt").write_text("不是 Markdown\n", encoding="utf-8")
    result = CliRunner().invoke(command, [str(src), str(tmp_path / "content")])
    assert result.exit_code == 0, result.output
    assert f"导入 {DOCS} 篇" in result.output and "跳过 0 篇" in result.output
    assert "忽略的非 Markdown 文件（1）" in result.output and "说明.txt" in result.output


def test_dest_inside_src_is_refused(tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(LAWS, src)
    result = CliRunner().invoke(command, [str(src), str(src / "content")])
    assert result.exit_code == 2 and not (src / "content").exists()


def test_front_matter_has_no_yaml_aliases(imported) -> None:
    _, _, _, docs = imported
    entry = docs["民法典/附则.md"]
    assert entry.meta.written == entry.meta.published
    assert "&id" not in entry.abs_path.read_text(encoding="utf-8")
