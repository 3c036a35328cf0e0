"""Benchmark 秒批秒付: instant approvals per second and their latency, from a second process.

The applications function runs alone under uvicorn in its own process (one worker, as
``tongda serve``), with the demo's rules and catalog and a generated registry of
residents who all qualify for the 高龄津贴 (every condition verifiable, so every
application is approved and paid in the request). This process sends one application per
resident, each with its own applicant token and ``Idempotency-Key``, from a few threads
on loopback, closed loop, after a warm-up. Afterwards the database is counted: one
application and one payment instruction per approval, none twice.

    python bench/apply.py [--requests 600] [--concurrency 4] [--postgres]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.append(str(ROOT / "bench"))  # last: bench/functions.py must not hide the package
sys.path.insert(0, str(ROOT / "tests" / "functions"))
sys.path.insert(0, str(ROOT / "tests" / "functions" / "apply"))
from report import free_port, load_average, write_section  # noqa: E402 - bench/, the script's folder

POLICY = "binjiang-elderly-allowance-2022"
WARMUP = 20


def resident_id(i: int) -> str:
    """A fictional 公民身份号码 (region 390102 does not exist) with a valid check digit."""
    born = f"{1925 + i % 15}{(i // 15) % 12 + 1:02d}{(i // 180) % 28 + 1:02d}"
    body = f"390102{born}{i % 1000:03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]


def write_registry(folder: Path, count: int) -> list[str]:
    """A registry of ``count`` residents aged 80 or more, 本市户籍, living in 滨江区."""
    import yaml

    ids = [resident_id(i) for i in range(count)]
    subjects = [{"id": sid, "name": f"测试居民{i:05d}",
                 "birth_date": dt.date(int(sid[6:10]), int(sid[10:12]), int(sid[12:14])),
                 "facts": {"household": "本市户籍", "district": "390102"}}
                for i, sid in enumerate(ids)]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "residents.yml").write_text(yaml.safe_dump(
        {"source": "压力测试数据", "subjects": subjects}, allow_unicode=True), encoding="utf-8")
    return ids


def build_site(folder: Path) -> Path:
    """The demo's rules.json and catalog.json, as the build writes them."""
    from apply_testlib import build_site as build  # the test helper: the build's own classes

    return build(folder, ROOT / "content", dt.date.today().isoformat())


def prepare(url: str, site: Path, ids: list[str]) -> list[str]:
    """Migrate, publish the rules, and make one applicant token per resident."""
    from functions.apply.rules import seed_rules
    from functions.apply.store import MIGRATIONS
    from functions.runtime import audit, auth, idempotency
    from functions.runtime.db import make_engine, migrate

    engine = make_engine(url)
    migrate(engine, "runtime", audit.MIGRATIONS + auth.MIGRATIONS + idempotency.MIGRATIONS)
    migrate(engine, "apply", MIGRATIONS)
    seed_rules(engine, site)
    tokens = [auth.create_token(engine, f"居民{i:05d}", ["applicant"], subject=sid)
              for i, sid in enumerate(ids)]
    engine.dispose()
    return tokens


def serve(url: str, port: int, site: Path, registry: Path, var: Path) -> subprocess.Popen[bytes]:
    """The applications function alone under uvicorn, in a second process."""
    code = ("import sys, uvicorn; from functions.apply.app import create_app; "
            "uvicorn.run(create_app(), host='127.0.0.1', port=int(sys.argv[1]), "
            "log_level='warning')")
    env = {**os.environ, "DATABASE_URL": url, "TONGDA_RATE_LIMIT": "0/60",
           "TONGDA_SITE_DIR": str(site), "TONGDA_REGISTRY_DIR": str(registry),
           "TONGDA_VAR_DIR": str(var)}
    return subprocess.Popen([sys.executable, "-c", code, str(port)], env=env, cwd=ROOT)


