"""Build the same corpus with Tongda, plain MkDocs, MkDocs + Material and Hugo, in one run.

Usage:
    python bench/build.py [--corpus ../shared/corpus/laws] [--sizes 1000,3000] [--write]
                          [--serve] [--audio]

For each size, the same documents (an evenly spaced, deterministic sample of the corpus)
are built by every tool; wall time, peak memory and output size are measured around the
tool's own command line. Tongda is measured with the core plugin alone and with every
plugin of the demo's ``mkdocs.yml`` but audio (the corpus imported with ``tongda import``,
the demo's data files beside it): with no cache at all, with warm caches and no previous
site (CI restoring ``.tongda-cache``), rebuilt unchanged, and after one edit. ``--serve``
adds one edit in ``tongda serve`` (from the save to the new version the page polls for);
``--audio`` adds one edit with ``tongda build`` and the audio plugin too (its clips cached in
``TONGDA_AUDIO_CACHE``, default ``.tongda-cache/audio``). With ``--write`` the table goes
to the ``build`` section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report import free_port, git_revision, machine, write_section

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HUGO_LAYOUT = {
    "layouts/_default/baseof.html": '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
    "<title>{{ .Title }}</title></head><body><main>{{ block \"main\" . }}{{ end }}</main></body></html>",
    "layouts/_default/single.html": '{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}{{ end }}',
    "layouts/_default/list.html": '{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}'
    '<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}',
}


CORE = os.environ.get("TONGDA_BENCH_PLUGINS", "tongda").split(",")
EDIT_LINE = "\n本条为基准测试追加的一段文字。\n"


@dataclass
class Run:
    tool: str
    docs: int
    seconds: float
    peak_mib: float
    output_mb: float
    note: str = ""


def sample(corpus: Path, size: int) -> list[Path]:
    files = sorted(p for p in corpus.rglob("*.md") if p.name != "_index.md")
    if size >= len(files):
        return files
    step = len(files) / size
    return [files[int(i * step)] for i in range(size)]


def timed(cmd: list[str], cwd: Path) -> tuple[float, float]:
    """Run a command under GNU time; return (wall seconds, peak RSS MiB)."""
    out = cwd / ".time"
    result = subprocess.run(["/usr/bin/time", "-o", str(out), "-f", "%e %M", *cmd], cwd=cwd,
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}")
    wall, kib = out.read_text().split()[-2:]
    return float(wall), int(kib) / 1024


def size_mb(path: Path) -> float:
    total = sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
    return total / 1e6


def copy_docs(files: list[Path], corpus: Path, dest: Path) -> None:
    for f in files:
        target = dest / f.relative_to(corpus)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(f, target)


def prepare(work: Path, corpus: Path, files: list[Path]) -> None:
    raw = work / "raw"
    copy_docs(files, corpus, raw)
    (raw / "index.md").write_text("# 法律法规库\n", encoding="utf-8")
    for name, theme in (("mkdocs", "mkdocs"), ("material", "material")):
        (work / f"{name}.yml").write_text(
            f"site_name: 法律法规库\ndocs_dir: raw\nsite_dir: out-{name}\ntheme:\n  name: {theme}\n"
            "nav:\n  - index.md\nvalidation:\n  nav:\n    omitted_files: info\n", encoding="utf-8")
    hugo = work / "hugo"
    copy_docs(files, corpus, hugo / "content")
    for rel, text in HUGO_LAYOUT.items():
        (hugo / rel).parent.mkdir(parents=True, exist_ok=True)
        (hugo / rel).write_text(text, encoding="utf-8")
    (hugo / "config.toml").write_text('baseURL = "https://laws.example.gov.cn/"\n'
                                      'languageCode = "zh-CN"\ntitle = "法律法规库"\n'
                                      'disableKinds = ["taxonomy", "term", "RSS"]\n', encoding="utf-8")
    subprocess.run([str(BIN / "tongda"), "import", str(raw), str(work / "content")],
                   check=True, capture_output=True)
    shutil.rmtree(work / "content" / "policies" / "index.md", ignore_errors=True)
    (work / "tongda.yml").write_text(
        "site_name: 法律法规库\nsite_url: https://laws.example.gov.cn/\ndocs_dir: content\n"
        "site_dir: out-tongda\ntheme:\n  name: tongda\nplugins:\n"
        + "".join(f"  - {p}\n" for p in CORE), encoding="utf-8")
    # Every plugin of the demo, with its data files; audio only in tongda-audio.yml.
    shutil.copytree(ROOT / "content" / "_data", work / "content" / "_data")
    published = ROOT / "var" / "voucher" / "public"
    if published.is_dir():
        shutil.copytree(published, work / "var" / "voucher" / "public")
    demo = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    demo = demo.replace("site_dir: site\n", "site_dir: out-full\n")
    (work / "tongda-audio.yml").write_text(demo.replace("out-full", "out-audio"), encoding="utf-8")
    (work / "tongda-full.yml").write_text(without_audio(demo), encoding="utf-8")


def without_audio(config: str) -> str:
    """The demo's mkdocs.yml without the ``tongda-audio`` entry (and its options)."""
    out: list[str] = []
    skipping = False
    for line in config.splitlines(keepends=True):
        if line.strip().startswith("- tongda-audio"):
            skipping = True
            continue
        if skipping and line.startswith("      "):
            continue
        skipping = False
        out.append(line)
    return "".join(out)


