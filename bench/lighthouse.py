"""Lighthouse accessibility scores of the theme's main page types.

Builds nothing: point it at a built site (``tongda build -d /tmp/site``). Serves the site on
loopback, runs the pinned ``node_modules/.bin/lighthouse`` (12.2.3) against Debian's
Chromium with ``--only-categories=accessibility`` for the home page, a policy page, a
service page and a listing page (and any pages given), prints each score and every failing
audit, and exits non-zero when a score is below 100.

    .venv/bin/python bench/lighthouse.py /tmp/theme-site [extra/page/ ...]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from a11y.browser import CHROME_FLAGS, chrome_paths, serve_directory

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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, help="a built site folder")
    parser.add_argument("pages", nargs="*", help="site-relative pages (default: four types)")
    args = parser.parse_args(argv)
    pages = args.pages or default_pages(args.site)
    worst = 100
    with serve_directory(args.site) as base:
        for page in pages:
            result = run_lighthouse(base + page)
            score = round(result["categories"]["accessibility"]["score"] * 100)
            worst = min(worst, score)
            print(f"{score:3d}  /{page}")
            for line in failing_audits(result):
                print(f"       {line}")
    print(f"lowest accessibility score: {worst}")
    return 0 if worst == 100 else 1


if __name__ == "__main__":
    sys.exit(main())
