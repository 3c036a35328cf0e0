"""What the corpus holds for each file (kind, body, place in lists, status) and the errors
editors read when a file cannot be used: path:line: field: message, in Chinese."""

from __future__ import annotations

import datetime as dt
import itertools
import os
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from site_builder.content.corpus import Corpus, Entry, content_files, load_corpus, policy_status
from site_builder.content.files import ContentFiles, FileLimits
from site_builder.content.frontmatter import SourceDocument
from site_builder.content.model import Policy

pytestmark = pytest.mark.unit
TODAY = dt.date(2024, 6, 1)
DAY = dt.timedelta(days=1)
ALLOWED = "policy、interpretation、service、faq、topic、scenario"


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def policy_text(pid: str, extra: str = "") -> str:
    return f"---\nid: {pid}\ntitle: 办法{pid}\nissuer: 市政府\nlevel: city\n{extra}---\n正文{pid}\n"


def errors_of(root: Path) -> list[str]:
    return [e.format() for e in load_corpus(root).errors]


def test_an_entry_holds_the_file_it_was_read_from(tmp_path: Path) -> None:
    path = write(tmp_path, "policies/a.md", policy_text("a") + "\n第二段\n")
    corpus = load_corpus(tmp_path)
    entry = corpus.documents["a"]
    assert corpus.by_path == {"policies/a.md": entry}
    assert (entry.src_path, entry.abs_path, entry.body, entry.body_line) == \
        ("policies/a.md", path, "正文a\n\n第二段\n", 7)
    info = os.stat(path)
    assert entry.stat == (info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)
    assert (entry.url, entry.dest_uri, entry.level) == ("policies/a/", "policies/a/index.html",
                                                        "city")


def test_the_folder_gives_the_kind_the_front_matter_does_not(tmp_path: Path) -> None:
    write(tmp_path, "policies/2021/nested.md", policy_text("nested"))
    write(tmp_path, "policies/moved.md", "---\nid: moved\nkind: faq\ntitle: 问？\n---\n答。\n")
    corpus = load_corpus(tmp_path)
    assert corpus.errors == []
    assert {i: (e.kind, e.url) for i, e in corpus.documents.items()} == {
        "nested": ("policy", "policies/nested/"), "moved": ("faq", "faqs/moved/")}
    assert corpus.documents["moved"].level is None


@pytest.mark.parametrize(("rel", "text", "error"), [
    ("notes/x.md", "---\nid: x\ntitle: 随笔\n---\n", f"notes/x.md:1: kind: 文档类型“None”无效，应为：{ALLOWED}（或放在对应文件夹里）"),
    ("faqs/x.md", "---\nid: x\ntitle: 随笔\nkind: report\n---\n", f"faqs/x.md:4: kind: 文档类型“report”无效，应为：{ALLOWED}（或放在对应文件夹里）"),
])
def test_an_unknown_kind_names_the_kinds_there_are(tmp_path: Path, rel: str, text: str,
                                                   error: str) -> None:
    write(tmp_path, rel, text)
    assert errors_of(tmp_path) == [error]


def test_front_matter_mistakes_name_the_line_and_the_field_path(tmp_path: Path) -> None:
    write(tmp_path, "services/s.md", "---\nid: s\ntitle: 服务\ndepartment: 局\nmaterials:\n"
                                     "  - name: 身份证\n    copies: .inf\n---\n")
    corpus = load_corpus(tmp_path)
    assert [e.to_dict() for e in corpus.errors] == [
        {"path": "services/s.md", "line": 7, "field": "materials.0.copies",
         "message": "不是有效的数字（YAML 的 .inf、.nan 不能用）"}]
    assert corpus.invalid_ids == {"s": "service"}


def test_broken_yaml_is_an_error_of_the_file_with_no_field(tmp_path: Path) -> None:
    write(tmp_path, "faqs/q.md", "---\nid: q\ntitle: [问\n---\n答。\n")
    corpus = load_corpus(tmp_path)
    assert len(corpus.errors) == 1
    error = corpus.errors[0].to_dict()
    assert (error["path"], error["field"]) == ("faqs/q.md", "")
    assert corpus.errors[0].format().startswith(f"faqs/q.md:{error['line']}: ")
    assert corpus.invalid_ids == {"q": ""}


