"""The static open-data API: every file matches the OpenAPI description it ships with."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate as validate_spec

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("api") / "graph-site"
    shutil.copytree(Path(__file__).parents[3] / "fixtures" / "graph-site", root)
    build(load_config(str(root / "mkdocs.yml"), site_dir=str(root / "site")))
    return root / "site" / "api" / "v1"


@pytest.fixture(scope="module")
def spec(api: Path) -> dict[str, Any]:
    return json.loads((api / "openapi.json").read_text(encoding="utf-8"))


def validator_for(spec: dict[str, Any], rel: str) -> OAS31Validator:
    """The response schema of the path template that ``rel`` matches."""
    for template, item in spec["paths"].items():
        pattern = re.sub(r"\\\{[a-z]+\\\}", "[^/]+", re.escape(template.lstrip("/")))
        if re.fullmatch(pattern, rel):
            schema = item["get"]["responses"]["200"]["content"]["application/json"]["schema"]
            return OAS31Validator({**schema, "components": spec["components"]})
    raise AssertionError(f"{rel} is not described by openapi.json")


def files(api: Path) -> list[tuple[str, Any]]:
    return [(p.relative_to(api).as_posix(), json.loads(p.read_text(encoding="utf-8")))
            for p in sorted(api.rglob("*.json")) if p.name != "openapi.json"]


def test_openapi_description_is_valid_3_1(spec: dict[str, Any]) -> None:
    assert spec["openapi"] == "3.1.0"
    validate_spec(spec)


def test_every_file_matches_the_description(api: Path, spec: dict[str, Any]) -> None:
    checked = files(api)
    assert len(checked) >= 18
    for rel, data in checked:
        errors = [e.message for e in validator_for(spec, rel).iter_errors(data)]
        assert not errors, (rel, errors[:3])


def test_the_description_rejects_a_wrong_file(api: Path, spec: dict[str, Any]) -> None:
    data = json.loads((api / "policies" / "city-measures.json").read_text(encoding="utf-8"))
    data["meta"]["level"] = "galaxy"
    assert list(validator_for(spec, "policies/city-measures.json").iter_errors(data))
    page = json.loads((api / "policies" / "page" / "1.json").read_text(encoding="utf-8"))
    del page["items"][0]["title"]
    assert list(validator_for(spec, "policies/page/1.json").iter_errors(page))


def test_pages_link_together_and_cover_every_policy(api: Path) -> None:
    index = json.loads((api / "index.json").read_text(encoding="utf-8"))
    policies = next(c for c in index["collections"] if c["name"] == "policies")
    assert policies["total"] == 8 and policies["pages"] == 3  # page size 3 in the fixture
    seen, url = [], policies["first"]
    while url:
        page = json.loads((api / url).read_text(encoding="utf-8"))
        seen += [item["id"] for item in page["items"]]
        for item in page["items"]:
            assert (api / item["api_url"]).is_file()
        url = page["links"]["next"]
    assert len(seen) == len(set(seen)) == 8
    assert seen[0] == "district-rules"  # newest first


def test_document_carries_metadata_and_relations_both_ways(api: Path) -> None:
    doc = json.loads((api / "policies" / "city-measures.json").read_text(encoding="utf-8"))
    assert doc["meta"]["doc_number"] == "临政发〔2021〕5号"
    assert doc["meta"]["published"] == "2021-03-01" and doc["status"] == "effective"
    out = {(r["kind"], r["id"], r["declared"]) for r in doc["relations"]["outgoing"]}
    assert ("cites", "stable-jobs-notice", False) in out
    assert ("based_on", "province-implementation", False) in out
    back = {(r["kind"], r["id"]) for r in doc["relations"]["incoming"]}
    assert {("interprets", "city-measures-text"), ("implements", "stable-jobs-subsidy"),
            ("based_on", "district-rules")} <= back
    assert "临江市人才引进暂行办法" in doc["body"]
