"""Fixtures of the applications tests: the demo's rules and catalog, a clock, principals.

The rule set and the catalog are built from the demo content (``content/``) the way the
build does, without MkDocs; the trusted data are the demo's fictional registry.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(Path(__file__).parent))

from apply_testlib import Clock, build_site, engine_for  # noqa: E402

from functions.apply.config import ApplySettings, build_service  # noqa: E402
from functions.apply.identity import Principal  # noqa: E402
from functions.apply.service import ApplyService  # noqa: E402

REGISTRY = ROOT / "content" / "_data" / "registry"


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A built site holding the demo's rules.json and catalog.json (built once)."""
    return build_site(tmp_path_factory.mktemp("apply-site"), ROOT / "content")


@pytest.fixture
def catalog(demo_site: Path) -> dict[str, Any]:
    return json.loads((demo_site / "api/apply/catalog.json").read_text(encoding="utf-8"))


@pytest.fixture
def clock() -> Clock:
    """Monday 7 December 2026, 10:00 in China (02:00 UTC); tests move it on."""
    return Clock(dt.datetime(2026, 12, 7, 2, 0, tzinfo=dt.UTC))


@pytest.fixture
def settings(demo_site: Path) -> ApplySettings:
    return ApplySettings(site_dir=demo_site, registry_dir=REGISTRY)


@pytest.fixture
def service(database_url: str, settings: ApplySettings, clock: Clock) -> Iterator[ApplyService]:
    engine = engine_for(database_url, settings.site_dir)
    yield build_service(engine, settings, clock=clock)
    engine.dispose()


def applicant(subject: str) -> Principal:
    """An applicant acting for ``subject``."""
    return Principal(f"token:t{subject[-6:]}:申请人{subject[-4:]}", f"申请人{subject[-4:]}",
                     frozenset({"applicant"}), subject)


REVIEWER = Principal("token:rev001:审核员甲", "审核员甲", frozenset({"reviewer"}))
PAYMENTS = Principal("token:pay001:支付系统", "支付系统", frozenset({"payments"}))
