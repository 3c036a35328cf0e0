"""References between documents as editors see them: every bad one named by file, line and
field, the nearest ids suggested, and a broken file never reported again by its referrers."""

from __future__ import annotations

from pathlib import Path

import pytest

from site_builder.content.corpus import load_corpus
from site_builder.content.graph import Edge
from site_builder.content.model import Scenario, Topic, references

pytestmark = pytest.mark.unit


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def policy(root: Path, pid: str, extra: str = "", *, number: str = "") -> None:
    number_line = f"doc_number: {number}\n" if number else ""
    write(root, f"policies/{pid}.md", f"---\nid: {pid}\ntitle: 办法{pid}\nissuer: 市政府\n"
                                      f"level: city\n{number_line}{extra}---\n正文\n")


def faq(root: Path, fid: str, about: list[str]) -> None:
    write(root, f"faqs/{fid}.md", f"---\nid: {fid}\ntitle: 问{fid}？\nabout: [{', '.join(about)}]\n"
                                  "---\n答。\n")


def service(root: Path, sid: str, policies: list[str]) -> None:
    write(root, f"services/{sid}.md", f"---\nid: {sid}\ntitle: 服务{sid}\ndepartment: 局\n"
                                      f"policies: [{', '.join(policies)}]\n---\n")


def errors_of(root: Path) -> list[str]:
    return [e.format() for e in load_corpus(root).errors]


# How a file can be broken: each is reported once, in the file itself.
BROKEN = {
    "schema": ("issuer: 市政府\n", "", "policies/passport-law.md:1: issuer: 缺少必填字段"),
    "duplicate field": ("level: city\n", "level: city\nlevel: city\n",
                        "policies/passport-law.md:6: level: 字段“level”重复：第 5 行已经写过它，请删除其中一个"),
    "unreadable": ("title: ", "title: \0", "policies/passport-law.md:3: 有空字符"),
}


def broken_policy(root: Path, how: str) -> str:
    old, new, error = BROKEN[how]
    policy(root, "passport-law")
    path = root / "policies/passport-law.md"
    path.write_text(path.read_text("utf-8").replace(old, new, 1), encoding="utf-8")
    return error


def test_a_topic_refers_only_through_its_topics_and_related_fields() -> None:
    topic = Topic.model_validate({"id": "t", "kind": "topic", "title": "专题",
                                  "topics": ["u"], "related": ["a", "b"]})
    assert references(topic) == [("topics", 0, "u", ("topic",)), ("related", 0, "a", ()),
                                 ("related", 1, "b", ())]


def test_a_scenario_refers_through_each_of_its_four_sections() -> None:
    scenario = Scenario.model_validate({
        "id": "s", "kind": "scenario", "title": "场景",
        "sections": {"see": ["a"], "do": ["b", "c"], "ask": [], "check": ["d"]}})
    assert references(scenario) == [
        ("sections.see", 0, "a", ()), ("sections.do", 0, "b", ()), ("sections.do", 1, "c", ()),
        ("sections.check", 0, "d", ())]


def test_topics_and_scenarios_link_their_documents_and_name_the_line_of_a_bad_one(
        tmp_path: Path) -> None:
    policy(tmp_path, "a")
    write(tmp_path, "topics/t.md", "---\nid: t\ntitle: 专题\nrelated: [a]\n---\n")
    write(tmp_path, "scenarios/s.md", "---\nid: s\ntitle: 场景\nsections:\n  see: [t]\n"
                                      "  do:\n    - a\n    - nowhere\n---\n")
    corpus = load_corpus(tmp_path)
    assert [e.format() for e in corpus.errors] == [
        "scenarios/s.md:8: sections.do.1: 找不到 id 为“nowhere”的文档"]
    assert sorted(corpus.graph.edges, key=lambda e: (e.source, e.target)) == [
        Edge("s", "a", "scenario", True, "scenarios/s.md:7"),
        Edge("s", "t", "scenario", True, "scenarios/s.md:5"),
        Edge("t", "a", "related", True, "topics/t.md:4"),
    ]


def test_every_reference_after_a_bad_one_is_still_checked(tmp_path: Path) -> None:
    policy(tmp_path, "a")
    policy(tmp_path, "broken", "level: town\n")  # its own error; referrers stay quiet
    faq(tmp_path, "q", ["broken", "nowhere", "a"])
    policy(tmp_path, "b", "supersedes: [q, elsewhere, a]\n")
    corpus = load_corpus(tmp_path)
    found = [e.format() for e in corpus.errors]
    assert "faqs/q.md:4: about.1: 找不到 id 为“nowhere”的文档" in found
    assert "policies/b.md:6: supersedes.0: “q”是常见问题，这里应引用政策文件" in found
    assert "policies/b.md:6: supersedes.1: 找不到 id 为“elsewhere”的文档" in found
    assert len(found) == 4, found  # and broken.md's level
    assert {(e.source, e.target, e.kind) for e in corpus.graph.edges} == {
        ("q", "a", "about"), ("b", "a", "supersedes")}


@pytest.mark.parametrize("how", sorted(BROKEN))
def test_a_broken_file_is_reported_once_not_again_by_each_referrer(tmp_path: Path,
                                                                   how: str) -> None:
    error = broken_policy(tmp_path, how)
    faq(tmp_path, "q", ["passport-law"])
    service(tmp_path, "s", ["passport-law"])
    found = errors_of(tmp_path)
    assert len(found) == 1 and found[0].startswith(error), found


