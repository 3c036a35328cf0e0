"""Retry-After is a promise a client relies on: whole seconds, never 0, and honest.

A client that waits exactly the ``Retry-After`` it was told gets through; one that comes
back sooner is still refused; the header is never ``0`` (a client would retry at once,
in a loop) nor a fraction (``Retry-After`` is an integer, RFC 9110 §10.2.3).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st

from functions.match.app import create_app
from functions.runtime.clients import RateTable, retry_after
from functions.runtime.settings import Settings

pytestmark = pytest.mark.unit


@settings(max_examples=300, deadline=None)
@given(st.floats(min_value=0, max_value=10**7, allow_nan=False))
def test_retry_after_is_the_least_whole_second_not_before_the_wait(seconds: float) -> None:
    header = retry_after(seconds)
    assert header.isdigit()
    value = int(header)
    assert value >= 1 and value >= seconds
    assert value - 1 < max(seconds, 1)  # rounded up, by less than a second


@pytest.mark.parametrize("seconds", [0.0, 1e-9, 0.5, 0.999])
def test_retry_after_below_a_second_is_one(seconds: float) -> None:
    assert retry_after(seconds) == "1"


@settings(max_examples=150, deadline=None)
@given(limit=st.integers(1, 20), window=st.integers(1, 3600),
       start=st.integers(0, 2**26).map(lambda n: n / 64))  # exact: start + whole seconds is too
def test_waiting_the_retry_after_is_enough_and_coming_back_sooner_is_not(
        limit: int, window: int, start: float) -> None:
    table = RateTable(limit, window)
    assert all(table.take("c", start) == 0 for _ in range(limit))  # the whole allowance
    wait = table.take("c", start)
    # An emptied bucket has one token back after window / limit seconds.
    assert wait == pytest.approx(window / limit)
    told = int(retry_after(wait))
    if told > 1:
        assert table.take("c", start + told - 1) > 0  # a second early: still refused
    assert table.take("c", start + told) == 0  # as told: allowed


@pytest.mark.parametrize(("limit", "window"), [(1, 161), (2, 322), (1, 3600), (7, 49)])
def test_waiting_exactly_a_whole_number_of_seconds_is_enough(limit: int, window: int) -> None:
    """Where window / limit is whole, 1/161 × 161 falls an ulp short of one token."""
    table = RateTable(limit, window)
    for _ in range(limit):
        table.take("c", 0.0)
    told = int(retry_after(table.take("c", 0.0)))
    assert told == window // limit
    assert table.take("c", float(told)) == 0


def test_the_header_a_client_reads_when_limited(site_dir: Path, tmp_path: Path) -> None:
    """Two requests a minute: one comes back every 30 s; the third is told to wait 30."""
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}", rate_limit=2,
                        rate_window=60)
    with TestClient(create_app(settings, site_dir=site_dir)) as client:
        codes = [client.get("/rulesets/current").status_code for _ in range(2)]
        limited = client.get("/rulesets/current")
    assert codes == [200, 200] and limited.status_code == 429
    assert limited.headers["retry-after"] == "30"
    assert "30 秒" in limited.json()["detail"]
