"""Trusted data: the demo registry and a data-sharing service over HTTP on loopback."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from apply_testlib import AGED_90, HITECH
from tongda_rules import FactsFile

from functions.apply.trusted import (
    HttpTrustedData,
    RegistryData,
    TrustedDataError,
    TrustedDataUnavailable,
    derive,
)

pytestmark = pytest.mark.unit
ROOT = Path(__file__).resolve().parents[3]
FACTS = FactsFile.model_validate(yaml.safe_load(
    (ROOT / "content/_data/facts.yml").read_text(encoding="utf-8")))
DECLARED = {"enterprise": FACTS.of("enterprise"), "person": FACTS.of("person")}
ON = dt.date(2026, 12, 7)


def test_the_registry_gives_verified_facts_with_derived_age_and_years() -> None:
    registry = RegistryData(ROOT / "content/_data/registry", DECLARED)
    person = registry.record(AGED_90, ON)
    assert person is not None and person.kind == "person" and person.name == "江秀英"
    assert person.facts["age"] == 90 and person.facts["household"] == "本市户籍"
    firm = registry.record(HITECH, ON)
    assert firm is not None and firm.facts["years"] == 11 and firm.facts["revenue"] == 3000000000
    assert "rd_spend" not in firm.facts  # not verifiable, so never from the registry
    assert registry.record("000000000000000000", ON) is None
    assert len(list(registry.subjects("person", ON))) == 12


def test_age_turns_on_the_birthday() -> None:
    record = {"birth_date": dt.date(1946, 1, 1)}
    assert derive("person", record, dt.date(2025, 12, 31)) == {"age": 79}
    assert derive("person", record, dt.date(2026, 1, 1)) == {"age": 80}
    assert derive("enterprise", {"established": "2026-02-10"}, dt.date(2026, 1, 1)) == {}


def test_a_bad_registry_value_is_refused_naming_subject_and_fact(tmp_path: Path) -> None:
    (tmp_path / "residents.yml").write_text(
        "subjects:\n  - id: '390102000000000000'\n    name: 测试\n    facts: {household: 外省户籍}\n",
        encoding="utf-8")
    with pytest.raises(TrustedDataError, match=r"390102000000000000.*household"):
        RegistryData(tmp_path, DECLARED)
    (tmp_path / "residents.yml").write_text(
        "subjects:\n  - id: a\n    name: 甲\n  - id: a\n    name: 乙\n", encoding="utf-8")
    with pytest.raises(TrustedDataError, match="重复"):
        RegistryData(tmp_path, DECLARED)


class _Service(BaseHTTPRequestHandler):
    records: ClassVar[dict[str, dict[str, Any]]] = {}

    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        if url.path == "/subjects":
            kind = parse_qs(url.query)["kind"][0]
            after = parse_qs(url.query).get("after", [""])[0]
            ids = sorted(k for k, v in self.records.items() if v["kind"] == kind and k > after)
            body: Any = {"subjects": [self.records[i] for i in ids[:1]],
                         "next": ids[0] if len(ids) > 1 else None}
        elif url.path.startswith("/subjects/") and url.path[10:] in self.records:
            assert self.headers["Authorization"] == "Bearer secret"
            body = self.records[url.path[10:]]
        else:
            self.send_response(404)
            self.end_headers()
            return
        data = json.dumps(body, ensure_ascii=False).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def sharing_service() -> Iterator[str]:
    _Service.records = {
        "p1": {"id": "p1", "kind": "person", "name": "甲", "source": "省数据共享平台",
               "facts": {"age": 81, "household": "本市户籍", "monthly_income": 100}},
        "p2": {"id": "p2", "kind": "person", "name": "乙", "facts": {"age": 30}},
        "bad": {"id": "bad", "kind": "person", "name": "丙", "facts": {"age": "八十"}},
    }
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Service)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_a_data_sharing_service_over_http(sharing_service: str) -> None:
    data = HttpTrustedData(sharing_service, DECLARED, token="secret")
    record = data.record("p1", ON)
    assert record is not None and record.source == "省数据共享平台"
    assert record.facts == {"age": 81, "household": "本市户籍"}  # monthly_income: not verifiable
    assert data.record("nobody", ON) is None
    with pytest.raises(TrustedDataUnavailable, match="age"):
        data.record("bad", ON)


def test_the_service_lists_subjects_page_by_page(sharing_service: str) -> None:
    data = HttpTrustedData(sharing_service, DECLARED, token="secret")
    _Service.records.pop("bad")
    assert [r.id for r in data.subjects("person", ON)] == ["p1", "p2"]


def test_an_unreachable_service_is_unavailable_not_an_error(unused_port: int) -> None:
    data = HttpTrustedData(f"http://127.0.0.1:{unused_port}", DECLARED, timeout=1)
    with pytest.raises(TrustedDataUnavailable):
        data.record("p1", ON)


def test_plain_http_is_refused_except_on_loopback() -> None:
    with pytest.raises(TrustedDataError, match="https"):
        HttpTrustedData("http://data.example.gov.cn", DECLARED)


@pytest.fixture
def unused_port() -> int:
    from tests.portal_server import free_port

    return free_port()
