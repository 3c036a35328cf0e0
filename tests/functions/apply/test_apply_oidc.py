"""Signing in through OpenID Connect: ID tokens from a local test issuer, checked by JWKS."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from oidc_issuer import Issuer, b64

from functions.apply.identity import Identity, oidc_from_env
from functions.apply.oidc import OidcError, OidcVerifier, fetch_json
from functions.runtime.problems import Problem

pytestmark = pytest.mark.unit


@pytest.fixture
def issuer() -> Iterator[Issuer]:
    running = Issuer()
    yield running
    running.close()


@pytest.fixture
def verifier(issuer: Issuer) -> OidcVerifier:
    return OidcVerifier(issuer.url, "portal", subject_claim="id_number")


@pytest.mark.parametrize(("kid", "alg"), [("rsa-1", "RS256"), ("ec-1", "ES256"), ("ed-1", "EdDSA")])
def test_tokens_signed_with_each_algorithm_are_accepted(issuer: Issuer, verifier: OidcVerifier,
                                                        kid: str, alg: str) -> None:
    if kid != "rsa-1":
        issuer.add_key(kid, alg)
    claims = verifier.verify(issuer.token(kid=kid))
    assert claims["id_number"] == "390102193603040028"


@pytest.mark.parametrize(("claims", "reason"), [
    ({"exp": int(time.time()) - 120}, "expired"),
    ({"aud": "another-portal"}, "bad_audience"),
    ({"aud": ["portal", "another"], "azp": "another"}, "bad_audience"),
    ({"iss": "https://evil.example"}, "bad_issuer"),
    ({"nbf": int(time.time()) + 3600}, "not_yet_valid"),
    ({"id_number": None}, "no_subject"),
])
def test_claims_that_do_not_fit_are_refused(issuer: Issuer, verifier: OidcVerifier,
                                            claims: dict, reason: str) -> None:
    with pytest.raises(OidcError) as caught:
        verifier.verify(issuer.token(**claims))
    assert caught.value.reason == reason


def test_a_changed_payload_breaks_the_signature(issuer: Issuer, verifier: OidcVerifier) -> None:
    header, payload, signature = issuer.token().split(".")
    forged = json.loads(base64.urlsafe_b64decode(payload + "=="))
    forged["id_number"] = "390102194802100358"
    token = f"{header}.{b64(json.dumps(forged).encode())}.{signature}"
    with pytest.raises(OidcError) as caught:
        verifier.verify(token)
    assert caught.value.reason == "bad_signature"


def test_none_and_shared_secret_algorithms_are_refused(issuer: Issuer,
                                                       verifier: OidcVerifier) -> None:
    payload = b64(json.dumps({"iss": issuer.url, "aud": "portal", "exp": 2**31,
                              "id_number": "x"}).encode())
    for alg in ("none", "HS256"):
        header = b64(json.dumps({"alg": alg, "kid": "rsa-1"}).encode())
        with pytest.raises(OidcError) as caught:
            verifier.verify(f"{header}.{payload}.")
        assert caught.value.reason == "bad_algorithm"
    # A token claiming ES256 under the RSA key: the key's declared algorithm wins.
    with pytest.raises(OidcError) as caught:
        verifier.verify(issuer.token(alg="ES256"))
    assert caught.value.reason == "bad_algorithm"


def test_a_rotated_key_is_fetched_once_its_id_is_seen(issuer: Issuer) -> None:
    now = [1_000_000.0]
    verifier = OidcVerifier(issuer.url, "portal", subject_claim="id_number",
                            clock=lambda: now[0])
    token_claims: dict[str, Any] = {"exp": 2_000_000, "iat": 999_000}
    verifier.verify(issuer.token(**token_claims))
    fetched = issuer.fetches
    issuer.add_key("rsa-2", "RS256")
    with pytest.raises(OidcError):  # within a minute of the last fetch: not asked again
        verifier.verify(issuer.token(kid="rsa-2", **token_claims))
    assert issuer.fetches == fetched
    now[0] += 61
    assert verifier.verify(issuer.token(kid="rsa-2", **token_claims))["sub"] == "user-1"
    assert issuer.fetches == fetched + 2  # the discovery document and the keys


def test_a_withdrawn_key_stops_working_once_the_keys_are_refreshed(issuer: Issuer) -> None:
    now = [1_000_000.0]
    verifier = OidcVerifier(issuer.url, "portal", clock=lambda: now[0], keys_ttl=3600)
    claims: dict[str, Any] = {"exp": 2_000_000, "iat": 999_000}
    issuer.add_key("old", "EdDSA")
    token = issuer.token(kid="old", **claims)
    verifier.verify(token)
    del issuer.keys["old"]
    now[0] += 3601
    with pytest.raises(OidcError) as caught:
        verifier.verify(token)
    assert caught.value.reason == "unknown_key"


def test_identity_makes_an_applicant_from_an_id_token(issuer: Issuer,
                                                      verifier: OidcVerifier) -> None:
    identity = Identity(verifier)
    principal = identity.principal(None, f"Bearer {issuer.token()}")  # type: ignore[arg-type]
    assert principal.subject == "390102193603040028" and principal.has("applicant")
    assert principal.actor == "oidc:user-1" and principal.name == "江秀英"
    assert not principal.has("reviewer")
    with pytest.raises(Problem) as caught:
        identity.principal(None, f"bearer {issuer.token(aud='x')}")  # type: ignore[arg-type]
    assert caught.value.status == 401 and caught.value.extra["reason"] == "bad_audience"


def test_the_provider_is_configured_by_its_url() -> None:
    assert oidc_from_env({}) is None
    with pytest.raises(ValueError, match="TONGDA_OIDC_AUDIENCE"):
        oidc_from_env({"TONGDA_OIDC_ISSUER": "https://id.example.gov.cn"})
    verifier = oidc_from_env({"TONGDA_OIDC_ISSUER": "https://id.example.gov.cn",
                              "TONGDA_OIDC_AUDIENCE": "portal",
                              "TONGDA_OIDC_SUBJECT_CLAIM": "id_number"})
    assert verifier is not None and verifier.subject_claim == "id_number"
    with pytest.raises(OidcError, match="https"):
        fetch_json("http://id.example.gov.cn/.well-known/openid-configuration")