def edit(work: Path, n: int = 7, line: str = EDIT_LINE) -> Path:
    """Append a paragraph to one law (the same law each time)."""
    edited = sorted((work / "content" / "policies").glob("*.md"))[n]
    with edited.open("a", encoding="utf-8") as fh:
        fh.write(line)
    return edited


def measure(work: Path, docs: int) -> list[Run]:
    runs = []
    for name in ("mkdocs", "material"):
        wall, peak = timed([str(BIN / "mkdocs"), "build", "-q", "-f", f"{name}.yml"], work)
        label = "MkDocs (plain)" if name == "mkdocs" else "MkDocs + Material"
        runs.append(Run(label, docs, wall, peak, size_mb(work / f"out-{name}")))
    wall, peak = timed(["hugo", "--quiet", "-d", "out-hugo", "-s", "hugo"], work)
    runs.append(Run("Hugo", docs, wall, peak, size_mb(work / "hugo" / "out-hugo")))
    shutil.rmtree(work / ".tongda-cache", ignore_errors=True)
    tongda = [str(BIN / "tongda"), "build", "-f", "tongda.yml"]
    for note in ("cold cache", "rebuild, nothing changed"):
        wall, peak = timed(tongda, work)
        runs.append(Run("Tongda", docs, wall, peak, size_mb(work / "out-tongda"), note))
    edit(work)
    wall, peak = timed(tongda, work)
    runs.append(Run("Tongda", docs, wall, peak, size_mb(work / "out-tongda"),
                    "rebuild, one document edited"))
    return runs + measure_full(work, docs)


def measure_full(work: Path, docs: int) -> list[Run]:
    """Every plugin of the demo but audio: no cache, warm cache (no previous site), rebuilds."""
    runs = []
    full = [str(BIN / "tongda"), "build", "-f", "tongda-full.yml"]
    shutil.rmtree(work / ".tongda-cache", ignore_errors=True)
    label = "Tongda, every plugin but audio"
    wall, peak = timed(full, work)
    runs.append(Run(label, docs, wall, peak, size_mb(work / "out-full"), "no cache at all"))
    shutil.rmtree(work / "out-full")  # CI: the caches restored, no previous site
    wall, peak = timed(full, work)
    runs.append(Run(label, docs, wall, peak, size_mb(work / "out-full"),
                    "warm caches, no previous site (CI)"))
    wall, peak = timed(full, work)
    runs.append(Run(label, docs, wall, peak, size_mb(work / "out-full"), "rebuild, nothing changed"))
    edit(work)
    wall, peak = timed(full, work)
    runs.append(Run(label, docs, wall, peak, size_mb(work / "out-full"),
                    "rebuild, one document edited"))
    return runs


def measure_audio(work: Path, docs: int) -> list[Run]:
    """The demo's every plugin, audio too: a first build (clips from the cache when they are
    there), then one edited paragraph: its clip and its page's MP3 are made again."""
    cmd = [str(BIN / "tongda"), "build", "-f", "tongda-audio.yml"]
    wall, peak = timed(cmd, work)
    label = "Tongda, every plugin with audio"
    first = Run(label, docs, wall, peak, size_mb(work / "out-audio"), "first build (audio cache as found)")
    edit(work)
    wall, peak = timed(cmd, work)
    return [first, Run(label, docs, wall, peak, size_mb(work / "out-audio"),
                       "rebuild, one document edited")]


