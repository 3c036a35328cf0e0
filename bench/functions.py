"""Benchmark the functions over HTTP on loopback: the match function, and an upload attack.

The server (``functions.runtime.server.build_app`` under uvicorn, the same as ``tongda
serve``) runs in its own process; this process sends the load and measures each request.

*match*: one profile against 1,000 policies from a small thread pool, once with SQLite and
once with a throwaway PostgreSQL cluster (Debian's PostgreSQL 15, started and stopped here),
each with every result in the response and with ``limit`` 20 (the best 20, as a page of
results asks for).

*attack*: ``GET /`` latency while anonymous 11 MB POSTs to ``/api/match/rulesets`` arrive
from three threads, over and over, each answered 401. With
``--before-ref REV`` the server of that git revision (checked out with ``git worktree
add`` into a temporary folder, run with this same virtual environment, removed afterwards)
is measured first, then the working tree's, side by side in one run.

Figures go to ``docs/benchmarks-functions.md`` (each case replaces its own section) and
the functions section of ``docs/benchmarks.md``.

    python bench/functions.py [--cases match,attack] [--policies 1000] [--requests 300]
        [--concurrency 4] [--limits all,20] [--before-ref b093f9c] [--gets 300] [--attackers 3] [--upload-mb 11]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import multiprocessing
import os
import platform
import pwd
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
PG_BIN = Path(os.environ.get("TONGDA_PG_BIN", "/usr/lib/postgresql/15/bin"))
REPORT_HEADER = """# Benchmarks: the functions

