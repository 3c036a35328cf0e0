"""Helpers of the voucher tests: a service on a real database, and a small clock."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from functions.runtime import audit
from functions.runtime.db import make_engine, migrate
from functions.voucher import credential as vc
from functions.voucher import merkle, note
from functions.voucher.catalogue import Catalogue, RegistryProvider
from functions.voucher.config import VoucherConfig
from functions.voucher.encoding import b64
from functions.voucher.integrity import add_proof, canonical
from functions.voucher.keys import VoucherKeys
from functions.voucher.publish import Publisher
from functions.voucher.service import Party, VoucherService
from functions.voucher.store import MIGRATIONS

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT / "content" / "_data"
#: Residents of the demo registry (content/_data/registry/residents.yml).
ZHAO = "390102199901300817"
LI = "390171200109090797"
BANK = Party("tok-bank", "临江农商银行")
OTHER_BANK = Party("tok-other", "临江城市商业银行")


class Clock:
    """A clock the test moves."""

    def __init__(self, start: dt.datetime | None = None) -> None:
        self.now = start or dt.datetime(2026, 4, 1, 9, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


def make_config(state: Path, base_url: str = "https://zw.linjiang.example/") -> VoucherConfig:
    return VoucherConfig(base_url=base_url, state_dir=state, data_dir=DATA)


def make_service(database_url: str, state: Path, *, clock: Clock | None = None,
                 site: Path | None = None, config: VoucherConfig | None = None) -> VoucherService:
    engine = make_engine(database_url)
    migrate(engine, "runtime", audit.MIGRATIONS)
    migrate(engine, "voucher", MIGRATIONS)
    config = config or make_config(state)
    roots = [state / "public", *([site] if site else [])]
    return VoucherService(engine, config, VoucherKeys.load(config),
                          Catalogue.load(DATA / "voucher" / "catalogue.yml"),
                          RegistryProvider(DATA), clock=clock, publisher=Publisher(roots))


# -- the attacks of the issue, shared by the Python and the browser tests -----------------

def altered(credential: dict[str, Any]) -> dict[str, Any]:
    """The voucher with its purpose changed after signing."""
    out = copy.deepcopy(credential)
    out["credentialSubject"]["purpose"] = "个人消费贷款"
    return out


def altered_report(report: bytes) -> bytes:
    """The report with one figure raised."""
    data = json.loads(report)
    for item in data["items"]:
        if item["data"] and "月缴费基数（分）" in item["data"]:
            item["data"]["月缴费基数（分）"] = 2000000
    return json.dumps(data, ensure_ascii=False).encode()


def other_log_evidence(credential: dict[str, Any], origin: str,
                       key: Ed25519PrivateKey) -> dict[str, Any]:
    """The same voucher body logged in another log, with that log's proof and checkpoint."""
    tree = merkle.MemoryTree()
    tree.append(b"something else")
    index = tree.append(canonical(vc.issue_entry(credential)))
    point = note.Checkpoint(origin, tree.size, tree.root())
    return vc.evidence(origin=origin, index=index, size=tree.size,
                       proof=merkle.inclusion_proof(tree, index, tree.size),
                       checkpoint=point.sign(origin, key))


def for_another_log(service: VoucherService, credential: dict[str, Any],
                    origin: str = "other.example/log") -> dict[str, Any]:
    """The voucher re-signed by the issuer itself with a proof from another log (a split view)."""
    body = vc.body(credential)
    body["evidence"] = [other_log_evidence(body, origin, Ed25519PrivateKey.generate())]
    return add_proof(body, service.keys.issuer.private,
                     credential["proof"]["verificationMethod"], created=service.clock())


def forged_checkpoint(credential: dict[str, Any]) -> dict[str, Any]:
    """The voucher with its checkpoint's root replaced, keeping the log's signature line."""
    out = copy.deepcopy(credential)
    evidence = vc.log_evidence(out)
    assert evidence is not None
    text, signatures = note.split(evidence["checkpoint"])
    point = note.Checkpoint.parse(text)
    forged = note.Checkpoint(point.origin, point.size, bytes(32)).text()
    line = f"— {signatures[0].name} {b64(signatures[0].id + signatures[0].signature)}\n"
    evidence["checkpoint"] = forged + "\n" + line
    return out