def measure_serve(work: Path, docs: int, saves: int = 10) -> list[Run]:
    """``tongda serve`` on every plugin but audio: the time from saving one document to the
    served page holding the saved text, after a first build. The saves come 1 to 10 s
    apart, so some land while the whole rebuild after the previous one is under way.
    (Waiting for ``/__tongda/version`` alone would be wrong twice over: the whole rebuild
    after a save also moves it.)"""
    import http.client
    import json
    import time
    import urllib.request

    port = free_port()
    proc = subprocess.Popen([str(BIN / "tongda"), "serve", "-f", "tongda-full.yml", "--port",
                             str(port)], cwd=work, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"

    def fetch(path: str) -> str:
        try:
            with urllib.request.urlopen(base + path, timeout=2) as resp:  # noqa: S310 - loopback http
                return str(resp.read().decode("utf-8"))
        except (OSError, http.client.HTTPException):  # the site swapped in mid-answer
            return ""

    def version() -> int:
        text = fetch("/__tongda/version")
        return int(json.loads(text)["version"]) if text else -1

    runs = []
    try:
        deadline = time.monotonic() + 900
        while version() < 1 and time.monotonic() < deadline:
            time.sleep(0.5)
        for n in range(saves):
            time.sleep((2, 1, 5, 3, 10)[n % 5])
            mark = f"基准测试{time.time_ns()}号保存的文字。"  # new to every run
            started = time.monotonic()
            law = edit(work, 7 + n, f"\n{mark}\n")
            page = f"/policies/{law.stem}/"
            while mark not in fetch(page) and time.monotonic() - started < 600:
                time.sleep(0.02)
            runs.append(Run("Tongda serve, every plugin but audio", docs,
                            time.monotonic() - started, 0.0, 0.0,
                            f"one document saved → served page shows it (save {n + 1})"))
    finally:
        proc.terminate()
        proc.wait(timeout=60)
    return runs


def table(runs: list[Run]) -> str:
    lines = ["| tool | documents | wall time (s) | × plain MkDocs | × Material | × Hugo "
             "| peak memory (MiB) | output (MB) | note |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---|"]
    base = {(r.tool, r.docs): r.seconds for r in runs}

    def ratio(r: Run, tool: str) -> str:
        b = base.get((tool, r.docs))
        return f"{r.seconds / b:.2f}" if b else ""

    for r in runs:
        peak = f"{r.peak_mib:.0f}" if r.peak_mib else ""
        size = f"{r.output_mb:.0f}" if r.output_mb else ""
        lines.append(f"| {r.tool} | {r.docs:,} | {r.seconds:.1f} | {ratio(r, 'MkDocs (plain)')} "
                     f"| {ratio(r, 'MkDocs + Material')} | {ratio(r, 'Hugo')} | {peak} | {size} "
                     f"| {r.note} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "laws")
    parser.add_argument("--sizes", default="1000,3000")
    parser.add_argument("--write", action="store_true", help="write docs/benchmarks.md")
    parser.add_argument("--serve", action="store_true", help="also one edit in tongda serve")
    parser.add_argument("--audio", action="store_true", help="also one edit with audio")
    parser.add_argument("--keep", type=Path, help="build here and keep it (default: a temporary folder)")
    args = parser.parse_args()
    runs: list[Run] = []
    for size in (int(s) for s in args.sizes.split(",")):
        files = sample(args.corpus, size)
        with tempfile.TemporaryDirectory(prefix=f"tongda-bench-{size}-") as tmp:
            work = args.keep / str(size) if args.keep else Path(tmp)
            shutil.rmtree(work, ignore_errors=True)
            work.mkdir(parents=True)
            prepare(work, args.corpus, files)
            runs += measure(work, len(files))
            if args.serve:
                runs += measure_serve(work, len(files))
            if args.audio:
                runs += measure_audio(work, len(files))
        print(table([r for r in runs if r.docs == len(files)]), flush=True)
    text = table(runs)
    print(text)
    if args.write:
        flags = " --serve" * args.serve + " --audio" * args.audio
        section = (f"## Build: Tongda against MkDocs, Material and Hugo\n\n"
                   f"`python bench/build.py --sizes {args.sizes}{flags} --write` (revision "
                   f"{git_revision()}; {machine()}).\n\nPlain MkDocs and Material build the raw "
                   "corpus with only the home page in the nav (thousands of pages in the nav cost "
                   "minutes and gigabytes); Hugo uses a three-template layout; Tongda builds the "
                   "corpus imported with `tongda import`, with its listings, facets, A–Z index and "
                   "related panels. Peak memory is the largest process's RSS.\n\n"
                   f"{text}\n\n"
                   "“Tongda” rows use the core plugin alone. “Every plugin but audio” is the demo's "
                   "`mkdocs.yml` without `tongda-audio` (graph, open data, feeds, plain text, "
                   "search, matching, complaints, vouchers, quality, static accessibility rules, "
                   "applications, engagement), the demo's data files beside the corpus: first with "
                   "no cache at all, then with the caches kept and no previous site (what CI does "
                   "when it restores `.tongda-cache`), then rebuilt into the previous site. "
                   "Profile with `python -m cProfile -s cumulative $(which tongda) build -f …`.\n")
        print(f"written to {write_section('build', section)}")


if __name__ == "__main__":
    main()
