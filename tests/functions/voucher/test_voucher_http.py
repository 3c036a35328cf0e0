"""The voucher API over HTTP (the runtime's tokens, idempotency, problems and audit heads).

The whole flow as a bank and a citizen drive it, then each refusal a person would notice;
the vouchers the API hands out are checked with the offline verifier against what the
API and the site publish.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from voucher_testlib import LI, ZHAO, make_config

from functions.runtime import auth
from functions.runtime.settings import Settings
from functions.voucher import credential as vc
from functions.voucher import merkle, note
from functions.voucher.app import create_app
from functions.voucher.encoding import b64, unb64
from functions.voucher.integrity import canonical
from functions.voucher.verify import verify_consistency, verify_voucher

pytestmark = pytest.mark.integration
BANK_ID = "91390100MA2K7Q1B4K"


class Api:
    """A test client with a bank's and two citizens' tokens."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        engine = client.app.state.runtime.engine  # type: ignore[attr-defined]
        self.bank = auth.create_token(engine, "临江农商银行", ["requester"], subject=BANK_ID)
        self.zhao = auth.create_token(engine, "赵明轩", ["citizen"], subject=ZHAO)
        self.li = auth.create_token(engine, "李晓雯", ["citizen"], subject=LI)

    @staticmethod
    def as_(token: str, key: str | None = None) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {token}"}
        if key:
            headers["Idempotency-Key"] = key
        return headers

    def ask(self, subject: str = ZHAO, key: str | None = None, **body: Any) -> Any:
        payload = {"subject": subject, "purpose": "个人住房贷款审批",
                   "kinds": ["identity", "social_insurance", "housing_fund"], **body}
        return self.client.post("/requests", json=payload,
                                headers=self.as_(self.bank, key or str(uuid.uuid4())))

    def trust(self) -> dict[str, Any]:
        return {"did_document": self.client.get("/did.json").json(),
                "status_list": self.client.get("/status/1").json()}


@pytest.fixture
def api(database_url: str, tmp_path: Path) -> Iterator[Api]:
    settings = Settings(database_url=database_url, rate_limit=0,
                        audit_heads_file=tmp_path / "heads.jsonl",
                        audit_key_file=tmp_path / "audit.key")
    app = create_app(settings, site_dir=tmp_path / "site",
                     config=make_config(tmp_path / "voucher"))
    with TestClient(app) as client:
        yield Api(client)
    app.state.runtime.dispose()


def test_the_whole_flow_over_http(api: Api, tmp_path: Path) -> None:
    key = str(uuid.uuid4())
    asked = api.ask(key=key)
    assert asked.status_code == 201, asked.text
    request = asked.json()
    assert asked.headers["location"] == f"requests/{request['id']}"
    assert request["status_label"] == "待本人决定"
    again = api.ask(key=key)
    assert again.json() == request and again.headers["idempotent-replayed"] == "true"
    # The citizen sees it, the other citizen does not.
    mine = api.client.get("/requests", headers=api.as_(api.zhao)).json()
    assert [r["id"] for r in mine] == [request["id"]]
    assert api.client.get("/requests", headers=api.as_(api.li)).json() == []
    assert api.client.get(f"/requests/{request['id']}", headers=api.as_(api.li)).status_code == 404
    issued = api.client.post(f"/requests/{request['id']}/authorise",
                             json={"identity": {"method": "face", "evidence": "ok"}},
                             headers=api.as_(api.zhao, str(uuid.uuid4())))
    assert issued.status_code == 201, issued.text
    assert issued.headers["content-type"].startswith("application/vc+ld+json")
    credential = issued.json()
    voucher_id = credential["id"].removeprefix("urn:uuid:")
    report = api.client.get(f"/vouchers/{voucher_id}/report", headers=api.as_(api.bank))
    assert report.status_code == 200
    result = verify_voucher(credential, report=report.content, **api.trust())
    assert result.valid, result.checks
    # The citizen's view: who asked, who saw the data, and when.
    history = api.client.get("/me", headers=api.as_(api.zhao)).json()
    assert [e["label"] for e in history["events"]] == [
        "取回数据报告", "签发凭证", "本人授权", "请求查看数据"]
    assert history["events"][0]["actor"] == "临江农商银行"
    assert history["vouchers"][0]["state_label"] == "有效"
    # What the site beside the function now carries.
    site = tmp_path / "site"
    assert json.loads((site / ".well-known/did.json").read_text()) == api.trust()["did_document"]
    assert (site / "voucher/data/checkpoint.txt").read_text() == \
        api.client.get("/log/checkpoint").text


