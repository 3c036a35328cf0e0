"""Reusing unchanged pages' previous output gives exactly the site a fresh build gives."""

from __future__ import annotations

import filecmp
import re
from pathlib import Path

import pytest

from tests.conftest import tongda

pytestmark = pytest.mark.integration


def build(root: Path, *args: str) -> int:
    result = tongda("build", *args, cwd=root)
    assert result.returncode == 0, result.stderr
    found = re.search(r"页面：(\d+) 个沿用上次生成的结果", result.stderr)
    return int(found.group(1)) if found else 0


def differences(a: Path, b: Path) -> list[str]:
    out: list[str] = []

    def walk(cmp: filecmp.dircmp, prefix: str) -> None:
        out.extend(prefix + n for n in cmp.left_only + cmp.right_only + cmp.diff_files)
        for name, sub in cmp.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    walk(filecmp.dircmp(a, b), "")
    return [d for d in out if not d.endswith(".gz")]


def test_rebuild_reuses_pages_and_matches_a_fresh_build(project) -> None:
    root = project("portal-small")
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "  - tongda-text\n", encoding="utf-8")
    assert build(root) == 0
    pages = len([p for p in (root / "site").rglob("index.html") if "text" not in p.parts])
    assert build(root) == pages  # nothing changed: every page is reused
    source = root / "content/policies/passport-law.md"
    source.write_text(source.read_text(encoding="utf-8").replace(
        "title: 中华人民共和国护照法", "title: 中华人民共和国护照法（新）"), encoding="utf-8")
    reused = build(root)
    assert 0 < reused < pages - 5  # the page, its neighbours and listings are redone
    fresh = build(root, "-d", "fresh-site")
    assert fresh == 0
    assert differences(root / "site", root / "fresh-site") == []
    neighbour = (root / "site/services/passport-service/index.html").read_text(encoding="utf-8")
    assert "中华人民共和国护照法（新）" in neighbour
    text = (root / "site/text/services/passport-service/index.html").read_text(encoding="utf-8")
    assert "中华人民共和国护照法（新）" in text


def test_graph_rebuild_after_a_citation_goes_matches_a_fresh_build(project) -> None:
    """With the policy graph, a page depends on citations found in other files: when a
    document stops citing another, the cited page's panels and picture, and the lineage
    of everything below, must change on a rebuild exactly as on a fresh build."""
    root = project("graph-site")
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "cache_enabled: false", "cache_enabled: true"), encoding="utf-8")
    assert build(root) == 0
    graph_file = root / "site/graph/graph.json"
    first = graph_file.stat().st_ino
    assert build(root) > 0
    # Nothing changed: the previous graph.json stands (linked, not written again).
    assert graph_file.stat().st_ino == first
    before = (root / "site/policies/stable-jobs-notice/index.html").read_text(encoding="utf-8")
    assert "临江市稳就业若干措施" in before  # cited by 文号 from city-measures
    source = root / "content/policies/city-measures.md"
    source.write_text(source.read_text(encoding="utf-8").replace(
        "和国办函〔2018〕71号文件精神", "精神"), encoding="utf-8")
    reused = build(root)
    assert reused > 0
    assert graph_file.stat().st_ino != first  # written again: one edge fewer
    assert build(root, "-d", "fresh-site") == 0
    assert differences(root / "site", root / "fresh-site") == []
    after = (root / "site/policies/stable-jobs-notice/index.html").read_text(encoding="utf-8")
    assert "临江市稳就业若干措施" not in after
