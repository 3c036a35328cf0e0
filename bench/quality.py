"""Benchmark the quality check on the imported law corpus (3,000 documents).

    .venv/bin/python bench/quality.py [--runs 3] [--imported /tmp/quality-laws]

Imports ``shared/corpus/laws`` when the imported folder does not exist yet, then times:
loading and validating the corpus, running all rules (median of ``--runs``), the
duplicate search alone, and ``tongda check`` end to end as an editor runs it. Writes the
figures and the counts per rule to ``docs/benchmarks-quality.md``.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.report import load_average, machine  # noqa: E402 - after sys.path names the project
from site_builder.content.corpus import load_corpus  # noqa: E402 - after sys.path names the project
from site_builder.quality import Finding, QualityResult, all_rules, run_rules  # noqa: E402 - after sys.path names the project
from site_builder.quality.dedupe import find_duplicates  # noqa: E402 - after sys.path names the project

DOC = ROOT / "docs" / "benchmarks-quality.md"
T = TypeVar("T")
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "laws"


def ensure_imported(imported: Path, source: Path) -> None:
    if imported.is_dir() and any(imported.rglob("*.md")):
        return
    from site_builder.importer.pipeline import import_folder

    import_folder(source, imported)


def timed(fn: Callable[[], T], runs: int) -> tuple[float, float, T]:
    """Median wall time, median CPU time (the machine is shared: CPU time is the fairer figure)."""
    walls: list[float] = []
    cpus: list[float] = []
    for _ in range(runs):
        start, cpu = time.perf_counter(), time.process_time()
        value = fn()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), value


def cli_check(imported: Path) -> tuple[float, float, int]:
    """Wall and CPU time (user + system, from the child's rusage) of ``tongda check``."""
    import resource

    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp, "mkdocs.yml")
        config.write_text(f"site_name: bench\ndocs_dir: {imported}\ntheme:\n  name: tongda\n"
                          "plugins:\n  - tongda\n  - tongda-quality\n", encoding="utf-8")
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "site_builder.cli", "check", "-f", str(config),
                               "--min-severity", "error"], capture_output=True, text=True, cwd=tmp,
                              check=False)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        return wall, cpu, proc.returncode


def write_generated(doc: Path, markdown: str) -> None:
    """Replace the generated block of ``doc``, keeping the hand-written notes after it."""
    start, end = "<!-- bench:quality -->", "<!-- /bench:quality -->"
    block = f"{start}\n{markdown.strip()}\n{end}"
    text = doc.read_text(encoding="utf-8") if doc.exists() else ""
    if start in text and end in text:
        text = text[: text.index(start)] + block + text[text.index(end) + len(end):]
    else:
        text = block + "\n"
    doc.write_text(text, encoding="utf-8")


def per_rule_table(result: QualityResult) -> list[str]:
    """Markdown rows: each rule, its count on the corpus and its first finding."""
    counts = result.by_rule()
    lines = ["", "## Findings per rule on the corpus", "",
             "| dimension | rule | severity | findings | first example |", "|---|---|---|---:|---|"]
    first: dict[str, Finding] = {}
    for f in result.findings:
        first.setdefault(f.rule, f)
    for rule in all_rules().values():
        example = first.get(rule.id)
        shown = f"`{example.path}:{example.line or ''}` {example.message}" if example else ""
        lines.append(f"| {rule.dimension} | `{rule.id}` | {rule.severity} | {counts.get(rule.id, 0):,} | "
                     f"{shown.replace('|', '｜')[:160]} |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--imported", type=Path, default=Path("/tmp/quality-laws"))
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    args = parser.parse_args()
    ensure_imported(args.imported, args.corpus)
    header = machine()

    load_s, load_cpu, corpus = timed(lambda: load_corpus(args.imported), args.runs)
    rules_s, rules_cpu, result = timed(lambda: run_rules(corpus), args.runs)
    texts = [(e.id, e.body) for e in corpus.documents.values()]
    dedupe_s, dedupe_cpu, pairs = timed(lambda: find_duplicates(texts), args.runs)
    cli_s, cli_cpu, cli_rc = cli_check(args.imported)
    load_end = load_average()
    chars = sum(len(b) for _, b in texts)

    severities = Counter(f.severity for f in result.findings)
    lines = [
        "# Benchmark: content quality checks (`tongda check`)", "",
        (f"Command: `.venv/bin/python bench/quality.py --runs {args.runs}` "
         f"(imported corpus in `{args.imported}`). Machine: {header}, load {load_end} at the end. "
         "The machine is shared by several engineers: CPU time is the fairer figure."), "",
        "| what | wall time (CPU time) |", "|---|---:|",
        f"| documents | {len(corpus.documents):,} ({chars / 1e6:.1f} M characters of body text) |",
        f"| load and validate the corpus (median) | {load_s:.2f} s ({load_cpu:.2f} s) |",
        f"| run all {len(result.severities)} rules (median) | {rules_s:.2f} s ({rules_cpu:.2f} s) |",
        (f"| of which duplicate search (exact + near, bottom-k 5-gram sketches) | {dedupe_s:.2f} s "
         f"({dedupe_cpu:.2f} s) |"),
        f"| `tongda check` end to end (process start, config, load, rules, output) | {cli_s:.2f} s ({cli_cpu:.2f} s), exit {cli_rc} |",
        (f"| findings | {len(result.findings):,}: {severities.get('error', 0)} errors, "
         f"{severities.get('warning', 0)} warnings, {severities.get('notice', 0)} notices |"),
        ("| duplicate pairs found (exact / near, before version-family filtering) | "
         f"{sum(p.exact for p in pairs)} / {sum(not p.exact for p in pairs)} |"),
        "", "Slowest rules (one run):", "", "| rule | seconds |", "|---|---:|",
    ]
    for rule_id, secs in sorted(result.rule_seconds.items(), key=lambda kv: -kv[1])[:6]:
        lines.append(f"| {rule_id} | {secs:.3f} |")
    lines += per_rule_table(result)
    write_generated(DOC, "\n".join(lines))
    print("\n".join(lines[:16]))
    print(f"written to {DOC}")


if __name__ == "__main__":
    main()