def test_the_limits_given_are_the_limits_applied(tmp_path: Path) -> None:
    write(tmp_path, "policies/a.md", policy_text("a"))
    write(tmp_path, "policies/big.md", policy_text("big") + "很长的正文" * 400)
    corpus = load_corpus(tmp_path, limits=FileLimits(text_bytes=2048))
    assert [e.format() for e in corpus.errors] == [
        "policies/big.md: 文件有 6 KB，超过上限 2 KB：请拆成几个文件（上限可在 mkdocs.yml 的 tongda "
        "插件中用 files_max_text_size 调整）"]
    assert list(corpus.documents) == ["a"]


def test_a_file_that_grew_past_the_limit_after_the_walk_is_refused(tmp_path: Path) -> None:
    small = write(tmp_path, "policies/a.md", policy_text("a"))
    files = ContentFiles(markdown=[("policies/a.md", small)])
    small.write_text(policy_text("a") + "后来加的正文" * 400, encoding="utf-8")
    corpus = load_corpus(tmp_path, limits=FileLimits(text_bytes=2048), files=files)
    assert [e.format() for e in corpus.errors] == ["policies/a.md: 文件超过上限 2 KB：请拆成几个文件"]
    assert corpus.documents == {}


def test_the_walk_given_is_the_walk_used(tmp_path: Path) -> None:
    a = write(tmp_path, "policies/a.md", policy_text("a"))
    write(tmp_path, "policies/b.md", policy_text("b"))
    corpus = load_corpus(tmp_path, files=ContentFiles(markdown=[("policies/a.md", a)]))
    assert list(corpus.documents) == ["a"]
    assert corpus.files.markdown == [("policies/a.md", a)]


def test_content_files_are_the_documents_outside_data_and_hidden_folders(tmp_path: Path) -> None:
    a = write(tmp_path, "policies/a.md", policy_text("a"))
    q = write(tmp_path, "faqs/q.md", "---\nid: q\ntitle: 问？\n---\n")
    write(tmp_path, "_data/notes.md", "数据")
    write(tmp_path, ".drafts/x.md", "草稿")
    write(tmp_path, "images/logo.png", "png")
    assert list(content_files(tmp_path)) == [("faqs/q.md", q), ("policies/a.md", a)]


# Lists: newest first by 发布日期 (or 生效日期 when there is none), undated last, then by title.

def test_a_list_of_one_kind_is_newest_first_then_by_title(tmp_path: Path) -> None:
    for pid, dates in [("undated-b", ""), ("undated-a", ""),
                       ("old", "published: 2019-01-01\neffective: 2025-01-01\n"),
                       ("new", "published: 2023-05-01\n"),
                       ("only-effective", "effective: 2021-01-01\n"),
                       ("same-day-b", "published: 2021-01-01\n"),
                       ("same-day-a", "effective: 2021-01-01\n")]:
        write(tmp_path, f"policies/{pid}.md", policy_text(pid, dates))
    corpus = load_corpus(tmp_path)
    assert corpus.errors == []
    assert [e.id for e in corpus.of_kind("policy")] == [
        "new", "only-effective", "same-day-a", "same-day-b", "old", "undated-a", "undated-b"]
    assert corpus.of_kind("faq") == []


def test_kinds_without_dates_are_listed_by_title(tmp_path: Path) -> None:
    """Topics and services have no dates at all; FAQs and interpretations only 发布日期."""
    write(tmp_path, "faqs/q2.md", "---\nid: q2\ntitle: 乙问？\n---\n")
    write(tmp_path, "faqs/q1.md", "---\nid: q1\ntitle: 甲问？\n---\n")
    write(tmp_path, "faqs/q3.md", "---\nid: q3\ntitle: 丙问？\npublished: 2020-01-01\n---\n")
    for tid, title in [("t1", "B专题"), ("t2", "A专题")]:
        write(tmp_path, f"topics/{tid}.md", f"---\nid: {tid}\ntitle: {title}\n---\n")
    for sid, title in [("s1", "办理护照"), ("s2", "办理居住证")]:
        write(tmp_path, f"services/{sid}.md", f"---\nid: {sid}\ntitle: {title}\ndepartment: 局\n---\n")
    corpus = load_corpus(tmp_path)
    assert corpus.errors == []
    assert [e.id for e in corpus.of_kind("faq")] == ["q3", "q2", "q1"]  # 乙 < 甲 in code points
    assert [e.id for e in corpus.of_kind("topic")] == ["t2", "t1"]
    assert [e.id for e in corpus.of_kind("service")] == ["s2", "s1"]
    assert corpus.of_kind("scenario") == []