Written by `bench/functions.py` (do not edit by hand); each case replaces its own section.
"""
#: A home page of the demo portal's size (about 18 KB), served as a static file.
HOME_PAGE = ("<!DOCTYPE html><html lang=zh-CN><title>首页</title><main><h1>首页</h1>"
             + "<p>临江市人民政府门户网站政策文件、政策解读与办事指南。</p>" * 200 + "</main></html>")
PROFILE = {"industry": "制造业", "district": "390102", "years": 6, "employees": 80,
           "revenue": 3_000_000_000, "rd_spend": 150_000_000, "tax_paid": 120_000_000,
           "new_hires": 12, "young_hires": 3, "tags": ["高新技术企业", "专精特新中小企业"]}


def make_ruleset(count: int, seed: int = 7) -> dict[str, Any]:
    """``count`` enterprise policies with 2–5 conditions each, thresholds varied."""
    from site_builder.plugins.match.ruleset import load_facts

    rng = random.Random(seed)
    # As the build writes them: options read from _data/regions.yml (districts) filled in.
    facts = load_facts(ROOT / "content/_data/facts.yml", "content/_data/facts.yml").model_dump(
        mode="json", exclude_none=True)
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


def serve(site: Path, url: str, port: int, *, cwd: Path = ROOT, var_dir: Path | None = None,
          log: Path | None = None) -> subprocess.Popen[bytes]:
    """Start the portal (site + functions) under uvicorn in a second process.

    ``cwd`` is the source tree whose ``functions`` package is served (the working tree, or a
    worktree of another revision: Python puts the current folder first on ``sys.path``).
    """
    code = ("import sys, uvicorn; from pathlib import Path; "
            "from functions.runtime.server import build_app; "
            "uvicorn.run(build_app(Path(sys.argv[1]), database_url=sys.argv[2]), "
            "host='127.0.0.1', port=int(sys.argv[3]), log_level='warning')")
    env = {**os.environ, "TONGDA_RATE_LIMIT": "0/60", "TONGDA_MAX_BODY": "65536"}
    if var_dir is not None:  # audit keys, heads and the like stay out of the source tree
        env["TONGDA_VAR_DIR"] = str(var_dir)
    out = log.open("wb") if log is not None else None
    try:
        return subprocess.Popen([sys.executable, "-c", code, str(site), url, str(port)], env=env,
                                cwd=cwd, stdout=out, stderr=out)
    finally:
        if out is not None:
            out.close()  # the child holds its own copy


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


def load(base: str, requests: int, concurrency: int, limit: int | None = None) -> dict[str, float]:
    """Send ``requests`` match requests from ``concurrency`` threads; latency figures.

    ``limit``: ask for the best ``limit`` results only (every result when ``None``).
    """
    body: dict[str, Any] = {"subject": "enterprise", "profile": PROFILE}
    if limit is not None:
        body["limit"] = limit
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


def run(backend: str, url: str, ruleset: dict[str, Any],
        args: argparse.Namespace) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        (site / "api/match").mkdir(parents=True)
        (site / "api/match/rules.json").write_text(json.dumps(ruleset, ensure_ascii=False))
        port = free_port()
        # The server's log (a JSON line per request) goes to a file, not over the figures.
        server = serve(site, url, port, var_dir=Path(tmp) / "var", log=Path(tmp) / "server.log")
        try:
            wait_ready(f"http://127.0.0.1:{port}")
            rows = []
            for limit in limits(args.limits):
                figures = load(f"http://127.0.0.1:{port}", args.requests, args.concurrency, limit)
                shown = "all" if limit is None else str(limit)
                print(f"{backend:10} limit {shown:>4}  p50 {figures['p50_ms']:7.1f} ms  "
                      f"p95 {figures['p95_ms']:7.1f} ms  {figures['rps']:6.1f} req/s  "
                      f"response {figures['bytes'] / 1024:.0f} KiB", flush=True)
                rows.append({"backend": backend, "limit": shown, **figures})
        finally:
            server.terminate()
            server.wait(timeout=30)
    return rows


def limits(text: str) -> list[int | None]:
    """``all,20`` → ``[None, 20]``: the ``limit`` of each measured run (``all``: none)."""
    return [None if part.strip() == "all" else int(part) for part in text.split(",") if part.strip()]


# -- the attack case ------------------------------------------------------------------

def upload_body(megabytes: float) -> bytes:
    """A rule set of generated policies, about ``megabytes`` MB of JSON."""
    target = megabytes * 1_000_000
    count, body = 200, b""
    while len(body) < target:  # policies differ in size: grow until the body is big enough
        count = math.ceil(count * target / len(body) * 1.01) if body else count
        body = json.dumps(make_ruleset(count), ensure_ascii=False).encode()
    return body


def memory_mb(pid: int) -> tuple[float, float]:
    """Resident memory of a process now and at its peak (VmRSS, VmHWM), in MB."""
    fields = dict(line.split(":", 1) for line in
                  Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return (int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024)


def home_latencies(base: str, count: int, seconds: float) -> list[float]:
    """``GET /`` one after another, ``count`` times or for ``seconds``; sorted seconds."""
    out: list[float] = []
    with httpx.Client(base_url=base, timeout=120) as client:
        for _ in range(5):
            client.get("/").raise_for_status()
        deadline = time.perf_counter() + seconds
        while len(out) < count and time.perf_counter() < deadline:
            start = time.perf_counter()
            client.get("/").raise_for_status()
            out.append(time.perf_counter() - start)
    return sorted(out)


def upload_forever(base: str, body: bytes, stop: Any, answers: Counter[str],
                   lock: threading.Lock) -> None:
    """POST ``body`` anonymously to the publish route until told to stop."""
    with httpx.Client(base_url=base, timeout=120) as client:
        while not stop.is_set():
            try:
                status = str(client.post("/api/match/rulesets", content=body,
                                         headers={"content-type": "application/json"}).status_code)
            except httpx.HTTPError as exc:  # refused and closed before the body was all sent
                status = type(exc).__name__
            with lock:
                answers[status] += 1


def uploaders(base: str, body: bytes, count: int, stop: Any, results: Any) -> None:
    """``count`` upload threads in a process of their own, so that they do not slow down
    (through the GIL) the process that times ``GET /``; their answers go to ``results``."""
    lock, answers = threading.Lock(), Counter[str]()
    threads = [threading.Thread(target=upload_forever, args=(base, body, stop, answers, lock))
               for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results.put(dict(answers))


def percentiles(latencies: list[float]) -> tuple[float, float]:
    return (statistics.median(latencies) * 1000,
            latencies[int(0.95 * (len(latencies) - 1))] * 1000)


def attack_one(label: str, tree: Path, body: bytes, args: argparse.Namespace) -> dict[str, Any]:
    """One server: ``GET /`` alone, then under the uploads; its memory before and at peak."""
    with tempfile.TemporaryDirectory() as tmp:
        var, site = Path(tmp) / "var", Path(tmp) / "site"
        (site / "api/match").mkdir(parents=True)
        (site / "index.html").write_text(HOME_PAGE, encoding="utf-8")
        (site / "api/match/rules.json").write_text(json.dumps(make_ruleset(20)), encoding="utf-8")
        port, log = free_port(), Path(tmp) / "server.log"
        base = f"http://127.0.0.1:{port}"
        server = serve(site, f"sqlite:///{tmp}/bench.sqlite3", port, cwd=tree, var_dir=var, log=log)
        try:
            try:
                wait_ready(base)
            except RuntimeError:
                print(log.read_text(errors="replace")[-3000:], file=sys.stderr)
                raise
            quiet = home_latencies(base, args.gets, args.seconds)
            before = memory_mb(server.pid)[0]
            fork = multiprocessing.get_context("fork")
            stop, results = fork.Event(), fork.Queue()
            attackers = fork.Process(target=uploaders,
                                     args=(base, body, args.attackers, stop, results))
            attackers.start()
            time.sleep(1.0)  # the uploads are under way before the first measured GET
            loud = home_latencies(base, args.gets, args.seconds)
            stop.set()
            answers = results.get(timeout=300)
            attackers.join(timeout=30)
            peak = memory_mb(server.pid)[1]
        finally:
            server.terminate()
            server.wait(timeout=30)
    row: dict[str, Any] = {"server": label, "quiet": percentiles(quiet), "loud": percentiles(loud),
           "gets": len(loud), "answers": answers, "before_mb": before, "peak_mb": peak}
    print(f"{label:28} GET / p50 {row['quiet'][0]:6.1f} -> {row['loud'][0]:7.1f} ms, "
          f"p95 {row['quiet'][1]:6.1f} -> {row['loud'][1]:7.1f} ms; uploads {row['answers']}; "
          f"memory {before:.0f} -> {peak:.0f} MB", flush=True)
    return row


@contextlib.contextmanager
def revision_tree(ref: str) -> Iterator[tuple[Path, str]]:
    """A temporary ``git worktree`` of ``ref`` and its short hash; removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="tongda-bench-rev-"))
    tree = folder / "tree"
    rev = git("rev-parse", "--short", f"{ref}^{{commit}}")
    git("worktree", "add", "--detach", str(tree), rev)
    try:
        yield tree, rev
    finally:
        git("worktree", "remove", "--force", str(tree))
        shutil.rmtree(folder, ignore_errors=True)