def test_the_log_over_http_proves_inclusion_and_consistency(api: Api) -> None:
    request = api.ask().json()
    old = api.client.get("/log/checkpoint").text
    credential = api.client.post(f"/requests/{request['id']}/authorise", json={},
                                 headers=api.as_(api.zhao, str(uuid.uuid4()))).json()
    new = api.client.get("/log/checkpoint")
    assert new.headers["content-type"].startswith("text/plain")
    sizes = [note.Checkpoint.parse(note.split(n)[0]).size for n in (old, new.text)]
    proof = api.client.get("/log/consistency", params={"first": sizes[0], "second": sizes[1]})
    document = api.trust()["did_document"]
    assert verify_consistency(old, new.text, proof.json()["proof"], document).ok
    evidence = credential["evidence"][0]
    again = api.client.get("/log/inclusion", params={"index": evidence["leafIndex"],
                                                     "size": evidence["treeSize"]}).json()
    assert again["proof"] == evidence["inclusionProof"]
    point = note.Checkpoint.parse(note.split(new.text)[0])
    issue_leaf = merkle.leaf_hash(canonical(vc.issue_entry(credential)))
    by_hash = api.client.get("/log/inclusion", params={"hash": b64(issue_leaf),
                                                       "size": evidence["treeSize"]}).json()
    assert by_hash == again
    unknown = api.client.get("/log/inclusion", params={"hash": b64(merkle.leaf_hash(b"-")),
                                                       "size": point.size})
    assert unknown.status_code == 404
    malformed = api.client.get("/log/inclusion", params={"hash": "A" * 44, "size": point.size})
    assert malformed.status_code == 422
    bad = api.client.get("/log/consistency", params={"first": 5, "second": 10**9})
    assert bad.status_code == 422 and bad.headers["content-type"] == "application/problem+json"
    assert "不能超过日志当前大小" in bad.json()["detail"]
    assert [unb64(p) for p in again["proof"]]  # base64 of 32-byte hashes


def test_the_runtime_audit_heads_are_anchored_in_the_log(api: Api, tmp_path: Path) -> None:
    api.ask()
    api.client.get("/log/checkpoint")
    service = api.client.app.state.voucher_service  # type: ignore[attr-defined]
    heads = (tmp_path / "heads.jsonl").read_text().splitlines()
    assert heads  # the request was audited and its head signed
    last = json.loads(heads[-1])
    assert service.anchor.leaf_of(last["seq"]) is not None


def test_revocation_withholds_the_report_and_shows_in_the_status_list(api: Api) -> None:
    request = api.ask().json()
    credential = api.client.post(f"/requests/{request['id']}/authorise", json={},
                                 headers=api.as_(api.zhao, str(uuid.uuid4()))).json()
    voucher_id = credential["id"].removeprefix("urn:uuid:")
    by_other = api.client.post(f"/vouchers/{voucher_id}/revoke",
                               headers=api.as_(api.li, str(uuid.uuid4())))
    assert by_other.status_code == 404
    revoked = api.client.post(f"/vouchers/{voucher_id}/revoke",
                              headers=api.as_(api.zhao, str(uuid.uuid4())))
    assert revoked.status_code == 200 and revoked.json()["state_label"] == "已撤销"
    assert verify_voucher(credential, **api.trust()).failed() == ["status"]
    withheld = api.client.get(f"/vouchers/{voucher_id}/report", headers=api.as_(api.bank))
    assert withheld.status_code == 403
    assert withheld.json()["title"] == "凭证已撤销"


def test_refusals_a_person_would_notice(api: Api) -> None:
    anonymous = api.client.post("/requests", json={"subject": ZHAO, "purpose": "审批",
                                                   "kinds": ["identity"]})
    assert anonymous.status_code == 401
    as_citizen = api.client.post("/requests", json={"subject": LI, "purpose": "审批",
                                                    "kinds": ["identity"]},
                                 headers=api.as_(api.zhao, str(uuid.uuid4())))
    assert as_citizen.status_code == 403
    bad = api.ask(subject="123")
    assert bad.status_code == 422 and bad.headers["content-type"] == "application/problem+json"
    unknown = api.ask(kinds=["dna"])
    assert unknown.status_code == 422 and "数据目录中没有" in unknown.json()["detail"]
    request = api.ask().json()
    bank_authorises = api.client.post(f"/requests/{request['id']}/authorise", json={},
                                      headers=api.as_(api.bank, str(uuid.uuid4())))
    assert bank_authorises.status_code == 403
    face_fails = api.client.post(f"/requests/{request['id']}/authorise",
                                 json={"identity": {"method": "face", "evidence": "fail"}},
                                 headers=api.as_(api.zhao, str(uuid.uuid4())))
    assert face_fails.status_code == 403 and face_fails.json()["title"] == "身份核验未通过"
    refused = api.client.post(f"/requests/{request['id']}/refuse",
                              headers=api.as_(api.zhao, str(uuid.uuid4())))
    assert refused.status_code == 200 and refused.json()["status_label"] == "本人已拒绝"
    late = api.client.post(f"/requests/{request['id']}/authorise", json={},
                           headers=api.as_(api.zhao, str(uuid.uuid4())))
    assert late.status_code == 409
    no_subject = auth.create_token(api.client.app.state.runtime.engine,  # type: ignore[attr-defined]
                                   "某人", ["citizen"])
    assert api.client.get("/me", headers=api.as_(no_subject)).status_code == 403
    assert api.client.get("/catalogue").json()["kinds"][0]["name"] == "身份信息"


def test_without_its_data_the_function_answers_503_in_chinese(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}", rate_limit=0)
    config = make_config(tmp_path / "voucher").with_(data_dir=tmp_path / "nothing")
    app = create_app(settings, config=config)
    with TestClient(app) as client:
        answer = client.get("/catalogue")
    assert answer.status_code == 503
    assert answer.headers["content-type"] == "application/problem+json"
    assert "TONGDA_VOUCHER_DATA" in answer.json()["detail"]
