"""Benchmark of the audio pipeline (issue 7).

Figures:
  * characters per second per core for Tongda's pipeline (normalise → pyttsx3/eSpeak NG in
    worker processes → clip cache → join → MP3), from an empty cache;
  * the same for the ``espeak-ng`` command line on the same spoken text, one process: the
    limit. Run twice: with the espeakng-loader library (the engine the pipeline uses, 1.52,
    voice cmn) and with Debian's stock 1.51 (voice cmn-latn-pinyin);
  * MP3 bytes per minute of speech, and the time of a rebuild from a warm cache.

Text: paragraphs of the laws in /work/shared/corpus/laws/社会法 (the corpus is not needed by
the tests; this benchmark needs it).

    .venv/bin/python bench/audio.py [--chars 10000] [--workers 0] [--write docs/benchmarks-audio.md]
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "laws" / "社会法"


def corpus_paragraphs(limit_chars: int) -> list[str]:
    """Body paragraphs of the corpus, in a stable order, until ``limit_chars``."""
    out: list[str] = []
    total = 0
    for path in sorted(CORPUS.glob("*.md")):
        if path.name.startswith("_"):
            continue
        body = path.read_text("utf-8").split("<!-- INFO END -->")[-1]
        for line in body.splitlines():
            line = re.sub(r"^#+\s*", "", line).strip()
            if len(line) < 2:
                continue
            out.append(line)
            total += len(line)
            if total >= limit_chars:
                return out
    return out


def cpu_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cpu_self() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def bench_pipeline(paragraphs: list[str], workers: int, tmp: Path) -> dict[str, Any]:
    """Run the pipeline from an empty cache, timing its two phases apart (each phase has its
    own worker pool, so the CPU time of its reaped workers can be read from rusage)."""
    from site_builder.plugins.audio.builder import AudioBuilder
    from site_builder.plugins.audio.cache import ClipCache
    from site_builder.plugins.audio.engine import create_engine
    from site_builder.plugins.audio.segment import Block
    from site_builder.plugins.audio.synth import Job, default_jobs, run_all

    engine = create_engine("pyttsx3", "auto", 175)
    cache = ClipCache(tmp / "cache", engine.sample_rate)
    blocks = [Block(f"td-p-{n}", "p", text) for n, text in enumerate(paragraphs, 1)]
    processes = workers or 2 * default_jobs()

    def builder() -> AudioBuilder:
        b = AudioBuilder(engine, cache, workers, progress=False)
        for start in range(0, len(blocks), 40):  # pages of 40 paragraphs: a long guide
            b.add_page(f"p{start}/", "t", blocks[start : start + 40])
        return b

    def timed(fn: Any) -> tuple[Any, float, float]:
        cpu0, wall0 = cpu_children() + cpu_self(), time.perf_counter()
        result = fn()
        return result, time.perf_counter() - wall0, cpu_children() + cpu_self() - cpu0

    first = builder()
    jobs = {it.key: Job(it.key, tuple(it.spoken)) for p in first.pages.values() for it in p.items}
    chars = sum(len(s) for j in jobs.values() for s in j.sentences)
    synthesised, synth_wall, synth_cpu = timed(
        lambda: run_all(list(jobs.values()), [], engine, cache, workers, False))
    stats, enc_wall, enc_cpu = timed(lambda: first.build(tmp / "cold"))
    warm, warm_wall, _ = timed(lambda: builder().build(tmp / "warm"))
    cores = default_jobs()
    return {
        "identity": engine.identity, "processes": processes, "cores": cores, "chars": chars,
        "clips": synthesised, "synth_wall": synth_wall, "synth_cpu": synth_cpu,
        "enc_wall": enc_wall, "enc_cpu": enc_cpu,
        "wall": synth_wall + enc_wall, "cpu": synth_cpu + enc_cpu,
        "speech_s": stats.seconds, "mp3_bytes": stats.bytes,
        "bytes_per_min": stats.bytes / (stats.seconds / 60),
        "warm_wall": warm_wall, "warm_synth": warm.synthesised,
    }


def bench_cli(spoken: str, env: dict[str, str], voice: str, tmp: Path) -> dict[str, float]:
    """One espeak-ng process speaking the whole text to a WAV file."""
    text = tmp / "text.txt"
    text.write_text(spoken, "utf-8")
    cpu0, wall0 = cpu_children(), time.perf_counter()
    subprocess.run(["espeak-ng", "-v", voice, "-s", "175", "-w", str(tmp / "cli.wav"),
                    "-f", str(text)], check=True, env={**os.environ, **env},
                   capture_output=True)
    wall, cpu = time.perf_counter() - wall0, cpu_children() - cpu0
    version = subprocess.run(["espeak-ng", "--version"], env={**os.environ, **env},
                             capture_output=True, text=True, check=True).stdout.split(":")[1].split()[0]
    import soundfile as sf

    seconds = sf.info(str(tmp / "cli.wav")).duration
    chars = len(spoken.replace("\n", ""))
    return {"version": version, "voice": voice, "wall": wall, "cpu": cpu, "chars": chars,
            "chars_per_s_core": chars / wall, "chars_per_cpu_s": chars / cpu,
            "speech_s": seconds}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--chars", type=int, default=10000)
    parser.add_argument("--workers", type=int, default=0)
    parser.add_argument("--write", type=Path, default=None, help="write a Markdown report")
    args = parser.parse_args()
    if not CORPUS.exists():
        print(f"corpus not found: {CORPUS}", file=sys.stderr)
        return 2
    from site_builder.plugins.audio.engine import locate_espeak
    from site_builder.plugins.audio.normalise import normalise, split_sentences

    paragraphs = corpus_paragraphs(args.chars)
    spoken = "\n".join(normalise(s) for p in paragraphs for s in (split_sentences(p) or [p]))
    with tempfile.TemporaryDirectory(prefix="td-bench-audio-") as tmp_name:
        tmp = Path(tmp_name)
        pipe = bench_pipeline(paragraphs, args.workers, tmp)
        where = locate_espeak()
        loader_env = ({"LD_LIBRARY_PATH": str(Path(where.library).parent),
                       "ESPEAK_DATA_PATH": where.data_path or ""}
                      if where.source == "espeakng-loader" else {})
        cli_loader = bench_cli(spoken, loader_env, "cmn" if loader_env else "cmn-latn-pinyin", tmp)
        cli_debian = bench_cli(spoken, {}, "cmn-latn-pinyin", tmp)
    report = render(pipe, [cli_loader, cli_debian], len(paragraphs))
    print(report)
    if args.write:
        args.write.parent.mkdir(parents=True, exist_ok=True)
        args.write.write_text(report, "utf-8")
    return 0


def _row(label: str, chars: int, wall: float, cpu: float, cores: int, speech: float) -> str:
    return (f"| {label} | {wall:.2f} | {cpu:.2f} | {chars / wall / cores:,.0f} | "
            f"{chars / cpu:,.0f} | {speech / 60:.1f} min |")


def render(pipe: dict[str, Any], clis: list[dict[str, Any]], paragraphs: int) -> str:
    chars, cores = pipe["chars"], pipe["cores"]
    load = os.getloadavg()[0]
    lines = [
        "# Audio benchmark (issue 7)",
        "",
        (
            "Measured with `.venv/bin/python bench/audio.py --write docs/benchmarks-audio.md` on "
            f"{platform.machine()} with {cores} cores shared with other jobs (load average "
            f"{load:.1f} at the end of the run), {time.strftime('%Y-%m-%d %H:%M')}. On a shared "
            "box wall times swing; **chars per CPU second** is the steadier figure (it is "
            "chars/s/core when a core is fully ours)."
        ),
        (
            f"Text: {chars:,} spoken characters in {paragraphs} paragraphs of "
            "shared/corpus/laws/社会法, normalised (numbers, dates, 文号) as the pipeline "
            "speaks them; the CLI gets exactly that text, one sentence a line."
        ),
        "",
        "| what | wall s | CPU s | chars/s/core (wall) | chars per CPU s | speech |",
        "|---|---:|---:|---:|---:|---:|",
        _row(f"Tongda pipeline, total ({pipe['processes']} processes on {cores} cores)", chars,
             pipe["wall"], pipe["cpu"], cores, pipe["speech_s"]),
        _row("&nbsp;&nbsp;synthesis phase (pyttsx3 → eSpeak NG, FLAC clip cache)", chars,
             pipe["synth_wall"], pipe["synth_cpu"], cores, pipe["speech_s"]),
        _row("&nbsp;&nbsp;page phase (join, MP3 encoding, VTT/JSON)", chars,
             pipe["enc_wall"], pipe["enc_cpu"], cores, pipe["speech_s"]),
    ]
    for cli in clis:
        lines.append(_row(f"`espeak-ng` CLI {cli['version']}, voice {cli['voice']}, 1 process, WAV",
                          cli["chars"], cli["wall"], cli["cpu"], 1, cli["speech_s"]))
    lines += [
        "",
        (
            f"- Engine: {pipe['identity']}. Synthesis against the CLI limit (same library and "
            f"voice, per CPU second): "
            f"{(chars / pipe['synth_cpu']) / clis[0]['chars_per_cpu_s']:.0%}; the whole "
            f"pipeline including MP3: {(chars / pipe['cpu']) / clis[0]['chars_per_cpu_s']:.0%}."
        ),
        (
            "- MP3 (mono 22,050 Hz, soundfile/LAME average bitrate, compression 0.9): "
            f"**{pipe['bytes_per_min'] / 1000:,.0f} kB per minute of speech** "
            f"({pipe['mp3_bytes'] / 1e6:.2f} MB for {pipe['speech_s'] / 60:.1f} min)."
        ),
        (
            f"- Rebuild with no text change: {pipe['warm_wall']:.2f} s wall, "
            f"{pipe['warm_synth']} clips synthesised, no page re-encoded (pages are cached by "
            "the keys of their clips)."
        ),
        (
            "- Where the time goes: eSpeak NG itself speaks about a thousand times faster than "
            "real time; MP3 encoding (about 150x real time) is most of the CPU, and pyttsx3's "
            "driver polls every 10 ms per utterance (one per sentence, for exact sentence "
            "timing), which costs wall time but little CPU; hence two processes per core."
        ),
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