def git(*args: str) -> str:
    done = subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True,
                          check=True)
    return done.stdout.strip()


def run_attack(args: argparse.Namespace) -> str:
    body = upload_body(args.upload_mb)
    rows = []
    if args.before_ref:
        with revision_tree(args.before_ref) as (tree, rev):
            rows.append(attack_one(f"before ({rev})", tree, body, args))
    # Only what the server runs from counts: this script and its report are not the server.
    dirty = " + uncommitted changes" if git("status", "--porcelain", "--untracked-files=no",
                                            "--", "functions", "pyproject.toml") else ""
    rows.append(attack_one(f"working tree ({git('rev-parse', '--short', 'HEAD')}{dirty})",
                           ROOT, body, args))
    return attack_section(rows, len(body), args)


def attack_section(rows: list[dict[str, Any]], size: int, args: argparse.Namespace) -> str:
    lines = [
        "## Attack: the home page while anonymous uploads arrive",
        "",
        f"`GET /` one request after another ({args.gets} requests or {args.seconds:.0f} s,",
        f"whichever ends first), first alone, then while {args.attackers} threads POST a",
        f"{size / 1_000_000:.1f} MB rule set to `/api/match/rulesets` without a token, over and",
        "over (each should be refused with 401 before its body is read). One server at a time:",
        "`build_app` under uvicorn, one worker, SQLite, rate limit off (the case measures body",
        "handling, not the limiter). The `GET /` requests come from this process, the uploads",
        "from another (so the two clients do not share a GIL), both on loopback. Memory is the",
        "server's resident set before the uploads and its peak (VmHWM).",
        "",
        f"Machine: {platform.platform()}, Python {platform.python_version()}, "
        f"{os.cpu_count()} cores shared with other work.",
        "",
        "| server | GET / p50 alone (ms) | p95 alone | p50 under uploads | p95 under uploads "
        "| GETs | uploads answered | memory (MB) |",
        "|---|---:|---:|---:|---:|---:|---|---:|",
    ]
    for r in rows:
        answers = ", ".join(f"{k}: {v}" for k, v in sorted(r["answers"].items()))
        lines.append(f"| {r['server']} | {r['quiet'][0]:.1f} | {r['quiet'][1]:.1f} | "
                     f"{r['loud'][0]:.1f} | {r['loud'][1]:.1f} | {r['gets']} | {answers} | "
                     f"{r['before_mb']:.0f} → {r['peak_mb']:.0f} |")
    ref = f" --before-ref {args.before_ref}" if args.before_ref else ""
    lines += ["", f"Command: `python bench/functions.py --cases attack{ref} --gets {args.gets} "
              f"--seconds {args.seconds:.0f} --attackers {args.attackers} "
              f"--upload-mb {args.upload_mb:g}`"]
    return "\n".join(lines)


