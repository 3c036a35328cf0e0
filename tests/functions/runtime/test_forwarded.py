"""Forwarded headers only from configured proxies; rate limits per client and per token."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from functions.match.app import create_app
from functions.runtime import auth
from functions.runtime.clients import ClientResolver, RateTable, retry_after
from functions.runtime.limits import RateLimit
from functions.runtime.settings import Settings

pytestmark = pytest.mark.integration


def _app(site_dir: Path, tmp_path: Path, **changes: Any) -> FastAPI:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}", rate_window=3600,
                        **changes)
    return create_app(settings, site_dir=site_dir)


def _codes(app: FastAPI, calls: list[tuple[str, dict[str, str]]]) -> list[int]:
    """Status of ``GET /rulesets/current`` for each (peer address, headers), in order."""
    async def go() -> list[int]:
        codes = []
        for peer, headers in calls:
            transport = httpx.ASGITransport(app=app, client=(peer, 40000))
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
                codes.append((await client.get("/rulesets/current", headers=headers)).status_code)
        return codes
    return asyncio.run(go())


@pytest.fixture
def proxied(site_dir: Path, tmp_path: Path) -> Iterator[FastAPI]:
    app = _app(site_dir, tmp_path, rate_limit=2, trusted_proxies=("10.0.0.0/8",))
    yield app
    app.state.runtime.dispose()


def test_the_client_is_the_nearest_untrusted_hop_not_what_it_wrote(proxied: FastAPI) -> None:
    """Behind two trusted proxies, a client writing a new address each time is one client."""
    calls = [("10.0.0.2", {"X-Forwarded-For": f"198.51.100.{n}, 203.0.113.7, 10.1.2.3"})
             for n in range(3)]
    assert _codes(proxied, calls) == [200, 200, 429]
    assert _codes(proxied, [("10.0.0.2", {"X-Forwarded-For": "203.0.113.8, 10.1.2.3"})]) == [200]


def test_forwarded_headers_from_anyone_else_are_ignored(site_dir: Path, tmp_path: Path) -> None:
    app = _app(site_dir, tmp_path, rate_limit=2)  # no proxies configured: loopback included
    calls = [("127.0.0.1", {"X-Forwarded-For": f"198.51.100.{n}"}) for n in range(3)]
    assert _codes(app, calls) == [200, 200, 429]
    app.state.runtime.dispose()


def test_only_the_configured_header_is_read(site_dir: Path, tmp_path: Path) -> None:
    app = _app(site_dir, tmp_path, rate_limit=2, trusted_proxies=("10.0.0.0/8",),
               forwarded_header="forwarded")
    calls = [("10.0.0.2", {"X-Forwarded-For": f"198.51.100.{n}",  # ignored: not configured
                           "Forwarded": f'for=192.0.2.{n};proto=https, for="[2001:db8::7]:4711"'})
             for n in range(3)]
    assert _codes(app, calls) == [200, 200, 429]
    app.state.runtime.dispose()


def test_a_token_is_limited_across_every_address(site_dir: Path, tmp_path: Path) -> None:
    app = _app(site_dir, tmp_path, rate_limit=3)
    token = auth.create_token(app.state.runtime.engine, "李工", ["match:publish"])
    bearer = {"Authorization": f"Bearer {token}"}
    calls = [(f"198.51.100.{n}", bearer) for n in range(4)]
    assert _codes(app, calls) == [200, 200, 200, 429]
    assert _codes(app, [("198.51.100.9", {})]) == [200]  # that address, without the token
    app.state.runtime.dispose()


def test_invented_tokens_get_no_fresh_allowance(site_dir: Path, tmp_path: Path) -> None:
    app = _app(site_dir, tmp_path, rate_limit=3)
    calls = [("198.51.100.1", {"Authorization": f"Bearer tdk_invented{n}"}) for n in range(4)]
    assert _codes(app, calls) == [200, 200, 200, 429]
    app.state.runtime.dispose()


def test_a_busy_abuser_stays_limited_while_the_table_stays_bounded(
        site_dir: Path, tmp_path: Path) -> None:
    """Thousands of one-off clients pass through a table of 50; the abuser, seen all the
    time, is never the one forgotten (before: the table grew to 100,000, then was cleared)."""
    app = _app(site_dir, tmp_path, rate_limit=2, rate_table_size=50)
    calls: list[tuple[str, dict[str, str]]] = []
    for n in range(600):
        calls.append((f"198.51.{n // 250}.{n % 250}", {}))
        if n % 20 == 0:
            calls.append(("203.0.113.66", {}))
    codes = _codes(app, calls)
    abuser = [code for (peer, _), code in zip(calls, codes, strict=True) if peer == "203.0.113.66"]
    assert abuser[:2] == [200, 200] and set(abuser[2:]) == {429}
    assert set(codes) == {200, 429}
    assert len(_rate_limit(app).table) == 50
    app.state.runtime.dispose()


def _rate_limit(app: FastAPI) -> RateLimit:
    layer: Any = app.middleware_stack
    while not isinstance(layer, RateLimit):
        layer = layer.app
    return layer


def test_the_rate_table_forgets_the_least_recently_seen() -> None:
    table = RateTable(limit=1, window=3600, size=3)
    for n, key in enumerate(["a", "b", "c", "a", "d"]):
        table.take(key, float(n))
    assert list(table.buckets) == ["c", "a", "d"] and len(table) == 3
    assert table.take("a", 5.0) > 0  # still remembered, still empty


@pytest.mark.parametrize(("peer", "header", "value", "client"), [
    ("203.0.113.5", "x-forwarded-for", "1.1.1.1", "203.0.113.5"),
    ("10.0.0.1", "x-forwarded-for", "1.1.1.1, 2.2.2.2", "2.2.2.2"),
    ("10.0.0.1", "x-forwarded-for", "1.1.1.1, 10.9.9.9", "1.1.1.1"),
    ("10.0.0.1", "x-forwarded-for", "10.2.2.2, 10.9.9.9", "10.2.2.2"),
    ("10.0.0.1", "x-forwarded-for", "2.2.2.2:5555", "2.2.2.2"),
    ("10.0.0.1", "x-forwarded-for", "", "10.0.0.1"),
    ("10.0.0.1", "forwarded", 'for=1.1.1.1, for="[2001:db8:1:2::9]:80"', "2001:db8:1:2::/64"),
    ("10.0.0.1", "forwarded", 'for=1.1.1.1;by=10.0.0.1, For="_hidden7"', "node:_hidden7"),
    ("::ffff:10.0.0.1", "forwarded", "for=192.0.2.60;proto=http", "192.0.2.60"),
    ("2001:db8:aa:bb:1:2:3:4", "x-forwarded-for", "1.1.1.1", "2001:db8:aa:bb::/64"),
])
def test_resolving_the_client(peer: str, header: str, value: str, client: str) -> None:
    resolver = ClientResolver(["10.0.0.0/8"], header)
    scope = {"client": (peer, 1), "headers": [(header.encode(), value.encode())]}
    assert resolver.client(scope) == client


@pytest.mark.parametrize(("seconds", "header"), [(0.0001, "1"), (1.0, "1"), (1.2, "2"),
                                                 (59.01, "60")])
def test_retry_after_is_whole_seconds_rounded_up_never_zero(seconds: float, header: str) -> None:
    assert retry_after(seconds) == header


def test_settings_read_the_proxies_and_refuse_the_old_switch(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TONGDA_TRUSTED_PROXIES", "10.0.0.0/8, 192.168.1.5 ::1")
    monkeypatch.setenv("TONGDA_FORWARDED_HEADER", "Forwarded")
    settings = Settings.from_env(database_url="sqlite://")
    assert settings.trusted_proxies == ("10.0.0.0/8", "192.168.1.5/32", "::1/128")
    assert settings.forwarded_header == "forwarded"
    assert Settings.from_env(database_url="sqlite://").rate_table_size == 100_000
    monkeypatch.setenv("TONGDA_TRUSTED_PROXIES", "10.0.0.0/8, proxy.example")
    with pytest.raises(ValueError, match=r"proxy\.example"):
        Settings.from_env(database_url="sqlite://")
    monkeypatch.delenv("TONGDA_TRUSTED_PROXIES")
    monkeypatch.setenv("TONGDA_TRUST_FORWARDED", "1")
    with pytest.raises(ValueError, match="TONGDA_TRUSTED_PROXIES"):
        Settings.from_env(database_url="sqlite://")
