"""`make mutation`: mutation testing of the modules where a wrong answer reaches a citizen or
an editor unnoticed (issue 22), with mutmut for Python and Stryker for the browser scripts.

Each Python module of ``tests/mutation/modules.toml`` gets a work folder
``build/mutation/<key>/`` (the project linked in, a ``pyproject.toml`` with the module's own
``[tool.mutmut]``), so every module runs only the tests that guard it, and modules can be run
one at a time while their tests are written::

    python tests/mutation/run.py                   # every module, then Stryker, then the report
    python tests/mutation/run.py limits audit      # some modules (the report keeps the others)
    python tests/mutation/run.py --no-js           # Python only
    python tests/mutation/run.py --report-only     # rewrite the report from the last results

Scores: killed (a test failed or timed out) over all mutants, less the equivalent mutants
listed with their reason in ``tests/mutation/equivalent/<key>.toml`` and
``tests/js/equivalent-mutants.json``. The report goes to ``docs/mutation.md`` (dated) and
``build/mutation/report.json``; the survivors' diffs to ``build/mutation/<key>/survivors.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
import sys
import threading
import time
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "build" / "mutation"
MODULES_FILE = ROOT / "tests" / "mutation" / "modules.toml"
EQUIVALENT_DIR = ROOT / "tests" / "mutation" / "equivalent"
JS_EQUIVALENT_FILE = ROOT / "tests" / "js" / "equivalent-mutants.json"
STRYKER_CONFIG = ROOT / "tests" / "js" / "stryker.config.json"
STRYKER_REPORT = OUT / "stryker.json"
REPORT_MD = ROOT / "docs" / "mutation.md"
REPORT_JSON = OUT / "report.json"
# What the work folder links to: the packages mutmut copies (and mutates where asked), and
# what the tests read beside them.
LINKED = ["functions", "site_builder", "search_index", "a11y", "tests", "themes", "content",
          "mkdocs.yml", "node_modules", "package.json"]
PACKAGES = ["functions", "site_builder", "search_index", "a11y"]
TARGET = 80.0
# what counts as a kill besides a failing test (a timeout is counted on its own)
KILLED = {"killed", "caught by type check", "segfault"}

# mutmut's exit codes (mutmut/stats.py), kept here so the report can be read without it.
STATUS_BY_EXIT_CODE: dict[int | None, str] = {
    1: "killed", 3: "killed", 0: "survived", 5: "no tests", 2: "interrupted", None: "not checked",
    33: "no tests", 34: "skipped", 35: "suspicious", 36: "timeout", 37: "caught by type check",
    -24: "timeout", 24: "timeout", 152: "timeout", 255: "timeout", -11: "segfault",
    -9: "segfault",
}


@dataclass
class Module:
    key: str
    title: str
    files: list[str]
    tests: list[str]
    args: list[str] = field(default_factory=list)
    # Modules with thousands of mutants run a fixed sample of them (the same one every run:
    # the names with the smallest SHA-256), so that `make mutation` keeps to its half hour;
    # `--full` runs them all.
    sample: int = 0


@dataclass
class Score:
    key: str
    title: str
    language: str
    files: list[str]
    total: int = 0
    killed: int = 0
    timeout: int = 0
    survived: int = 0
    no_tests: int = 0
    other: int = 0
    equivalent: int = 0
    seconds: float = 0.0
    run_on: str = ""
    sampled_from: int = 0
    sampled_lines: float = 0.0
    survivors: list[str] = field(default_factory=list)

    @property
    def detected(self) -> int:
        return self.killed + self.timeout

    @property
    def counted(self) -> int:
        return self.total - self.equivalent

    @property
    def score(self) -> float:
        return 100.0 * self.detected / self.counted if self.counted else 100.0

    def interval(self) -> tuple[float, float]:
        """95 % Wilson interval of the score (meaningful for a sample)."""
        n = self.counted
        if not n:
            return 100.0, 100.0
        p, z = self.detected / n, 1.96
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z * ((p * (1 - p) / n + z * z / (4 * n * n)) ** 0.5) / (1 + z * z / n)
        return 100.0 * max(0.0, centre - half), 100.0 * min(1.0, centre + half)


def load_modules() -> list[Module]:
    data = tomllib.loads(MODULES_FILE.read_text("utf-8"))
    return [Module(**entry) for entry in data["module"]]


def load_equivalents() -> dict[str, str]:
    """Mutant name -> why it cannot change behaviour (mutmut's names), one file a module."""
    out: dict[str, str] = {}
    for file in sorted(EQUIVALENT_DIR.glob("*.toml")):
        data = tomllib.loads(file.read_text("utf-8"))
        for entry in data.get("equivalent", []):
            reason = str(entry.get("reason", "")).strip()
            if not reason:
                raise SystemExit(f"{file}: {entry.get('mutant')} has no reason")
            out[str(entry["mutant"])] = reason
    return out


def expand(patterns: list[str]) -> list[str]:
    """The module's test files: each glob, in order, without repeats."""
    files: list[str] = []
    for pattern in patterns:
        for path in sorted(ROOT.glob(pattern)):
            rel = str(path.relative_to(ROOT))
            if rel not in files:
                files.append(rel)
    return files


# ---------------------------------------------------------------------------------------- Python

def work_folder(module: Module) -> Path:
    folder = OUT / module.key
    folder.mkdir(parents=True, exist_ok=True)
    for name in LINKED:
        link = folder / name
        if (ROOT / name).exists() and not link.is_symlink():
            link.symlink_to(ROOT / name)
    base = (ROOT / "pyproject.toml").read_text("utf-8")
    if "[tool.mutmut]" in base:
        raise SystemExit("pyproject.toml has its own [tool.mutmut]: the modules are in "
                         "tests/mutation/modules.toml")
    settings = {
        "source_paths": PACKAGES,
        "only_mutate": module.files,
        "also_copy": ["themes", "content", "mkdocs.yml", "package.json"],
        "pytest_add_cli_args_test_selection": expand(module.tests),
        # -x: the first failing test detects the mutant; the rest need not run
        # tests/mutation/durations.py: each test's real duration, for each mutant's CPU limit
        "pytest_add_cli_args": ["-p", "no:cacheprovider", "-p", "no:xdist", "-q", "-x",
                                "-p", "tests.mutation.durations", *module.args],
        # a mutant that makes the tests ten times slower than usual is counted as detected
        "timeout_multiplier": 10.0,
    }
    lines = ["", "[tool.mutmut]"] + [f"{k} = {json.dumps(v, ensure_ascii=False)}"
                                     for k, v in settings.items()]
    (folder / "pyproject.toml").write_text(base + "\n".join(lines) + "\n", "utf-8")
    return folder


def sampled(folder: Path) -> tuple[set[str] | None, int]:
    """The names of the sample this module ran, and how many mutants it has in all."""
    try:
        data = json.loads((folder / "sample.json").read_text("utf-8"))
    except (OSError, ValueError):
        return None, 0
    return set(data["names"]), int(data["from"])


def exit_codes(folder: Path, module: Module) -> dict[str, int | None] | None:
    """mutmut's result for every mutant of the module's files (None: no result yet), read
    from its ``.meta`` files; None when a file has none (never run, or being generated)."""
    codes: dict[str, int | None] = {}
    for file in module.files:
        try:
            meta = json.loads((folder / "mutants" / f"{file}.meta").read_text("utf-8"))
            codes.update(meta["exit_code_by_key"])
        except (OSError, ValueError, KeyError):
            return None
    return codes


def count_meta(folder: Path, module: Module) -> tuple[int, int]:
    """Mutants tested so far, and how many the run tests (the sample, if any)."""
    only, _ = sampled(folder)
    codes = {name: code for name, code in (exit_codes(folder, module) or {}).items()
             if only is None or name in only}
    return sum(code is not None for code in codes.values()), len(codes)


GENERATE = """
from mutmut.__main__ import create_mutants, store_lines_covered_by_tests
from mutmut.mutation.trampoline import set_mutant_under_test
from mutmut.utils.file_utils import copy_also_copy_files, copy_src_dir, setup_source_paths
set_mutant_under_test("mutant_generation")
copy_src_dir(); copy_also_copy_files(); setup_source_paths(); store_lines_covered_by_tests()
create_mutants(2)
"""


def choose_sample(names: list[str], size: int) -> list[str]:
    """The same mutants every run, spread over the module: the smallest SHA-256 of names."""
    ranked = sorted(names, key=lambda n: hashlib.sha256(n.encode("utf-8")).hexdigest())
    return sorted(ranked[:size])


def skip_all_but(folder: Path, module: Module, keep: set[str]) -> None:
    """Mark every mutant outside the sample as skipped (mutmut's code 34): `mutmut run`
    tests only mutants without a result."""
    for file in module.files:
        meta_path = folder / "mutants" / f"{file}.meta"
        meta = json.loads(meta_path.read_text("utf-8"))
        meta["exit_code_by_key"] = {name: (code if name in keep else 34)
                                    for name, code in meta["exit_code_by_key"].items()}
        meta_path.write_text(json.dumps(meta), "utf-8")


def run_python(module: Module, jobs: int, fresh: bool, log: Any, full: bool = False) -> float:
    folder = work_folder(module)
    if fresh:
        shutil.rmtree(folder / "mutants", ignore_errors=True)
    (folder / "sample.json").unlink(missing_ok=True)
    started = time.monotonic()
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", SE_OFFLINE="true")
    mutmut = Path(sys.executable).with_name("mutmut")
    command = [str(mutmut), "run", "--max-children", str(jobs)]
    if module.sample and not full:
        (folder / "mutants").mkdir(exist_ok=True)
        subprocess.run([sys.executable, "-c", GENERATE], cwd=folder, env=env, check=True,
                       stdout=subprocess.DEVNULL)
        names = list(exit_codes(folder, module) or {})
        if len(names) > module.sample:
            sample = choose_sample(names, module.sample)
            (folder / "sample.json").write_text(json.dumps(
                {"from": len(names), "names": sample}, ensure_ascii=False), "utf-8")
            skip_all_but(folder, module, set(sample))
    with open(folder / "mutmut.log", "w", encoding="utf-8") as out:
        proc = subprocess.Popen(command, cwd=folder,
                                stdout=out, stderr=subprocess.STDOUT, env=env)
        stop = threading.Event()

        def progress() -> None:
            while not stop.wait(2.0):
                done, total = count_meta(folder, module)
                if total:
                    width = 30
                    filled = int(width * done / total)
                    log.write(f"\r  {module.key:16} [{'#' * filled}{'.' * (width - filled)}] "
                              f"{done}/{total} {time.monotonic() - started:5.0f} s")
                    log.flush()

        watcher = threading.Thread(target=progress, daemon=True)
        watcher.start()
        code = proc.wait()
        stop.set()
        watcher.join()
    seconds = time.monotonic() - started
    log.write("\n")
    if code != 0:
        tail = (folder / "mutmut.log").read_text("utf-8", "replace")[-3000:]
        raise SystemExit(f"mutmut failed for {module.key} (exit {code}); the end of "
                         f"{folder / 'mutmut.log'}:\n{tail}")
    return seconds


def python_score(module: Module, equivalents: dict[str, str]) -> Score | None:
    """The module's score from its last run; None when it has no complete results (never
    run, or a run still going on)."""
    folder = OUT / module.key
    score = Score(module.key, module.title, "python", module.files)
    only, score.sampled_from = sampled(folder)
    codes = exit_codes(folder, module)
    if codes is None:
        return None
    for name, code in sorted(codes.items()):
        if only is not None and name not in only:
            continue
        if code is None:
            return None
        status = STATUS_BY_EXIT_CODE.get(code, "suspicious")
        score.total += 1
        if status in KILLED:
            score.killed += 1
        elif status == "timeout":
            score.timeout += 1
        elif name in equivalents:
            score.equivalent += 1
        else:
            score.survivors.append(name)
            if status == "survived":
                score.survived += 1
            elif status == "no tests":
                score.no_tests += 1
            else:
                score.other += 1
    return score


def write_survivors(module: Module, score: Score) -> None:
    """The diff of every mutant no test noticed, for the person writing the next test."""
    folder = OUT / module.key
    code = (
        "import json, sys\n"
        "from mutmut.mutation.diff_apply import get_diff_for_mutant\n"
        "names, files = json.loads(sys.argv[1])\n"
        "out = {}\n"
        "for name in names:\n"
        "    path = next((f for f in files if name.startswith(f[:-3].replace('/', '.') + '.')), files[0])\n"
        "    try:\n"
        "        out[name] = get_diff_for_mutant(name, path=path)\n"
        "    except Exception as error:  # a mutant of a function mutmut cannot show\n"
        "        out[name] = f'(no diff: {error})'\n"
        "print(json.dumps(out))\n"
    )
    diffs: dict[str, str] = {}
    if score.survivors:
        result = subprocess.run([sys.executable, "-c", code,
                                 json.dumps([score.survivors, module.files])],
                                cwd=folder, capture_output=True, text=True, check=False)
        if result.returncode == 0:
            diffs = json.loads(result.stdout)
    lines = [f"# Survivors: {module.title}", "",
             f"{len(score.survivors)} of {score.total} mutants were not detected "
             f"(score {score.score:.1f} %). Tests: {', '.join(expand(module.tests))}", ""]
    for name in score.survivors:
        lines += [f"## {name}", "", "```diff", diffs.get(name, "(no diff)"), "```", ""]
    (folder / "survivors.md").write_text("\n".join(lines), "utf-8")


# -------------------------------------------------------------------------------------------- JS

def sample_lines(file: str, fraction: float) -> list[int]:
    """A fixed share of a script's code lines (not blank, not comments): those whose text
    (with its occurrence number) has the smallest SHA-256, so an edit elsewhere in the file
    leaves the choice of the other lines as it was."""
    seen: dict[str, int] = {}
    keyed: list[tuple[str, int]] = []
    for number, line in enumerate((ROOT / file).read_text("utf-8").splitlines(), start=1):
        text = line.strip()
        if not text or text.startswith(("//", "/*", "*")):
            continue
        seen[text] = seen.get(text, 0) + 1
        keyed.append((hashlib.sha256(f"{text}#{seen[text]}".encode()).hexdigest(), number))
    keyed.sort()
    return sorted(number for _, number in keyed[:max(1, round(len(keyed) * fraction))])


def stryker_config(full: bool) -> Path:
    """The Stryker configuration to run: the committed one, with the sampled scripts'
    ``mutate`` entries narrowed to their sampled lines (unless ``full``)."""
    config = json.loads(STRYKER_CONFIG.read_text("utf-8"))
    plan = tomllib.loads(MODULES_FILE.read_text("utf-8")).get("js", {})
    samples: dict[str, float] = plan.get("sample_lines", {})
    if full or not samples:
        return STRYKER_CONFIG
    mutate: list[str] = []
    for entry in config["mutate"]:
        if entry in samples:
            mutate += [f"{entry}:{n}-{n}" for n in sample_lines(entry, samples[entry])]
        else:
            mutate.append(entry)
    config["mutate"] = mutate
    config.pop("$schema", None)
    OUT.mkdir(parents=True, exist_ok=True)
    out = OUT / "stryker.config.json"
    out.write_text(json.dumps(config, ensure_ascii=False, indent=1), "utf-8")
    (OUT / "stryker-sample.json").write_text(json.dumps(samples), "utf-8")
    return out


def run_js(log: Any, full: bool = False) -> float:
    if not STRYKER_CONFIG.exists():
        raise SystemExit(f"{STRYKER_CONFIG} is missing")
    (OUT / "stryker-sample.json").unlink(missing_ok=True)
    config = stryker_config(full)
    started = time.monotonic()
    log.write("  stryker: tests/js (the search runtime, player and toolbar)\n")
    log.flush()
    OUT.mkdir(parents=True, exist_ok=True)
    with open(OUT / "stryker.log", "w", encoding="utf-8") as out:
        code = subprocess.run([str(ROOT / "node_modules" / ".bin" / "stryker"), "run",
                               str(config.relative_to(ROOT))], cwd=ROOT, stdout=out,
                              stderr=subprocess.STDOUT, check=False).returncode
    if code != 0:
        tail = (OUT / "stryker.log").read_text("utf-8", "replace")[-3000:]
        raise SystemExit(f"Stryker failed (exit {code}):\n{tail}")
    return time.monotonic() - started


def _line(lines: list[str], number: int) -> str:
    return lines[number - 1].strip() if 0 < number <= len(lines) else ""


def js_equivalents() -> set[tuple[str, str, str, str]]:
    """The listed equivalent mutants as (file, mutator, replacement, text of their line in
    today's file): a mutant is matched by what its line says, so a report made before lines
    above it moved still finds it."""
    if not JS_EQUIVALENT_FILE.exists():
        return set()
    lines: dict[str, list[str]] = {}
    keys = set()
    for e in json.loads(JS_EQUIVALENT_FILE.read_text("utf-8")):
        if e["file"] not in lines:
            lines[e["file"]] = (ROOT / e["file"]).read_text("utf-8").splitlines()
        keys.add((e["file"], e["mutator"], e["replacement"], _line(lines[e["file"]], e["line"])))
    return keys


def js_scores(seconds: float, run_on: str) -> list[Score]:
    if not STRYKER_REPORT.exists():
        return []
    report = json.loads(STRYKER_REPORT.read_text("utf-8"))
    equivalents = js_equivalents()
    try:
        line_samples: dict[str, float] = json.loads(
            (OUT / "stryker-sample.json").read_text("utf-8"))
    except (OSError, ValueError):
        line_samples = {}
    scores = []
    for file, entry in sorted(report.get("files", {}).items()):
        rel = str(Path(file).resolve().relative_to(ROOT)) if Path(file).is_absolute() else file
        source = entry.get("source", "").splitlines()  # the file as Stryker mutated it
        score = Score("js:" + Path(rel).stem, rel, "javascript", [rel], seconds=seconds,
                      run_on=run_on, sampled_lines=line_samples.get(rel, 0.0))
        for mutant in entry.get("mutants", []):
            status = mutant.get("status")
            line = mutant.get("location", {}).get("start", {}).get("line", 0)
            if status in ("CompileError", "Ignored"):
                continue
            score.total += 1
            if status in ("Killed", "RuntimeError"):
                score.killed += 1
            elif status == "Timeout":
                score.timeout += 1
            elif (rel, mutant.get("mutatorName"), mutant.get("replacement"),
                  _line(source, line)) in equivalents:
                score.equivalent += 1
            else:
                if status in ("Survived", "NoCoverage"):
                    score.survivors.append(f"{rel}:{line} {mutant.get('mutatorName')}")
                if status == "Survived":
                    score.survived += 1
                elif status == "NoCoverage":
                    score.no_tests += 1
                else:
                    score.other += 1
        scores.append(score)
    return scores


# ---------------------------------------------------------------------------------------- report

def load_previous() -> dict[str, dict[str, Any]]:
    try:
        data = json.loads(REPORT_JSON.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return {entry["key"]: entry for entry in data.get("modules", [])}


def write_report(scores: list[Score], equivalents: dict[str, str], wall: float) -> bool:
    today = dt.date.today()
    all_ok = all(s.score >= TARGET for s in scores)
    REPORT_JSON.parent.mkdir(parents=True, exist_ok=True)
    REPORT_JSON.write_text(json.dumps(
        {"date": today.isoformat(), "target": TARGET,
         "modules": [dict(asdict(s), score=round(s.score, 1)) for s in scores]},
        ensure_ascii=False, indent=2), "utf-8")
    lines = [
        "# 变异测试 Mutation testing",
        "",
        f"Last run: {today.year}年{today.month}月{today.day}日 ({today.isoformat()}). "
        f"`make mutation` takes {wall / 60:.1f} min on this 2-core machine (the sum of the "
        f"modules' times below). "
        f"Target: at least {TARGET:.0f} % of non-equivalent mutants detected in every module.",
        "",
        "How it runs: `tests/mutation/run.py` runs mutmut over each module of "
        "`tests/mutation/modules.toml` with only the tests that guard it (for each mutant, "
        "only those that execute the mutated function), then Stryker over the browser scripts "
        "(`tests/js/stryker.config.json`). A mutant is detected when a test fails or times "
        "out. Equivalent mutants (no input can tell them from the original) are listed with "
        "their reason in `tests/mutation/equivalent/<module>.toml` and `tests/js/equivalent-mutants.json` "
        "and left out of the count. Modules with thousands of mutants run a fixed sample of them "
        "(the same names every run) so that the whole run keeps to half an hour; the score is "
        "then an estimate, given with its 95 % interval, and `tests/mutation/run.py --full "
        "<module>` runs every mutant. `make test` does not run this; the survivors of the last "
        "run are in `build/mutation/<module>/survivors.md`.",
        "",
        "Two things mutmut 3.8 records wrong in its stats run are mended by a pytest plugin, "
        "`tests/mutation/durations.py`: it recorded every test as taking no time (so every "
        "mutant got the same 20-second CPU limit and slow tests counted as detections; a "
        "timeout here is a real one), and it gave what a module- or session-scoped fixture "
        "calls to the first test that used the fixture only (so a mutant there ran one test; "
        "now every test that uses the fixture runs).",
        "",
        "| module | files | mutants | detected | survived | no test | equivalent | score | time |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in scores:
        mark = "" if s.score >= TARGET else " ✗"
        mutants = str(s.total)
        score_text = f"**{s.score:.1f} %**{mark}"
        if s.sampled_from or s.sampled_lines:
            low, high = s.interval()
            mutants = (f"{s.total} (a fixed sample of {s.sampled_from})" if s.sampled_from else
                       f"{s.total} (on a fixed {s.sampled_lines:.0%} of its lines)")
            score_text += f" (95 %: {low:.0f}–{high:.0f} %)"
        lines.append(
            f"| {s.title} | {'<br>'.join(f'`{f}`' for f in s.files)} | {mutants} | "
            f"{s.detected} | {s.survived + s.other} | {s.no_tests} | {s.equivalent} | "
            f"{score_text} | {s.seconds:.0f} s |")
    total = sum(s.total for s in scores)
    detected = sum(s.detected for s in scores)
    counted = sum(s.counted for s in scores)
    lines += ["", f"All modules: {detected} of {counted} non-equivalent mutants detected "
              f"({100.0 * detected / counted if counted else 100.0:.1f} %), {total} mutants in all.",
              ""]
    python_equivalents = [(name, reason) for name, reason in sorted(equivalents.items())]
    if python_equivalents:
        lines += ["## Equivalent mutants (Python)", "", "| mutant | why it cannot change behaviour |",
                  "|---|---|"]
        lines += [f"| `{name}` | {reason} |" for name, reason in python_equivalents]
        lines.append("")
    if JS_EQUIVALENT_FILE.exists():
        js_equivalents = json.loads(JS_EQUIVALENT_FILE.read_text("utf-8"))
        if js_equivalents:
            lines += ["## Equivalent mutants (JavaScript)", "",
                      "| file:line | mutator | replacement | why it cannot change behaviour |",
                      "|---|---|---|---|"]
            for e in js_equivalents:
                replacement = str(e.get("replacement", "")).replace("|", "\\|").replace("\n", " ")
                lines.append(f"| `{e['file']}:{e['line']}` | {e['mutator']} | `{replacement}` | "
                             f"{e['reason']} |")
            lines.append("")
    REPORT_MD.write_text("\n".join(lines), "utf-8")
    return all_ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help="module keys (default: all)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--no-js", action="store_true", help="skip Stryker")
    parser.add_argument("--report-only", action="store_true")
    parser.add_argument("--full", action="store_true",
                        help="every mutant of the sampled modules, not their sample")
    parser.add_argument("--keep", action="store_true",
                        help="keep earlier results (mutmut reruns only what changed)")
    args = parser.parse_args(argv)
    modules = load_modules()
    known = {m.key for m in modules}
    unknown = [k for k in args.modules if k not in known and k != "js"]
    if unknown:
        parser.error(f"unknown module {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    chosen = [m for m in modules if not args.modules or m.key in args.modules]
    run_js_too = not args.no_js and (not args.modules or "js" in args.modules)
    equivalents = load_equivalents()
    previous = load_previous()
    today = dt.date.today().isoformat()
    seconds: dict[str, float] = {}
    if not args.report_only:
        for module in chosen:
            seconds[module.key] = run_python(module, args.jobs, fresh=not args.keep,
                                             log=sys.stderr, full=args.full)
        if run_js_too:
            seconds["js"] = run_js(sys.stderr, full=args.full)
    scores: list[Score] = []
    for module in modules:
        score = python_score(module, equivalents)
        if score is None:
            print(f"{module.key}: no complete results yet (not run, or a run still going on)",
                  file=sys.stderr)
            continue
        if module.key in seconds:
            score.seconds, score.run_on = seconds[module.key], today
            write_survivors(module, score)
        elif module.key in previous:
            score.seconds = previous[module.key].get("seconds", 0.0)
            score.run_on = previous[module.key].get("run_on", "")
        scores.append(score)
    js_previous = next((p for k, p in previous.items() if k.startswith("js:")), {})
    scores += js_scores(seconds.get("js", js_previous.get("seconds", 0.0)),
                        today if "js" in seconds else js_previous.get("run_on", ""))
    # the whole run's time from its modules' (a run of some modules keeps the others' times);
    # Stryker's one run shows on each script's row: count it once
    wall = (sum(s.seconds for s in scores if s.language == "python")
            + max((s.seconds for s in scores if s.language != "python"), default=0.0))
    ok = write_report(scores, equivalents, wall)
    width = max((len(s.key) for s in scores), default=10)
    print(f"\n{'module':{width}}  mutants  detected  survived  equiv.  score")
    for s in scores:
        print(f"{s.key:{width}}  {s.total:7}  {s.detected:8}  {s.survived + s.no_tests + s.other:8}"
              f"  {s.equivalent:6}  {s.score:5.1f} %{'' if s.score >= TARGET else '  below ' + str(TARGET)}")
    print(f"\nreport: {REPORT_MD.relative_to(ROOT)}; survivors: build/mutation/<module>/survivors.md")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
