"""Lighthouse accessibility scores and page weight of the theme's main page types.

Serves a built site on loopback (builds the demo portal into a temporary folder when no
site is given), runs the pinned ``node_modules/.bin/lighthouse`` (12.2.3) against Debian's
Chromium with ``--only-categories=accessibility`` for the home page, a policy page, a
service page and a listing page (and any pages given), prints each score, every failing
audit and the gzipped weight (HTML + CSS + JS) of each page, writes the figures to
docs/benchmarks.md (section ``lighthouse``; ``--no-write`` skips that) and exits non-zero
when a score is below 100.

    .venv/bin/python bench/lighthouse.py [--site /tmp/theme-site] [extra/page/ ...]
    tongda bench lighthouse
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from lxml import html as lxml_html

from a11y.browser import CHROME_FLAGS, chrome_paths, serve_directory

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report import git_revision, machine, write_section

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"


def default_pages(site: Path) -> list[str]:
    """Home, the first policy, the first service and the policy listing."""
    pages = [""]
    for kind in ("policies", "services"):
        first = sorted(p.parent.name for p in (site / kind).glob("*/index.html"))
        pages += [f"{kind}/{first[0]}/"] if first else []
    if (site / "policies" / "index.html").is_file():
        pages.append("policies/")
    return pages


def run_lighthouse(url: str) -> dict:
    """Run Lighthouse on ``url`` and return its JSON result (accessibility only)."""
    chrome, _ = chrome_paths()
    with tempfile.TemporaryDirectory(prefix="tongda-lh-") as profile:
        flags = " ".join([*CHROME_FLAGS, f"--user-data-dir={profile}"])
        cmd = [str(LIGHTHOUSE), url, "--only-categories=accessibility", "--output=json",
               "--output-path=stdout", "--quiet", f"--chrome-flags={flags}",
               "--form-factor=desktop", "--screenEmulation.disabled", "--locale=zh"]
        env = dict(os.environ, CHROME_PATH=chrome)
        done = subprocess.run(cmd, check=False, capture_output=True, text=True, env=env, timeout=300)
    if done.returncode != 0:
        raise RuntimeError(f"lighthouse failed on {url}: {done.stderr[-2000:]}")
    return json.loads(done.stdout)


def failing_audits(result: dict) -> list[str]:
    """Titles and targets of the accessibility audits that did not pass."""
    out = []
    for ref in result["categories"]["accessibility"]["auditRefs"]:
        audit = result["audits"][ref["id"]]
        if ref["weight"] and audit.get("score") not in (1, None):
            items = (audit.get("details") or {}).get("items") or []
            nodes = [i.get("node", {}).get("selector", "") for i in items][:5]
            out.append(f"{ref['id']}: {audit['title']} {nodes}")
    return out


def page_weight(site: Path, page: str) -> int:
    """Gzipped bytes (level 9) of a page's HTML and every same-site CSS and JS it loads."""
    path = site / page / "index.html" if not page.endswith(".html") else site / page
    doc = lxml_html.document_fromstring(path.read_bytes())
    total = len(gzip.compress(path.read_bytes(), 9))
    for url in doc.xpath("//script/@src|//link[@rel='stylesheet']/@href"):
        if not urlsplit(url).netloc:
            total += len(gzip.compress((path.parent / urlsplit(url).path).read_bytes(), 9))
    return total


def build_demo(dest: Path) -> Path:
    """Build the demo portal (mkdocs.yml at the checkout's root) into ``dest``."""
    done = subprocess.run([sys.executable, "-m", "site_builder.cli", "build", "-d", str(dest)],
                          check=False, capture_output=True, text=True, cwd=ROOT, timeout=1800)
    if done.returncode != 0:
        raise SystemExit(f"build failed:\n{done.stderr[-3000:]}")
    return dest


def measure(site: Path, pages: list[str]) -> list[tuple[str, int, int, list[str]]]:
    """(page, score, gzipped weight, failing audits) for every page."""
    rows = []
    with serve_directory(site) as base:
        for page in pages:
            result = run_lighthouse(base + page)
            score = round(result["categories"]["accessibility"]["score"] * 100)
            rows.append((page, score, page_weight(site, page), failing_audits(result)))
            print(f"{score:3d}  {rows[-1][2] / 1024:5.1f} KB gz  /{page}", flush=True)
            for line in rows[-1][3]:
                print(f"       {line}")
    return rows


def section(rows: list[tuple[str, int, int, list[str]]]) -> str:
    lines = ["## Theme: Lighthouse accessibility and page weight", "",
             (f"`tongda bench lighthouse` (Lighthouse 12.2.3, Chromium, desktop, "
             f"accessibility only) at {git_revision()}; {machine()}."), "",
             "| page | accessibility | HTML+CSS+JS (gzip -9) |", "|---|---:|---:|"]
    lines += [f"| /{page} | {score} | {weight / 1024:.1f} KB |" for page, score, weight, _ in rows]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="*", help="site-relative pages (default: four types)")
    parser.add_argument("--site", type=Path, help="a built site (default: build the demo)")
    parser.add_argument("--no-write", action="store_true", help="do not touch docs/benchmarks.md")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="tongda-lh-site-") as tmp:
        site = args.site or build_demo(Path(tmp) / "site")
        rows = measure(site, args.pages or default_pages(site))
    worst = min(score for _, score, _, _ in rows)
    print(f"lowest accessibility score: {worst}")
    if not args.no_write:
        print(f"written to {write_section('lighthouse', section(rows))}")
    return 0 if worst == 100 else 1


if __name__ == "__main__":
    sys.exit(main())
