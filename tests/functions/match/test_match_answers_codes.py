"""Coded options answered by what people see (滨江区 for ``390102``), alone or in a list:
the same answer as by code; a name no option has is refused with its field named."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from tongda_rules import Fact

from functions.match.app import create_app
from functions.match.service import with_codes
from functions.runtime.settings import Settings

pytestmark = pytest.mark.integration


def _condition(cid: str, label: str, logic: Any) -> dict[str, Any]:
    return {"id": cid, "label": label, "clause": "第二条", "logic": logic}


STATUS = {"01": "高校毕业生", "02": "退役军人", "03": "残疾人"}
RULES: dict[str, Any] = {
    "version": 1, "generated": "2024-06-01",
    "facts": {
        "person": [
            {"name": "district", "label": "居住地所在区", "type": "string",
             "options": ["390102", "390103", "other"],
             "option_labels": {"390102": "滨江区", "390103": "江北区", "other": "临江市以外"}},
            {"name": "status", "label": "身份", "type": "list", "options": list(STATUS),
             "option_labels": STATUS},
            {"name": "age", "label": "年龄", "type": "integer", "min": 0, "max": 150},
        ],
        "enterprise": [{"name": "revenue", "label": "上年营业收入", "type": "money"}],
    },
    "policies": [
        {"id": "veteran", "subject": "person", "title": "退役军人补贴", "eligibility": [
            _condition("veteran", "退役军人", {"in": ["02", {"var": "status"}]}),
            _condition("district", "居住在滨江区", {"==": [{"var": "district"}, "390102"]})]},
        {"id": "graduate", "subject": "person", "title": "高校毕业生补贴", "eligibility": [
            _condition("graduate", "高校毕业生", {"in": ["01", {"var": "status"}]}),
            _condition("young", "35岁以下", {"<=": [{"var": "age"}, 35]})]},
    ],
}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    site = tmp_path_factory.mktemp("match-codes") / "site"
    (site / "api/match").mkdir(parents=True)
    (site / "api/match/rules.json").write_text(json.dumps(RULES, ensure_ascii=False), "utf-8")
    settings = Settings(database_url=f"sqlite:///{site.parent / 'db.sqlite3'}")
    with TestClient(create_app(settings, site_dir=site)) as test_client:
        yield test_client


def _match(client: TestClient, profile: dict[str, Any]) -> dict[str, Any]:
    response = client.post("/match", json={"subject": "person", "profile": profile})
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def _outcomes(body: dict[str, Any]) -> dict[str, dict[str, str]]:
    return {r["policy"]["id"]: {c["id"]: c["result"] for c in r["conditions"]}
            for r in body["results"]}


def test_a_list_answered_by_names_matches_as_by_codes(client: TestClient) -> None:
    by_names = _match(client, {"status": ["退役军人", "高校毕业生"], "district": "滨江区", "age": 30})
    by_codes = _match(client, {"status": ["02", "01"], "district": "390102", "age": 30})
    assert by_names == by_codes
    assert _outcomes(by_names) == {"veteran": {"veteran": "met", "district": "met"},
                                   "graduate": {"graduate": "met", "young": "met"}}
    assert (by_names["count"], by_names["eligible"]) == (2, 2)


def test_names_and_codes_may_be_mixed_in_one_list(client: TestClient) -> None:
    mixed = _match(client, {"status": ["02", "残疾人"], "district": "江北区"})
    assert _outcomes(mixed) == {"veteran": {"veteran": "met", "district": "unmet"},
                                "graduate": {"graduate": "unmet", "young": "unknown"}}


def test_an_empty_list_is_an_answer_and_a_missing_one_is_unknown(client: TestClient) -> None:
    assert _outcomes(_match(client, {"status": []}))["veteran"]["veteran"] == "unmet"
    assert _outcomes(_match(client, {}))["veteran"]["veteran"] == "unknown"


@pytest.mark.parametrize(("profile", "field", "message"), [
    ({"status": ["退伍军人"]}, "profile.status", "取值 退伍军人 不在可选值中：01、02、03"),
    ({"status": ["02", "退伍军人"]}, "profile.status", "取值 退伍军人 不在可选值中：01、02、03"),
    ({"district": "滨江"}, "profile.district", "取值 '滨江' 不在可选值中：390102、390103、other"),
])
def test_a_name_no_option_has_is_refused_naming_the_field(
        client: TestClient, profile: dict[str, Any], field: str, message: str) -> None:
    response = client.post("/match", json={"subject": "person", "profile": profile})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["errors"] == [{"field": field, "message": message}]
    assert body["detail"] == f"画像中的事实与声明不符，请按 facts 接口的类型和取值修改：{field}：{message}"


# with_codes for any coded options: codes stay, names become codes, anything else is left.

CODES = st.text("0123456789", min_size=1, max_size=3)
NAMES = st.text("甲乙丙丁0123", min_size=1, max_size=3)  # may be codes too
VALUES = st.one_of(CODES, NAMES, st.integers(-5, 5), st.none(), st.booleans())


def _fact(labels: dict[str, str], kind: str) -> Fact:
    return Fact.model_validate({"name": "f", "label": "事实", "type": kind,
                                "options": list(labels), "option_labels": labels or None})


def _expected(value: Any, labels: dict[str, str]) -> Any:
    if not isinstance(value, str) or value in labels:
        return value  # a code, or not text: the profile check judges it
    return next((code for code, label in labels.items() if label == value), value)


@settings(max_examples=100, deadline=None)
@given(labels=st.dictionaries(CODES, NAMES, max_size=4), value=VALUES)
def test_any_single_value_is_a_code_a_name_turned_into_its_code_or_left(
        labels: dict[str, str], value: Any) -> None:
    labels = {code: name for code, name in labels.items()  # one code a name, as the build makes
              if list(labels.values()).count(name) == 1}
    profile = {"f": value, "other": "滨江区"}
    out = with_codes(profile, {"f": _fact(labels, "string")})
    assert out == {"f": _expected(value, labels), "other": "滨江区"}
    assert profile == {"f": value, "other": "滨江区"}  # the caller's profile is not changed


@settings(max_examples=100, deadline=None)
@given(labels=st.dictionaries(CODES, NAMES, min_size=1, max_size=4),
       items=st.lists(st.one_of(VALUES, st.lists(CODES, max_size=2)), max_size=5))
def test_any_list_has_each_item_turned_into_its_code_or_left(
        labels: dict[str, str], items: list[Any]) -> None:
    labels = {code: name for code, name in labels.items()
              if list(labels.values()).count(name) == 1}
    out = with_codes({"f": items}, {"f": _fact(labels, "list")})
    assert out == {"f": [_expected(v, labels) for v in items]}


def test_facts_without_coded_options_and_unknown_facts_are_left_as_they_are() -> None:
    plain = Fact.model_validate({"name": "f", "label": "事实", "type": "string",
                                 "options": ["滨江区"]})
    profile = {"f": "滨江区", "g": ["滨江区"], "h": 3}
    assert with_codes(profile, {"f": plain}) == profile
    assert with_codes(profile, {}) == profile
