"""Who a request comes from, and how many requests each client and token may make.

The client is the TCP peer, unless the peer is one of the configured reverse proxies: then
the forwarding header that proxy writes is read from the right (the entry the nearest
proxy added) leftwards, skipping entries that are themselves trusted proxies, and the
first other entry is the client. Entries further left were written by whoever sent the
request and are never believed. IPv6 clients are counted per /64, the block one
subscriber usually holds, so rotating addresses inside it gives no fresh allowance.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
_FOR = re.compile(r'(?:^|;)\s*for\s*=\s*("(?:[^"\\]|\\.)*"|[^;\s]*)', re.IGNORECASE)
_ELEMENT = re.compile(r'(?:[^,"]|"(?:[^"\\]|\\.)*")+')


def retry_after(seconds: float) -> str:
    """A ``Retry-After`` value: whole seconds, rounded up, never 0."""
    return str(max(1, math.ceil(seconds)))


class ClientResolver:
    """The client a request is counted for.

    Args:
        proxies: Addresses or networks whose forwarding header is believed.
        header: ``x-forwarded-for`` or ``forwarded`` (RFC 7239): the one header those
            proxies write. The other one is ignored, since a client could send it.
    """

    def __init__(self, proxies: Iterable[str] = (), header: str = "x-forwarded-for") -> None:
        self.proxies: tuple[IPNetwork, ...] = tuple(
            ipaddress.ip_network(p, strict=False) for p in proxies)
        self.header = header.lower().encode("latin-1")

    def trusted(self, address: IPAddress | None) -> bool:
        """Whether ``address`` is one of the configured proxies."""
        return address is not None and any(address in net for net in self.proxies)

    def client(self, scope: Any) -> str:
        """The client key of an ASGI ``scope``: an address, a /64, or a proxy's token."""
        peer: Any = scope.get("client")
        host = str(peer[0]) if peer else "unknown"
        address = parse_address(host)
        if not self.proxies or not self.trusted(address):
            return _key(address, host)
        hops = self._hops(scope.get("headers") or [])
        for hop in reversed(hops):
            hop_address = parse_address(hop)
            if not self.trusted(hop_address):
                # Written by the nearest trusted proxy, so it is what that proxy saw.
                return _key(hop_address, hop)
        return _key(parse_address(hops[0]), hops[0]) if hops else _key(address, host)

    def _hops(self, headers: Iterable[tuple[bytes, bytes]]) -> list[str]:
        values = [v.decode("latin-1") for n, v in headers if n.lower() == self.header]
        joined = ",".join(values)
        if self.header == b"forwarded":
            return [_forwarded_for(element) for element in _ELEMENT.findall(joined)]
        return [entry.strip() for entry in joined.split(",") if entry.strip()]


def _forwarded_for(element: str) -> str:
    """The ``for=`` node of one RFC 7239 element (``unknown`` when it has none)."""
    match = _FOR.search(element.strip())
    if match is None:
        return "unknown"
    value = match.group(1)
    if value.startswith('"'):
        value = re.sub(r"\\(.)", r"\1", value[1:-1])
    return value


def parse_address(node: str) -> IPAddress | None:
    """An IP address from a header node: ``1.2.3.4``, ``1.2.3.4:80``, ``[::1]:80``, ``::1``."""
    text = node.strip().strip('"')
    if text.startswith("["):
        text = text[1:].split("]", 1)[0]
    elif text.count(":") == 1:
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _key(address: IPAddress | None, raw: str) -> str:
    if address is None:
        # Only reached for a node a trusted proxy wrote ("unknown", an obfuscated
        # identifier such as "_hidden"): a stable name, kept short.
        return "node:" + raw.strip()[:64]
    if isinstance(address, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


class RateTable:
    """Token buckets by key, at most ``size`` of them, the least recently seen forgotten.

    A forgotten bucket is one that has gone longest without a request, so it has had the
    most time to refill: forgetting it costs the least. A client that keeps sending is
    always recently seen and keeps its (empty) bucket however many others come and go.

    Args:
        limit: Requests allowed per ``window`` (the bucket's size).
        window: Seconds in which the bucket refills completely.
        size: Most keys kept.
    """

    def __init__(self, limit: int, window: float, size: int = 100_000) -> None:
        self.limit = limit
        self.window = window
        self.rate = limit / window if window else 0.0
        self.size = max(1, size)
        self.buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self.lock = threading.Lock()

    def __len__(self) -> int:
        return len(self.buckets)

    def take(self, key: str, now: float) -> float:
        """Take a token for ``key``; 0 when allowed, else seconds until one is available."""
        with self.lock:
            tokens, last = self.buckets.pop(key, (float(self.limit), now))
            # Multiplied before divided, so whole numbers stay exact: after window / limit
            # seconds exactly one token is back, not an ulp short of it.
            if self.window:
                tokens = min(float(self.limit), tokens + (now - last) * self.limit / self.window)
            allowed = tokens >= 1
            self.buckets[key] = (tokens - 1 if allowed else tokens, now)
            while len(self.buckets) > self.size:
                self.buckets.popitem(last=False)
        if allowed:
            return 0.0
        return (1 - tokens) * self.window / self.limit if self.rate else 3600.0


def token_id(authorization: str | None) -> str | None:
    """The id of the bearer token in an ``Authorization`` header (SHA-256 of the token).

    It is how the token is stored (``staff_tokens.token_hash``), so it names the token
    without keeping the secret in memory; ``None`` without a bearer token.
    """
    scheme, _, credential = (authorization or "").strip().partition(" ")
    credential = credential.strip()
    if scheme.lower() != "bearer" or not credential:
        return None
    return hashlib.sha256(credential.encode("utf-8")).hexdigest()
