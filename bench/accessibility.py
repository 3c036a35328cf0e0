"""Throughput of ``tongda a11y`` on the imported corpus: static rules on every page, browser
checks on every template x display mode, and on a sample of content pages.

Usage:
    python bench/accessibility.py [--corpus ../shared/corpus/laws] [--project /tmp/a11y-corpus]
                         [--reuse] [--sample 20] [--write]

The corpus is imported with ``tongda import`` and built with ``tongda build`` into
``--project`` (``--reuse`` keeps an earlier build). With ``--write`` the figures go to
docs/benchmarks-a11y.md. Nothing here asserts a time; the file is the record.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report import git_revision, machine

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks-a11y.md"
BIN = Path(sys.executable).parent
MKDOCS_YML = """site_name: 法规库
site_url: https://laws.example.gov.cn/
docs_dir: content
theme:
  name: tongda
plugins:
  - tongda
  - tongda-a11y:
      static_on_build: false
"""


def prepare(corpus: Path, project: Path, reuse: bool) -> float:
    """Import and build the corpus; returns the build's wall seconds (0 when reused)."""
    if reuse and (project / "site" / "index.html").is_file():
        return 0.0
    project.mkdir(parents=True, exist_ok=True)
    (project / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    subprocess.run([str(BIN / "tongda"), "import", str(corpus), "content"], cwd=project,
                   check=False, capture_output=True)
    start = time.perf_counter()
    subprocess.run([str(BIN / "tongda"), "build"], cwd=project, check=True, capture_output=True)
    return time.perf_counter() - start


def settings_for(project: Path, **overrides: object):
    from site_builder.plugins.a11y.settings import (
        build_settings,
        plugin_options,
        read_project,
        validated_config,
    )

    raw, _folder = read_project(project / "mkdocs.yml")
    cfg = validated_config(plugin_options(raw), "mkdocs.yml")
    settings = build_settings(cfg, site_dir=project / "site", docs_dir=project / "content",
                              site_url=raw.get("site_url"), project_dir=ROOT, report=False)
    for key, value in overrides.items():
        setattr(settings, key, value)
    return settings


def bench_static(project: Path) -> dict[str, object]:
    from a11y.static_check import StaticChecker

    checker = StaticChecker(site_hosts=["laws.example.gov.cn"], docs_dir=project / "content")
    result = checker.check_site(project / "site")
    cpu = time.process_time()
    checker.check_site(project / "site")  # second pass: CPU time alone, files in page cache
    cpu = time.process_time() - cpu
    with tempfile.TemporaryDirectory() as tmp:  # the build's cache: nothing changed
        cache = Path(tmp) / "a11y-static.json"
        checker.check_site(project / "site", cache_file=cache)
        warm = checker.check_site(project / "site", cache_file=cache).seconds
    return {"pages": len(result.pages), "seconds": result.seconds, "cpu": cpu, "warm": warm,
            "checks": result.checks, "rules": len(checker.rules),
            "findings": Counter(f.rule for f in result.findings)}


def bench_browser(project: Path, sample: int) -> tuple[dict[str, object], dict[str, object]]:
    from a11y.runner import run

    templates = run(settings_for(project, sample_size=0))
    content = run(settings_for(project, sample_size=sample, modes=[]))
    return _browser_figures(templates), _browser_figures(content)


def _browser_figures(report) -> dict[str, object]:
    s = report.stats
    jobs = s["browser_jobs"]
    return {"templates": s["templates"], "template_pages": s["template_pages"],
            "sampled": s["sampled_pages"], "modes": report.modes, "jobs": jobs,
            "loads": s["page_loads"], "seconds": s["browser_seconds"],
            "findings": Counter(f.rule for f in report.findings if f.check != "static")}


def per_min(n: float, seconds: float) -> str:
    return f"{n / seconds * 60:,.0f}" if seconds else "—"


def render(build_s: float, st: dict, tm: dict, ct: dict, sample: int) -> str:
    checks_per_job = 5  # axe-core, keyboard walk, reflow, text resize, text spacing
    modes = tm["modes"]
    lines = [
        "# Benchmarks: accessibility checks (`tongda a11y`)",
        "",
        ("Produced by `python bench/accessibility.py --write` on the imported corpus "
        "(`shared/corpus/laws`, imported with `tongda import`, built with `tongda build`). "
        "The machine is shared (2 cores, several engineers' jobs at once), so wall times "
        "vary by a factor of about two between runs; CPU time is given where it is steadier."),
        "",
        (f"- Run: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, revision "
        f"{git_revision()}; {machine()}"),
        f"- Site: {st['pages']:,} HTML pages checked (the imported laws plus generated listing, A–Z, home and help pages)"
        + (f" (build {build_s:.0f} s)" if build_s else ""),
        "",
        "## Static rules on every page",
        "",
        "| pages | rules | rule checks | wall s | pages/min | rule checks/min | CPU s | pages/min (CPU) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
        (f"| {st['pages']:,} | {st['rules']} | {st['checks']:,} | {st['seconds']:.1f} | "
        f"{per_min(st['pages'], st['seconds'])} | {per_min(st['checks'], st['seconds'])} | "
        f"{st['cpu']:.1f} | {per_min(st['pages'], st['cpu'])} |"),
        "",
        (f"With the build cache and no page changed (a rebuild in `tongda build` / "
        f"`tongda serve`, or CI with `.tongda-cache` restored) the same pass takes "
        f"{st['warm']:.1f} s: only the page and source hashes are computed."),
        "",
        "Findings on the corpus: " + (", ".join(f"`{r}` {n}" for r, n in
                                               st["findings"].most_common()) or "none") + ".",
        "",
        "## Browser checks: every template x every display mode",
        "",
        (f"Templates ({tm['template_pages']}): {', '.join(tm['templates'])}. "
        f"Modes ({len(modes)}): {', '.join(modes)}. Each page-mode pair runs {checks_per_job} "
        "checks (axe-core with WCAG 2.0/2.1/2.2 A+AA and `target-size`, keyboard walk, "
        "reflow at 320 px, text at 200 %, text spacing) on one page load."),
        "",
        "| page x mode pairs | page loads | wall s | pairs/min | checks/min |",
        "|---:|---:|---:|---:|---:|",
        (f"| {tm['jobs']} | {tm['loads']} | {tm['seconds']:.1f} | "
        f"{per_min(tm['jobs'], tm['seconds'])} | "
        f"{per_min(tm['jobs'] * checks_per_job, tm['seconds'])} |"),
        "",
        "Findings: " + (", ".join(f"`{r}` {n}" for r, n in tm["findings"].most_common())
                         or "none") + ".",
        "",
        f"## Browser checks on content pages (sample of {sample}, default mode)",
        "",
        "| pages | wall s | pages/min | checks/min | estimate for `--all` on every page |",
        "|---:|---:|---:|---:|---:|",
    ]
    pages = ct["jobs"]
    est = st["pages"] / pages * ct["seconds"] / 60 if pages else 0
    lines.append(f"| {pages} | {ct['seconds']:.1f} | {per_min(pages, ct['seconds'])} | "
                 f"{per_min(pages * checks_per_job, ct['seconds'])} | about {est:.0f} min |")
    lines += ["", "Findings: " + (", ".join(f"`{r}` {n}" for r, n in
                                           ct["findings"].most_common()) or "none") + ".", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared/corpus/laws")
    parser.add_argument("--project", type=Path, default=Path("/tmp/a11y-corpus"))
    parser.add_argument("--reuse", action="store_true", help="keep an earlier build")
    parser.add_argument("--sample", type=int, default=20)
    parser.add_argument("--write", action="store_true", help="write docs/benchmarks-a11y.md")
    args = parser.parse_args()
    build_s = prepare(args.corpus, args.project, args.reuse)
    static = bench_static(args.project)
    templates, content = bench_browser(args.project, args.sample)
    text = render(build_s, static, templates, content, args.sample)
    print(text)
    if args.write:
        DOC.write_text(text, encoding="utf-8")
        print(f"written to {DOC}", file=sys.stderr)


if __name__ == "__main__":
    main()
