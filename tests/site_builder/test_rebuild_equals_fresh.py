"""A rebuild gives, file by file, the site a fresh build gives: every plugin on, MP3 included.

The demo portal and an imported law corpus (a sample of ``shared/corpus/laws`` kept in
``tests/fixtures/import-src``, imported with ``tongda import`` and built with the demo's
``mkdocs.yml``) are built, then built again into the same ``site/`` after nothing changed,
after one edit, after a deletion and after a rename. After each rebuild a fresh copy of the
project (no site, no ``.tongda-cache`` but the shared audio clips) is built, and the two
sites must hold the same files with the same bytes.

Only ``report/`` is left out: the build report is about the build (its timings, and the
trend against the previous build a fresh build does not have).
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, ROOT, tongda

pytestmark = pytest.mark.integration

BUILD_REPORT = "report/"


def build(root: Path) -> int:
    """``tongda build`` in ``root``; returns how many pages were reused."""
    return build_and_search(root)[0]


def build_and_search(root: Path) -> tuple[int, int, int]:
    """``tongda build`` in ``root``; returns how many pages were reused, and how many
    documents the search index holds and took from the earlier build."""
    result = tongda("build", cwd=root)
    assert result.returncode == 0, result.stderr[-3000:]
    found = re.search(r"页面：(\d+) 个沿用上次生成的结果", result.stderr)
    search = re.search(r"搜索索引：(\d+) 篇文档（(\d+) 篇沿用上次的索引）", result.stderr)
    assert search is not None, result.stderr[-3000:]
    return (int(found.group(1)) if found else 0, int(search.group(1)), int(search.group(2)))


def _bytes(path: Path) -> bytes:
    data = path.read_bytes()
    # A gzip file carries its writing time in its header; what it holds must be equal.
    return gzip.decompress(data) if path.suffix == ".gz" else data


def differences(a: Path, b: Path) -> list[str]:
    """Files only in one site, or in both with other bytes (``report/`` left out)."""
    def files(root: Path) -> set[str]:
        return {p.relative_to(root).as_posix() for p in root.rglob("*")
                if p.is_file() and not p.relative_to(root).as_posix().startswith(BUILD_REPORT)}

    left, right = files(a), files(b)
    out = sorted(f"only in {a.name}: {f}" for f in left - right)
    out += sorted(f"only in {b.name}: {f}" for f in right - left)
    out += sorted(f"differs: {f}{_detail(a / f, b / f)}" for f in left & right
                  if _bytes(a / f) != _bytes(b / f))
    return out


def _detail(a: Path, b: Path) -> str:
    """For the search manifest (gzip JSON), the top-level keys whose values differ."""
    if a.name != "manifest.tdz":
        return ""
    left, right = json.loads(gzip.decompress(a.read_bytes())), json.loads(gzip.decompress(b.read_bytes()))
    keys = sorted(k for k in set(left) | set(right) if left.get(k) != right.get(k))
    inner = {k: sorted(j for j in set(left.get(k) or {}) | set(right.get(k) or {})
                       if (left.get(k) or {}).get(j) != (right.get(k) or {}).get(j))
             for k in keys if isinstance(left.get(k), dict) and isinstance(right.get(k), dict)}
    return f" (keys {keys}, within {inner})"


def fresh_copy(root: Path, dest: Path) -> Path:
    """The project's sources without its site or caches."""
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(root, dest, ignore=shutil.ignore_patterns("site", ".tongda-cache", "site.*"))
    return dest


def assert_equals_fresh(root: Path, step: str) -> None:
    fresh = fresh_copy(root, root.parent / f"fresh-{step}")
    assert build(fresh) == 0
    assert differences(root / "site", fresh / "site") == [], step
    mp3 = sorted(p.relative_to(root / "site") for p in (root / "site/audio").rglob("*.mp3"))
    assert mp3, "the site has audio"
    shutil.rmtree(fresh)


def players(site: Path) -> list[Path]:
    """Pages that link to their audio (the player's MP3)."""
    return [p for p in site.rglob("index.html")
            if "text" not in p.relative_to(site).parts and 'class="td-player' in p.read_text("utf-8")]


