"""Pages checked as they are written (``tongda build``): their results are used only while
the file is the one checked, and a file not written yet is tried again."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from a11y.static_check import SiteCheck, StaticChecker
from tests.a11y.test_a11y_static_rules import page

pytestmark = pytest.mark.unit


def _site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    (site / "a" / "index.html").write_bytes(page('<img src="x.png">'))
    return site


def test_an_early_result_is_used_while_the_file_is_unchanged(tmp_path: Path) -> None:
    site = _site(tmp_path)
    session = SiteCheck(StaticChecker(), site, None)
    assert session.check_early(["a/index.html"]) == 1
    result = StaticChecker().check_site(site, pages=["a/index.html"], session=session)
    assert result.early == 1
    assert [f.rule for f in result.findings] == ["img-alt"]


def test_a_file_written_again_after_its_check_is_checked_again(tmp_path: Path) -> None:
    site = _site(tmp_path)
    session = SiteCheck(StaticChecker(), site, None)
    session.check_early(["a/index.html"])
    path = site / "a" / "index.html"
    fixed = tmp_path / "fixed.html"
    fixed.write_bytes(page('<img src="x.png" alt="流程图">'))
    os.replace(fixed, path)  # as a plugin rewriting a page would
    result = StaticChecker().check_site(site, pages=["a/index.html"], session=session)
    assert result.early == 0
    assert result.findings == []


def test_a_file_not_written_yet_is_tried_with_the_next_batch(tmp_path: Path) -> None:
    site = _site(tmp_path)
    session = SiteCheck(StaticChecker(), site, None)
    assert session.check_early(["b/index.html"]) == 0
    (site / "b").mkdir()
    (site / "b" / "index.html").write_bytes(page(""))
    assert session.check_early([]) == 1
    result = StaticChecker().check_site(site, pages=["a/index.html", "b/index.html"],
                                        session=session)
    assert result.early == 1 and [p.path for p in result.pages] == ["a/index.html",
                                                                    "b/index.html"]
