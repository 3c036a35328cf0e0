"""What the citation finder reports, field by field, for the sentences policy texts contain.

An editor reads each unresolved citation with its file and line (and fixes or ignores it); a
citizen sees a resolved one as a 引用 edge, or as 上位政策 when the sentence says the document
is made under the cited one (根据《…》…制定本办法). So every test asserts the whole citation:
text, ``path:line``, line, target and whether it is a basis.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from site_builder.content.corpus import Corpus, load_corpus
from site_builder.plugins.graph.builder import add_citations
from site_builder.plugins.graph.citations import Citation, CitationFinder

pytestmark = pytest.mark.unit

CITED = {
    "policies/company-law.md": "id: company-law\ntitle: 中华人民共和国公司法\n"
                               "issuer: 全国人民代表大会常务委员会\nlevel: national\ndoc_type: 法律\n"
                               "effective: 2006-01-01",
    "policies/labour-law.md": "id: labour-law\ntitle: 中华人民共和国劳动法\n"
                              "issuer: 全国人民代表大会常务委员会\nlevel: national\ndoc_type: 法律\n"
                              "effective: 1995-01-01",
    "policies/jobs-notice.md": "id: jobs-notice\ntitle: 国务院办公厅关于做好稳就业工作的通知\n"
                               "issuer: 国务院办公厅\nlevel: national\n"
                               "doc_number: 国办函〔2018〕71号\neffective: 2018-11-01",
    "policies/demolition.md": "id: demolition\ntitle: 城市房屋拆迁管理条例\nissuer: 国务院\n"
                              "level: national\ndoc_type: 行政法规\n"
                              "doc_number: 中华人民共和国国务院令第306号\neffective: 2001-11-01",
}
# A judicial interpretation has no doc_number field: its 文号 stands alone under its title.
JUDICIAL = ("---\nid: judicial\ntitle: 最高人民法院关于审理劳动争议案件适用法律问题的解释\n"
            "interprets: [labour-law]\npublished: 2024-01-01\n---\n法释〔2024〕5号\n\n为正确审理劳动争议案件。\n")
PATH = "policies/citing.md"
TITLE_LINE = 3
BODY_LINE = 9  # the body's first line in the citing file


def _corpus(root: Path, body: str, *, title: str = "临江市企业服务办法",
            effective: str = "2024-01-01", extra: str = "", others: dict[str, str] | None = None,
            ) -> Corpus:
    for rel, meta in CITED.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(f"---\n{meta}\n---\n正文。\n", encoding="utf-8")
    (root / "interpretations").mkdir()
    (root / "interpretations" / "judicial.md").write_text(JUDICIAL, encoding="utf-8")
    for rel, text in (others or {}).items():
        (root / rel).write_text(text, encoding="utf-8")
    assert "\n" not in extra
    (root / PATH).write_text(
        f"---\nid: citing\ntitle: {title}\nissuer: 临江市人民政府\nlevel: city\n"
        f"effective: {effective}\n{extra or 'topics: []'}\n---\n{body}", encoding="utf-8")
    corpus = load_corpus(root, today=dt.date(2024, 6, 1))
    assert not corpus.errors, corpus.errors
    assert corpus.documents["citing"].body_line == BODY_LINE
    return corpus


def _find(root: Path, body: str, **kw: Any) -> list[Citation]:
    corpus = _corpus(root, body, **kw)
    return CitationFinder(corpus).find(corpus.documents["citing"])


def cite(line: int, text: str, target: str | None, basis: bool = False) -> Citation:
    return Citation("citing", text, f"{PATH}:{line}", line, target, basis)


def test_each_citation_in_a_body_with_every_field(tmp_path: Path) -> None:
    body = ("第一条 为了规范企业服务，根据《中华人民共和国公司法》，制定本办法。\n"
            "第二条 企业登记按照国办函[2018]71号文件执行。\n"
            "第三条 人才落户参照《临江市人才引进暂行办法》办理。\n")
    assert _find(tmp_path, body) == [
        cite(9, "中华人民共和国公司法", "company-law", basis=True),
        # A 文号 is named as the cited document writes it, whatever the bracket style here.
        cite(10, "国办函〔2018〕71号", "jobs-notice"),
        cite(11, "临江市人才引进暂行办法", None),
    ]


@pytest.mark.parametrize(("body", "basis"), [
    ("根据《中华人民共和国公司法》，制定本办法。\n", True),
    ("第一条。根据《中华人民共和国公司法》，制定本办法。\n", True),
    ("第一条 总则\n根据《中华人民共和国公司法》，制定本办法。\n", True),
    ("第一条 为了贯彻《中华人民共和国公司法》，制订本办法。\n", True),
    # The basis word belongs to an earlier sentence or line.
    ("第一条。根据规定办理。参照《中华人民共和国公司法》，制定本办法。\n", False),
    ("第一条\n根据规定办理\n参照《中华人民共和国公司法》，制定本办法\n", False),
    # "制定本…" belongs to a later sentence or line.
    ("根据《中华人民共和国公司法》的规定办理。制定本办法的目的见第二条。\n", False),
    ("根据《中华人民共和国公司法》的规定办理\n制定本办法的目的见第二条\n", False),
    # Only one of the two halves.
    ("依据《中华人民共和国公司法》第三条的规定，申请人应当提交材料。\n", False),
    ("参照《中华人民共和国公司法》和有关规定，结合本市贯彻工作实际，制定本办法。\n", False),
])
def test_basis_needs_both_halves_in_the_citing_sentence(tmp_path: Path, body: str,
                                                          basis: bool) -> None:
    line = BODY_LINE + body[:body.index("《")].count("\n")
    assert _find(tmp_path, body) == [cite(line, "中华人民共和国公司法", "company-law", basis)]


def test_a_text_without_a_final_stop_or_newline(tmp_path: Path) -> None:
    assert _find(tmp_path, "根据《中华人民共和国公司法》，结合实际制定本办法") == [
        cite(9, "中华人民共和国公司法", "company-law", basis=True)]
    assert _find(tmp_path / "b", "依照《中华人民共和国劳动法》") == [
        cite(9, "中华人民共和国劳动法", "labour-law")]


UNKNOWN = "《临江市就业管理办法》"


@pytest.mark.parametrize("body", [
    # Retired by this text: 施行，《…》同时废止 (and 予以废止), in any mention.
    f"第一条 总则。\n第九条 本办法自2024年1月1日起施行，{UNKNOWN}同时废止。\n",
    f"本办法自2024年1月1日起施行，{UNKNOWN}同时废止。\n原{UNKNOWN}发放的证件继续有效。\n",
    f"依照{UNKNOWN}办理的事项继续有效。\n{UNKNOWN}同时废止。\n按原{UNKNOWN}领取的补贴不予追回。\n",
    f"{UNKNOWN}予以废止。\n{UNKNOWN}的证件继续有效。\n",
    f"{UNKNOWN}{'规定的事项' * 4}同时废止。\n",  # ends 24 characters on
    # Forms and certificates, and standards cited with their number.
    "申请人持《残疾人证》和《就业创业证》办理，填写《临江市就业登记表》。\n",
    "网站应当符合《信息技术 互联网内容无障碍可访问性技术要求与测试方法》（GB/T 37668-2019）。\n",
    # Generic names, and the document's own title.
    "本办法所称《条例》《实施细则》《若干规定》见附件。\n",
    "《临江市企业服务办法》自2024年1月1日起施行。\n",
])
def test_what_is_no_missing_document(tmp_path: Path, body: str) -> None:
    assert _find(tmp_path, body) == []
    assert add_citations(_corpus(tmp_path / "again", body)).unresolved == []


@pytest.mark.parametrize("body", [
    # The retirement is in the next sentence or line, or past the 24 characters after it.
    f"原{UNKNOWN}发放的证件继续有效。另有三件同时废止。\n",
    f"原{UNKNOWN}发放的证件继续有效\n另有三件同时废止\n",
    f"{UNKNOWN}{'规定的事项' * 4}均同时废止。\n",  # ends 25 characters on
])
def test_a_document_retired_elsewhere_is_still_missing(tmp_path: Path, body: str) -> None:
    assert _find(tmp_path, body) == [cite(BODY_LINE + body[:body.index("《")].count("\n"),
                                          "临江市就业管理办法", None)]
    assert add_citations(_corpus(tmp_path / "again", body)).unresolved == [
        (PATH, 9, "临江市就业管理办法")]


def test_the_header_block_is_skipped_and_lines_still_count(tmp_path: Path) -> None:
    body = ("\n"                                  # 9
            "# 临江市企业服务办法\n"               # 10
            "依照《中华人民共和国公司法》修正\n"     # 11
            "国办函〔2018〕71号\n"                  # 12
            "<!-- INFO END -->\n"                  # 13
            "\n"                                  # 14
            "第一条 依照国务院令第306号的规定执行。\n")  # 15
    assert _find(tmp_path, body) == [cite(15, "中华人民共和国国务院令第306号", "demolition")]


# The notice reissued in 2020: its metadata has no number, its text has it under the title.
REISSUED = ("---\nid: jobs-notice-2020\ntitle: 国务院办公厅关于做好稳就业工作的通知\nissuer: 国务院办公厅\n"
            "level: national\neffective: 2020-01-01\n---\n国办函〔2018〕71号\n\n正文。\n")


@pytest.mark.parametrize(("effective", "target", "text"), [
    ("2019-06-01", "jobs-notice", "国办函〔2018〕71号"),
    ("2024-01-01", "jobs-notice-2020", "国办函[2018]71号"),
])
def test_a_number_means_the_version_in_force(tmp_path: Path, effective: str, target: str,
                                             text: str) -> None:
    # Named by the version's own doc_number, else as written.
    assert _find(tmp_path, "按照上级文件（国办函[2018]71号）执行。\n", effective=effective,
                 others={"policies/jobs-notice-2020.md": REISSUED}) == [cite(9, text, target)]


def test_an_order_number_in_chinese_numerals(tmp_path: Path) -> None:
    assert _find(tmp_path, "依照（国务院令第三百零六号）执行。\n") == [
        cite(9, "中华人民共和国国务院令第306号", "demolition")]


def test_a_citation_at_the_very_start_of_the_text(tmp_path: Path) -> None:
    assert _find(tmp_path, "《中华人民共和国劳动法》规定的权利受保护。\n") == [
        cite(9, "中华人民共和国劳动法", "labour-law")]
    assert _find(tmp_path / "b", "国办函〔2018〕71号要求稳定就业。\n") == [
        cite(9, "国办函〔2018〕71号", "jobs-notice")]


def test_adjacent_and_nested_citations(tmp_path: Path) -> None:
    body = ("第一条 依照《中华人民共和国公司法》《中华人民共和国劳动法》执行。\n"
            "第二条 《关于转发国办函〔2018〕71号的通知》另行印发，依照国务院令第306号办理。\n")
    assert _find(tmp_path, body) == [
        cite(9, "中华人民共和国公司法", "company-law"),
        cite(9, "中华人民共和国劳动法", "labour-law"),
        # The 文号 inside a cited title is part of that title, not a citation of its own.
        cite(10, "关于转发国办函〔2018〕71号的通知", None),
        cite(10, "中华人民共和国国务院令第306号", "demolition"),
    ]


@pytest.mark.parametrize(("body", "text"), [
    ("第二条 企业登记执行上级文件（国办函〔2018〕72号）。\n", "国办函〔2018〕72号"),
    ("第二条 企业登记执行上级文件（国务院令第999号）。\n", "国务院令第999号"),
    ("第二条 企业登记执行上级文件（国务院令第九百九十九号）。\n", "国务院令第九百九十九号"),
])
def test_an_unknown_number_is_named_with_its_issuer(tmp_path: Path, body: str,
                                                    text: str) -> None:
    assert _find(tmp_path, body) == [cite(9, text, None)]


def test_a_number_without_an_issuer_is_no_citation(tmp_path: Path) -> None:
    assert _find(tmp_path, "第二条 依照上级文件（〔2019〕5号）执行。\n") == []


def test_a_document_naming_its_own_number_cites_nothing(tmp_path: Path) -> None:
    own = "doc_number: 临江市人民政府令第5号"
    # Shortened (本市政府令) or in full: it is still the document itself.
    assert _find(tmp_path, "本办法（市人民政府令第5号）自2024年1月1日起施行。\n", extra=own) == []
    assert _find(tmp_path / "b", "本办法（临江市人民政府令第5号）自公布之日起施行。\n",
                 extra=own) == []
    # Without the number in its metadata, the shortened one is a missing document.
    assert _find(tmp_path / "c", "本办法（市人民政府令第5号）自2024年1月1日起施行。\n") == [
        cite(9, "市人民政府令第5号", None)]


def test_interpretations_cite_by_number_and_are_cited_by_theirs(tmp_path: Path) -> None:
    text = ("---\nid: notes\ntitle: 企业服务办法解读\ninterprets: [citing]\n---\n"
            "按照国办函〔2018〕71号文件要求，劳动争议依照（法释〔2024〕5号）处理。\n")
    corpus = _corpus(tmp_path, "正文。\n", others={"interpretations/notes.md": text})
    found = CitationFinder(corpus).find(corpus.documents["notes"])
    assert [(c.text, c.where, c.target) for c in found] == [
        ("国办函〔2018〕71号", "interpretations/notes.md:6", "jobs-notice"),
        ("法释〔2024〕5号", "interpretations/notes.md:6", "judicial"),
    ]


def test_title_that_implements_a_law_is_one_basis_citation(tmp_path: Path) -> None:
    for i, title in enumerate(["临江市实施《中华人民共和国公司法》办法",
                               "实施《中华人民共和国公司法》若干问题的规定"]):
        corpus = _corpus(tmp_path / str(i), "正文。\n", title=title)
        entry = corpus.documents["citing"]
        assert CitationFinder(corpus).occurrences(entry) == [
            cite(TITLE_LINE, "中华人民共和国公司法", "company-law", basis=True)], title


def test_titles_quoting_documents_cite_them(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path, "正文。\n",
                     title="关于实施《中华人民共和国公司法》和《中华人民共和国劳动法》有关问题的通知")
    assert CitationFinder(corpus).occurrences(corpus.documents["citing"]) == [
        cite(TITLE_LINE, "中华人民共和国公司法", "company-law", basis=True),
        cite(TITLE_LINE, "中华人民共和国劳动法", "labour-law"),
    ]
    corpus = _corpus(tmp_path / "b", "正文。\n",
                     title="临江市人民政府关于印发《临江市人才引进暂行办法》的通知")
    assert CitationFinder(corpus).occurrences(corpus.documents["citing"]) == [
        cite(TITLE_LINE, "临江市人才引进暂行办法", None)]
    assert add_citations(corpus).unresolved == [(PATH, TITLE_LINE, "临江市人才引进暂行办法")]


def test_one_citation_per_target_but_every_basis(tmp_path: Path) -> None:
    body = ("第一条 依照《中华人民共和国公司法》和《公司法》的规定。\n"
            "第二条 《临江市人才引进暂行办法》和《临江市就业促进办法》另行印发。\n"
            "第三条 《临江市人才引进暂行办法》由市人社局解释。\n"
            "第四条 根据《中华人民共和国公司法》，制定本办法。\n")
    corpus = _corpus(tmp_path, body)
    finder = CitationFinder(corpus)
    assert finder.find(corpus.documents["citing"]) == [
        cite(9, "中华人民共和国公司法", "company-law"),
        cite(10, "临江市人才引进暂行办法", None),
        cite(10, "临江市就业促进办法", None),
        cite(12, "中华人民共和国公司法", "company-law", basis=True),
    ]
    assert len(finder.occurrences(corpus.documents["citing"])) == 6
    # The pair becomes one based_on edge, and each missing document is listed once.
    result = add_citations(corpus)
    assert [(e.target, e.kind) for e in corpus.graph.outgoing("citing")] == [
        ("company-law", "based_on")]
    assert result.unresolved == [(PATH, 10, "临江市人才引进暂行办法"), (PATH, 10, "临江市就业促进办法")]
