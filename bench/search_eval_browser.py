"""Run search queries in headless Chromium: the Tongda runtime or Pagefind, each query cold.

Serves the site from a small Node server (files from memory, keep-alive), loads a blank
``lang="zh-CN"`` page per query with the HTTP cache disabled, runs one query and counts the
bytes the server sent from the engine's folder (``search/`` or ``pagefind/``), scripts and
WebAssembly included.
Used by ``bench/search_eval.py --browser/--pagefind``.
"""
from __future__ import annotations

import os
import statistics
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE = (b'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>bench</title>'
        b'<script src="/__tongda-search.js"></script></head><body><main></main></body></html>')

# arguments: query, warm. Cold: nothing loaded. Warm: the engine's entry files are loaded
# first (Tongda: manifest + lexicon; Pagefind: pagefind.js, wasm, metadata), as on a page
# that prepares search when the box gets focus; then the query is timed.
TONGDA_JS = """
const [q, warm, done] = arguments;
(async () => {
  const s = new TongdaSearch.Searcher({base: '/search/'});
  if (warm) await s.ready();
  const t0 = performance.now();
  const r = await s.search(q, {limit: 10});
  const ms = performance.now() - t0;
  done({titles: r.results.map(x => x.t), ms, counted: s.bytesRead});
})().catch(e => done({error: String(e)}));
"""

PAGEFIND_JS = """
const [q, warm, done] = arguments;
(async () => {
  let t0 = performance.now();
  const pf = await import('/pagefind/pagefind.js');
  await pf.init();
  if (warm) t0 = performance.now();
  const r = await pf.search(q);
  const data = await Promise.all(r.results.slice(0, 10).map(x => x.data()));
  const ms = performance.now() - t0;
  done({titles: data.map(d => d.meta.title || ''), ms});
})().catch(e => done({error: String(e)}));
"""


NODE_SERVER = r"""
// A small static server for the benchmark: files from memory after the first read,
// keep-alive, and a count of the bytes sent per path (read and reset at /__served).
const http = require('http'), fs = require('fs'), path = require('path');
const [root, runtime] = process.argv.slice(2);
const page = Buffer.from(process.env.BENCH_PAGE, 'utf8');
const cache = new Map();
let served = [];
const types = {'.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.json': 'application/json',
               '.css': 'text/css', '.wasm': 'application/wasm'};
const server = http.createServer((req, res) => {
  const url = decodeURIComponent(req.url.split('?')[0]);
  if (url === '/__served') {
    res.end(JSON.stringify(served)); served = []; return;
  }
  let file = url === '/__bench.html' ? null : url === '/__tongda-search.js' ? runtime : path.join(root, url);
  let body;
  try {
    if (file === null) body = page;
    else {
      if (!cache.has(file)) cache.set(file, fs.readFileSync(file));
      body = cache.get(file);
    }
  } catch (e) { res.statusCode = 404; res.end(); return; }
  const ext = file ? path.extname(file) : '.html';
  res.setHeader('Content-Type', types[ext] || 'application/octet-stream');
  res.setHeader('Content-Length', body.length);
  // Index files are gzip already: declare it, so the browser inflates them natively.
  if (process.env.BENCH_GZIP && ext === '.tdz') res.setHeader('Content-Encoding', 'gzip');
  res.setHeader('Cache-Control', 'no-store');
  served.push([url, body.length]);
  res.end(body);
});
server.keepAliveTimeout = 30000;
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
"""


class NodeServer:
    """The Node static server as a context manager: ``.port`` and ``.served()``."""

    def __init__(self, site: Path, runtime: Path) -> None:
        self.script = Path(tempfile.mkdtemp(prefix="td-bench-")) / "server.js"
        self.script.write_text(NODE_SERVER, "utf-8")
        env = dict(os.environ, BENCH_PAGE=PAGE.decode())
        self.proc = subprocess.Popen(["node", str(self.script), str(site), str(runtime)],
                                     stdout=subprocess.PIPE, text=True, env=env)
        assert self.proc.stdout is not None
        self.port = int(self.proc.stdout.readline())

    def served(self) -> list[tuple[str, int]]:
        """Paths and sizes sent since the last call."""
        import json
        from urllib.request import urlopen

        with urlopen(f"http://127.0.0.1:{self.port}/__served") as r:
            return [(p, n) for p, n in json.loads(r.read())]

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


def ensure_pagefind(site: Path) -> None:
    """Index the site's HTML with Pagefind unless ``SITE/pagefind`` exists."""
    if (site / "pagefind" / "pagefind.js").exists():
        return
    exe = ROOT / "node_modules/.bin/pagefind"
    subprocess.run([str(exe), "--site", str(site)], check=True, stdout=subprocess.DEVNULL)


def make_driver():  # type: ignore[no-untyped-def]
    """Headless Chromium with the project's flags and a fresh profile."""
    os.environ.setdefault("SE_OFFLINE", "true")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync",
                 f"--user-data-dir={tempfile.mkdtemp(prefix='td-bench-')}"):
        opts.add_argument(flag)
    return webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=opts)


def run_browser(site: Path, queries: list[str], engine: str, runtime: Path,
                repeat: int = 1) -> list[dict]:
    """Run ``queries`` cold, one page load each; engine is ``tongda`` or ``pagefind``.

    With ``repeat`` > 1 each query runs that many times (cold and warm) and the medians
    are kept.
    """
    if engine == "pagefind":
        ensure_pagefind(site)
    server = NodeServer(site, runtime)
    driver = make_driver()
    out = []
    try:
        driver.set_script_timeout(60)
        driver.execute_cdp_cmd("Network.enable", {})
        driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
        url = f"http://127.0.0.1:{server.port}/__bench.html"
        script = TONGDA_JS if engine == "tongda" else PAGEFIND_JS
        folder = "search" if engine == "tongda" else "pagefind"
        for q in queries:
            driver.get(url)
            server.served()
            r = driver.execute_async_script(script, q, False)
            if "error" in r:
                raise RuntimeError(f"{engine}: {q}: {r['error']}")
            # The engine's files, its script included: Pagefind's pagefind.js and wasm are
            # fetched by the timed code; the Tongda runtime came with the page, so add it.
            r["bytes"] = sum(n for path, n in server.served() if path.startswith(f"/{folder}/"))
            if engine == "tongda":
                r["bytes"] += runtime.stat().st_size
            cold = [r["ms"]]
            warm = []
            for i in range(repeat):
                if i:
                    driver.get(url)
                    cold.append(driver.execute_async_script(script, q, False)["ms"])
                driver.get(url)
                warm.append(driver.execute_async_script(script, q, True)["ms"])
            # The median of a few cold runs per query damps the other jobs on the machine.
            r["ms"], r["ms_warm"] = statistics.median(cold), statistics.median(warm)
            r["q"] = q
            out.append(r)
    finally:
        driver.quit()
        server.close()
    return out
