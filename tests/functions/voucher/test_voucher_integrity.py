"""``eddsa-jcs-2022``: the W3C test vectors, every intermediate, and tampering refused."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from functions.voucher import encoding, integrity

pytestmark = pytest.mark.unit
VECTORS = Path(__file__).resolve().parents[4] / "shared" / "conformance" / "vc-di-eddsa"


def read(name: str) -> str:
    return (VECTORS / name).read_text(encoding="utf-8").strip()


def load(name: str) -> Any:
    return json.loads(read(name))


@pytest.fixture(scope="module")
def keys() -> tuple[Ed25519PrivateKey, bytes, str]:
    pair = load("keyPair.json")
    private = Ed25519PrivateKey.from_private_bytes(
        encoding.seed_from_multikey(pair["privateKeyMultibase"]))
    public = encoding.public_from_multikey(pair["publicKeyMultibase"])
    method = f"did:key:{pair['publicKeyMultibase']}#{pair['publicKeyMultibase']}"
    return private, public, method


def test_multikey_round_trips_the_vector_key(keys: tuple[Ed25519PrivateKey, bytes, str]) -> None:
    private, public, _ = keys
    from cryptography.hazmat.primitives import serialization
    raw = private.public_key().public_bytes(serialization.Encoding.Raw,
                                            serialization.PublicFormat.Raw)
    assert raw == public
    assert encoding.multikey_public(public) == load("keyPair.json")["publicKeyMultibase"]


def test_every_intermediate_of_the_w3c_vector_matches() -> None:
    unsigned = load("unsigned.json")
    options = load("eddsa-jcs-2022/proofConfigJCS.json")
    assert integrity.canonical(unsigned).decode() == read("eddsa-jcs-2022/canonDocJCS.txt")
    assert integrity.canonical(options).decode() == read("eddsa-jcs-2022/proofCanonJCS.txt")
    assert hashlib.sha256(integrity.canonical(unsigned)).hexdigest() == read(
        "eddsa-jcs-2022/docHashJCS.txt")
    assert hashlib.sha256(integrity.canonical(options)).hexdigest() == read(
        "eddsa-jcs-2022/proofHashJCS.txt")
    assert integrity.hash_data(unsigned, options).hex() == read(
        "eddsa-jcs-2022/combinedHashJCS.txt")


def test_signing_the_w3c_vector_gives_the_published_credential(
        keys: tuple[Ed25519PrivateKey, bytes, str]) -> None:
    private, _, method = keys
    signed = integrity.add_proof(load("unsigned.json"), private, method,
                                 created=dt.datetime(2023, 2, 24, 23, 36, 38, tzinfo=dt.UTC))
    assert signed == load("eddsa-jcs-2022/signedJCS.json")
    assert encoding.from_multibase_b58(signed["proof"]["proofValue"]).hex() == read(
        "eddsa-jcs-2022/sigHexJCS.txt")
    assert signed["proof"]["proofValue"] == read("eddsa-jcs-2022/sigBTC58JCS.txt")


def test_the_published_credential_verifies(keys: tuple[Ed25519PrivateKey, bytes, str]) -> None:
    _, public, method = keys
    signed = load("eddsa-jcs-2022/signedJCS.json")
    assert integrity.verify_proof(signed, lambda m: {method: public}.get(m)) == method


@pytest.mark.parametrize("change", [
    lambda d: d["credentialSubject"].update(alumniOf="Another School"),
    lambda d: d.update(validFrom="2023-01-02T00:00:00Z"),
    lambda d: d["proof"].update(created="2023-02-25T23:36:38Z"),
    lambda d: d["proof"].update(proofValue=d["proof"]["proofValue"][:-2] + "11"),
    lambda d: d["@context"].__setitem__(1, "https://example.org/other"),
])
def test_any_change_breaks_the_signature(keys: tuple[Ed25519PrivateKey, bytes, str],
                                         change: Any) -> None:
    _, public, method = keys
    signed = load("eddsa-jcs-2022/signedJCS.json")
    change(signed)
    with pytest.raises(integrity.ProofError):
        integrity.verify_proof(signed, lambda m: {method: public}.get(m))


def test_an_unknown_key_or_purpose_is_refused(keys: tuple[Ed25519PrivateKey, bytes, str]) -> None:
    _, public, method = keys
    signed = load("eddsa-jcs-2022/signedJCS.json")
    with pytest.raises(integrity.ProofError, match="不在签发者公布的密钥中"):
        integrity.verify_proof(signed, lambda m: None)
    with pytest.raises(integrity.ProofError, match="用途"):
        integrity.verify_proof(signed, lambda m: {method: public}.get(m), purpose="authentication")


def test_the_second_vector_document_signs_and_verifies(
        keys: tuple[Ed25519PrivateKey, bytes, str]) -> None:
    private, public, method = keys
    signed = integrity.add_proof(load("employmentAuth.json"), private, method,
                                 created=dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
    assert integrity.verify_proof(signed, lambda m: {method: public}.get(m)) == method
