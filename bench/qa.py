"""智能问答 benchmark: answer latency, cold start, memory, index size, relevance.

Runs against a built site (``search/`` and ``api/qa/site.json``; ``tongda build`` with the
tongda-search and tongda-qa plugins):

- **relevance** on a search relevance set (``[{q, kind, expect: [title substrings]}]``, the
  format of ``shared/eval/search-queries.yml``): recall@10 of ``GET /api/qa/ask`` beside
  the client-side search (``tongda-search.js`` in Node, the code of the search page), and
  whether the function's first answer is the search page's first result, question by
  question;
- **question set** (``tests/functions/qa/questions.yml`` format): the share answered right
  (first answer, clarifying question, fallback, complaint form or refusal as expected);
- **latency**: ``GET /api/qa/ask`` through the function's ASGI app in-process (no network),
  each question of the sets once per ``--repeat``, p50 and p95;
- **cold start**: a fresh Python process importing the app and answering its first
  question (Lambda-style), median of ``--cold`` runs, and the process's peak RSS after it
  answered every question;
- **index size**: files and bytes of ``search/`` and of ``api/qa/site.json``.

    python bench/qa.py --site bench/out/qa-demo/site --questions tests/functions/qa/questions.yml
    python bench/qa.py --site bench/out/qa-laws/site --queries ../shared/eval/search-queries.yml
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
# bench/functions.py (run as a script, bench/ is first on the path) must not hide the package.
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
RUNTIME = ROOT / "search_index/runtime/tongda-search.js"
NODE = r"""
const TS = require(process.argv[2]);
const queries = JSON.parse(require('fs').readFileSync(0, 'utf8'));
(async () => {
  const s = new TS.Searcher({dir: process.argv[3]});
  const out = [];
  for (const q of queries) out.push((await s.search(q, {limit: 10})).results.map(r => [r.id, r.t]));
  process.stdout.write(JSON.stringify(out));
})().catch(e => { console.error(e); process.exit(1); });
"""
#: Run in a fresh process: import, create the app, answer one question; then all of them.
COLD = r"""
import json, logging, resource, sys, time
t0 = time.perf_counter()
logging.getLogger("tongda.http").setLevel(logging.WARNING)
from fastapi.testclient import TestClient
from functions.qa.app import create_app
from functions.runtime.settings import Settings
site, db, questions = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
app = create_app(Settings(database_url=db, rate_limit=0), site_dir=__import__("pathlib").Path(site))
client = TestClient(app)
first = client.get("/ask", params={"q": questions[0]})
t1 = time.perf_counter()
assert first.status_code == 200, first.text
for q in questions:
    client.get("/ask", params={"q": q})
print(json.dumps({"cold_s": t1 - t0, "rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))]


def search_page(site: Path, queries: list[str]) -> list[list[list[str]]]:
    """The search page's top ten ``[id, title]`` per query (the browser runtime, in Node)."""
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "page.js"
        script.write_text(NODE, "utf-8")
        res = subprocess.run(["node", str(script), str(RUNTIME), str(site / "search")],
                             input=json.dumps(queries), capture_output=True, text=True, check=True)
    return json.loads(res.stdout)  # type: ignore[no-any-return]


def client_for(site: Path, db: str) -> Any:
    from fastapi.testclient import TestClient

    from functions.qa.app import create_app
    from functions.runtime.settings import Settings

    return TestClient(create_app(Settings(database_url=db, rate_limit=0), site_dir=site))


def relevance(client: Any, site: Path, items: list[dict[str, Any]]) -> dict[str, Any]:
    """Recall@10 of the function and of the search page; where their first results differ."""
    page = search_page(site, [i["q"] for i in items])
    hit_qa = hit_page = 0
    differ = []
    for item, top in zip(items, page, strict=True):
        answers = client.get("/ask", params={"q": item["q"]}).json()["answers"]
        answers = [a for a in answers if a["kind"] != "complaint"]
        expect = [str(e) for e in item["expect"]]
        hit_qa += any(e in a["title"] for a in answers[:10] for e in expect)
        hit_page += any(e in t for _i, t in top for e in expect)
        if [a["id"] for a in answers[:1]] != [i for i, _t in top[:1]]:
            differ.append(item["q"])
    n = len(items)
    return {"n": n, "recall_qa": hit_qa / n, "recall_page": hit_page / n, "first_differs": differ}


def question_set(client: Any, path: Path) -> dict[str, Any]:
    """Share of the question set answered right, and the misses."""
    from functions.qa import evaluate

    items = evaluate.load(path)

    def ask(q: str) -> dict[str, Any]:
        res = client.get("/ask", params={"q": q})
        if res.status_code == 422 and res.json().get("reason") == "sensitive_words":
            from functions.qa.answer import Refused

            raise Refused(res.json()["categories"])
        return res.json()  # type: ignore[no-any-return]

    scored = evaluate.score(ask, items)
    return {"n": len(items), "right": sum(ok for _i, _g, ok in scored),
            "misses": [(i["q"], got) for i, got, ok in scored if not ok]}


def latency(client: Any, questions: list[str], repeat: int) -> dict[str, float]:
    times = []
    for _ in range(repeat):
        for q in questions:
            t0 = time.perf_counter()
            client.get("/ask", params={"q": q})
            times.append((time.perf_counter() - t0) * 1000)
    return {"p50_ms": percentile(times, 50), "p95_ms": percentile(times, 95), "n": len(times)}


def cold(site: Path, questions: list[str], runs: int, tmp: Path) -> dict[str, float]:
    results = []
    for k in range(runs):
        db = f"sqlite:///{tmp / f'cold-{k}.sqlite3'}"
        out = subprocess.run([sys.executable, "-c", COLD, str(site), db, json.dumps(questions)],
                             capture_output=True, text=True, check=True, cwd=ROOT)
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    return {"cold_s": statistics.median(r["cold_s"] for r in results),
            "rss_mb": max(r["rss_kb"] for r in results) / 1024}


def sizes(site: Path) -> dict[str, float]:
    files = list((site / "search").glob("*.tdz"))
    return {"files": len(files), "index_mb": sum(f.stat().st_size for f in files) / 1e6,
            "site_json_kb": (site / "api/qa/site.json").stat().st_size / 1e3
            if (site / "api/qa/site.json").is_file() else 0.0}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--site", type=Path, required=True, help="built site (search/, api/qa/)")
    ap.add_argument("--queries", type=Path, help="search relevance set (YAML)")
    ap.add_argument("--questions", type=Path, help="Q&A question set (YAML)")
    ap.add_argument("--repeat", type=int, default=3, help="latency: passes over the questions")
    ap.add_argument("--cold", type=int, default=3, help="cold starts to take the median of")
    ap.add_argument("--label", default="", help="name of the site in the output")
    args = ap.parse_args(argv)
    import logging

    logging.getLogger("tongda.http").setLevel(logging.WARNING)  # no access log per question
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        client = client_for(args.site, f"sqlite:///{tmp / 'bench.sqlite3'}")
        questions: list[str] = []
        out: dict[str, Any] = {"site": args.label or str(args.site), **sizes(args.site)}
        if args.queries:
            items = yaml.safe_load(args.queries.read_text("utf-8"))
            out["relevance"] = relevance(client, args.site, items)
            questions += [str(i["q"]) for i in items]
        if args.questions:
            out["questions"] = question_set(client, args.questions)
            questions += [str(i["q"]) for i in yaml.safe_load(args.questions.read_text("utf-8"))]
        out["latency"] = latency(client, questions, args.repeat)
        out["cold"] = cold(args.site, questions, args.cold, tmp)
    print(json.dumps(out, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
