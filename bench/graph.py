"""Policy graph benchmark: citation precision/recall on a hand-labelled sample, and the
graph's share of the build time on the 3,000-document corpus.

    .venv/bin/python bench/graph.py [--corpus /work/shared/corpus/laws] [--skip-build]
        [--write docs/benchmarks-graph.md]

Precision and recall are counted per labelled citation (bench/data/citations-labelled.yml):
a resolved citation is right when it points at one of the expected files; a citation of a
document that is not in the corpus is right when it stays unresolved. The build timing
builds the imported corpus with the core plugin alone and with the graph plugin added, in
the same run, and also times the graph plugin's own events (finding citations, the picture
and list per page, graph.json), which is the steadier figure on a shared machine.
"""

from __future__ import annotations

import argparse
import functools
import os
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
LABELS = ROOT / "bench" / "data" / "citations-labelled.yml"


def import_corpus(corpus: Path, dest: Path) -> Path:
    from site_builder.importer.pipeline import import_folder

    import_folder(corpus, dest)
    return dest


def evaluate(docs_dir: Path) -> dict[str, Any]:
    """Precision and recall of citation resolution against the labels."""
    from site_builder.content.corpus import load_corpus
    from site_builder.plugins.graph.citations import CitationFinder
    from site_builder.plugins.graph.titles import title_key

    corpus = load_corpus(docs_dir)
    by_source = {getattr(e.meta, "source", None): e for e in corpus.documents.values()}
    finder = CitationFinder(corpus)
    labels = yaml.safe_load(LABELS.read_text(encoding="utf-8"))["citations"]
    counts: defaultdict[str, int] = defaultdict(int)
    mistakes: list[str] = []
    for label in labels:
        entry = by_source[label["source"]]
        found = finder.occurrences(entry)
        if "number" in label:
            hits = [c for c in found if c.text.endswith(label["number"])
                    or label["number"] in c.text]
        else:
            hits = [c for c in found if title_key(c.text) == title_key(label["text"])]
        predicted = next((c.target for c in hits if c.target), None)
        got = getattr(corpus.documents[predicted].meta, "source", None) if predicted else None
        expected = label["expected"]
        if expected and got in expected:
            counts["tp"] += 1
        elif expected and got is None:
            counts["fn"] += 1
            mistakes.append(f"missed: {label['source']} 《{label['text']}》")
        elif not expected and got is None:
            counts["tn"] += 1
        else:
            counts["fp"] += 1
            counts["fn"] += bool(expected)
            mistakes.append(f"wrong: {label['source']} 《{label['text']}》 → {got}")
    tp, fp, fn = counts["tp"], counts["fp"], counts["fn"]
    return {"labels": len(labels), "with_target": sum(bool(x["expected"]) for x in labels),
            "tp": tp, "fp": fp, "fn": fn, "tn": counts["tn"],
            "precision": tp / (tp + fp) if tp + fp else 1.0,
            "recall": tp / (tp + fn) if tp + fn else 1.0, "mistakes": mistakes}


