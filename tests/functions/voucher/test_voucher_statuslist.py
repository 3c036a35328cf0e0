"""The Bitstring Status List and the did:web document."""

from __future__ import annotations

import pytest

from functions.voucher import did, statuslist
from functions.voucher.encoding import b58decode, b58encode, multikey_public

pytestmark = pytest.mark.unit

# The empty 16 KiB list of the W3C Bitstring Status List v1.0 examples.
W3C_EMPTY = "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"


def test_the_w3c_example_list_decodes_to_131072_clear_bits() -> None:
    bits = statuslist.decode(W3C_EMPTY)
    assert len(bits) * 8 == statuslist.MIN_BITS
    assert not any(statuslist.is_set(bits, i) for i in (0, 1, 65535, 131071))


def test_revoked_indexes_are_set_leftmost_bit_first() -> None:
    bits = statuslist.decode(statuslist.encode([0, 9, 131071]))
    assert bits[0] == 0x80 and bits[1] == 0x40 and bits[-1] == 0x01
    assert [i for i in range(16) if statuslist.is_set(bits, i)] == [0, 9]
    assert statuslist.encode([]) == statuslist.encode([])  # stable bytes for the same list


@pytest.mark.parametrize("bad", ["xH4sI", "u!!", "u" + "A" * 8])
def test_malformed_or_short_lists_are_refused(bad: str) -> None:
    with pytest.raises(statuslist.StatusError):
        statuslist.decode(bad)
    with pytest.raises(statuslist.StatusError):
        statuslist.is_set(b"\0", 8)


def test_entries_name_their_list_and_index() -> None:
    entry = statuslist.entry("https://a.example/api/voucher/status/1", 42)
    assert statuslist.index_of(entry, "https://a.example/api/voucher/status/1") == 42
    with pytest.raises(statuslist.StatusError):
        statuslist.index_of(entry, "https://a.example/api/voucher/status/2")
    with pytest.raises(statuslist.StatusError):
        statuslist.index_of({**entry, "statusListIndex": 42})


def test_did_web_names_and_document_keys() -> None:
    assert did.did_web("zw.linjiang.gov.cn") == "did:web:zw.linjiang.gov.cn"
    assert did.did_web("127.0.0.1:8000") == "did:web:127.0.0.1%3A8000"
    assert did.host_of("did:web:127.0.0.1%3A8000") == "127.0.0.1:8000"
    key, log_key = bytes(range(32)), bytes(range(1, 33))
    doc = did.document("did:web:a.example", [("key-1", key)], log_origin="a.example/api/voucher/log",
                       log_key="a.example/api/voucher/log+01020304+AQ==", log_url="https://a/",
                       log_public=log_key)
    assert did.assertion_key(doc, "did:web:a.example#key-1") == key
    assert did.assertion_key(doc, "did:web:a.example#log") is None  # not an assertion key
    assert did.log_service(doc) == ("a.example/api/voucher/log",
                                    "a.example/api/voucher/log+01020304+AQ==")
    assert doc["verificationMethod"][0]["publicKeyMultibase"] == multikey_public(key)


def test_base58_keeps_leading_zero_bytes() -> None:
    for data in (b"", b"\0", b"\0\0\x01", bytes(range(40))):
        assert b58decode(b58encode(data)) == data
