"""Every quality rule: one change that makes it report, and a near miss that must not."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from site_builder.quality import all_rules
from site_builder.quality.context import Citation
from tests.site_builder.quality.quality_kit import LAW_TEXT, Docs

pytestmark = pytest.mark.unit

P, I, S, F = "policies/p-main.md", "interpretations/i-main.md", "services/s-main.md", "faqs/f-main.md"  # noqa: E741 - the kinds by initial
D = dt.date


def meta(docs: Docs, path: str) -> dict[str, Any]:
    return docs[path][0]


def setm(path: str, **values: Any) -> Callable[[Docs], None]:
    """A change that sets (or, with ``None``, removes) front-matter fields of one document."""
    def change(docs: Docs) -> None:
        for key, value in values.items():
            if value is None:
                meta(docs, path).pop(key, None)
            else:
                meta(docs, path)[key] = value
    return change


def body(path: str, text: str) -> Callable[[Docs], None]:
    def change(docs: Docs) -> None:
        docs[path] = (docs[path][0], text)
    return change


def both(*changes: Callable[[Docs], None]) -> Callable[[Docs], None]:
    def change(docs: Docs) -> None:
        for c in changes:
            c(docs)
    return change


def add(path: str, meta_: dict[str, Any], text: str) -> Callable[[Docs], None]:
    def change(docs: Docs) -> None:
        docs[path] = (meta_, text)
    return change


def drop(path: str) -> Callable[[Docs], None]:
    def change(docs: Docs) -> None:
        del docs[path]
    return change


def policy(id_: str, **values: Any) -> dict[str, Any]:
    base = {"id": id_, "title": f"文件 {id_}", "summary": "摘要。", "topics": ["jiuye"],
            "doc_number": f"临政发〔2020〕{len(id_)}号", "issuer": "临江市人民政府", "level": "city",
            "doc_type": "规范性文件", "region": "330100", "written": D(2020, 1, 2),
            "published": D(2020, 1, 5), "effective": D(2020, 2, 1), "reviewed": D(2024, 5, 1)}
    base.update(values)
    return base


LONG = LAW_TEXT * 3
EXPIRED = setm(P, expires=D(2024, 1, 1))
NATIONAL_LAW = setm(P, doc_type="法律", doc_number=None, level="national", region=None,
                    issuer="全国人民代表大会常务委员会")
NO_INTERPRETATION = drop(I)
CITE = Citation("s-main", "临江市高校毕业生就业补贴办法", 12, "p-main")

# rule id → (change that triggers it, near miss that must not, extra keyword arguments)
CASES: dict[str, tuple[Any, Any, dict[str, Any]]] = {
    # completeness
    "summary-missing": (setm(P, summary=None), setm(F, summary=None), {}),
    "issuer-unknown": (setm(P, issuer="未注明"), setm(I, issuer=None), {}),
    "policy-published-missing": (setm(P, published=None), setm(P, published=None, status="draft"), {}),
    "policy-effective-missing": (setm(P, effective=None),
                                 setm(P, effective=None, status="consultation"), {}),
    "doc-number-missing": (setm(P, doc_number=None), NATIONAL_LAW, {}),
    "interpretation-missing": (NO_INTERPRETATION, both(NO_INTERPRETATION, setm(
        P, level="province", region="330000", issuer="浙江省人民政府")), {}),
    "service-materials-missing": (setm(S, materials=[]), None, {}),
    "service-time-limit-missing": (setm(S, time_limit=None), setm(S, time_limit={"note": "按年度招生时间表办理"}), {}),
    "service-contact-missing": (setm(S, where=[], online=None, phone=None),
                                setm(S, where=[], online=None), {}),
    "service-basis-missing": (setm(S, policies=[]), None, {}),
    "body-empty": (body(F, "# 扩岗补助多久到账？\n\n<!-- 待补充 -->\n"), body(F, "五个工作日内到账，节假日顺延，请留意银行短信。\n"), {}),
    "faq-about-missing": (setm(F, about=[]), None, {}),
    "topics-missing": (setm(S, topics=[]), both(setm(P, topics=[]), EXPIRED), {}),
    # validity
    "doc-number-format": (setm(P, doc_number="临政发[2023]5号"), setm(P, doc_number="临江市人民政府令第12号"), {}),
    "date-implausible": (setm(F, reviewed=D(2030, 1, 1)),
                         setm(P, published=D(2024, 7, 1), effective=D(2024, 8, 1), status="consultation"), {}),
    "url-invalid": (setm(S, online="https://zwfw。linjiang.gov.cn/x"), setm(S, online="https://zwfw.linjiang.gov.cn/y"), {}),
    "url-insecure": (setm(S, online="http://zwfw.linjiang.gov.cn/x"), setm(S, online="http://localhost:8000/x"), {}),
    "phone-invalid": (setm(S, phone="0571-869011"), setm(S, phone="0571-8690 1110、12345"), {}),
    "region-code-invalid": (setm(P, region="390100"), setm(P, region="330100"), {}),
    "heading-skip": (body(P, "## 第一章 总则\n\n#### 第一节 一般规定\n\n" + LAW_TEXT),
                     body(P, "## 第一章 总则\n\n### 第一节 一般规定\n\n" + LAW_TEXT), {}),
    "image-alt-missing": (body(I, "![](../assets/a.png)\n\n" + LAW_TEXT), body(I, "![补贴流程图](../assets/a.png)\n\n" + LAW_TEXT), {}),
    "link-text-vague": (body(I, "[点击这里](../policies/p-main.md)查看。" + LAW_TEXT),
                        body(I, "[就业补贴办法全文](../policies/p-main.md)。" + LAW_TEXT), {}),
    # consistency
    "level-issuer-mismatch": (setm(P, level="district", region="330102"), None, {}),
    "level-doc-type-mismatch": (setm(P, doc_type="地方政府规章", level="national"),
                                setm(P, doc_type="地方政府规章", doc_number="临江市人民政府令第12号"), {}),
    "region-level-mismatch": (setm(P, region="330000"), setm(P, region="330100"), {}),
    "doc-number-year": (setm(P, doc_number="临政发〔2021〕5号"),
                        setm(P, doc_number="临政发〔2022〕5号", written=D(2022, 12, 28)), {}),
    "status-contradicts-dates": (setm(P, status="effective", expires=D(2024, 1, 1)),
                                 setm(P, status="effective", expires=D(2025, 1, 1)), {}),
    "interpretation-before-policy": (setm(I, published=D(2023, 3, 1)), setm(I, published=D(2023, 3, 5)), {}),
    "updated-before-published": (setm(F, updated=D(2023, 1, 1)), setm(F, updated=D(2023, 6, 1)), {}),
    "supersedes-newer": (both(add("policies/p-old.md", policy("p-old", published=D(2024, 1, 1), written=D(2023, 12, 1), effective=D(2024, 2, 1)), LONG), setm(P, supersedes=["p-old"])),
                         both(add("policies/p-old.md", policy("p-old"), LONG), setm(P, supersedes=["p-old"])), {}),
    # uniqueness
    "duplicate-title": (add("policies/p-copy.md", policy("p-copy", title="临江市高校毕业生就业补贴办法"), "重复收录。" * 10),
                        add("policies/p-copy.md", policy("p-copy", title="临江市高校毕业生就业补贴办法", supersedes=["p-main"],
                                                         published=D(2024, 1, 1), written=D(2024, 1, 1), effective=D(2024, 1, 1)), "新版本。" * 10), {}),
    "duplicate-body": (both(body(P, LONG), add("policies/p-copy.md", policy("p-copy"), LONG)),
                       both(body(P, LONG), add("policies/p-copy.md", policy("p-copy"), LONG.replace("第", "第（一）").replace("本", "该"))), {}),
    "near-duplicate-body": (both(body(P, LONG), add("policies/p-copy.md", policy("p-copy"), LONG.replace("一千元", "两千元", 1))),
                            both(body(P, LONG), add("policies/p-copy.md", policy("p-copy", supersedes=["p-main"], published=D(2024, 1, 1), written=D(2024, 1, 1), effective=D(2024, 1, 1)),
                                                    LONG.replace("一千元", "两千元", 1))), {}),
    "duplicate-list-item": (setm(P, tags=["就业", "就业"]), setm(P, tags=["就业", "创业"]), {}),
    "duplicate-material": (setm(S, materials=[{"name": "劳动合同"}, {"name": "劳动 合同", "copies": 2}]),
                           setm(S, materials=[{"name": "劳动合同"}, {"name": "营业执照"}]), {}),
    # timeliness
    "policy-expired": (EXPIRED, both(EXPIRED, add("policies/p-new.md", policy(
        "p-new", supersedes=["p-main"], published=D(2024, 1, 1), written=D(2024, 1, 1), effective=D(2024, 1, 1)), "新办法。" * 10)), {}),
    "policy-expiring-soon": (setm(P, expires=D(2024, 7, 1)), setm(P, expires=D(2025, 1, 1)), {}),
    "review-overdue": (setm(F, reviewed=D(2023, 1, 1)), setm(F, reviewed=D(2023, 7, 1)), {}),
    "review-missing": (setm(F, reviewed=None), setm(F, reviewed=None, published=D(2024, 1, 1)), {}),
    "linked-inactive": (EXPIRED, both(EXPIRED, setm(S, policies=[], related=["p-main"])), {}),
    "interpretation-of-inactive": (EXPIRED, setm(P, expires=D(2025, 1, 1)), {}),
    "consultation-stale": (setm(P, status="consultation"),
                           setm(P, status="consultation", written=D(2024, 4, 1), published=D(2024, 5, 1), effective=None), {}),
    # accuracy
    "link-broken": (body(I, "见[就业补贴办法](../policies/nope.md)。" + LAW_TEXT), None, {}),
    "anchor-broken": (body(S, "见[办法总则](../policies/p-main.md#nope)。"), None, {}),
    "image-missing": (body(I, "![补贴流程](../assets/missing.png)\n" + LAW_TEXT),
                      body(I, "![补贴流程](../assets/a.png)\n" + LAW_TEXT), {"files": {"assets/a.png": b"\x89PNG"}}),
    "relation-self": (setm(P, related=["p-main"]), setm(P, related=["s-main"]), {}),
    "cites-inactive": (EXPIRED, setm(P, expires=D(2025, 1, 1)), {"citations": [CITE]}),
    "citation-unresolved": ("unresolved", None, {"citations": [CITE]}),
}


def test_every_rule_has_a_case_and_there_are_at_least_25() -> None:
    rules = all_rules()
    assert len(rules) >= 25
    assert set(CASES) == set(rules)
    for rule in rules.values():
        assert rule.title and rule.fix and rule.severity in ("error", "warning", "notice")
    dimensions = {r.dimension for r in rules.values()}
    assert dimensions == {"completeness", "validity", "consistency", "uniqueness", "timeliness", "accuracy"}


def test_the_clean_corpus_has_no_finding_at_all(check) -> None:
    assert [f.format() for f in check()] == []


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_reports_the_broken_fixture(check, rule_id: str) -> None:
    bad, _good, extra = CASES[rule_id]
    if bad == "unresolved":
        extra = {"citations": [Citation("s-main", "临江市不存在的办法", 12, None)]}
        bad = None
    found = check(bad, rule_id, **extra)
    assert found, f"{rule_id} found nothing"
    first = found[0]
    assert first.rule == rule_id and first.path.endswith(".md") and first.message
    assert first.line is None or first.line >= 1
    assert first.issuer  # every finding is routed to a department


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_is_silent_on_the_near_miss(check, rule_id: str) -> None:
    _bad, good, extra = CASES[rule_id]
    assert [f.format() for f in check(good, rule_id, **extra)] == []


@pytest.mark.parametrize(("url", "broken"), [
    ("../policies/p-main.md", False), ("../../policies/p-main/", False), ("/policies/p-main/", False),
    ("../policies/p-main/", True),  # from services/s-main/ the browser goes to services/policies/…
    ("../../policies/p-mian/", True), ("../services/s-main.md#nope", False),
])
def test_link_resolution_follows_mkdocs_and_the_browser(check, url: str, broken: bool) -> None:
    found = check(body(S, f"见[就业补贴办法]({url})。"), "link-broken")
    assert bool(found) is broken
