"""Helpers of the applications tests (imported by name: this folder is put on sys.path)."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

from sqlalchemy.engine import Engine

ROOT = Path(__file__).resolve().parents[3]
if str(ROOT / "tests" / "functions") not in sys.path:
    sys.path.insert(0, str(ROOT / "tests" / "functions"))

#: Subjects of the demo registry (content/_data/registry/) the tests use.
AGED_90 = "390102193603040028"        # 江秀英, 滨江区, 本市户籍: 高龄津贴 200元/月
AGED_78 = "390102194802100358"        # 陈建华: too young for the 高龄津贴
GRADUATE_UNKNOWN = "390102200305220920"  # 孙雨桐: whether she is employed is not in the data
GRADUATE_OK = "390102200204150687"     # 王思远: every condition verified
HITECH = "91390100MA2K7Q1B4K"          # 临江澜舟: 高新区, 高新技术企业, revenue 3000万
ELDERLY = "binjiang-elderly-allowance-2022"
GRADUATE = "linjiang-graduate-subsidy-2023"
RD = "linjiang-rd-subsidy-2023"
#: Residents the 高龄津贴 is for on 7 December 2026: 80 or older, 本市户籍, 滨江区.
ELDERLY_QUALIFYING = {"390102193603040028", "390102194409170130", "390102192506110245",
                      "390102194601011148"}


class Clock:
    """A clock tests set and move; timezone-aware UTC."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def set(self, now: dt.datetime) -> None:
        self.now = now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


def build_site(dest: Path, content: Path, today: str = "2026-12-07") -> Path:
    """``dest`` as a built site: index.html, api/match/rules.json and api/apply/catalog.json."""
    from match_testlib import build_ruleset

    from site_builder.content.corpus import load_corpus
    from site_builder.plugins.apply.catalog import CatalogBuilder, load_holidays

    ruleset, _ = build_ruleset(content, today=today, content_errors_ok=True)
    corpus = load_corpus(content, today=dt.date.fromisoformat(today))
    builder = CatalogBuilder(20, "apply/")
    catalog = builder.build(ruleset, corpus,
                            load_holidays(content / "_data/holidays.yml", "_data/holidays.yml"))
    assert not builder.errors, [e.format() for e in builder.errors]
    for path, document in (("api/match/rules.json", ruleset), ("api/apply/catalog.json", catalog)):
        target = dest / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    (dest / "index.html").write_text("<!DOCTYPE html><title>首页</title><h1>首页</h1>",
                                     encoding="utf-8")
    return dest


def engine_for(database_url: str, site_dir: Path | None) -> Engine:
    """A migrated engine with the site's rules published, as the app prepares it."""
    from functions.apply.rules import seed_rules
    from functions.apply.store import MIGRATIONS
    from functions.runtime import audit, auth, idempotency
    from functions.runtime.db import make_engine, migrate

    engine = make_engine(database_url)
    migrate(engine, "runtime", audit.MIGRATIONS + auth.MIGRATIONS + idempotency.MIGRATIONS)
    migrate(engine, "apply", MIGRATIONS)
    seed_rules(engine, site_dir)
    return engine


def china(year: int, month: int, day: int, hour: int = 10) -> dt.datetime:
    """A moment in China as UTC."""
    return dt.datetime(year, month, day, hour, tzinfo=dt.timezone(dt.timedelta(hours=8))
                       ).astimezone(dt.UTC)
