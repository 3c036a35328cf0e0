"""Run search queries in headless Chromium: the Tongda runtime or Pagefind, each query cold.

Serves the site on a local port, loads a blank ``lang="zh-CN"`` page per query with the
HTTP cache disabled, runs one query and counts the bytes the server sent from the engine's
folder (``search/`` or ``pagefind/``), scripts and WebAssembly included.
Used by ``bench/search_eval.py --browser/--pagefind``.
"""
from __future__ import annotations

import functools
import os
import statistics
import subprocess
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

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


class _Handler(SimpleHTTPRequestHandler):
    """Static files plus the bench page; counts the bytes it serves per path."""

    runtime: Path = ROOT / "search_index/runtime/tongda-search.js"
    served: ClassVar[list[tuple[str, int]]] = []
    protocol_version = "HTTP/1.1"  # keep-alive, as any production server does
    disable_nagle_algorithm = True  # no delayed-ACK stalls between header and body writes

    def copyfile(self, source: Any, outputfile: Any) -> None:
        data = source.read()
        outputfile.write(data)
        _Handler.served.append((self.path, len(data)))

    def log_message(self, *args: Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        if self.path.startswith("/__bench.html"):
            return self._send(PAGE, "text/html; charset=utf-8")
        if self.path.startswith("/__tongda-search.js"):
            return self._send(self.runtime.read_bytes(), "text/javascript")
        return super().do_GET()

    def _send(self, body: bytes, ctype: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


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
    _Handler.runtime = runtime
    server = ThreadingHTTPServer(("127.0.0.1", 0),
                                 functools.partial(_Handler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    driver = make_driver()
    out = []
    try:
        driver.set_script_timeout(60)
        driver.execute_cdp_cmd("Network.enable", {})
        driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
        url = f"http://127.0.0.1:{server.server_address[1]}/__bench.html"
        script = TONGDA_JS if engine == "tongda" else PAGEFIND_JS
        folder = "search" if engine == "tongda" else "pagefind"
        for q in queries:
            driver.get(url)
            _Handler.served.clear()
            r = driver.execute_async_script(script, q, False)
            if "error" in r:
                raise RuntimeError(f"{engine}: {q}: {r['error']}")
            # The engine's files, its script included: Pagefind's pagefind.js and wasm are
            # fetched by the timed code; the Tongda runtime came with the page, so add it.
            r["bytes"] = sum(n for path, n in _Handler.served if path.startswith(f"/{folder}/"))
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
        server.shutdown()
        server.server_close()
    return out
