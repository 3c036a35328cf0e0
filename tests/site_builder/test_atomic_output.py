"""The site folder is replaced only by a finished build: a crash between the two renames,
a stale temporary and a stopped build all leave the previous site, and what is thrown
away is moved aside at once (the next build does not wait for thousands of deletions)."""

from __future__ import annotations

from pathlib import Path

import pytest

from site_builder.plugins.core.atomic import AtomicOutput
from tests.site_builder.test_serve import wait_for

pytestmark = pytest.mark.unit


def _site(path: Path, text: str, pages: int = 1) -> None:
    for n in range(pages):
        page = path / f"p{n}" / "index.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(text, "utf-8")


def _gone(parent: Path, pattern: str) -> bool:
    return wait_for(lambda: not list(parent.glob(pattern)), 30)


def test_a_build_replaces_the_site_only_when_committed(tmp_path: Path) -> None:
    site = tmp_path / "site"
    _site(site, "旧")
    output = AtomicOutput(site)
    building = output.start()
    assert building != site and building.parent == tmp_path
    _site(building, "新")
    assert (site / "p0/index.html").read_text("utf-8") == "旧"
    output.commit()
    assert (site / "p0/index.html").read_text("utf-8") == "新"
    assert _gone(tmp_path, "site.tongda-*")


def test_a_failed_build_leaves_the_site_and_nothing_beside_it(tmp_path: Path) -> None:
    site = tmp_path / "site"
    _site(site, "旧")
    output = AtomicOutput(site)
    _site(output.start(), "半", pages=300)
    output.abort()
    assert (site / "p0/index.html").read_text("utf-8") == "旧"
    assert not list(tmp_path.glob("site.tongda-*"))  # tongda build: gone when it returns


def test_in_serve_a_stopped_build_is_moved_aside_at_once(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from site_builder.plugins.core import cancel

    monkeypatch.setattr(cancel, "in_serve", lambda: True)
    site = tmp_path / "site"
    _site(site, "旧")
    output = AtomicOutput(site)
    _site(output.start(), "半", pages=300)
    output.abort()
    assert not list(tmp_path.glob("site.tongda-tmp-*"))  # the build folder's name is free
    assert (site / "p0/index.html").read_text("utf-8") == "旧"
    assert _gone(tmp_path, "site.tongda-*")  # deleted in the background


def test_the_next_build_recovers_from_a_crash_between_the_renames(tmp_path: Path) -> None:
    site = tmp_path / "site"
    _site(tmp_path / "site.tongda-old-4242", "上次的网站")  # final renamed away, then a crash
    _site(tmp_path / "site.tongda-tmp-4243", "没写完")
    output = AtomicOutput(site)
    output.start()
    assert (site / "p0/index.html").read_text("utf-8") == "上次的网站"
    assert _gone(tmp_path, "site.tongda-tmp-4243")
    assert _gone(tmp_path, "site.tongda-trash-*")
    output.abort()
    assert (site / "p0/index.html").read_text("utf-8") == "上次的网站"
