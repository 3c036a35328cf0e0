"""What the a11y runner plans to check: the site's pages, their URLs, and the display modes.

An operator reads the modes' error messages (they name the file or the mkdocs.yml key and
the entry), and the report lists each mode by its label; a page left out of ``iter_pages`` is
never checked at all.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from a11y.errors import A11yConfigError
from a11y.site import (
    DEFAULT_EXCLUDE,
    DEFAULT_MODE,
    Mode,
    iter_pages,
    load_modes,
    page_url,
    parse_modes,
)

pytestmark = pytest.mark.unit

CONFIG = "mkdocs.yml: plugins.tongda-a11y.modes"


def _site(root: Path, files: list[str]) -> Path:
    for rel in files:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("<!doctype html><title>t</title>", encoding="utf-8")
    return root


def test_every_html_page_is_found_sorted_minus_the_folders_that_are_not_pages(
        tmp_path: Path) -> None:
    site = _site(tmp_path, [
        "policies/b/index.html", "index.html", "404.html", "policies/a/index.html",
        "policies/index.html", "text/policies/a/index.html",
        "report/index.html", "assets/icons.html", "api/x.html", "search/index.html",
        "audio/p.html", "graph/index.html", "feeds/index.html",
        "assets/app.js", "policies/a/data.json",
    ])
    assert iter_pages(site) == [
        "404.html", "index.html", "policies/a/index.html", "policies/b/index.html",
        "policies/index.html", "text/policies/a/index.html",
    ]


def test_exclude_globs_are_the_callers_when_given(tmp_path: Path) -> None:
    site = _site(tmp_path, ["index.html", "report/index.html", "policies/a/index.html",
                            "faqs/q/index.html"])
    assert iter_pages(site, []) == ["faqs/q/index.html", "index.html", "policies/a/index.html",
                                    "report/index.html"]
    assert iter_pages(site, ("policies/**", "report/*")) == ["faqs/q/index.html", "index.html"]
    # A generator works as well as a list (the runner passes the configured sequence).
    assert iter_pages(site, (p for p in ["faqs/*/*"])) == [
        "index.html", "policies/a/index.html", "report/index.html"]
    assert "report/**" in DEFAULT_EXCLUDE


def test_an_empty_site_has_no_pages(tmp_path: Path) -> None:
    assert iter_pages(tmp_path) == []


@pytest.mark.parametrize(("path", "url"), [
    ("index.html", ""), ("policies/index.html", "policies/"),
    ("policies/a/index.html", "policies/a/"), ("404.html", "404.html"),
    ("policies/a/print.html", "policies/a/print.html"),
    ("text/index.html", "text/"),
])
def test_page_url_is_the_folder_for_index_pages(path: str, url: str) -> None:
    assert page_url(path) == url


def test_a_mode_takes_every_field_as_text() -> None:
    modes = parse_modes([{"name": "contrast-dark", "label": "高对比（深色）",
                          "attrs": {"data-td-contrast": "dark", "data-scale": 2},
                          "media": {"forced-colors": "active", "prefers-contrast": "more"},
                          "min_target": 44}], CONFIG)
    assert modes == [DEFAULT_MODE, Mode(
        "contrast-dark", {"data-td-contrast": "dark", "data-scale": "2"}, "高对比（深色）",
        {"forced-colors": "active", "prefers-contrast": "more"}, 44)]


def test_a_bare_mode_is_labelled_by_its_name_with_no_size_promise() -> None:
    assert parse_modes([{"name": "elder"}], CONFIG) == [
        DEFAULT_MODE, Mode("elder", {}, "elder", {}, 0)]
    # Empty values are the defaults too.
    assert parse_modes([{"name": "gray", "label": "", "attrs": None, "media": {}}], CONFIG) == [
        DEFAULT_MODE, Mode("gray", {}, "gray", {}, 0)]


def test_default_is_first_unless_the_list_names_it() -> None:
    assert [m.name for m in parse_modes([], CONFIG)] == ["default"]
    own = parse_modes([{"name": "elder"}, {"name": "default", "label": "标准"}], CONFIG)
    assert [(m.name, m.label) for m in own] == [("elder", "elder"), ("default", "标准")]
    # A mode merely called "Default" is not the default mode.
    assert [m.name for m in parse_modes([{"name": "Default"}], CONFIG)] == ["default",
                                                                           "Default"]


def test_a_theme_file_may_wrap_its_list_in_a_modes_key() -> None:
    wrapped = {"version": 1, "modes": [{"name": "elder", "attrs": {"class": "td-elder"}}]}
    assert parse_modes(wrapped, "assets/modes.json") == [
        DEFAULT_MODE, Mode("elder", {"class": "td-elder"}, "elder", {}, 0)]


@pytest.mark.parametrize(("raw", "message"), [
    ({"version": 1}, f"{CONFIG}: 显示模式须为列表"),
    ({"modes": {"name": "elder"}}, f"{CONFIG}: 显示模式须为列表"),
    ("elder", f"{CONFIG}: 显示模式须为列表"),
    ([{"name": "elder"}, "gray"], f"{CONFIG}[1]: 每个模式须有 name"),
    ([{"label": "长者"}], f"{CONFIG}[0]: 每个模式须有 name"),
    ([{"name": 3}], f"{CONFIG}[0]: 每个模式须有 name"),
    ([{"name": "elder"}, {"name": "gray", "attrs": ["class"]}],
     f"{CONFIG}[1].attrs: 须为映射"),
    ([{"name": "dark", "media": "forced-colors"}], f"{CONFIG}[0].attrs: 须为映射"),
    ([{"name": "elder", "min_target": -1}], f"{CONFIG}[0].min_target: 须为非负整数（CSS 像素）"),
    ([{"name": "elder", "min_target": 44.5}],
     f"{CONFIG}[0].min_target: 须为非负整数（CSS 像素）"),
])
def test_a_malformed_mode_names_where_and_which_entry(raw: object, message: str) -> None:
    with pytest.raises(A11yConfigError) as caught:
        parse_modes(raw, CONFIG)
    assert str(caught.value) == message


def test_configured_modes_errors_name_the_mkdocs_key(tmp_path: Path) -> None:
    with pytest.raises(A11yConfigError) as caught:
        load_modes(tmp_path, [{"name": "elder"}, {"label": "x"}], "assets/modes.json")
    assert str(caught.value) == "mkdocs.yml: plugins.tongda-a11y.modes[1]: 每个模式须有 name"


def test_theme_file_errors_name_the_file(tmp_path: Path) -> None:
    modes_file = tmp_path / "assets" / "modes.json"
    modes_file.parent.mkdir()
    modes_file.write_text(json.dumps([{"name": "elder", "attrs": "td-elder"}]),
                          encoding="utf-8")
    with pytest.raises(A11yConfigError) as caught:
        load_modes(tmp_path, None, "assets/modes.json")
    assert str(caught.value) == f"{modes_file}[0].attrs: 须为映射"
    modes_file.write_text('[\n  {"name": "elder",}\n]', encoding="utf-8")
    with pytest.raises(A11yConfigError) as caught:
        load_modes(tmp_path, [], "assets/modes.json")  # an empty list configures nothing
    assert str(caught.value) == (
        f"{modes_file}:2: 显示模式 JSON 无法解析: Expecting property name enclosed in double quotes")


def test_configured_modes_win_over_the_theme_file(tmp_path: Path) -> None:
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "modes.json").write_text('[{"name": "elder"}]', encoding="utf-8")
    assert load_modes(tmp_path, [{"name": "gray", "label": "灰度"}], "assets/modes.json") == [
        DEFAULT_MODE, Mode("gray", {}, "灰度")]
    assert load_modes(tmp_path, None, "assets/other.json") == [DEFAULT_MODE]


def test_theme_modes_file_is_read_as_utf8_whatever_the_locale(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # An operator's machine with a GBK locale (Windows in Chinese) must still read the
    # theme's labels right, as the report shows them.
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "modes.json").write_text(
        json.dumps([{"name": "elder", "label": "长者模式"}], ensure_ascii=False),
        encoding="utf-8")
    real = io.text_encoding
    monkeypatch.setattr(io, "text_encoding",
                        lambda encoding, stacklevel=2: real(encoding or "gbk", stacklevel))
    modes = load_modes(tmp_path, None, "assets/modes.json")
    assert [m.label for m in modes] == ["默认", "长者模式"]