@pytest.mark.parametrize("how", sorted(BROKEN))
def test_a_broken_file_is_suggested_for_a_misspelt_reference_to_its_kind(tmp_path: Path,
                                                                        how: str) -> None:
    """The file being fixed may be the one meant, whatever is wrong with it."""
    broken_policy(tmp_path, how)
    faq(tmp_path, "q", ["passport-lw"])
    service(tmp_path, "s", ["passport-lw"])
    found = errors_of(tmp_path)
    assert "faqs/q.md:4: about.0: 找不到 id 为“passport-lw”的文档；是不是“passport-law”？" in found
    assert "services/s.md:5: policies.0: 找不到 id 为“passport-lw”的文档；是不是“passport-law”？" \
        in found


@pytest.mark.parametrize("broken", [False, True])
def test_a_document_of_another_kind_is_not_suggested_where_it_cannot_be_referred_to(
        tmp_path: Path, broken: bool) -> None:
    """A service's ``policies`` take policies: a close FAQ id is no fix; ``about`` takes any."""
    write(tmp_path, "faqs/passport-faq.md",
          "---\nid: passport-faq\ntitle: 问？\n" + ("copies: 1\n" if broken else "") + "---\n答。\n")
    faq(tmp_path, "q", ["passport-fa"])
    service(tmp_path, "s", ["passport-fa"])
    found = errors_of(tmp_path)
    assert "faqs/q.md:4: about.0: 找不到 id 为“passport-fa”的文档；是不是“passport-faq”？" in found
    assert "services/s.md:5: policies.0: 找不到 id 为“passport-fa”的文档" in found


def test_up_to_three_equally_close_ids_are_suggested(tmp_path: Path) -> None:
    for year in (2021, 2022, 2023, 2024):
        policy(tmp_path, f"subsidy-{year}")
    service(tmp_path, "s", ["subsidy-2020"])
    assert errors_of(tmp_path) == [
        "services/s.md:5: policies.0: 找不到 id 为“subsidy-2020”的文档；"
        "是不是“subsidy-2024”或“subsidy-2023”或“subsidy-2022”？"]


def test_only_ids_about_as_close_as_the_closest_are_suggested(tmp_path: Path) -> None:
    # Alike in 9, 8 and 7 of 10 letters: 0.9, 0.8 (= 0.9 - 0.1, kept) and 0.7 (left out).
    for pid in ("abcdefghiz", "abcdefghyz", "abcdefgxyz"):
        policy(tmp_path, pid)
    service(tmp_path, "s", ["abcdefghij"])
    assert errors_of(tmp_path) == [
        "services/s.md:5: policies.0: 找不到 id 为“abcdefghij”的文档；是不是“abcdefghiz”或“abcdefghyz”？"]


@pytest.mark.parametrize(("known", "suggested"), [
    ("abcdefgxyz", True),   # alike in 7 of 10 letters: 0.7, the cutoff
    ("abcdefwxyz", False),  # 6 of 10: 0.6
])
def test_an_id_less_alike_than_seven_tenths_is_not_suggested(
        tmp_path: Path, known: str, suggested: bool) -> None:
    policy(tmp_path, known)
    service(tmp_path, "s", ["abcdefghij"])
    hint = f"；是不是“{known}”？" if suggested else ""
    assert errors_of(tmp_path) == [f"services/s.md:5: policies.0: 找不到 id 为“abcdefghij”的文档{hint}"]


@pytest.mark.parametrize(("unknown_before", "suggested"), [(199, True), (200, False)])
def test_suggestions_stop_after_two_hundred_unknown_ids(
        tmp_path: Path, unknown_before: int, suggested: bool) -> None:
    """A bad import with thousands of unknown ids must not compare each with every id."""
    policy(tmp_path, "passport-law")
    faq(tmp_path, "q", [f"zz{n:03d}" for n in range(unknown_before)] + ["passport-lawx"])
    found = errors_of(tmp_path)
    assert len(found) == unknown_before + 1
    assert found[-1] == (f"faqs/q.md:4: about.{unknown_before}: 找不到 id 为“passport-lawx”的文档"
                         + ("；是不是“passport-law”？" if suggested else ""))
    assert found[0] == "faqs/q.md:4: about.0: 找不到 id 为“zz000”的文档"


def test_each_doc_number_may_be_used_once(tmp_path: Path) -> None:
    policy(tmp_path, "a")  # none: nothing to compare
    policy(tmp_path, "b", number="临政发〔2021〕1号")
    policy(tmp_path, "c", number="临政发〔2021〕2号")
    policy(tmp_path, "d", number="临政发〔2021〕1号")
    assert errors_of(tmp_path) == [
        "policies/d.md:6: doc_number: 文号“临政发〔2021〕1号”重复：policies/b.md 已经使用了它"]


def test_only_supersedes_makes_a_policy_superseded(tmp_path: Path) -> None:
    policy(tmp_path, "a")
    policy(tmp_path, "b", "based_on: [a]\namends: [a]\nrelated: [a]\n")
    faq(tmp_path, "q", ["a"])
    corpus = load_corpus(tmp_path)
    assert corpus.errors == []
    assert (corpus.documents["a"].status, corpus.documents["a"].superseded_by) == ("effective", [])
    policy(tmp_path, "c", "supersedes: [a]\n")
    policy(tmp_path, "d", "supersedes: [a]\n")
    corpus = load_corpus(tmp_path)
    assert (corpus.documents["a"].status, corpus.documents["a"].superseded_by) == \
        ("superseded", ["c", "d"])