def wait_ready(base: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/stats", timeout=10).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError("the server did not come up")


class Load:
    """Closed loop: each thread applies for the next resident, waits, applies again."""

    def __init__(self, base: str, tokens: list[str]) -> None:
        self.base = base
        self.tokens = tokens
        self.next = 0
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.approved: list[str] = []
        self.other: list[str] = []

    def run(self, client: httpx.Client) -> None:
        while True:
            with self.lock:
                if self.next >= len(self.tokens):
                    return
                token = self.tokens[self.next]
                self.next += 1
            headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": str(uuid.uuid4())}
            started = time.perf_counter()
            answer = client.post(self.base + "/applications", headers=headers,
                                 json={"policy": POLICY, "materials": ["本人社会保障卡"]})
            elapsed = time.perf_counter() - started
            with self.lock:
                if answer.status_code == 201 and answer.json()["status"] == "approved":
                    self.latencies.append(elapsed)
                    self.approved.append(answer.json()["id"])
                else:
                    self.other.append(f"{answer.status_code} {answer.text[:200]}")


def count(url: str) -> dict[str, int]:
    from functions.apply.store import applications, payments
    from functions.runtime.db import make_engine

    engine = make_engine(url)
    with engine.connect() as conn:
        out = {"applications": conn.scalar(select(func.count()).select_from(applications)) or 0,
               "payments": conn.scalar(select(func.count()).select_from(payments)) or 0,
               "paid_apps": conn.scalar(select(func.count(
                   payments.c.application_id.distinct()))) or 0}
    engine.dispose()
    return out


def run(backend: str, url: str, tmp: Path, args: argparse.Namespace) -> dict[str, Any]:
    ids = write_registry(tmp / "registry", args.requests + WARMUP)
    site = build_site(tmp / "site")
    tokens = prepare(url, site, ids)
    port = free_port()
    server = serve(url, port, site, tmp / "registry", tmp / "var")
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base)
        with httpx.Client(timeout=60) as client:
            Load(base, tokens[:WARMUP]).run(client)  # compiles the rules, loads the registry
            load = Load(base, tokens[WARMUP:])
            started = time.perf_counter()
            with ThreadPoolExecutor(args.concurrency) as pool:
                for future in [pool.submit(load.run, client) for _ in range(args.concurrency)]:
                    future.result()
            elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    stored = count(url)
    latencies = sorted(load.latencies)
    figures = {
        "backend": backend, "requests": args.requests, "concurrency": args.concurrency,
        "seconds": round(elapsed, 1), "approved": len(load.approved), "other": load.other[:5],
        "per_second": len(load.approved) / elapsed,
        "p50_ms": statistics.median(latencies) * 1000 if latencies else None,
        "p95_ms": latencies[int(0.95 * (len(latencies) - 1))] * 1000 if latencies else None,
        **stored,
    }
    print(json.dumps(figures, ensure_ascii=False), flush=True)
    return figures


def write_report(rows: list[dict[str, Any]], args: argparse.Namespace, load: str) -> None:
    """The 秒批秒付 section of docs/benchmarks.md."""

    lines = [
        "## Benchmark: 秒批秒付 (applications)",
        "",
        f"Written by `bench/apply.py`. {args.requests} applications for the 高龄津贴, one per",
        "resident of a generated registry in which every resident qualifies on verified facts,",
        f"so each is approved and its payment instruction written in the request; from {args.concurrency}",
        "threads of a second process on loopback, closed loop, each with its own applicant",
        f"token and `Idempotency-Key`, after {WARMUP} warm-up applications. The function alone",
        "under uvicorn, one worker. A decision reads the rule set's revision, the trusted",
        "registry and the catalog, then writes the application, its history, the payment",
        "instruction, the audit entry and the idempotency record in one transaction.",
        "Afterwards the database is counted: one application and one instruction per approval.",
        "",
        f"Machine: {platform.platform()}, Python {platform.python_version()}, "
        f"{os.cpu_count()} cores shared with other work (load average {load} at start).",
        "",
        "| storage | approved | decisions/s | p50 (ms) | p95 (ms) | applications | instructions |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(f"| {r['backend']} | {r['approved']} | {r['per_second']:.1f} | "
                     f"{r['p50_ms']:.0f} | {r['p95_ms']:.0f} | {r['applications'] - WARMUP} | "
                     f"{r['payments'] - WARMUP} |")
    lines += ["", f"Command: `python bench/apply.py --requests {args.requests} "
              f"--concurrency {args.concurrency}{' --postgres' if args.postgres else ''}`"]
    print(f"wrote {write_section('apply', chr(10).join(lines))}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--postgres", action="store_true",
                        help="also run against a throwaway PostgreSQL 15 cluster")
    parser.add_argument("--no-report", action="store_true", help="do not write docs/benchmarks.md")
    args = parser.parse_args()
    load = load_average()
    print(f"{platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} cores",
          flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        rows = [run("SQLite", f"sqlite:///{tmp}/tongda.sqlite3", Path(tmp), args)]
    if args.postgres:
        from complaint import Postgres  # the throwaway cluster bench/complaint.py starts

        with Postgres() as url, tempfile.TemporaryDirectory() as tmp:
            rows.append(run("PostgreSQL 15", url, Path(tmp), args))
    if not args.no_report:
        write_report(rows, args, load)
    if any(r["applications"] != r["payments"] or r["payments"] != r["paid_apps"]
           or r["other"] for r in rows):
        sys.exit("an approval without its instruction, an instruction twice, or a refusal")


if __name__ == "__main__":
    main()
