"""Benchmark the notifier: who to notify of one new policy among 100,000 profile subscribers.

A database holds ``--subscribers`` profile subscriptions of enterprises (random facts the
calculator asks: 注册地, 营业收入, 研发投入, 企业类型, some left out), all active. One new
policy is published: the demo's 《临江市企业研发投入补助办法》 with its four conditions and
its amount, from the demo content's own rules. Measured, each on a fresh copy of the
subscriptions:

- *who*: working out who is concerned (every subscription read in chunks and matched by
  the rules engine; eligible or possibly eligible kept), time and peak Python memory
  (tracemalloc, in a separate pass because tracing slows the run);
- *plan*: the whole planning step the notifier commits, ``notify.plan``: the above, plus
  one item and one message per concerned subscriber and the audit entry, in one
  transaction; time and the process's peak resident memory.

    python bench/engage.py [--subscribers 100000] [--postgres] [--no-report]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.append(str(ROOT / "bench"))  # last: bench/functions.py must not hide the package
sys.path.insert(0, str(ROOT / "tests" / "functions"))
from report import git_revision, load_average, write_section  # noqa: E402 - bench/, the script's folder

POLICY = "linjiang-rd-subsidy-2023"


def ruleset() -> dict[str, Any]:
    """The demo content's rule set (as ``tongda build`` writes ``api/match/rules.json``)."""
    from match_testlib import build_ruleset

    rules, _ = build_ruleset(ROOT / "content", content_errors_ok=True)
    return rules


def write_site(site: Path, rules: dict[str, Any]) -> None:
    """A built site's engage data holding the one new policy."""
    policy = next(p for p in rules["policies"] if p["id"] == POLICY)
    listed = [{"id": POLICY, "title": policy["title"], "url": policy["url"],
               "doc_number": policy.get("doc_number"), "issuer": policy.get("issuer"),
               "level": "city", "status": "effective", "status_label": "现行有效",
               "summary": None, "topics": ["business-support"], "audiences": ["企业"],
               "life_stages": ["经营"], "subject": "enterprise", "substance": "new"}]
    document = {"version": 1, "site_name": "临江市政策服务门户", "site_url": "https://x.example/",
                "facets": {}, "policies": listed}
    for path, content in (("api/engage/policies.json", document), ("api/match/rules.json", rules)):
        (site / path).parent.mkdir(parents=True, exist_ok=True)
        (site / path).write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")


def profile(rng: random.Random) -> dict[str, Any]:
    """Random facts of an enterprise; about one in five facts left out (unknown)."""
    facts: dict[str, Any] = {
        "district": rng.choice(["390102", "390103", "390171", "390181", "other"]),
        "revenue": rng.randrange(10**8, 10**11),
        "rd_spend": rng.randrange(10**6, 5 * 10**9),
        "tags": rng.sample(["高新技术企业", "科技型中小企业", "小微企业", "专精特新"], rng.randrange(0, 3)),
        "employees": rng.randrange(1, 2000),
    }
    return {k: v for k, v in facts.items() if rng.random() > 0.2}


def fill(engine: Any, count: int) -> None:
    """``count`` active profile subscriptions (one known policy, so the run is no baseline)."""
    from functions.engage.store import policies, subscriptions
    from functions.runtime.db import dumps

    rng = random.Random(20261205)  # test data, the same on every run
    now = dt.datetime.now(dt.UTC)
    with engine.begin() as conn:
        conn.execute(insert(policies).values(policy="old", version=1, digest="x", title="旧政策",
                                             url="policies/old/", seen_at=now))
        batch = []
        for i in range(count):
            batch.append({"id": f"DY{i:012d}", "subject": f"9139{i:014d}", "actor": "bench",
                          "kind": "profile", "tags": "[]", "profile_subject": "enterprise",
                          "profile": dumps(profile(rng)), "consent_at": now, "consent_text": "同意",
                          "channel": "email", "address": f"q{i}@example.com", "mode": "immediate",
                          "status": "active", "unsubscribe_token": f"t{i:020d}",
                          "created_at": now, "updated_at": now})
            if len(batch) == 5000:
                conn.execute(insert(subscriptions), batch)
                batch = []
        if batch:
            conn.execute(insert(subscriptions), batch)


def prepared(url: str, count: int) -> Any:
    from functions.engage.store import MIGRATIONS
    from functions.runtime import audit, auth, idempotency
    from functions.runtime.db import make_engine, migrate

    engine = make_engine(url)
    migrate(engine, "runtime", audit.MIGRATIONS + auth.MIGRATIONS + idempotency.MIGRATIONS)
    migrate(engine, "engage", MIGRATIONS)
    fill(engine, count)
    return engine


