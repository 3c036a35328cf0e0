"""Helpers of the voucher tests: a service on a real database, and a small clock."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from functions.runtime.db import make_engine, migrate
from functions.voucher.catalogue import Catalogue, RegistryProvider
from functions.voucher.config import VoucherConfig
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
    migrate(engine, "voucher", MIGRATIONS)
    config = config or make_config(state)
    roots = [state / "public", *([site] if site else [])]
    return VoucherService(engine, config, VoucherKeys.load(config),
                          Catalogue.load(DATA / "voucher" / "catalogue.yml"),
                          RegistryProvider(DATA), clock=clock, publisher=Publisher(roots))
