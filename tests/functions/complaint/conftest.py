"""Fixtures of the complaint tests: the demo city's catalog, a service on a fresh database
(SQLite and PostgreSQL through ``database_url``) with a clock the test can move."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from functions.complaint import catalog as catalog_module
from functions.complaint.catalog import Catalog
from functions.complaint.service import ComplaintService, Limits
from functions.complaint.store import MIGRATIONS, ComplaintStore
from functions.complaint.workflow import Workflow
from functions.runtime.factory import Runtime
from functions.runtime.settings import Settings

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT / "content" / "_data"
#: Points in the demo grid (lat, long).
IN_JIANGBIN = (28.70, 119.53)  # 滨江区江滨街道第一网格
IN_KECHUANG = (28.72, 119.65)  # 高新区科创园网格
IN_RIVER = (28.68, 119.55)  # inside 临江市, on the river between cells: triage
OUTSIDE = (39.90, 116.40)  # Beijing


class Clock:
    """A clock a test moves by hand."""

    def __init__(self) -> None:
        self.now = dt.datetime(2026, 3, 2, 1, 30, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return catalog_module.load(DATA)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def runtime(database_url: str) -> Iterator[Runtime]:
    rt = Runtime("complaint", Settings(database_url=database_url), MIGRATIONS)
    yield rt
    rt.dispose()


@pytest.fixture
def svc(catalog: Catalog, runtime: Runtime, clock: Clock) -> ComplaintService:
    return ComplaintService(catalog, ComplaintStore(runtime.engine), limits=Limits(),
                            clock=clock)


@pytest.fixture
def workflow(svc: ComplaintService) -> Workflow:
    return Workflow(svc)