def match_section(rows: list[dict[str, Any]], args: argparse.Namespace) -> str:
    lines = [
        "## The match function",
        "",
        "One enterprise profile matched",
        f"against {args.policies} generated policies (2–5 conditions and an amount formula each);",
        "the server (`build_app` under uvicorn, one worker, as `tongda serve`) runs in its own",
        f"process, the load comes from a second process on loopback: {args.requests} requests from",
        f"{args.concurrency} threads after 5 warm-up requests. With limit “all” each response",
        "carries every policy with its conditions; with a number, only the best that many",
        "(`\"limit\"` in the request; every policy is still matched to rank them). The rule set is",
        "read from the database on every request (one query for the newest revision) and",
        "compiled once per revision.",
        "",
        f"Machine: {platform.platform()}, Python {platform.python_version()}, "
        f"{os.cpu_count()} cores shared with other work.",
        "",
        "| storage | limit | p50 (ms) | p95 (ms) | requests/s | response size |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(f"| {r['backend']} | {r['limit']} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | "
                     f"{r['rps']:.1f} | {r['bytes'] / 1024:.0f} KiB |")
    lines += ["", f"Command: `python bench/functions.py --cases match --policies {args.policies} "
              f"--requests {args.requests} --concurrency {args.concurrency} --limits {args.limits}`"]
    return "\n".join(lines)


def write_report(sections: dict[str, str]) -> None:
    """Replace the sections this run made in the report, keep the others."""
    out = ROOT / "docs" / "benchmarks-functions.md"
    text = out.read_text(encoding="utf-8") if out.exists() else REPORT_HEADER
    for name, body in sections.items():
        start, end = f"<!-- bench:functions-{name} -->", f"<!-- /bench:functions-{name} -->"
        block = f"{start}\n{body.strip()}\n{end}"
        head, found, rest = text.partition(start)
        text = (head + block + rest.partition(end)[2]) if found \
            else f"{text.rstrip()}\n\n{block}\n"
    out.write_text(text, encoding="utf-8")
    print(f"wrote {out.relative_to(ROOT)}")
    # docs/benchmarks.md holds a copy; only this benchmark's section of it is rewritten.
    sys.path.insert(0, str(ROOT / "bench"))
    import report

    body = re.sub(r"^<!-- /?bench:[\w-]+ -->\n?", "", text, flags=re.M).strip()
    body = body.replace("# Benchmarks: the functions", "## Benchmarks: the functions", 1)
    body = body.replace("\n## ", "\n### ")
    report.write_section("functions", f"{body}\n\n_(from `docs/benchmarks-functions.md`)_")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", default="match,attack",
                        help="which cases to run, comma-separated: match, attack")
    parser.add_argument("--policies", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--limits", default="all,20",
                        help="match: the limit of each run, comma-separated (all: no limit)")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--before-ref", help="attack: also measure the server of this git revision")
    parser.add_argument("--gets", type=int, default=300, help="attack: GET / requests per phase")
    parser.add_argument("--seconds", type=float, default=40, help="attack: longest phase")
    parser.add_argument("--attackers", type=int, default=3)
    parser.add_argument("--upload-mb", type=float, default=11)
    args = parser.parse_args()
    cases = {c.strip() for c in args.cases.split(",") if c.strip()}
    sections = {}
    if "match" in cases:
        ruleset = make_ruleset(args.policies)
        rows = []
        with tempfile.TemporaryDirectory() as tmp:
            rows += run("SQLite", f"sqlite:///{tmp}/bench.sqlite3", ruleset, args)
        if not args.no_postgres and (PG_BIN / "initdb").is_file():
            with Postgres() as url:
                rows += run("PostgreSQL", url, ruleset, args)
        sections["match"] = match_section(rows, args)
    if "attack" in cases:
        sections["attack"] = run_attack(args)
    write_report(sections)


if __name__ == "__main__":
    main()
