"""Search relevance and cost: recall@10, MRR, first-query bytes, latency.

Runs every query of a YAML file (``[{q, kind, expect: [title substrings]}]``, the format of
``shared/eval/search-queries.yml``) through the JavaScript runtime on a built site and prints
recall@10 per kind and overall, MRR, the bytes downloaded before the first result page
(median, max) and latency p50/p95. Each query starts cold (nothing cached), as a visitor's
first search does.

    python bench/search_eval.py --site bench/out/site --queries ../shared/eval/search-queries.yml
    python bench/search_eval.py --site SITE --queries FILE --browser     # headless Chromium too
    python bench/search_eval.py --site SITE --queries FILE --pagefind    # Pagefind beside it

The line ``recall@10 overall: 0.93`` is read by other tools; keep its form.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
RUNTIME = ROOT / "search_index/runtime/tongda-search.js"

NODE_SCRIPT = r"""
const TS = require(process.argv[2]);
const queries = JSON.parse(require('fs').readFileSync(0, 'utf8'));
(async () => {
  const out = [];
  for (const q of queries) {
    const s = new TS.Searcher({dir: process.argv[3]});
    const t0 = performance.now();
    const r = await s.search(q, {limit: 10});
    const t1 = performance.now();
    const titleBytes = s.bytesRead;
    await Promise.all(r.results.map(x => s.excerpt(x, r.plan)));
    const w = new TS.Searcher({dir: process.argv[3]});
    await w.ready();
    const t2 = performance.now();
    await w.search(q, {limit: 10});
    const msWarm = performance.now() - t2;
    out.push({q, titles: r.results.map(x => x.t), ms: t1 - t0, ms_warm: msWarm, bytes: titleBytes,
              bytesExcerpts: s.bytesRead, files: s.files, notice: r.notice});
  }
  process.stdout.write(JSON.stringify(out));
})().catch(e => { console.error(e); process.exit(1); });
"""


def load_queries(path: Path) -> list[dict[str, Any]]:
    """Queries from a YAML list of ``{q, kind, expect}``."""
    items = yaml.safe_load(path.read_text("utf-8")) or []
    out = []
    for i, it in enumerate(items):
        if not isinstance(it, dict) or "q" not in it or "expect" not in it:
            raise SystemExit(f"{path}: item {i + 1}: needs q and expect")
        out.append({"q": str(it["q"]), "kind": str(it.get("kind", "other")),
                    "expect": [str(e) for e in it["expect"]]})
    return out


def run_node(site: Path, queries: list[str]) -> list[dict[str, Any]]:
    """Run the queries through the runtime in Node (fresh searcher per query)."""
    with tempfile.NamedTemporaryFile("w", suffix=".js", delete=False) as f:
        f.write(NODE_SCRIPT)
    res = subprocess.run(["node", f.name, str(RUNTIME), str(site / "search")],
                         input=json.dumps(queries), capture_output=True, text=True, check=True)
    Path(f.name).unlink()
    return json.loads(res.stdout)


def score(queries: list[dict[str, Any]], runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Recall@10 per kind and overall, MRR, bytes and latency percentiles."""
    kinds: dict[str, list[int]] = {}
    rr = []
    for q, r in zip(queries, runs, strict=True):
        rank = next((i + 1 for i, t in enumerate(r["titles"][:10])
                     if any(e in t for e in q["expect"])), 0)
        r["rank"] = rank
        kinds.setdefault(q["kind"], []).append(1 if rank else 0)
        rr.append(1 / rank if rank else 0.0)
    ms = sorted(r["ms"] for r in runs)
    warm = sorted(r.get("ms_warm", r["ms"]) for r in runs)
    by = sorted(r["bytes"] for r in runs)
    return {
        "kinds": {k: (sum(v), len(v)) for k, v in sorted(kinds.items())},
        "overall": sum(sum(v) for v in kinds.values()) / max(len(queries), 1),
        "mrr": sum(rr) / max(len(rr), 1),
        "bytes_median": statistics.median(by), "bytes_max": by[-1],
        "p50": pct(ms, 50), "p95": pct(ms, 95),
        "warm50": pct(warm, 50), "warm95": pct(warm, 95), "has_warm": "ms_warm" in runs[0],
    }


