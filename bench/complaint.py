"""Benchmark 随手拍: sustained Open311 submissions with photos, none lost or duplicated.

The complaint function runs under uvicorn in its own process (one worker, as ``tongda
serve``); this process sends ``POST /open311/v2/requests.json`` with a phone photo
(JPEG with EXIF GPS, re-encoded and stripped by the server) from a few threads for a fixed
time. Each submission carries its own ``Idempotency-Key`` and a unique marker in its
description, and is retried with the same key and the same bytes on a timeout, a dropped
connection or a 409/5xx answer. Afterwards the database is counted: every acknowledged
marker must be stored exactly once.

    python bench/complaint.py [--seconds 60] [--concurrency 4] [--postgres]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import pwd
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
from PIL import Image
from PIL.TiffImagePlugin import IFDRational
from sqlalchemy import select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from report import free_port, git_revision, load_average, write_section  # noqa: E402 - bench/, the script's folder

PG_BIN = Path(os.environ.get("TONGDA_PG_BIN", "/usr/lib/postgresql/15/bin"))
RETRIES = 8


def make_photo(seed: int) -> bytes:
    """A 1600×1200 phone-like JPEG (about 0.3–0.5 MB) with camera EXIF and a GPS position."""
    rng = random.Random(seed)
    small = Image.new("RGB", (160, 120))
    small.putdata([(rng.randrange(256), rng.randrange(256), rng.randrange(256))
                   for _ in range(160 * 120)])
    image = small.resize((1600, 1200), Image.Resampling.BICUBIC)
    exif = Image.Exif()
    exif[0x010F] = "BenchPhone"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (IFDRational(28), IFDRational(42), IFDRational(rng.randrange(60)))
    gps[3], gps[4] = "E", (IFDRational(119), IFDRational(31), IFDRational(rng.randrange(60)))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90, exif=exif.tobytes())
    return out.getvalue()


class Postgres:
    """A throwaway PostgreSQL 15 cluster (as ``postgres`` when run as root)."""

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
            self.run(str(PG_BIN / "pg_ctl"), "-D", str(self.dir / "data"), "-m", "fast", "-w",
                     "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


def prepare(url: str) -> str:
    """Migrate the database and make an ``open311-client`` key (before the server starts)."""
    from functions.complaint.store import MIGRATIONS
    from functions.runtime import auth
    from functions.runtime.factory import Runtime
    from functions.runtime.settings import Settings

    runtime = Runtime("complaint", Settings(database_url=url), MIGRATIONS)
    key = auth.create_token(runtime.engine, "bench", ["open311-client"])
    runtime.dispose()
    return key


def serve(url: str, port: int) -> subprocess.Popen[bytes]:
    """The complaint function alone under uvicorn, in a second process."""
    code = ("import sys, uvicorn; from functions.complaint.app import create_app; "
            "uvicorn.run(create_app(), host='127.0.0.1', port=int(sys.argv[1]), "
            "log_level='warning')")
    env = {**os.environ, "DATABASE_URL": url, "TONGDA_RATE_LIMIT": "0/60",
           "TONGDA_COMPLAINT_CLIENT_LIMIT": "100000000", "TONGDA_COMPLAINT_REPORTER_LIMIT": "100000000"}
    return subprocess.Popen([sys.executable, "-c", code, str(port)], env=env, cwd=ROOT)


def wait_ready(base: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/open311/v2/services.json", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError("the server did not come up")


class Load:
    """Closed-loop load: each thread submits, waits for the answer, submits again."""

    def __init__(self, base: str, key: str, run_id: str, photos: list[bytes]) -> None:
        self.base, self.key, self.run_id, self.photos = base, key, run_id, photos
        self.lock = threading.Lock()
        self.sequence = 0
        self.acked: list[str] = []
        self.failed: list[str] = []
        self.latencies: list[float] = []
        self.retries = Counter[str]()

    def _body(self, marker: str) -> tuple[bytes, str]:
        fields = {"service_code": "road-damage", "api_key": self.key,
                  "lat": f"{28.69 + random.random() * 0.02:.6f}",
                  "long": f"{119.51 + random.random() * 0.04:.6f}",
                  "attribute[severity]": "large", "description": marker,
                  "phone": f"139{random.randrange(10**8):08d}"}
        request = httpx.Request("POST", self.base, data=fields,
                                files={"media": ("photo.jpg", random.choice(self.photos),
                                                 "image/jpeg")})
        return request.read(), request.headers["content-type"]

    def submit_until(self, client: httpx.Client, deadline: float) -> None:
        while time.monotonic() < deadline:
            with self.lock:
                self.sequence += 1
                marker = f"bench:{self.run_id}:{self.sequence:07d}"
            body, kind = self._body(marker)
            headers = {"Idempotency-Key": str(uuid.uuid4()), "Content-Type": kind}
            started = time.perf_counter()
            if self._send(client, body, headers):
                with self.lock:
                    self.latencies.append(time.perf_counter() - started)
                    self.acked.append(marker)
            else:
                with self.lock:
                    self.failed.append(marker)

    def _send(self, client: httpx.Client, body: bytes, headers: dict[str, str]) -> bool:
        for attempt in range(RETRIES):
            try:
                response = client.post(self.base, content=body, headers=headers)
            except httpx.TransportError as exc:
                self.retries[type(exc).__name__] += 1
            else:
                if response.status_code == 200:
                    return True
                self.retries[str(response.status_code)] += 1
                if response.status_code not in (409, 429) and response.status_code < 500:
                    print("refused:", response.status_code, response.text[:200], flush=True)
                    return False
            time.sleep(min(2.0, 0.1 * 2 ** attempt))
        return False


def count(url: str, run_id: str) -> Counter[str]:
    """Stored reports per marker of this run."""
    from functions.complaint.store import reports
    from functions.runtime.db import make_engine

    engine = make_engine(url)
    with engine.connect() as conn:
        rows = conn.scalars(select(reports.c.description)
                            .where(reports.c.description.like(f"bench:{run_id}:%"))).all()
    engine.dispose()
    return Counter(rows)


def run(backend: str, url: str, args: argparse.Namespace) -> dict[str, Any]:
    key = prepare(url)
    port = free_port()
    server = serve(url, port)
    base = f"http://127.0.0.1:{port}"
    photos = [make_photo(seed) for seed in range(4)]
    run_id = uuid.uuid4().hex[:8]
    load = Load(base + "/open311/v2/requests.json", key, run_id, photos)
    try:
        wait_ready(base)
        with httpx.Client(timeout=30) as client:
            warm = Load(load.base, key, "warmup", photos)  # first requests load Pillow, shapely
            warm.submit_until(client, time.monotonic() + 2)
            deadline = time.monotonic() + args.seconds
            started = time.perf_counter()
            with ThreadPoolExecutor(args.concurrency) as pool:
                for future in [pool.submit(load.submit_until, client, deadline)
                               for _ in range(args.concurrency)]:
                    future.result()
            elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    stored = count(url, run_id)
    acked = set(load.acked)
    latencies = sorted(load.latencies)
    figures = {
        "backend": backend, "seconds": round(elapsed, 1), "concurrency": args.concurrency,
        "acknowledged": len(acked), "gave_up": len(load.failed),
        "stored": sum(stored.values()),
        "lost": len(acked - set(stored)), "duplicated": sum(n - 1 for n in stored.values() if n > 1),
        "unacknowledged_stored": len(set(stored) - acked),
        "retries": dict(load.retries),
        "per_second": len(acked) / elapsed,
        "p50_ms": statistics.median(latencies) * 1000 if latencies else None,
        "p95_ms": latencies[int(0.95 * (len(latencies) - 1))] * 1000 if latencies else None,
        "photo_kib": round(statistics.mean(len(p) for p in photos) / 1024),
    }
    print(json.dumps(figures, ensure_ascii=False), flush=True)
    return figures


def write_report(rows: list[dict[str, Any]], args: argparse.Namespace, load: str) -> None:
    """The 随手拍 section of docs/benchmarks.md."""

    lines = [
        "## Benchmark: 随手拍 (complaints, Open311)",
        "",
        f"Written by `bench/complaint.py`. {args.seconds:.0f} s of sustained `POST",
        "/open311/v2/requests.json` with a photo (a 1600×1200 JPEG of about "
        f"{rows[0]['photo_kib']} KiB carrying EXIF and GPS, which the server checks, re-encodes",
        f"and strips) from {args.concurrency} threads of a second process on loopback, closed",
        "loop, after 2 s of warm-up; the function alone under uvicorn, one worker. Every",
        "submission has its own `Idempotency-Key` and marker and is retried with the same key",
        "on a timeout, a dropped connection or a 409/429/5xx. Afterwards the database is",
        "counted: lost = acknowledged but not stored, duplicated = stored more than once.",
        "",
        f"Machine: {platform.platform()}, Python {platform.python_version()}, "
        f"{os.cpu_count()} cores shared with other work (load average {load} at start), "
        f"code at {git_revision()}. The figures move with the other work on the machine; "
        "lost and duplicated must be 0 in every run.",
        "",
        "| storage | acknowledged | per second | lost | duplicated | retries | p50 (ms) | p95 (ms) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(f"| {r['backend']} | {r['acknowledged']} | {r['per_second']:.1f} | {r['lost']} "
                     f"| {r['duplicated']} | {sum(r['retries'].values())} | {r['p50_ms']:.0f} "
                     f"| {r['p95_ms']:.0f} |")
    lines += ["", f"Command: `python bench/complaint.py --seconds {args.seconds:.0f} "
              f"--concurrency {args.concurrency}{' --postgres' if args.postgres else ''}`"]
    print(f"wrote {write_section('complaint', chr(10).join(lines))}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--postgres", action="store_true",
                        help="also run against a throwaway PostgreSQL 15 cluster")
    parser.add_argument("--no-report", action="store_true", help="do not write docs/benchmarks.md")
    args = parser.parse_args()
    load = load_average()
    print(f"{platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} cores",
          flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        rows = [run("SQLite", f"sqlite:///{tmp}/tongda.sqlite3", args)]
    if args.postgres:
        with Postgres() as url:
            rows.append(run("PostgreSQL 15", url, args))
    if not args.no_report:
        write_report(rows, args, load)
    if any(r["lost"] or r["duplicated"] for r in rows):
        sys.exit("lost or duplicated reports")


if __name__ == "__main__":
    main()