def _timed(cls: type, names: list[str], totals: dict[str, float]) -> None:
    """Wrap event methods of a plugin class so their time adds up in ``totals``."""
    for name in names:
        original = getattr(cls, name)

        @functools.wraps(original)
        def wrapper(self: Any, *args: Any, __original: Any = original, __name: str = name,
                    **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return __original(self, *args, **kwargs)
            finally:
                totals[__name] += time.perf_counter() - started

        setattr(cls, name, wrapper)


def build_once(docs_dir: Path, work: Path, plugins: list[Any]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process) for one build. The machine is shared,
    so both are noisy; CPU time less so (the render cache is warm: no worker runs)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config_file = work / "mkdocs.yml"
    config_file.write_text(yaml.safe_dump({
        "site_name": "法规库", "docs_dir": str(docs_dir), "theme": {"name": "tongda"},
        "plugins": plugins}, allow_unicode=True), encoding="utf-8")
    config = load_config(str(config_file), site_dir=str(work / "site"))
    wall, cpu = time.perf_counter(), time.process_time()
    build(config)
    return time.perf_counter() - wall, time.process_time() - cpu


CORE = {"tongda": {"today": "2025-06-01", "build_progress": False, "cache_pages": False}}
REUSE = {"tongda": {"today": "2025-06-01", "build_progress": False, "cache_pages": True}}
SETUPS: dict[str, list[Any]] = {"core": [CORE], "graph": [CORE, "tongda-graph"],
          "core-reuse": [REUSE], "graph-reuse": [REUSE, "tongda-graph"],
          "graph-no-picture": [CORE, {"tongda-graph": {"picture_enabled": False}}],
          "graph-no-explorer": [CORE, {"tongda-graph": {"explorer_enabled": False}}],
          "graph-no-citations": [CORE, {"tongda-graph": {"citations_enabled": False}}]}
PARTS = {
    "graph-no-picture": "the pictures (an SVG figure on every page with a related document)",
    "graph-no-explorer": "the explorer (its page, its nav entry and the link to it on every "
                         "document page)",
    "graph-no-citations": "the citations found in the text (what they add: related panels, "
                          "pictures and lineage on the pages only they connect, more panel "
                          "items elsewhere, finding or loading them)",
}
"""Warm builds with one part of the graph switched off: what is left of the difference to
the core alone says what that part costs."""
SCENARIOS = {
    "cold": "first build from a clean checkout (no caches: Markdown rendered on both cores)",
    "warm": "every page rendered again, Markdown cache warm, page reuse off (only template "
            "and plugin work left: the strictest case)",
    "rebuild": "rebuild with nothing changed, every cache on (what `tongda serve` does "
               "after a save)",
}


def one_build(docs_dir: Path, work: Path, setup: str) -> None:
    """Run in a child process: one build, its figures as JSON on stdout."""
    import json
    import logging
    import resource

    from site_builder.commands.build import before_exit

    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    wall, cpu = build_once(docs_dir, work, SETUPS[setup])
    print(json.dumps({"wall": wall, "cpu": cpu,
                      "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
    before_exit()  # and then end, as `tongda build` does


def _settle(work: Path) -> None:
    """Start each build on a quiet file system: a build removes the site it replaced in
    the background (``rm -rf`` after the swap), and its written pages are still being
    flushed; either would otherwise be charged to the next build, whichever it is."""
    deadline = time.monotonic() + 120
    while any(work.glob("*.tongda-old-*")) and time.monotonic() < deadline:
        time.sleep(0.2)
    os.sync()
    # With online discard the freed blocks are trimmed at the journal's next commits, after
    # the files are gone: wait until the disks have had nothing to write or trim for a
    # second.
    last, quiet = _disk_activity(), 0
    while quiet < 4 and time.monotonic() < deadline:
        time.sleep(0.25)
        now = _disk_activity()
        quiet = quiet + 1 if now == last else 0
        last = now


def _disk_activity() -> tuple[int, ...]:
    """Writes and discards completed, and I/Os in flight, summed over /proc/diskstats."""
    try:
        lines = Path("/proc/diskstats").read_text().splitlines()
    except OSError:
        return ()
    totals = [0, 0, 0]
    for line in lines:
        fields = line.split()
        if len(fields) >= 15:
            totals[0] += int(fields[7])  # writes completed
            totals[1] += int(fields[11])  # I/Os in progress
            totals[2] += int(fields[14])  # discards completed
    return tuple(totals)


def child_build(docs_dir: Path, work: Path, setup: str) -> dict[str, float]:
    """One build in a fresh Python process, as ``tongda build`` runs: its wall time, and
    its user and system CPU time (its Markdown workers included) from outside, start-up
    and imports included."""
    import json
    import resource
    import subprocess

    _settle(work)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    out = subprocess.run([sys.executable, __file__, "--one-build", setup, "--imported",
                          str(docs_dir), "--work", str(work)], check=True,
                         capture_output=True, text=True, cwd=ROOT).stdout
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    inner = json.loads(out.strip().splitlines()[-1])
    return {"wall": wall, "user": after.ru_utime - before.ru_utime,
            "sys": after.ru_stime - before.ru_stime, "rss": inner["rss"]}


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def default_work_base() -> Path | None:
    """Where the timed builds write their sites and caches: a RAM file system when there is
    one with room (``/dev/shm``), so the figures measure the build and not the disk; else
    the system's temporary folder (``None``)."""
    shm = Path("/dev/shm")
    try:
        free = shutil.disk_usage(shm).free
    except OSError:
        return None
    return shm if free > 3 * 2**30 and os.access(shm, os.W_OK) else None


def file_system(path: Path) -> str:
    """The type of the file system ``path`` is on (``tmpfs``, ``ext4``…), from /proc/mounts."""
    best, kind = "", "unknown"
    try:
        mounts = Path("/proc/mounts").read_text().splitlines()
    except OSError:
        return kind
    target = str(path.resolve())
    for line in mounts:
        fields = line.split()
        if len(fields) > 2 and (target == fields[1] or target.startswith(fields[1].rstrip("/") + "/")) \
                and len(fields[1]) > len(best):
            best, kind = fields[1], fields[2]
    return kind


def _site_megabytes(site: Path) -> float:
    return sum(f.stat().st_size for f in site.rglob("*") if f.is_file()) / 2**20


def _rounds(docs_dir: Path, setups: dict[str, str], rounds: int, work_base: Path | None,
            *, cold: bool = False, label: str = "") -> list[dict[str, dict[str, float]]]:
    """``rounds`` rounds of one build per setup (name -> ``SETUPS`` key), each build in a
    fresh process and its own folder, the order rotating from round to round. Each folder
    is built once first to fill its caches (and leave a previous site, for reuse), unless
    ``cold``: then each build starts from an empty folder. The last round also gets each
    site's size."""
    names = list(setups)
    out = []
    with tempfile.TemporaryDirectory(dir=work_base) as tmp:
        works = {name: Path(tmp) / name for name in names}
        for name, work in works.items():
            work.mkdir()
            if not cold:
                child_build(docs_dir, work, setups[name])
        for n in range(rounds):
            this_round = {}
            for name in names[n % len(names):] + names[:n % len(names)]:
                if cold:
                    shutil.rmtree(works[name])
                    works[name].mkdir()
                this_round[name] = child_build(docs_dir, works[name], setups[name])
            out.append(this_round)
            print(f"  {label} {n + 1}/{rounds}: " + ", ".join(
                f"{name} {this_round[name]['wall']:.2f} s wall {this_round[name]['user']:.2f} s "
                "user" for name in names), flush=True)
        if out:
            for name, work in works.items():
                out[-1][name]["site_mb"] = _site_megabytes(work / "site")
    return out


def _pairs(docs_dir: Path, scenario: str, rounds: int,
           work_base: Path | None = None) -> list[dict[str, dict[str, float]]]:
    """``rounds`` pairs of builds (core alone, core + graph), the order alternating."""
    reuse = "-reuse" if scenario == "rebuild" else ""
    return _rounds(docs_dir, {"core": "core" + reuse, "graph": "graph" + reuse}, rounds,
                   work_base, cold=scenario == "cold", label=scenario)


def _summary(pairs: list[dict[str, dict[str, float]]]) -> dict[str, Any]:
    out: dict[str, Any] = {"pairs": pairs}
    for measure in ("wall", "user", "sys"):
        base = [p["core"][measure] for p in pairs]
        with_graph = [p["graph"][measure] for p in pairs]
        out[measure] = (_median(base), _median(with_graph))
        out[f"{measure}_added"] = _median([g / b - 1 for b, g in zip(base, with_graph, strict=True)])
    out["rss"] = (max(p["core"]["rss"] for p in pairs), max(p["graph"]["rss"] for p in pairs))
    out["site_mb"] = (pairs[-1]["core"].get("site_mb", 0.0), pairs[-1]["graph"].get("site_mb", 0.0))
    return out


def _ablation(docs_dir: Path, rounds: int, work_base: Path | None) -> dict[str, Any]:
    """Warm builds of the core alone, the whole graph and the graph with one part off
    (``PARTS``), each in a fresh process, the order rotating from round to round: the
    median wall and user CPU time of each."""
    names = ["core", "graph", *PARTS]
    runs = _rounds(docs_dir, {name: name for name in names}, rounds, work_base, label="parts")
    return {name: {measure: _median([r[name][measure] for r in runs])
                   for measure in ("wall", "user")} for name in names}


def _own_time(docs_dir: Path, work_base: Path | None) -> dict[str, dict[str, float]]:
    """The graph plugin's own events in this process, in seconds, per scenario: a cold
    build (citations found), then the least of three warm builds and of three rebuilds."""
    import logging

    from site_builder.plugins.graph.plugin import GraphPlugin

    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    totals: dict[str, float] = defaultdict(float)
    _timed(GraphPlugin, ["on_files", "on_page_context", "on_post_build"], totals)
    out: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(dir=work_base) as tmp:
        for scenario, setup in (("cold", "graph"), ("warm", "graph"), ("rebuild", "graph-reuse")):
            work = Path(tmp) / setup
            work.mkdir(exist_ok=True)
            if scenario == "rebuild":
                build_once(docs_dir, work, SETUPS[setup])
            runs = []
            for _ in range(1 if scenario == "cold" else 3):
                totals.clear()
                build_once(docs_dir, work, SETUPS[setup])
                runs.append(dict(totals))
            out[scenario] = min(runs, key=lambda r: sum(r.values()))
    return out


def timing(docs_dir: Path, rounds: int, work_base: Path | None = None) -> dict[str, Any]:
    """Whole builds with and without the graph plugin in three scenarios, each build in a
    fresh process, in pairs that alternate their order; warm builds with each part of the
    graph switched off; and the plugin's own events, timed in this process."""
    where = Path(work_base or tempfile.gettempdir())
    figures: dict[str, Any] = {"rounds": rounds, "scenarios": {}, "work": str(where),
                               "work_fs": file_system(where)}
    for scenario in SCENARIOS:
        figures["scenarios"][scenario] = _summary(_pairs(docs_dir, scenario, rounds, work_base))
    figures["parts"] = _ablation(docs_dir, rounds, work_base)
    figures["own"] = _own_time(docs_dir, work_base)
    return figures


def report(quality: dict[str, Any], times: dict[str, Any] | None) -> str:
    lines = [
        "# Policy graph benchmarks",
        "",
        "Produced by `.venv/bin/python bench/graph.py --write docs/benchmarks-graph.md` on the",
        "imported `/work/shared/corpus/laws` (2,978 documents).",
        "",
        "## Citation resolution (hand-labelled sample)",
        "",
        "The graph plugin finds 《…》 titles (with or without 中华人民共和国, short titles such as",
        "《献血法》, nested 〈…〉 titles), the implementing patterns of titles (实施《…》办法, …实施条例,",
        "…实施细则) and document numbers (国办函〔2018〕71号, 国务院令第306号) in one regex pass per",
        "body, and resolves each by a dictionary lookup; when several versions share a title it",
        "takes the version in force at the citing document's date, else the newest. The sample",
        "was labelled by reading each sentence and looking the title up among the corpus' files,",
        "without the resolver's answer (the file's header comment gives the rules).",
        "",
        (f"{quality['labels']} labelled citations (`bench/data/citations-labelled.yml`), "
        f"{quality['with_target']} of which name a document that is in the corpus."),
        "",
        "| precision | recall | right | wrong | missed | correctly unresolved |",
        "|---:|---:|---:|---:|---:|---:|",
        (f"| {quality['precision']:.3f} | {quality['recall']:.3f} | {quality['tp']} | "
        f"{quality['fp']} | {quality['fn']} | {quality['tn']} |"),
        "",
    ]
    if quality["mistakes"]:
        lines += ["Mistakes:", ""] + [f"- {m}" for m in quality["mistakes"]] + [""]
    if times:
        lines += [
            "## Build time",
            "",
            (f"{times['rounds']} pairs of builds of the imported corpus per scenario, one "
            "with the core plugin alone and one with `tongda-graph` added, each build in a "
            "fresh Python process the way `tongda build` runs (start-up, imports and exit "
            "included), the order alternating from pair to pair; each figure is the median "
            "of the pairs' own ratios. 2-core machine, load average "
            f"{os.getloadavg()[0]:.1f} when the runs ended."),
            "",
            (f"The builds write their sites and caches to `{times['work']}` "
            f"({times['work_fs']}). This machine's disk is ext4 mounted with online "
            "`discard`: on it the same build took anywhere from 3 to 10 s of wall time "
            "minutes apart (creating 4,000 folders took 0.2 s or 2.5 s), and the user/system "
            "split of CPU time, which Linux estimates from timer ticks, moved with it. On a "
            "RAM file system the wall time of a build repeats within a few percent, so it "
            "is the figure read against the goal; user CPU time is given beside it. "
            "(`--work-dir` puts the builds elsewhere, e.g. on the disk.)"),
            "",
            (f"Output of the warm builds: {times['scenarios']['warm']['site_mb'][0]:.0f} MB "
            f"for the core alone, {times['scenarios']['warm']['site_mb'][1]:.0f} MB with the "
            "graph (pictures, lineage, related panels on the pages that only found citations "
            "connect, `graph.json`)."),
            "",
            ("| scenario | core wall s | + graph wall s | wall added | core user CPU s | "
             "+ graph user CPU s | user CPU added |"),
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for name, about in SCENARIOS.items():
            sc = times["scenarios"][name]
            lines.append(
                f"| **{name}**: {about} | {sc['wall'][0]:.2f} | {sc['wall'][1]:.2f} | "
                f"**{sc['wall_added']:+.1%}** | {sc['user'][0]:.2f} | {sc['user'][1]:.2f} | "
                f"**{sc['user_added']:+.1%}** |")
        measure = "wall" if times["work_fs"] == "tmpfs" else "user"
        verdict = "; ".join(
            f"{name} {times['scenarios'][name][measure + '_added']:+.1%} "
            f"({'within' if times['scenarios'][name][measure + '_added'] <= 0.10 else 'over'} "
            "10%)" for name in SCENARIOS)
        own = times["own"]

        def building(scenario: str) -> float:
            return own[scenario].get("on_files", 0.0) + own[scenario].get("on_post_build", 0.0)

        lines += [
            "",
            (f"**The whole graph plugin, building and showing the graph, in "
             f"{'wall time' if measure == 'wall' else 'user CPU time'}:** {verdict}."),
            "",
            "### Graph building alone",
            "",
            ("Building the graph is what the plugin does once per build: find the citations "
             "in every text and resolve them (or load them from the cache when no file "
             "changed), add them as edges, and write `graph.json` (`on_files` and "
             "`on_post_build`, timed in one process). Showing it is per page: the picture, "
             "the lineage and the links to the explorer (`on_page_context`), plus what the "
             "found edges add to the core's related panels."),
            "",
            ("| scenario | building s | share of the core build | showing, plugin's own s |"),
            "|---|---:|---:|---:|",
        ]
        for name in SCENARIOS:
            base = times["scenarios"][name][measure][0]
            lines.append(f"| {name} | {building(name):.3f} | **{building(name) / base:.1%}** | "
                         f"{own[name].get('on_page_context', 0.0):.3f} |")
        parts = times["parts"]
        core, whole = parts["core"][measure], parts["graph"][measure]
        lines += [
            "",
            "### What each part costs (warm builds)",
            "",
            (f"Warm builds, {times['rounds']} of each setup, each in a fresh process, the "
             "order rotating; medians. Each part's cost is the whole graph's time less the "
             "time with that part switched off (`mkdocs.yml` options of `tongda-graph`)."),
            "",
            "| setup | time s | added to the core alone | the part switched off costs |",
            "|---|---:|---:|---:|",
            f"| core alone | {core:.2f} | | |",
            f"| whole graph | {whole:.2f} | {whole / core - 1:+.1%} | |",
        ]
        for name, about in PARTS.items():
            t = parts[name][measure]
            option = SETUPS[name][1]["tongda-graph"]  # type: ignore[index]
            flag = ", ".join(f"`{k}: {str(v).lower()}`" for k, v in option.items())
            lines.append(f"| without {about} ({flag}) | {t:.2f} | {t / core - 1:+.1%} | "
                         f"{(whole - t) / core:.1%} of the core build |")
        lines += [
            "",
            "Every pair (wall s / user CPU s):",
            "",
            "| scenario | pair | core | core + graph |",
            "|---|---:|---:|---:|",
        ]
        for name in SCENARIOS:
            for n, pair in enumerate(times["scenarios"][name]["pairs"], 1):
                c, g = pair["core"], pair["graph"]
                lines.append(f"| {name} | {n} | {c['wall']:.2f} / {c['user']:.2f} | "
                             f"{g['wall']:.2f} / {g['user']:.2f} |")
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path,
                        default=Path(__file__).resolve().parents[2] / "shared" / "corpus" / "laws")
    parser.add_argument("--imported", type=Path, help="an already imported docs folder")
    parser.add_argument("--skip-build", action="store_true", help="only precision/recall")
    parser.add_argument("--rounds", type=int, default=5,
                        help="pairs of builds to time per scenario")
    parser.add_argument("--write", type=Path, help="write the figures to this Markdown file")
    parser.add_argument("--one-build", choices=sorted(SETUPS), help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--work-dir", type=Path, default=default_work_base(),
                        help="where the timed builds write sites and caches (default: "
                             "/dev/shm when it has room, so the disk is not measured)")
    args = parser.parse_args(argv)
    if args.one_build:
        one_build(args.imported, args.work, args.one_build)
        return 0
    tmp = None
    docs_dir = args.imported
    if docs_dir is None:
        tmp = Path(tempfile.mkdtemp(prefix="tongda-graph-bench-"))
        docs_dir = import_corpus(args.corpus, tmp / "content")
    try:
        quality = evaluate(docs_dir)
        print(f"precision {quality['precision']:.3f} recall {quality['recall']:.3f} "
              f"(tp {quality['tp']} fp {quality['fp']} fn {quality['fn']} tn {quality['tn']})")
        for mistake in quality["mistakes"]:
            print("  " + mistake)
        times = None if args.skip_build else timing(docs_dir, args.rounds, args.work_dir)
        if times:
            for name, sc in times["scenarios"].items():
                print(f"{name}: wall {sc['wall'][0]:.2f} → {sc['wall'][1]:.2f} s "
                      f"({sc['wall_added']:+.1%}), user CPU {sc['user'][0]:.2f} → "
                      f"{sc['user'][1]:.2f} s ({sc['user_added']:+.1%})")
            for name, figures in times["parts"].items():
                print(f"parts: {name} {figures['wall']:.2f} s wall")
            for name, events in times["own"].items():
                print(f"own events, {name}: " + ", ".join(
                    f"{event} {seconds:.3f} s" for event, seconds in sorted(events.items())))
        if args.write:
            args.write.write_text(report(quality, times), encoding="utf-8")
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