def measure(backend: str, url_for: Any, site: Path, rules: dict[str, Any],
            count: int) -> dict[str, Any]:
    """Who is concerned (time, peak heap), then the whole planning step (time, RSS)."""
    from functions.engage.notify import Audience, plan
    from functions.engage.site import SiteData
    from functions.engage.store import items, messages

    policy = json.loads((site / "api/engage/policies.json").read_text("utf-8"))["policies"][0]
    engine = prepared(url_for("who"), count)
    audience = Audience(policy, rules)
    with engine.connect() as conn:
        started = time.perf_counter()
        concerned = list(audience.concerned(conn, {}))
        who_seconds = time.perf_counter() - started
        tracemalloc.start()
        list(audience.concerned(conn, {}))
        heap = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    engine.dispose()
    eligible = sum(1 for _, _, r in concerned if r["eligible"] is True)
    engine = prepared(url_for("plan"), count)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    report = plan(engine, SiteData(site), lambda: dt.datetime.now(dt.UTC))
    plan_seconds = time.perf_counter() - started
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with engine.connect() as conn:
        written = (conn.scalar(select(func.count()).select_from(items)),
                   conn.scalar(select(func.count()).select_from(messages)))
    engine.dispose()
    assert written == (len(concerned), len(concerned)) == (report.items, report.messages)
    row = {"backend": backend, "subscribers": count, "concerned": len(concerned),
           "eligible": eligible, "who_s": who_seconds, "per_subscriber_us": who_seconds / count * 1e6,
           "heap_mb": heap / 2**20, "plan_s": plan_seconds, "rss_mb": rss_after / 1024,
           "rss_growth_mb": (rss_after - rss_before) / 1024}
    print(json.dumps(row, ensure_ascii=False), flush=True)
    return row


def write_report(rows: list[dict[str, Any]], args: argparse.Namespace, load: str) -> None:
    """The notifier's section of docs/benchmarks.md."""

    lines = [
        "## Benchmark: who to notify of a new policy (engage)",
        "",
        f"Written by `bench/engage.py` at {git_revision()}. {args.subscribers:,} active profile",
        "subscriptions of enterprises with random facts (注册地, 营业收入, 研发投入, 企业类型, 员工数;",
        "about one fact in five left out), one new policy: the demo's 《临江市企业研发投入补助办法》",
        "(four conditions and an amount, from the demo content's rules). *Who*: every",
        "subscription read in chunks of 2,000 and matched by the rules engine, keeping the",
        "eligible and the possibly eligible (no condition unmet); peak Python memory by",
        "tracemalloc in a second pass. *Plan*: the notifier's whole planning step on a fresh",
        "copy, the above plus one outbox item and one message per concerned subscriber and the",
        "audit entry, committed in one transaction; the process's peak resident memory after it.",
        "",
        f"Machine: {platform.platform()}, Python {platform.python_version()}, "
        f"{os.cpu_count()} cores shared with other work (load average {load} at start).",
        "",
        "| storage | subscribers | concerned | of which eligible | who (s) | per subscriber (µs) "
        "| peak heap, who (MB) | plan incl. outbox (s) | peak RSS (MB) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(f"| {r['backend']} | {r['subscribers']:,} | {r['concerned']:,} | "
                     f"{r['eligible']:,} | {r['who_s']:.1f} | {r['per_subscriber_us']:.0f} | "
                     f"{r['heap_mb']:.1f} | {r['plan_s']:.1f} | {r['rss_mb']:.0f} |")
    lines += ["", "Subscriptions are streamed: memory grows with the number concerned (their",
              "outbox rows are built before one insert), not with the number of subscribers.",
              "The time is mostly the rules engine's, per profile about what `POST /api/match/`",
              "takes for one policy; writing the outbox is the rest of *plan*.", "",
              f"Command: `python bench/engage.py --subscribers {args.subscribers}"
              f"{' --postgres' if args.postgres else ''}`"]
    print(f"wrote {write_section('engage', chr(10).join(lines))}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=100_000)
    parser.add_argument("--postgres", action="store_true",
                        help="also run against a throwaway PostgreSQL 15 cluster")
    parser.add_argument("--no-report", action="store_true", help="do not write docs/benchmarks.md")
    args = parser.parse_args()
    load = load_average()
    print(f"{platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} cores",
          flush=True)
    rules = ruleset()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        write_site(site, rules)
        rows.append(measure("SQLite", lambda name: f"sqlite:///{tmp}/{name}.sqlite3", site,
                            rules, args.subscribers))
        if args.postgres:
            from complaint import Postgres  # the throwaway cluster bench/complaint.py starts

            with Postgres() as url:
                import psycopg

                def database(name: str) -> str:
                    with psycopg.connect(url, autocommit=True) as conn:
                        conn.execute(f'CREATE DATABASE "{name}"')
                    return url.rsplit("/", 1)[0] + f"/{name}"

                rows.append(measure("PostgreSQL 15", database, site, rules, args.subscribers))
    if not args.no_report:
        write_report(rows, args, load)


if __name__ == "__main__":
    main()
