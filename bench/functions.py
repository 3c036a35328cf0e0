"""Benchmark the match function: one profile against 1,000 policies, over HTTP on loopback.

The server (``functions.runtime.server.build_app`` under uvicorn, the same as ``tongda
serve``) runs in its own process; this process sends the load from a small thread pool and
measures each request. Run once with SQLite and once with a throwaway PostgreSQL cluster
(Debian's PostgreSQL 15, started and stopped here). Figures go to
``docs/benchmarks-functions.md``.

    python bench/functions.py [--policies 1000] [--requests 300] [--concurrency 4]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import pwd
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import yaml

ROOT = Path(__file__).resolve().parents[1]
PG_BIN = Path(os.environ.get("TONGDA_PG_BIN", "/usr/lib/postgresql/15/bin"))
PROFILE = {"industry": "制造业", "district": "390102", "years": 6, "employees": 80,
           "revenue": 3_000_000_000, "rd_spend": 150_000_000, "tax_paid": 120_000_000,
           "new_hires": 12, "young_hires": 3, "tags": ["高新技术企业", "专精特新中小企业"]}


def make_ruleset(count: int, seed: int = 7) -> dict[str, Any]:
    """``count`` enterprise policies with 2–5 conditions each, thresholds varied."""
    rng = random.Random(seed)
    facts = yaml.safe_load((ROOT / "content/_data/facts.yml").read_text(encoding="utf-8"))
    tags = next(f["options"] for f in facts["enterprise"] if f["name"] == "tags")
    templates = [
        lambda: ("revenue", {">=": [{"var": "revenue"}, rng.randrange(10**8, 10**10, 10**6)]}),
        lambda: ("employees", {"<=": [{"var": "employees"}, rng.randrange(10, 500)]}),
        lambda: ("years", {">=": [{"var": "years"}, rng.randrange(0, 10)]}),
        lambda: ("tag", {"in": [rng.choice(tags), {"var": "tags"}]}),
        lambda: ("rd", {">=": [{"*": [{"var": "rd_spend"}, 20]}, {"var": "revenue"}]}),
        lambda: ("hires", {">=": [{"var": "new_hires"}, rng.randrange(1, 20)]}),
        lambda: ("industry", {"==": [{"var": "industry"}, "制造业"]}),
    ]
    policies = []
    for n in range(count):
        chosen = rng.sample(templates, rng.randint(2, 5))
        eligibility = []
        for i, make in enumerate(chosen):
            key, logic = make()
            eligibility.append({"id": f"{key}-{i}", "label": f"条件{i + 1}", "clause": f"第{i + 3}条",
                                "logic": logic})
        amount = {"label": "按研发投入的一定比例补助，设上限",
                  "logic": {"min": [{"*": [{"var": "rd_spend"}, rng.choice([0.05, 0.1, 0.2])]},
                                    rng.randrange(10**6, 10**8, 10**5)]}}
        policies.append({"id": f"bench-{n:04d}", "title": f"基准政策{n}", "url": f"policies/bench-{n:04d}/",
                         "subject": "enterprise", "doc_number": None, "issuer": "基准", "status": "effective",
                         "services": [], "eligibility": eligibility, "amount": amount})
    return {"version": 1, "generated": "2026-01-01", "facts": facts, "policies": policies}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Postgres:
    """A throwaway cluster in a temporary folder (as ``postgres`` when run as root)."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="tongda-bench-pg-"))
        self.port = free_port()
        self.prefix: list[str] = []
        if os.geteuid() == 0:
            pw = pwd.getpwnam("postgres")
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)
            self.prefix = ["runuser", "-u", "postgres", "--"]

    def run(self, *args: str) -> None:
        subprocess.run([*self.prefix, *args], check=True, capture_output=True, timeout=120)

    def __enter__(self) -> str:
        data = str(self.dir / "data")
        self.run(str(PG_BIN / "initdb"), "-D", data, "-U", "tongda", "-A", "trust", "-E", "UTF8",
                 "--locale=C")
        self.run(str(PG_BIN / "pg_ctl"), "-D", data, "-l", str(self.dir / "log"), "-w", "-o",
                 f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1", "start")
        return f"postgresql://tongda@127.0.0.1:{self.port}/postgres"

    def __exit__(self, *exc: object) -> None:
        try:
            self.run(str(PG_BIN / "pg_ctl"), "-D", str(self.dir / "data"), "-m", "fast", "-w", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


def serve(site: Path, url: str, port: int) -> subprocess.Popen[bytes]:
    """Start the portal (site + functions) under uvicorn in a second process."""
    code = ("import sys, uvicorn; from pathlib import Path; "
            "from functions.runtime.server import build_app; "
            "uvicorn.run(build_app(Path(sys.argv[1]), database_url=sys.argv[2]), "
            "host='127.0.0.1', port=int(sys.argv[3]), log_level='warning')")
    env = {**os.environ, "TONGDA_RATE_LIMIT": "0/60", "TONGDA_MAX_BODY": "65536"}
    return subprocess.Popen([sys.executable, "-c", code, str(site), url, str(port)], env=env)


def wait_ready(base: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/api/match/rulesets/current", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError("the server did not come up")


def load(base: str, requests: int, concurrency: int) -> dict[str, float]:
    """Send ``requests`` match requests from ``concurrency`` threads; latency figures."""
    body = {"subject": "enterprise", "profile": PROFILE}
    with httpx.Client(base_url=base, timeout=60) as client:
        for _ in range(5):  # warm up: compile the rules, fill the pools
            client.post("/api/match/match", json=body).raise_for_status()

        def one(_: int) -> float:
            start = time.perf_counter()
            response = client.post("/api/match/match", json=body)
            response.raise_for_status()
            return time.perf_counter() - start

        started = time.perf_counter()
        with ThreadPoolExecutor(concurrency) as pool:
            latencies = sorted(pool.map(one, range(requests)))
        elapsed = time.perf_counter() - started
        size = len(client.post("/api/match/match", json=body).content)
    return {"p50_ms": statistics.median(latencies) * 1000,
            "p95_ms": latencies[int(0.95 * (len(latencies) - 1))] * 1000,
            "rps": requests / elapsed, "bytes": size}


def run(backend: str, url: str, ruleset: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        (site / "api/match").mkdir(parents=True)
        (site / "api/match/rules.json").write_text(json.dumps(ruleset, ensure_ascii=False))
        port = free_port()
        server = serve(site, url, port)
        try:
            wait_ready(f"http://127.0.0.1:{port}")
            figures = load(f"http://127.0.0.1:{port}", args.requests, args.concurrency)
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(f"{backend:10} p50 {figures['p50_ms']:7.1f} ms  p95 {figures['p95_ms']:7.1f} ms  "
          f"{figures['rps']:6.1f} req/s  response {figures['bytes'] / 1024:.0f} KiB", flush=True)
    return {"backend": backend, **figures}


def write_report(rows: list[dict[str, Any]], args: argparse.Namespace) -> None:
    lines = [
        "# Benchmark: the match function",
        "",
        "Written by `bench/functions.py` (do not edit by hand). One enterprise profile matched",
        f"against {args.policies} generated policies (2–5 conditions and an amount formula each);",
        "the server (`build_app` under uvicorn, one worker, as `tongda serve`) runs in its own",
        f"process, the load comes from a second process on loopback: {args.requests} requests from",
        f"{args.concurrency} threads after 5 warm-up requests. Each response carries every policy",
        "with its conditions. The rule set is read from the database on every request (one query",
        "for the newest revision) and compiled once per revision.",
        "",
        f"Machine: {platform.platform()}, Python {platform.python_version()}, "
        f"{os.cpu_count()} cores shared with other work.",
        "",
        "| storage | p50 (ms) | p95 (ms) | requests/s | response size |",
        "|---|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(f"| {r['backend']} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | {r['rps']:.1f} | "
                     f"{r['bytes'] / 1024:.0f} KiB |")
    lines += ["", f"Command: `python bench/functions.py --policies {args.policies} "
              f"--requests {args.requests} --concurrency {args.concurrency}`", ""]
    out = ROOT / "docs" / "benchmarks-functions.md"
    out.write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {out.relative_to(ROOT)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--policies", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    ruleset = make_ruleset(args.policies)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        rows.append(run("SQLite", f"sqlite:///{tmp}/bench.sqlite3", ruleset, args))
    if not args.no_postgres and (PG_BIN / "initdb").is_file():
        with Postgres() as url:
            rows.append(run("PostgreSQL", url, ruleset, args))
    write_report(rows, args)


if __name__ == "__main__":
    main()