def _entry(n: int, title: str, published: dt.date | None, effective: dt.date | None) -> Entry:
    meta = Policy.model_validate({"id": f"p{n}", "kind": "policy", "title": title,
                                  "issuer": "市政府", "level": "city", "published": published,
                                  "effective": effective})
    return Entry(meta, f"policies/p{n}.md", Path(f"p{n}.md"), "", 1, SourceDocument({}, "", 1))


DATES = st.one_of(st.none(), st.dates(min_value=dt.date.min, max_value=dt.date(2100, 1, 1)))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["甲", "乙", "丙"]), DATES, DATES), max_size=8))
@example([("乙", None, None), ("甲", dt.date.min, None)])
def test_any_list_is_newest_first_undated_last_then_by_title(
        docs: list[tuple[str, dt.date | None, dt.date | None]]) -> None:
    corpus = Corpus(Path("."))
    for n, (title, published, effective) in enumerate(docs):
        if published and effective and effective < published:
            published, effective = effective, published
        corpus.documents[f"p{n}"] = _entry(n, title, published, effective)
    listed = corpus.of_kind("policy")
    assert sorted(e.id for e in listed) == sorted(corpus.documents)
    shown = [(e.meta.published or e.meta.effective, e.meta.title)  # type: ignore[attr-defined]
             for e in listed]
    for (date, title), (next_date, next_title) in itertools.pairwise(shown):
        assert not (date is None and next_date is not None)  # undated last
        if date is not None and next_date is not None:
            assert date >= next_date
        if date == next_date:
            assert title <= next_title


# Status: a declared 草案, 征求意见, 已修改 or 已废止 wins over every date; dates decide otherwise.

def _policy(status: str | None = None, **dates: dt.date) -> Policy:
    return Policy.model_validate({"id": "p", "kind": "policy", "title": "办法", "issuer": "市政府",
                                  "level": "city", "status": status, **dates})


DECLARED = ["draft", "consultation", "amended", "repealed"]


@settings(max_examples=100, deadline=None)
@given(status=st.sampled_from(DECLARED), effective=st.dates(dt.date(2000, 1, 1), dt.date(2040, 1, 1)),
       length=st.none() | st.integers(1, 4000), offset=st.integers(-4000, 8000),
       superseded=st.booleans())
def test_a_declared_status_is_shown_whatever_the_dates(
        status: str, effective: dt.date, length: int | None, offset: int, superseded: bool) -> None:
    expires = effective + dt.timedelta(days=length) if length else None
    meta = _policy(status, effective=effective, **({"expires": expires} if expires else {}))
    assert policy_status(meta, effective + dt.timedelta(days=offset), superseded) == status


@pytest.mark.parametrize("status", DECLARED)
@pytest.mark.parametrize("dates", [{"effective": TODAY + DAY},
                                   {"effective": TODAY - DAY, "expires": TODAY}])
def test_a_declared_status_wins_over_pending_and_expired(status: str,
                                                         dates: dict[str, dt.date]) -> None:
    assert policy_status(_policy(status, **dates), TODAY, superseded=True) == status


@pytest.mark.parametrize(("dates", "superseded"), [
    ({}, False), ({}, True), ({"effective": TODAY + DAY}, False),
    ({"effective": TODAY - 2 * DAY, "expires": TODAY + DAY}, True),
])
def test_a_policy_declared_expired_is_expired_without_an_expiry_date(
        dates: dict[str, dt.date], superseded: bool) -> None:
    assert policy_status(_policy("expired", **dates), TODAY, superseded) == "expired"


@pytest.mark.parametrize(("dates", "superseded", "shown"), [
    ({"effective": TODAY - DAY, "expires": TODAY}, True, "expired"),
    ({"effective": TODAY + DAY}, True, "superseded"),
    ({"effective": TODAY + DAY}, False, "pending"),
    ({"effective": TODAY}, False, "effective"),
    ({}, False, "effective"),
])
def test_a_policy_declared_effective_follows_its_dates(dates: dict[str, dt.date],
                                                       superseded: bool, shown: str) -> None:
    assert policy_status(_policy("effective", **dates), TODAY, superseded) == shown


def test_the_corpus_shows_declared_statuses(tmp_path: Path) -> None:
    for status in [*DECLARED, "expired"]:
        write(tmp_path, f"policies/{status}.md",
              policy_text(status, f"status: {status}\neffective: 2030-01-01\n"))
    corpus = load_corpus(tmp_path, today=TODAY)
    assert corpus.errors == []
    assert {i: e.status for i, e in corpus.documents.items()} == {
        "draft": "draft", "consultation": "consultation", "amended": "amended",
        "repealed": "repealed", "expired": "expired"}