def pct(sorted_vals: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    if not sorted_vals:
        return 0.0
    k = max(0, min(len(sorted_vals) - 1, round(p / 100 * len(sorted_vals) + 0.5) - 1))
    return sorted_vals[k]


def report(name: str, s: dict[str, Any], canonical: bool) -> list[str]:
    """Lines for one engine; only the canonical engine prints the tool-read line."""
    lines = [f"== {name}"]
    for k, (ok, n) in s["kinds"].items():
        lines.append(f"{name} recall@10 {k}: {ok / n:.2f} ({ok}/{n})")
    if canonical:
        lines.append(f"recall@10 overall: {s['overall']:.2f}")
    else:
        lines.append(f"{name} recall@10 overall = {s['overall']:.2f}")
    lines += [f"{name} MRR: {s['mrr']:.2f}",
              (f"{name} first-query bytes: median {s['bytes_median'] / 1024:.1f} KB, "
               f"max {s['bytes_max'] / 1024:.1f} KB"),
              f"{name} latency ms (first query, cold): p50 {s['p50']:.1f}, p95 {s['p95']:.1f}"]
    if s["has_warm"]:
        lines.append(f"{name} latency ms (entry files loaded): p50 {s['warm50']:.1f}, "
                     f"p95 {s['warm95']:.1f}")
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Search relevance and cost benchmark")
    ap.add_argument("--site", type=Path, required=True, help="built site (with search/)")
    ap.add_argument("--queries", type=Path, required=True, help="YAML query file")
    ap.add_argument("--browser", action="store_true", help="also run in headless Chromium")
    ap.add_argument("--pagefind", action="store_true", help="run Pagefind on the same site")
    ap.add_argument("--content-encoding", action="store_true",
                    help="serve the .tdz index files with Content-Encoding: gzip (browser inflates)")
    ap.add_argument("--repeat", type=int, default=1,
                    help="browser runs per query; latency is the median (default 1)")
    ap.add_argument("--verbose", action="store_true", help="print every query")
    args = ap.parse_args(argv)
    if args.content_encoding:
        os.environ["BENCH_GZIP"] = "1"
    queries = load_queries(args.queries)
    qs = [q["q"] for q in queries]
    runs = run_node(args.site, qs)
    s = score(queries, runs)
    lines = report("tongda-node", s, canonical=True)
    extra = sorted(r["bytesExcerpts"] for r in runs)
    lines.append(f"tongda-node first-query bytes with 10 excerpts: median "
                 f"{statistics.median(extra) / 1024:.1f} KB, max {extra[-1] / 1024:.1f} KB")
    lines.append(f"runtime script: {RUNTIME.stat().st_size / 1024:.1f} KB (not minified)")
    all_runs = {"tongda-node": runs}
    if args.browser or args.pagefind:
        from search_eval_browser import run_browser  # type: ignore[import-not-found]

        if args.browser:
            br = run_browser(args.site, qs, "tongda", RUNTIME, args.repeat)
            lines += report("tongda-chromium", score(queries, br), canonical=False)
            all_runs["tongda-chromium"] = br
        if args.pagefind:
            pf = run_browser(args.site, qs, "pagefind", RUNTIME, args.repeat)
            lines += report("pagefind-chromium", score(queries, pf), canonical=False)
            all_runs["pagefind-chromium"] = pf
    if args.verbose:
        for i, q in enumerate(queries):
            for name, rs in all_runs.items():
                r = rs[i]
                mark = "ok" if r.get("rank") else "--"
                print(f"{mark} {name:17} {q['kind']:10} {q['q']:14} rank={r.get('rank')} "
                      f"{r['bytes'] / 1024:6.1f}KB {r['ms']:6.1f}ms | "
                      + " / ".join(r["titles"][:3]))
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.exit(main())
