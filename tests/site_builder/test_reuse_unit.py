"""Page reuse decided page by page (``site_builder/plugins/core/reuse.py``), without a build.

What an editor would notice if these slipped: a page that keeps its old text after an edit
(a signature blind to some input), a page whose audio or plain-text file vanished on a
rebuild (reused without every file it owns), or every page rendered again after a harmless
change (a signature that depends on key order). The whole-site versions of these are
``test_reuse.py`` and ``test_rebuild_equals_fresh.py``; these are the same rules, fast
enough to run for every mutant of the module.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from site_builder.plugins.core import reuse as reuse_module
from site_builder.plugins.core.reuse import PageReuse, manifest_path, site_signature

pytestmark = pytest.mark.unit

PAGE = "policies/p1/index.html"
AUDIO = "audio/p1/0001.mp3"
TEXT = "text/policies/p1/index.txt"


def write(path: Path, text: str = "x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    return path


def built(tmp_path: Path, files: dict[str, str], *, sig: str = "s1", site_sig: str = "site",
          data: dict[str, object] | None = None) -> tuple[Path, Path]:
    """A previous build: ``site/`` with ``files``, and its manifest recording PAGE with the
    other files as its outputs."""
    cache, site = tmp_path / "cache", tmp_path / "site"
    for rel, text in files.items():
        write(site / rel, text)
    first = PageReuse(cache, site, site_sig)
    assert first.check(PAGE, sig) is False  # nothing recorded yet
    for rel in files:
        if rel != PAGE:
            first.add_output(PAGE, rel)
    for name, value in (data or {}).items():
        first.set_data(PAGE, name, value)
    first.save()
    return cache, site


# ------------------------------------------------------------------ the site-wide signature

def test_site_signature_follows_config_code_and_extra(tmp_path: Path) -> None:
    theme = tmp_path / "theme"
    css = write(theme / "assets" / "site.css", "a{}")
    base = site_signature("site_name: 通达", [theme], {"nav": ["首页"]})
    assert base == site_signature("site_name: 通达", [theme], {"nav": ["首页"]})
    assert len(base) == 64 and int(base, 16) >= 0
    assert site_signature("site_name: 通达2", [theme], {"nav": ["首页"]}) != base
    assert site_signature("site_name: 通达", [theme], {"nav": ["首页", "政策"]}) != base
    assert site_signature("site_name: 通达", [], {"nav": ["首页"]}) != base
    # a theme file edited (size) or touched (time) makes every page render again
    css.write_text("a{color:red}", "utf-8")
    edited = site_signature("site_name: 通达", [theme], {"nav": ["首页"]})
    assert edited != base
    st_ = css.stat()
    os.utime(css, ns=(st_.st_atime_ns, st_.st_mtime_ns + 10_000_000))
    assert site_signature("site_name: 通达", [theme], {"nav": ["首页"]}) != edited
    # a new file in a subfolder counts too
    write(theme / "partials" / "new.html", "<p>")
    assert site_signature("site_name: 通达", [theme], {"nav": ["首页"]}) != edited


def test_site_signature_ignores_bytecode_and_node_modules(tmp_path: Path) -> None:
    code = tmp_path / "code"
    write(code / "plugin.py", "x = 1")
    base = site_signature("", [code], None)
    write(code / "__pycache__" / "plugin.cpython-311.pyc", "bytes")
    write(code / "node_modules" / "axe-core" / "axe.js", "js")
    write(code / "sub" / "__pycache__" / "m.pyc", "bytes")
    assert site_signature("", [code], None) == base
    write(code / "sub" / "m.py", "y = 2")
    assert site_signature("", [code], None) != base


def test_stat_files_lists_every_file_with_time_and_size_in_a_stable_order(tmp_path: Path) -> None:
    write(tmp_path / "b.txt", "bb")
    write(tmp_path / "a" / "z.txt", "z")
    write(tmp_path / "a.txt", "aaa")
    listed = reuse_module._stat_files([tmp_path])
    names = [os.path.relpath(p, tmp_path) for p, _, _ in listed]
    assert names == ["a.txt", "b.txt", os.path.join("a", "z.txt")]
    sizes = {os.path.relpath(p, tmp_path): size for p, _, size in listed}
    assert sizes == {"a.txt": 3, "b.txt": 2, os.path.join("a", "z.txt"): 1}
    for path, mtime, _ in listed:
        assert mtime == os.stat(path).st_mtime_ns


# ------------------------------------------------------------------------- the manifest file

def test_each_site_folder_has_its_own_record(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    one = manifest_path(cache, tmp_path / "site")
    assert one.parent == cache
    assert one.name.startswith("pages-") and one.name.endswith(".json")
    assert len(one.name) == len("pages-") + 12 + len(".json")
    assert manifest_path(cache, tmp_path / "site") == one
    assert manifest_path(cache, tmp_path / "other") != one
    # the same folder named another way is the same record
    (tmp_path / "site").mkdir()
    assert manifest_path(cache, tmp_path / "x" / ".." / "site") == one


def test_a_record_of_another_site_signature_or_a_broken_one_reuses_nothing(tmp_path: Path) -> None:
    cache, site = built(tmp_path, {PAGE: "<p>1</p>"})
    assert PageReuse(cache, site, "site").check(PAGE, "s1") is True
    assert PageReuse(cache, site, "other-site").check(PAGE, "s1") is False
    path = manifest_path(cache, site)
    path.write_text("{not json", "utf-8")
    assert PageReuse(cache, site, "site").old == {}
    path.write_text(json.dumps({"site": "site", "pages": ["not", "a", "mapping"]}), "utf-8")
    assert PageReuse(cache, site, "site").old == {}
    path.unlink()
    assert PageReuse(cache, site, "site").old == {}


def test_save_writes_the_site_signature_and_every_page_record(tmp_path: Path) -> None:
    cache, site = tmp_path / "cache", tmp_path / "site"
    reuse = PageReuse(cache, site, "sig-A")
    reuse.check(PAGE, "p-sig")
    reuse.add_output(PAGE, AUDIO)
    reuse.add_output(PAGE, AUDIO)  # recorded once
    reuse.add_output(PAGE, TEXT)
    reuse.add_output("never/checked.html", "x.txt")  # not a page of this build: ignored
    reuse.set_data(PAGE, "audio", {"seconds": 12.5, "bytes": 2048})
    reuse.set_data("never/checked.html", "audio", 1)
    reuse.save()
    saved = json.loads(manifest_path(cache, site).read_text("utf-8"))
    assert saved == {"site": "sig-A", "pages": {PAGE: {
        "sig": "p-sig", "files": [AUDIO, TEXT], "data": {"audio": {"seconds": 12.5, "bytes": 2048}}}}}
    # a second save replaces the first (only this build's pages are kept)
    again = PageReuse(cache, site, "sig-A")
    again.check("other/index.html", "o")
    again.save()
    assert list(json.loads(manifest_path(cache, site).read_text("utf-8"))["pages"]) == [
        "other/index.html"]


# -------------------------------------------------------------------------- one page's check

def test_a_page_is_reused_only_with_its_signature_and_every_file(tmp_path: Path) -> None:
    cache, site = built(tmp_path, {PAGE: "<p>1</p>", AUDIO: "mp3", TEXT: "text"})
    assert PageReuse(cache, site, "site").check(PAGE, "s1") is True
    assert PageReuse(cache, site, "site").check(PAGE, "s2") is False  # the page changed
    assert PageReuse(cache, site, "site").check("policies/new/index.html", "s1") is False
    (site / AUDIO).unlink()  # its audio is gone: render again, so the audio is made again
    assert PageReuse(cache, site, "site").check(PAGE, "s1") is False
    write(site / AUDIO, "mp3")
    (site / PAGE).unlink()
    assert PageReuse(cache, site, "site").check(PAGE, "s1") is False


def test_check_starts_the_page_s_new_record_even_when_it_renders_again(tmp_path: Path) -> None:
    cache, site = built(tmp_path, {PAGE: "<p>1</p>", AUDIO: "mp3"})
    reuse = PageReuse(cache, site, "site")
    assert reuse.check(PAGE, "changed") is False
    assert reuse.new[PAGE] == {"sig": "changed", "files": [], "data": {}}
    reuse.add_output(PAGE, AUDIO)
    assert reuse.new[PAGE]["files"] == [AUDIO]


def test_what_a_plugin_kept_comes_back_at_the_next_build(tmp_path: Path) -> None:
    cache, site = built(tmp_path, {PAGE: "<p>1</p>", AUDIO: "mp3"},
                        data={"audio": {"seconds": 3.25}, "text": "ok"})
    reuse = PageReuse(cache, site, "site")
    assert reuse.data(PAGE, "audio") == {"seconds": 3.25}
    assert reuse.data(PAGE, "text") == "ok"
    assert reuse.data(PAGE, "missing") is None
    assert reuse.data("unknown/index.html", "audio") is None


# ------------------------------------------------------------------------------ linking

def test_a_reused_page_brings_every_file_and_keeps_its_record(tmp_path: Path) -> None:
    cache, site = built(tmp_path, {PAGE: "<p>页</p>", AUDIO: "mp3", TEXT: "文本"},
                        data={"audio": {"seconds": 1.5}})
    new_site = tmp_path / "new"
    reuse = PageReuse(cache, site, "site")
    assert reuse.check(PAGE, "s1")
    assert reuse.link_page(PAGE, new_site) is True
    for rel, text in ((PAGE, "<p>页</p>"), (AUDIO, "mp3"), (TEXT, "文本")):
        assert (new_site / rel).read_text("utf-8") == text
        assert (new_site / rel).stat().st_ino == (site / rel).stat().st_ino  # linked, not copied
    assert reuse.new[PAGE] == {"sig": "s1", "files": [AUDIO, TEXT],
                               "data": {"audio": {"seconds": 1.5}}}
    reuse.save()
    # and the build after that can reuse it again, from the new site
    later = PageReuse(cache, site, "site")
    assert later.check(PAGE, "s1") and later.data(PAGE, "audio") == {"seconds": 1.5}


def test_the_carried_record_is_a_copy(tmp_path: Path) -> None:
    cache, site = built(tmp_path, {PAGE: "<p>1</p>", AUDIO: "mp3"}, data={"n": 1})
    reuse = PageReuse(cache, site, "site")
    reuse.check(PAGE, "s1")
    reuse.link_page(PAGE, tmp_path / "new")
    reuse.new[PAGE]["files"].append("later.txt")
    reuse.new[PAGE]["data"]["n"] = 2
    assert reuse.old[PAGE]["files"] == [AUDIO] and reuse.old[PAGE]["data"] == {"n": 1}


def test_a_page_with_a_missing_file_is_not_linked(tmp_path: Path) -> None:
    cache, site = built(tmp_path, {PAGE: "<p>1</p>", AUDIO: "mp3"})
    reuse = PageReuse(cache, site, "site")
    reuse.check(PAGE, "s1")
    (site / AUDIO).unlink()
    assert reuse.link_page(PAGE, tmp_path / "new") is False
    assert reuse.new[PAGE]["files"] == []  # its record is not carried over
    assert reuse.link_page("unknown/index.html", tmp_path / "new") is False


def test_link_copies_when_a_hard_link_is_impossible(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    cache, site = built(tmp_path, {PAGE: "<p>跨盘</p>"})

    def no_link(src: object, dst: object) -> None:
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr(reuse_module.os, "link", no_link)
    reuse = PageReuse(cache, site, "site")
    assert reuse.link(PAGE, tmp_path / "new") is True
    assert (tmp_path / "new" / PAGE).read_text("utf-8") == "<p>跨盘</p>"
    assert (tmp_path / "new" / PAGE).stat().st_ino != (site / PAGE).stat().st_ino
    assert reuse.link("missing.html", tmp_path / "new") is False


def test_link_over_an_existing_file_keeps_it(tmp_path: Path) -> None:
    cache, site = built(tmp_path, {PAGE: "old"})
    write(tmp_path / "new" / PAGE, "already there")
    assert PageReuse(cache, site, "site").link(PAGE, tmp_path / "new") is True
    assert (tmp_path / "new" / PAGE).read_text("utf-8") == "already there"


# -------------------------------------------------------------------- the page's signature

def test_the_page_signature_sees_every_input(tmp_path: Path) -> None:
    reuse = PageReuse(tmp_path, tmp_path / "site", "site")
    base = reuse.signature(PAGE, "<p>正文</p>", {"title": "办法", "effective": "2024-03-01"},
                           {"panels": ["解读"]})
    assert len(base) == 64
    assert reuse.signature(PAGE, "<p>正文</p>", {"title": "办法", "effective": "2024-03-01"},
                           {"panels": ["解读"]}) == base
    assert reuse.signature("policies/p2/index.html", "<p>正文</p>",
                           {"title": "办法", "effective": "2024-03-01"}, {"panels": ["解读"]}) != base
    assert reuse.signature(PAGE, "<p>正文。</p>", {"title": "办法", "effective": "2024-03-01"},
                           {"panels": ["解读"]}) != base
    assert reuse.signature(PAGE, "<p>正文</p>", {"title": "办法", "effective": "2024-04-01"},
                           {"panels": ["解读"]}) != base  # front matter only
    assert reuse.signature(PAGE, "<p>正文</p>", {"title": "办法", "effective": "2024-03-01"},
                           {"panels": ["解读", "服务"]}) != base  # a panel another page adds


@settings(max_examples=40, deadline=None)
@given(st.dictionaries(st.text(min_size=1, max_size=4), st.text(max_size=4), max_size=5))
def test_the_page_signature_does_not_depend_on_key_order(meta: dict[str, str]) -> None:
    reuse = PageReuse(Path("/nonexistent-cache"), Path("/nonexistent-site"), "site")
    reordered = dict(reversed(list(meta.items())))
    assert reuse.signature(PAGE, "c", meta, {"a": 1, "b": 2}) == reuse.signature(
        PAGE, "c", reordered, {"b": 2, "a": 1})


def test_dates_and_other_values_sign_by_their_text(tmp_path: Path) -> None:
    import datetime as dt

    reuse = PageReuse(tmp_path, tmp_path / "site", "site")
    one = reuse.signature(PAGE, "c", {"effective": dt.date(2024, 3, 1)}, None)
    assert one == reuse.signature(PAGE, "c", {"effective": dt.date(2024, 3, 1)}, None)
    assert one != reuse.signature(PAGE, "c", {"effective": dt.date(2024, 3, 2)}, None)
    assert site_signature("", [], {"d": dt.date(2024, 3, 1)}) != site_signature(
        "", [], {"d": dt.date(2024, 3, 2)})


def test_the_build_log_counts_from_zero(tmp_path: Path) -> None:
    cache, site = built(tmp_path, {PAGE: "<p>1</p>"})
    assert PageReuse(cache, site, "site").reused == 0
    assert PageReuse(tmp_path / "empty", site, "site").reused == 0


def test_a_record_from_before_plugins_kept_data_is_still_reused(tmp_path: Path) -> None:
    """A manifest written by an older Tongda has no "data" in its records."""
    cache, site = built(tmp_path, {PAGE: "<p>1</p>", AUDIO: "mp3"})
    path = manifest_path(cache, site)
    saved = json.loads(path.read_text("utf-8"))
    del saved["pages"][PAGE]["data"]
    path.write_text(json.dumps(saved), "utf-8")
    reuse = PageReuse(cache, site, "site")
    assert reuse.check(PAGE, "s1") and reuse.data(PAGE, "audio") is None
    assert reuse.link_page(PAGE, tmp_path / "new") is True
    assert reuse.new[PAGE] == {"sig": "s1", "files": [AUDIO], "data": {}}


def test_the_record_is_saved_into_a_cache_folder_not_made_yet(tmp_path: Path) -> None:
    cache = tmp_path / "project" / ".tongda-cache" / "reuse"
    reuse = PageReuse(cache, tmp_path / "site", "site")
    reuse.check(PAGE, "s1")
    reuse.save()
    assert json.loads(manifest_path(cache, tmp_path / "site").read_text("utf-8"))["site"] == "site"
