"""Benchmark the voucher function: vouchers issued per second, log appends per second, and
proof sizes and times in a log of 1,000,000 leaves.

Everything runs in this process against real storage (a SQLite file, and with
``--postgres`` a throwaway PostgreSQL 15 cluster as ``bench/functions.py`` starts it), with
no HTTP in between: the figures are the service's own cost. The 1,000,000-leaf log is
built in SQLite with batched appends (the leaves are small ``voucher.report``-like
entries), then proofs are read for random leaves. Figures go to ``docs/benchmarks.md``.

    python bench/voucher.py [--vouchers 300] [--appends 2000] [--leaves 1000000] [--postgres]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import platform
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# Run as a script, this folder comes first on sys.path, and its functions.py would hide the
# functions package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from functions.runtime import audit  # noqa: E402
from functions.runtime.db import make_engine, migrate  # noqa: E402
from functions.voucher import merkle  # noqa: E402
from functions.voucher.catalogue import Catalogue, RegistryProvider  # noqa: E402
from functions.voucher.config import VoucherConfig  # noqa: E402
from functions.voucher.integrity import canonical  # noqa: E402
from functions.voucher.keys import VoucherKeys  # noqa: E402
from functions.voucher.log import TransparencyLog  # noqa: E402
from functions.voucher.service import Party, VoucherService  # noqa: E402
from functions.voucher.store import MIGRATIONS  # noqa: E402
from functions.voucher.verify import verify_voucher  # noqa: E402

DATA = ROOT / "content" / "_data"
SUBJECTS = ["390102199901300817", "390171200109090797", "390102200204150687",
            "390171195808161036"]
BANK = Party("bench-bank", "临江农商银行")


def make_service(url: str, state: Path) -> VoucherService:
    engine = make_engine(url)
    migrate(engine, "runtime", audit.MIGRATIONS)
    migrate(engine, "voucher", MIGRATIONS)
    config = VoucherConfig(base_url="https://zw.linjiang.example/", state_dir=state, data_dir=DATA)
    return VoucherService(engine, config, VoucherKeys.load(config),
                          Catalogue.load(DATA / "voucher" / "catalogue.yml"), RegistryProvider(DATA))


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def issue_vouchers(service: VoucherService, count: int) -> dict[str, Any]:
    """Request + authorise (identity step, report, three leaves, checkpoint, signature)."""
    per, vouchers = [], []
    start = time.perf_counter()
    for n in range(count):
        subject = SUBJECTS[n % len(SUBJECTS)]
        t0 = time.perf_counter()
        request = service.request(BANK, subject, "个人住房贷款审批",
                                  ["identity", "social_insurance", "housing_fund", "credit"], 30)
        vouchers.append(service.authorise(request.id, subject))
        per.append(time.perf_counter() - t0)
    wall = time.perf_counter() - start
    document, status = service.did_document(), service.status_list(1)
    sample = vouchers[: min(100, len(vouchers))]
    verify_s, results = timed(lambda: [verify_voucher(v.credential, did_document=document,
                                                      status_list=status) for v in sample])
    assert all(r.valid for r in results)
    size = len(json.dumps(vouchers[-1].credential, ensure_ascii=False).encode())
    return {"vouchers": count, "per_second": count / wall, "p50_ms": pct(per, .5) * 1000,
            "p95_ms": pct(per, .95) * 1000, "verify_ms": verify_s / len(sample) * 1000,
            "voucher_bytes": size}


def single_appends(service: VoucherService, count: int) -> dict[str, Any]:
    """One leaf per transaction (each event of the flow commits like this)."""
    log = service.log
    start = time.perf_counter()
    for n in range(count):
        with log.writing(service.engine) as conn:
            log.append(conn, {"v": 1, "type": "bench", "n": n})
    wall = time.perf_counter() - start
    return {"appends": count, "per_second": count / wall}


def big_log(leaves: int, folder: Path, batch: int = 20_000) -> dict[str, Any]:
    """Build a SQLite log of ``leaves`` leaves, then time proofs and checkpoints in it."""
    service = make_service(f"sqlite:///{folder / 'big.sqlite3'}", folder / "state")
    log: TransparencyLog = service.log
    start = time.perf_counter()
    for first in range(0, leaves, batch):
        with log.writing(service.engine) as conn:
            log.append_many(conn, [{"v": 1, "type": "voucher.report", "n": n,
                                    "request": f"vr_{n:020x}"}
                                   for n in range(first, min(leaves, first + batch))])
    build = time.perf_counter() - start
    rng = random.Random(7)
    with service.engine.connect() as conn:
        size = log.size(conn)
        root = log.root(conn, size)
        inclusion_t, consistency_t, inc_sizes, con_sizes, verify_t = [], [], [], [], []
        for _ in range(200):
            index = rng.randrange(size)
            t0 = time.perf_counter()
            proof = log.inclusion(conn, index, size)
            inclusion_t.append(time.perf_counter() - t0)
            inc_sizes.append(len(proof))
            leaf = merkle.leaf_hash(canonical({"v": 1, "type": "voucher.report", "n": index,
                                               "request": f"vr_{index:020x}"}))
            t0 = time.perf_counter()
            assert merkle.verify_inclusion(index, size, leaf, proof, root)
            verify_t.append(time.perf_counter() - t0)
        for _ in range(100):
            old = rng.randrange(1, size)
            t0 = time.perf_counter()
            proof = log.consistency(conn, old, size)
            consistency_t.append(time.perf_counter() - t0)
            con_sizes.append(len(proof))
            assert merkle.verify_consistency(old, size, proof, log.root(conn, old), root)
        checkpoint_t, _ = timed(lambda: [log.checkpoint(conn, size) for _ in range(100)])
    db_bytes = (folder / "big.sqlite3").stat().st_size
    return {"leaves": size, "build_s": build, "batched_per_second": size / build,
            "inclusion_ms_p50": pct(inclusion_t, .5) * 1000,
            "inclusion_ms_p95": pct(inclusion_t, .95) * 1000,
            "inclusion_hashes_max": max(inc_sizes), "inclusion_bytes_max": max(inc_sizes) * 32,
            "inclusion_verify_ms_p50": pct(verify_t, .5) * 1000,
            "consistency_ms_p50": pct(consistency_t, .5) * 1000,
            "consistency_ms_p95": pct(consistency_t, .95) * 1000,
            "consistency_hashes_max": max(con_sizes), "consistency_bytes_max": max(con_sizes) * 32,
            "checkpoint_ms": checkpoint_t / 100 * 1000, "db_mb": db_bytes / 2**20}


def memory_tree(leaves: int) -> dict[str, Any]:
    """The same tree in memory: hashing alone, no storage."""
    tree = merkle.MemoryTree()
    build, _ = timed(lambda: [tree.append_hash(merkle.leaf_hash(b"%d" % n)) for n in range(leaves)])
    return {"leaves": leaves, "per_second": leaves / build}


def load_postgres() -> Any:
    spec = importlib.util.spec_from_file_location("bench_functions", ROOT / "bench/functions.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.Postgres


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--vouchers", type=int, default=300)
    parser.add_argument("--appends", type=int, default=2000)
    parser.add_argument("--leaves", type=int, default=1_000_000)
    parser.add_argument("--postgres", action="store_true", help="also on PostgreSQL 15")
    args = parser.parse_args()
    out: dict[str, Any] = {"machine": f"{platform.processor() or platform.machine()}, "
                                      f"Python {platform.python_version()}"}
    with tempfile.TemporaryDirectory(prefix="tongda-bench-voucher-") as tmp:
        folder = Path(tmp)
        backends = [("SQLite", f"sqlite:///{folder / 'flow.sqlite3'}")]
        postgres = load_postgres()() if args.postgres else None
        if postgres is not None:
            backends.append(("PostgreSQL", postgres.__enter__()))
        try:
            for name, url in backends:
                service = make_service(url, folder / f"state-{name}")
                out[f"issue {name}"] = issue_vouchers(service, args.vouchers)
                out[f"append {name}"] = single_appends(service, args.appends)
                service.engine.dispose()
        finally:
            if postgres is not None:
                postgres.__exit__(None, None, None)
        out["memory tree"] = memory_tree(args.leaves)
        out["big log SQLite"] = big_log(args.leaves, folder)
    print(json.dumps(out, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