def check_every_rebuild(root: Path, edit: Callable[[Path], None], delete: Path,
                        rename: tuple[Path, Path]) -> None:
    assert build(root) == 0
    pages = players(root / "site")
    assert pages, "pages with audio"
    reused, docs, inherited = build_and_search(root)
    assert reused > 0  # nothing changed: pages are reused…
    assert inherited == docs > 0  # …and the search index takes every document as it was
    for page in pages:  # …and each still has the MP3 it links to
        mp3 = re.search(r'src="([^"]+\.mp3)"', page.read_text("utf-8"))
        assert mp3 is not None and (page.parent / mp3.group(1)).resolve().is_file(), page
    assert_equals_fresh(root, "unchanged")
    edit(root)
    pages_again, docs, inherited = build_and_search(root)
    assert pages_again < reused  # the page, its neighbours and listings are made again
    assert inherited == docs - 1  # the search index analyses the edited document alone
    assert_equals_fresh(root, "edit")
    delete.unlink()
    build(root)
    assert_equals_fresh(root, "delete")
    rename[0].rename(rename[1])
    build(root)
    assert_equals_fresh(root, "rename")


def copy_vouchers(root: Path) -> None:
    """The voucher function's public files, when this checkout has made them (var/ is not
    in git: without them the site has no voucher files, in both builds alike)."""
    published = ROOT / "var" / "voucher" / "public"
    if published.is_dir():
        shutil.copytree(published, root / "var" / "voucher" / "public")


def demo(tmp: Path) -> Path:
    root = tmp / "demo"
    root.mkdir()
    shutil.copy(ROOT / "mkdocs.yml", root)
    shutil.copytree(ROOT / "content", root / "content")
    copy_vouchers(root)
    return root


def imported_laws(tmp: Path) -> Path:
    """The law corpus sample imported with ``tongda import``, to be built with the demo's
    ``mkdocs.yml`` and data (issue 20's setup), without the demo's texts."""
    root = tmp / "laws"
    imported = tongda("import", str(FIXTURES / "import-src" / "laws"), str(root / "content"))
    assert imported.returncode == 0, imported.stderr[-2000:]
    shutil.copy(ROOT / "mkdocs.yml", root)
    shutil.copytree(ROOT / "content" / "_data", root / "content" / "_data")
    copy_vouchers(root)
    return root


def test_demo_rebuilds_equal_fresh_builds(tmp_path: Path) -> None:
    root = demo(tmp_path)
    content = root / "content"

    def edit(root: Path) -> None:  # an edited paragraph of a guide that is read aloud
        guide = content / "services/passport-application.md"
        text = guide.read_text("utf-8")
        paragraph = next(line for line in text.splitlines()[text.splitlines().index("---", 1):]
                         if len(line) > 20)
        guide.write_text(text.replace(paragraph, paragraph + "（本段已更新。）", 1), "utf-8")

    check_every_rebuild(root, edit, delete=content / "faqs/dog-registration-fee.md",
                        rename=(content / "faqs/unpaid-wages.md",
                                content / "faqs/wages-unpaid.md"))


def test_imported_corpus_rebuilds_equal_fresh_builds(tmp_path: Path) -> None:
    root = imported_laws(tmp_path)
    laws = sorted((root / "content").rglob("*.md"))
    laws = [p for p in laws if "_data" not in p.parts]

    def edit(root: Path) -> None:  # a paragraph of one law: its first paragraph is read aloud
        law = laws[3]
        text = law.read_text("utf-8")
        law.write_text(text.replace("。", "。（本条已修改。）", 1), "utf-8")

    check_every_rebuild(root, edit, delete=laws[5], rename=(laws[7], laws[7].with_name("renamed.md")))


def test_serve_rebuilds_in_one_process_equal_fresh_builds(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """``tongda serve`` rebuilds in the process that keeps the plugins and their memory
    (the search's analyses): after an edit and after a deletion, the site equals a fresh
    build."""
    from site_builder.commands.serve import Rebuilder

    root = imported_laws(tmp_path)
    monkeypatch.chdir(root)
    rebuilder = Rebuilder(None, None, live=False)
    assert rebuilder.build(), rebuilder.error
    laws = sorted(p for p in (root / "content").rglob("*.md") if "_data" not in p.parts)
    law = laws[3]
    law.write_text(law.read_text("utf-8").replace("。", "。（已修改。）", 1), "utf-8")
    assert rebuilder.build(), rebuilder.error
    assert_equals_fresh(root, "serve-edit")
    laws[5].unlink()  # nothing refers to it
    assert rebuilder.build(), rebuilder.error
    assert_equals_fresh(root, "serve-delete")
