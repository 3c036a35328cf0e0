"""``tongda serve`` shows a saved text at once, then rebuilds the whole site.

On the demo portal with every plugin of its ``mkdocs.yml`` (audio included): a save that
changed a document's text is rendered into the served site with the last build's state
(its page and plain-text page, the same bytes the whole build then makes), the whole
rebuild that follows gives the site a fresh build gives, a save during that rebuild stops
it and leaves the previous site whole, and any other change (front matter, a new file,
the configuration) waits for the whole rebuild.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from site_builder.commands.serve import Rebuilder, saved_documents
from site_builder.plugins.core import cancel
from tests.site_builder.test_rebuild_equals_fresh import assert_equals_fresh, demo
from tests.site_builder.test_serve import wait_for

pytestmark = pytest.mark.integration

GUIDE = "services/passport-application.md"
PAGE = "services/passport-application/index.html"


def edit_paragraph(path: Path, mark: str) -> None:
    """Add ``mark`` to the first long paragraph after the front matter."""
    text = path.read_text("utf-8")
    lines = text.splitlines()
    paragraph = next(line for line in lines[lines.index("---", 1):] if len(line) > 20)
    path.write_text(text.replace(paragraph, paragraph + mark, 1), "utf-8")


@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Rebuilder]:
    root = demo(tmp_path)
    monkeypatch.chdir(root)
    rebuilder = Rebuilder(None, None, live=False)
    assert rebuilder.build(), rebuilder.error
    assert not cancel.in_serve()  # the serve flag ends with its build (nothing after reads it)
    return root, rebuilder


def test_a_saved_text_is_shown_at_once_and_the_whole_rebuild_agrees(
        served: tuple[Path, Rebuilder]) -> None:
    root, rebuilder = served
    site = root / "site"
    before = (site / PAGE).read_text("utf-8")
    untouched = {p: p.read_bytes() for p in (site / "services").rglob("index.html")
                 if p != site / PAGE}
    version = rebuilder.version
    edit_paragraph(root / "content" / GUIDE, "（本段刚刚修改。）")

    assert rebuilder.refresh({str(root / "content" / GUIDE)})
    assert rebuilder.version == version + 1
    shown = (site / PAGE).read_text("utf-8")
    assert "本段刚刚修改" in shown and "本段刚刚修改" not in before
    assert "本段刚刚修改" in (site / "text" / PAGE).read_text("utf-8")
    # Only that page was written: every other page is the file it was.
    assert {p: p.read_bytes() for p in untouched} == untouched

    assert rebuilder.build(), rebuilder.error
    assert (site / PAGE).read_text("utf-8") == shown  # the whole build makes the same page
    assert_equals_fresh(root, "serve-refresh")


def test_other_changes_wait_for_the_whole_rebuild(served: tuple[Path, Rebuilder]) -> None:
    root, rebuilder = served
    content = root / "content"
    guide = content / GUIDE
    version = rebuilder.version
    guide.write_text(guide.read_text("utf-8").replace("title:", "title: 新", 1), "utf-8")
    assert not rebuilder.refresh({str(guide)})  # front matter: titles in listings, panels…
    new = content / "faqs" / "brand-new.md"
    new.write_text("---\nid: brand-new\ntitle: 新问题\n---\n\n新的回答。\n", "utf-8")
    assert not rebuilder.refresh({str(new)})
    assert not rebuilder.refresh({str(root / "mkdocs.yml")})
    assert not rebuilder.refresh({str(content / "_data" / "regions.yml")})
    assert rebuilder.version == version  # nothing shown half-made

    # A text saved with an editor's leftovers beside it is still only that text.
    vim_probe, backup = content / "services" / "4913", content / "services" / ".guide.swp"
    paths = {str(guide), str(vim_probe), str(backup), f"{guide}~"}
    assert saved_documents(paths, content) == [GUIDE]
    assert saved_documents({str(content / "faqs" / "gone.md")}, content) == []


def test_a_save_during_the_whole_rebuild_stops_it_and_keeps_the_site(
        served: tuple[Path, Rebuilder]) -> None:
    root, rebuilder = served
    site = root / "site"
    pages = {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*.html")}
    results: list[bool] = []
    thread = threading.Thread(target=lambda: results.append(rebuilder.build()))
    thread.start()
    deadline = time.monotonic() + 60
    while not rebuilder._whole_running and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.005)
    rebuilder.changed([str(root / "content" / GUIDE)])
    thread.join(300)
    assert results == [False], "the rebuild was stopped"
    assert rebuilder.error is None  # a stop is not an error to show
    after = {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*.html")}
    assert after == pages  # the previous site, whole
    assert not list(root.glob("site.tongda-tmp-*")), "no half-written build left behind"
    # moved aside at once, deleted in the background
    assert wait_for(lambda: not list(root.glob("site.tongda-*")), 30)
    # The save that stopped it is shown at once, with the finished build's state (the
    # stopped build's plugins must not have reset it), then the whole site is built.
    edit_paragraph(root / "content" / GUIDE, "（停下之后的修改。）")
    assert rebuilder.refresh({str(root / "content" / GUIDE)})
    shown = (site / PAGE).read_text("utf-8")
    assert "停下之后的修改" in shown
    assert rebuilder.build(), rebuilder.error
    assert (site / PAGE).read_text("utf-8") == shown
