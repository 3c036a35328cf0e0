"""The W3C Bitstring Status List v1.0: which vouchers are revoked, published as a credential.

Each voucher gets a random index into a list of at least 131,072 bits (16 KiB, so one
voucher's status says nothing about others'); bit ``i`` is the ``i``-th bit from the left
(most significant bit of byte ``i // 8`` first). The list is GZIP-compressed and written as
multibase base64url (``u…``) in ``encodedList``.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterable
from typing import Any

from .encoding import EncodingError, b64url, unb64url

#: The smallest list the specification allows (herd privacy), in bits.
MIN_BITS = 131_072
PURPOSE = "revocation"
CONTEXT = "https://www.w3.org/ns/credentials/v2"


class StatusError(ValueError):
    """A status list or entry that cannot be read; the message is in Chinese."""


def encode(revoked: Iterable[int], bits: int = MIN_BITS) -> str:
    """The ``encodedList`` of a list of ``bits`` with ``revoked`` set."""
    data = bytearray(bits // 8)
    for index in revoked:
        data[index // 8] |= 0x80 >> (index % 8)
    # mtime=0: the same list always compresses to the same bytes.
    return "u" + b64url(gzip.compress(bytes(data), mtime=0))


def decode(encoded: str) -> bytes:
    """The bitstring of an ``encodedList``; :class:`StatusError` if malformed or too short."""
    if not isinstance(encoded, str) or not encoded.startswith("u"):
        raise StatusError("状态列表应为 base64url 多重基编码（以 u 开头）。")
    try:
        data = gzip.decompress(unb64url(encoded[1:]))
    except (EncodingError, OSError, EOFError) as exc:
        raise StatusError("状态列表无法解压。") from exc
    if len(data) * 8 < MIN_BITS:
        raise StatusError("状态列表短于规范要求的 131072 位。")
    return data


def is_set(bitstring: bytes, index: int) -> bool:
    """Whether bit ``index`` is set; :class:`StatusError` if out of range."""
    if not 0 <= index < len(bitstring) * 8:
        raise StatusError("凭证的状态序号超出状态列表的范围。")
    return bool(bitstring[index // 8] & (0x80 >> (index % 8)))


def entry(list_url: str, index: int) -> dict[str, Any]:
    """A voucher's ``credentialStatus``."""
    return {"id": f"{list_url}#{index}", "type": "BitstringStatusListEntry",
            "statusPurpose": PURPOSE, "statusListIndex": str(index),
            "statusListCredential": list_url}


def credential(list_url: str, issuer: str, revoked: Iterable[int], *, valid_from: str,
               bits: int = MIN_BITS) -> dict[str, Any]:
    """The unsigned ``BitstringStatusListCredential`` (sign it with :mod:`.integrity`)."""
    return {"@context": [CONTEXT], "id": list_url,
            "type": ["VerifiableCredential", "BitstringStatusListCredential"],
            "issuer": issuer, "validFrom": valid_from,
            "credentialSubject": {"id": f"{list_url}#list", "type": "BitstringStatusList",
                                  "statusPurpose": PURPOSE,
                                  "encodedList": encode(revoked, bits)}}


def index_of(status: Any, list_url: str | None = None) -> int:
    """The index a ``credentialStatus`` entry names; :class:`StatusError` if malformed."""
    if not isinstance(status, dict) or status.get("type") != "BitstringStatusListEntry":
        raise StatusError("凭证没有位串状态列表条目（credentialStatus）。")
    if status.get("statusPurpose") != PURPOSE:
        raise StatusError("凭证状态条目的用途不是撤销（revocation）。")
    if list_url is not None and status.get("statusListCredential") != list_url:
        raise StatusError("凭证所指的状态列表不是所提供的这一份。")
    text = status.get("statusListIndex")
    if not isinstance(text, str) or not text.isdigit():
        raise StatusError("状态序号应为十进制数字字符串。")
    return int(text)
