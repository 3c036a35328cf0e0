"""Browser helpers and checks in real headless Chromium (one browser for the module)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from a11y.axe import AxeRunner, find_axe
from a11y.browser import (
    element_screenshot,
    serve_directory,
    set_viewport,
)
from a11y.browser_checks import BrowserChecker, BrowserOptions, Shots
from a11y.site import DEFAULT_MODE, Mode, PageInfo

pytestmark = [pytest.mark.browser]

CSS = """body { font: 16px/1.6 sans-serif; color: #1a1a1a; background: #fff; margin: 0; }
a:focus-visible, button:focus-visible { outline: 3px solid #b3261e; }
html[data-mode="dark"] body { background: #000; color: #fff; }
html[data-mode="dark"] a { color: #ffdd00; }
.bar { position: fixed; top: 0; left: 0; right: 0; height: 400px; background: #fff; }
"""
TRAP_JS = """document.addEventListener("keydown", (e) => {
  if (e.key === "Tab" && document.activeElement.id === "trap") e.preventDefault();
});"""
BLOCK_JS = """document.getElementById("skip").addEventListener("click", (e) => e.preventDefault());"""
SKIP_JS = """document.getElementById("a").addEventListener("focus", () => {
  document.getElementById("c").focus();
});"""


def html(body: str, script: str = "", skip: str = "") -> str:
    tag = f'<script src="{script}" defer></script>' if script else ""
    return ('<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>测试</title>'
            f'<link rel="stylesheet" href="/s.css">{tag}</head><body>{skip}'
            f'<header>页头</header><main id="main"><h1>标题</h1>{body}</main>'
            '<footer>页脚</footer></body></html>')


PAGES = {
    "ok/index.html": html('<p><a href="/x">第一个链接</a> <a href="/y">第二个链接</a></p>'),
    "contrast/index.html": html('<p style="color:#c8c8c8">咨询电话：12345</p>'),
    "trap/index.html": html('<a href="/1">前</a><button id="trap">陷阱</button><a href="/2">后</a>',
                            "/trap.js"),
    "skip/index.html": html('<a id="a" href="/1">一</a><a id="b" href="/2">二</a>'
                            '<a id="c" href="/3">三</a>', "/skip.js"),
    "nofocus/index.html": html('<a href="/1">有焦点样式</a> '
                               '<a href="/2" style="outline:none">没有焦点样式</a>'),
    "covered/index.html": html('<div class="bar"></div><p><a href="/1">被盖住</a></p>'),
    "wide/index.html": html('<div style="width:900px">很宽的内容很宽的内容</div>'),
    "clipped/index.html": html('<p style="height:20px;overflow:hidden;line-height:1.1">'
                               '承诺办理时限：5个工作日</p>'),
    "skiplink/index.html": html('<p><a href="/1">正文链接</a></p>',
                                skip='<a href="#main">跳到正文</a><nav><a href="/n">导航</a></nav>'),
    "skipblocked/index.html": html('<p><a href="/1">正文链接</a></p>', "/block.js",
                                   skip='<a id="skip" href="#main">跳到正文</a>'
                                   '<nav><a href="/n">导航</a></nav>'),
    "targets/index.html": html('<p><a href="/1">独立的链接</a></p>'
                               '<p>请阅读<a href="/2">申请须知</a>后办理。</p>'),
    "media/index.html": html('<p><a href="/1">前</a></p><audio controls aria-label="朗读">'
                             '</audio><p><a href="/2">后</a></p>'),
    # A link that wraps: its last characters start the next line, so the middle and the
    # corners of its bounding box are the paragraph's text, not the link.
    "wrapped/index.html": html('<p style="max-width:40em">' + ("本政策实行免申即享符合条件的由系统"
                                                               "自动核定发放" * 2)[:38]
                               + '<a href="/apply">在线申请</a>。未被自动核定的可以申请。</p>'),
    "404.html": html("<p>页面不存在</p>"),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("a11y-browser")
    for rel, text in PAGES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    (root / "s.css").write_text(CSS, encoding="utf-8")
    (root / "trap.js").write_text(TRAP_JS, encoding="utf-8")
    (root / "skip.js").write_text(SKIP_JS, encoding="utf-8")
    (root / "block.js").write_text(BLOCK_JS, encoding="utf-8")
    (root / "data.json").write_text('{"a": 1}', encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def base_url(site: Path) -> Iterator[str]:
    with serve_directory(site) as url:
        yield url


@pytest.fixture
def checker(driver: object, base_url: str, tmp_path: Path) -> BrowserChecker:
    return BrowserChecker(driver, base_url, AxeRunner(find_axe()),  # type: ignore[arg-type]
                          BrowserOptions(), Shots(tmp_path / "shots"))


def page(url: str) -> PageInfo:
    return PageInfo(url + "index.html", url, "t")


def rules(findings: list) -> set[str]:
    return {f.rule for f in findings}


def test_server_serves_files_types_and_the_sites_404(base_url: str) -> None:
    with urllib.request.urlopen(base_url + "data.json") as resp:
        assert resp.headers["Content-Type"] == "application/json"
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(base_url + "missing/")
    assert err.value.code == 404 and "页面不存在" in err.value.read().decode()


def test_server_adds_requested_headers(site: Path) -> None:
    csp = {"Content-Security-Policy": "script-src 'self'"}
    with serve_directory(site, headers=csp) as url, urllib.request.urlopen(url + "ok/") as resp:
        assert resp.headers["Content-Security-Policy"] == "script-src 'self'"


def test_viewport_is_exact_and_screenshots_are_png(driver, base_url: str) -> None:
    driver.get(base_url + "ok/")
    set_viewport(driver, 320, 480)
    assert driver.execute_script("return [innerWidth, innerHeight]") == [320, 480]
    set_viewport(driver, 1280, 900)
    png = element_screenshot(driver, "h1")
    assert png is not None and png.startswith(b"\x89PNG")
    assert element_screenshot(driver, "#nothing") is None


def test_axe_is_the_pinned_release_and_speaks_chinese(driver, base_url: str) -> None:
    axe_path = find_axe()
    pinned = json.loads((axe_path.parent / "package.json").read_text())["version"]
    runner = AxeRunner(axe_path)
    driver.get(base_url + "contrast/")
    result = runner.run(driver)
    assert result["version"] == pinned
    [finding] = AxeRunner.findings(result, "contrast/index.html", "default", "t")
    assert finding.rule == "color-contrast" and "对比度" in finding.message
    assert finding.hint.startswith("咨询电话")


def test_a_good_page_passes_every_check(checker: BrowserChecker) -> None:
    assert checker.check(page("ok/"), DEFAULT_MODE) == []


def test_display_mode_attributes_are_applied(checker: BrowserChecker, driver) -> None:
    checker.load(page("ok/"), Mode("dark", {"data-mode": "dark", "class": "a b"}))
    assert driver.execute_script("return document.documentElement.getAttribute('data-mode')") \
        == "dark"
    assert driver.execute_script("return document.documentElement.className") == "a b"
    assert driver.execute_script("return getComputedStyle(document.body).backgroundColor") \
        == "rgb(0, 0, 0)"


def test_contrast_failure_gets_a_screenshot(checker: BrowserChecker, tmp_path: Path) -> None:
    [finding] = checker.check(page("contrast/"), DEFAULT_MODE)
    assert finding.rule == "color-contrast" and finding.screenshot
    assert (tmp_path / finding.screenshot).read_bytes().startswith(b"\x89PNG")


def test_keyboard_trap_is_reported(checker: BrowserChecker) -> None:
    found = checker.check(page("trap/"), DEFAULT_MODE)
    traps = [f for f in found if f.rule == "keyboard-trap"]
    assert traps and traps[0].selector == "#trap"


def test_elements_focus_jumps_over_are_unreachable(checker: BrowserChecker) -> None:
    found = checker.check(page("skip/"), DEFAULT_MODE)  # focus on #a jumps to #c
    assert [f.selector for f in found if f.rule == "keyboard-unreachable"] == ["#a", "#b"]


def test_focus_without_visible_change_is_reported(checker: BrowserChecker) -> None:
    found = checker.check(page("nofocus/"), DEFAULT_MODE)
    assert [f.snippet for f in found if f.rule == "focus-not-visible"] == [
        '<a href="/2" style="outline:none">没有焦点样式</a>']


def test_focus_covered_by_a_fixed_bar_is_reported(checker: BrowserChecker) -> None:
    assert "focus-obscured" in rules(checker.check(page("covered/"), DEFAULT_MODE))


def test_a_link_wrapped_onto_two_lines_is_not_obscured(checker: BrowserChecker) -> None:
    assert "focus-obscured" not in rules(checker.check(page("wrapped/"), DEFAULT_MODE))


def test_fixed_width_breaks_reflow_only(checker: BrowserChecker) -> None:
    found = checker.check(page("wide/"), DEFAULT_MODE)
    assert rules(found) == {"reflow-320"}
    assert found[0].selector == "#main > div"


def test_fixed_height_clips_at_200_percent_and_with_text_spacing(
        checker: BrowserChecker) -> None:
    found = checker.check(page("clipped/"), DEFAULT_MODE)
    assert rules(found) == {"text-resize-200", "text-spacing"}
    assert all(f.hint.startswith("承诺办理时限") for f in found)


def test_skip_link_must_move_focus_into_main(checker: BrowserChecker) -> None:
    assert checker.check(page("skiplink/"), DEFAULT_MODE) == []
    found = checker.check(page("skipblocked/"), DEFAULT_MODE)
    assert [(f.rule, f.selector) for f in found] == [("skip-link-focus", "#skip")]


def test_media_controls_tab_stops_are_not_a_trap(checker: BrowserChecker) -> None:
    assert checker.check(page("media/"), DEFAULT_MODE) == []


def test_a_page_the_browser_cannot_check_fails_the_run(tmp_path: Path) -> None:
    from a11y.runner import Settings, run

    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text(html("<p>正文</p>", "/fake-axe.js"), encoding="utf-8")
    (site / "s.css").write_text(CSS, encoding="utf-8")
    # A page that defines its own broken `axe` stands for any page the checks cannot finish.
    (site / "fake-axe.js").write_text(
        'window.axe = {run: () => Promise.reject(new Error("boom"))};', encoding="utf-8")
    report = run(Settings(site_dir=site, sample_size=0))
    assert [f.rule for f in report.violations if f.check != "static"] == ["browser-check-failed"]
    assert "boom" in report.violations[-1].message and not report.ok


def test_a_modes_minimum_target_size_is_checked(checker: BrowserChecker) -> None:
    elder = Mode("elder", {}, "长者模式", min_target=44)
    found = checker.check(page("targets/"), elder)
    # The link alone in its paragraph is too small; the one inside a sentence is exempt.
    assert [(f.rule, f.selector) for f in found] == [
        ("target-size-mode", "#main > p:nth-of-type(1) > a")]
    assert "44×44" in found[0].message
    assert checker.check(page("targets/"), DEFAULT_MODE) == []
