"""Write one benchmark's section of docs/benchmarks.md, leaving the others as they are."""

from __future__ import annotations

import platform
import re
import socket
import subprocess
from pathlib import Path

DOC = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
HEADER = """# Benchmarks

Every figure here is produced by a script in `bench/`, run on the project's own machine
(2 cores, 24 GB) against the real peers side by side in one run, on the real corpus
(`shared/corpus/laws`, 3,000 Chinese laws and regulations). Each section says the command
that reproduces it. Tests never assert a wall-clock time; these figures are the record.
"""


def machine() -> str:
    """One line describing the machine a run was made on."""
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{platform.python_implementation()} {platform.python_version()}, {cpu}, "
            f"load {load_average()} at start")


def load_average() -> str:
    """The one-minute load average as the kernel writes it ("?" where there is none)."""
    loadavg = Path("/proc/loadavg")
    return loadavg.read_text().split()[0] if loadavg.exists() else "?"


def free_port() -> int:
    """A TCP port free on the loopback interface now (for a server the benchmark starts)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def write_section(name: str, markdown: str) -> Path:
    """Replace (or append) the section between ``<!-- bench:NAME -->`` markers."""
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else HEADER
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    block = f"{start}\n{markdown.strip()}\n{end}"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    text = pattern.sub(lambda _: block, text) if pattern.search(text) else f"{text.rstrip()}\n\n{block}\n"
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text(text, encoding="utf-8")
    return DOC


def git_revision() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, cwd=DOC.parent.parent).stdout.strip() or "?"
    except OSError:
        return "?"


def collect() -> Path:
    """Copy every ``docs/benchmarks-<name>.md`` (one per benchmark) into docs/benchmarks.md."""
    for part in sorted(DOC.parent.glob("benchmarks-*.md")):
        name = part.stem.removeprefix("benchmarks-")
        text = part.read_text(encoding="utf-8").strip()
        text = re.sub(r"^<!-- /?bench:[\w-]+ -->\n?", "", text, flags=re.M).strip()
        lines = text.splitlines()
        if lines and lines[0].startswith("# "):  # a part's title becomes a section title
            lines[0] = "#" + lines[0]
        text = "\n".join(lines).replace("\n## ", "\n### ") if not text.startswith("## ") else text
        write_section(name, f"{text}\n\n_(from `docs/{part.name}`)_")
    return DOC


if __name__ == "__main__":
    print(collect())
