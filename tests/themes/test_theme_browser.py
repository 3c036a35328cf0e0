"""The theme in real headless Chromium: toolbar, modes, keyboard, sizes, contrast, reflow.

One browser and one static server for the module, on the theme fixture site built once.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_lib import CONTRAST_JS, TARGETS_JS, ax_tree
from theme_testlib import build_fixture, modes

from a11y.browser import (
    emulate_media,
    serve_directory,
    set_viewport,
    start_chrome,
)

pytestmark = [pytest.mark.browser]

POLICY = "policies/city-travel-2023/"
SERVICE = "services/passport-service/"
LISTING = "policies/"
PAGES = ["", POLICY, SERVICE, LISTING]
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
       "object-src 'none'; base-uri 'none'; form-action 'self'")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_fixture(tmp_path_factory.mktemp("theme-browser") / "site")


@pytest.fixture(scope="module")
def base(site: Path) -> Iterator[str]:
    with serve_directory(site, headers={"Content-Security-Policy": CSP}) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with start_chrome(width=1280, height=900) as driver:
        # The page keeps focus as a person's window would (headless can lose it between tests,
        # and then Chrome fires no focus events).
        driver.execute_cdp_cmd("Emulation.setFocusEmulationEnabled", {"enabled": True})
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": (
            "window.__csp = []; document.addEventListener('securitypolicyviolation',"
            " (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
            "window.__speech = []; document.addEventListener('td:speech',"
            " (e) => window.__speech.push(e.detail.action));")})
        yield driver


@pytest.fixture
def driver(browser: Any, base: str) -> Iterator[Any]:
    """The browser on a clean slate: nothing remembered, default size and media."""
    browser.get(base + "accessibility.html")
    browser.execute_script("localStorage.clear()")
    set_viewport(browser, 1280, 900)
    emulate_media(browser, {})
    yield browser
    browser.execute_cdp_cmd("Network.setBlockedURLs", {"urls": []})


def load(driver: Any, base: str, page: str, state: dict[str, str] | None = None) -> None:
    if state is not None:
        driver.execute_script("localStorage.setItem('tongda-a11y', arguments[0])", json.dumps(state))
    driver.get(base + page)
    driver.execute_script("return document.readyState")


def html_attrs(driver: Any) -> dict[str, str]:
    return driver.execute_script(
        "const o = {}; for (const a of document.documentElement.attributes)"
        " if (a.name.startsWith('data-td-')) o[a.name] = a.value; return o;")


def click(driver: Any, selector: str) -> None:
    driver.find_element("css selector", selector).click()


def open_toolbar(driver: Any) -> None:
    click(driver, ".td-entries__open")
    assert driver.find_element("id", "td-toolbar").is_displayed()


def keys(driver: Any, *chords: str) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    chain = ActionChains(driver)
    for chord in chords:
        *mods, key = chord.split("+") if chord != "+" else ["+"]
        for m in mods:
            chain.key_down(m)
        chain.send_keys(key)
        for m in reversed(mods):
            chain.key_up(m)
    chain.perform()


def active(driver: Any, script: str = "const a = document.activeElement; return a.id || a.className || a.tagName;") -> Any:
    return driver.execute_script(script)


def wait_for(driver: Any, script: str, timeout: float = 3.0) -> Any:
    end = time.monotonic() + timeout
    while True:
        value = driver.execute_script(script)
        if value or time.monotonic() > end:
            return value
        time.sleep(0.05)


# ---------------------------------------------------------------- the inactive toolbar


@pytest.mark.parametrize("page", ["", POLICY])
def test_inactive_toolbar_leaves_the_accessibility_tree_alone(driver: Any, base: str, page: str) -> None:
    load(driver, base, page)
    with_script = ax_tree(driver)
    assert driver.execute_script("return !!window.TongdaToolbar")
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["*/toolbar.js", "*/restore.js"]})
    load(driver, base, page)
    assert not driver.execute_script("return !!window.TongdaToolbar || !!window.TongdaA11y")
    without = ax_tree(driver)
    assert with_script == without
    names = {n[1] for n in with_script}
    assert {"长者模式", "无障碍", "跳到主要内容"} <= names
    assert html_attrs(driver) == {}


def test_nothing_happens_on_its_own(driver: Any, base: str) -> None:
    load(driver, base, POLICY)
    time.sleep(0.3)
    assert html_attrs(driver) == {}
    assert driver.execute_script("return window.__speech") == []
    assert driver.execute_script("return window.__csp") == []  # strict CSP: nothing blocked
    assert driver.execute_script("return localStorage.getItem('tongda-a11y')") is None


# ---------------------------------------------------------------- modes and schemes


def test_every_toggle_switches_its_attribute_on_and_off(driver: Any, base: str) -> None:
    load(driver, base, POLICY)
    open_toolbar(driver)
    toggles = driver.find_elements("css selector", "#td-toolbar button[data-td-set]")
    assert len(toggles) >= 10
    for button in toggles:
        name, value = button.get_attribute("data-td-set"), button.get_attribute("data-td-value")
        button.click()
        assert html_attrs(driver).get(f"data-td-{name}") == value, name
        assert button.get_attribute("aria-pressed") == "true"
        button.click()
        assert f"data-td-{name}" not in html_attrs(driver)
        assert button.get_attribute("aria-pressed") == "false"
    click(driver, "#td-toolbar [data-td-set='cursor']")
    cursors = driver.execute_script(
        "return [getComputedStyle(document.querySelector('main p')).cursor,"
        " getComputedStyle(document.querySelector('.td-nav a')).cursor]")
    assert "cursor.svg" in cursors[0] and "pointer.svg" in cursors[1]
    click(driver, "#td-toolbar [data-td-set='cursor']")
    click(driver, "#td-toolbar [data-td-value='yellow-black']")
    click(driver, "#td-toolbar [data-td-value='blue-yellow']")
    assert html_attrs(driver)["data-td-scheme"] == "blue-yellow"
    pressed = driver.find_elements("css selector", "[data-td-set='scheme'][aria-pressed='true']")
    assert [b.get_attribute("data-td-value") for b in pressed] == ["blue-yellow"]
    assert driver.execute_script("return window.__csp") == []


def test_zoom_steps_up_to_200_percent(driver: Any, base: str) -> None:
    load(driver, base, POLICY)
    open_toolbar(driver)
    width = driver.execute_script("return document.querySelector('main').getBoundingClientRect().width")
    for _ in range(7):
        click(driver, "[data-td-action='zoom'][data-td-value='1']")
    assert html_attrs(driver)["data-td-zoom"] == "200"
    assert driver.find_element("css selector", "[data-td-zoom-level]").text == "200%"
    zoom = driver.execute_script("return getComputedStyle(document.querySelector('.td-page')).zoom")
    assert float(zoom) == 2.0
    assert driver.execute_script("return document.documentElement.scrollWidth <= innerWidth")
    click(driver, "[data-td-action='zoom'][data-td-value='-1']")
    assert html_attrs(driver)["data-td-zoom"] == "175"
    click(driver, "[data-td-action='zoom'][data-td-value='0']")
    assert "data-td-zoom" not in html_attrs(driver)
    assert driver.execute_script("return document.querySelector('main').getBoundingClientRect().width") == width


def test_settings_persist_across_pages_until_reset(driver: Any, base: str) -> None:
    load(driver, base, POLICY)
    click(driver, ".td-entries__elder")
    open_toolbar(driver)
    click(driver, "#td-toolbar [data-td-value='yellow-black']")
    click(driver, "#td-toolbar [data-td-set='gray']")
    driver.find_element("css selector", ".td-nav a[href$='services/']").click()
    wait_for(driver, "return location.pathname.endsWith('/services/')")
    assert html_attrs(driver) == {"data-td-mode": "elder", "data-td-scheme": "yellow-black", "data-td-gray": "on"}
    assert driver.find_element("css selector", ".td-entries__elder").get_attribute("aria-pressed") == "true"
    open_toolbar(driver)
    click(driver, "[data-td-action='reset']")
    assert html_attrs(driver) == {}
    load(driver, base, "")
    assert html_attrs(driver) == {}
    assert driver.execute_script("return localStorage.getItem('tongda-a11y')") is None


def test_elder_entry_is_at_the_top_right_on_every_page(driver: Any, base: str) -> None:
    spots = set()
    for page in PAGES:
        load(driver, base, page)
        rect = driver.execute_script(
            "const r = document.querySelector('.td-entries__elder').getBoundingClientRect();"
            " return [Math.round(r.right), Math.round(r.top), innerWidth];")
        assert rect[0] > rect[2] * 0.75 and rect[1] < 100, page
        spots.add(tuple(rect))
    assert len(spots) == 1


# ---------------------------------------------------------------- keyboard


def test_focus_starts_at_the_skip_link_which_moves_focus_into_main(driver: Any, base: str) -> None:
    load(driver, base, POLICY)
    keys(driver, "\ue004")  # Tab
    assert active(driver, "return document.activeElement.textContent") == "跳到主要内容"
    assert driver.execute_script("return document.activeElement.getBoundingClientRect().top >= 0")
    keys(driver, "\ue007")  # Enter
    assert active(driver, "return document.activeElement.id") == "main"
    keys(driver, "\ue004")
    assert active(driver, "return !!document.activeElement.closest('main')")


def test_toolbar_by_keyboard_only(driver: Any, base: str) -> None:
    load(driver, base, POLICY)
    for _ in range(6):
        keys(driver, "\ue004")
        if active(driver, "return document.activeElement.textContent") == "无障碍":
            break
    assert active(driver, "return document.activeElement.getAttribute('aria-expanded')") == "false"
    outline = active(driver, "const s = getComputedStyle(document.activeElement); return s.outlineStyle + ' ' + s.boxShadow")
    assert outline.startswith("solid") and outline.endswith("6px")
    keys(driver, "\ue007")
    assert active(driver, "return document.activeElement.getAttribute('aria-expanded')") == "true"
    panel = driver.execute_script(
        "return [...document.querySelectorAll('#td-toolbar button, #td-toolbar a')].map(b => b.textContent)")
    expected = ["长者模式", *panel]  # the entry right of 无障碍, then the opened panel
    reached = []
    for _ in expected:
        keys(driver, "\ue004")
        reached.append(active(driver, "return document.activeElement.textContent"))
    assert reached == expected
    for _ in range(len(panel) - 1):  # Shift+Tab back to the panel's first button
        keys(driver, "\ue008+\ue004")
    assert active(driver, "return document.activeElement.textContent") == panel[0]
    assert active(driver, "return !!document.activeElement.closest('#td-toolbar')")
    keys(driver, " ")
    assert html_attrs(driver) == {"data-td-mode": "elder"}
    keys(driver, "\ue00c")  # Esc closes and returns focus to the opener
    assert not driver.find_element("id", "td-toolbar").is_displayed()
    assert active(driver, "return document.activeElement.textContent") == "无障碍"


def test_shortcuts_and_single_keys_that_can_be_turned_off(driver: Any, base: str) -> None:
    load(driver, base, POLICY)
    keys(driver, "\ue00a+\ue008+e")  # Alt+Shift+E
    assert html_attrs(driver) == {"data-td-mode": "elder"}
    keys(driver, "e")
    assert html_attrs(driver) == {"data-td-mode": "elder"}  # single keys are off by default
    keys(driver, "\ue00a+\ue008+k")
    keys(driver, "e")
    assert html_attrs(driver) == {"data-td-keys": "on"}
    driver.find_element("id", "td-search-input").click()
    keys(driver, "e")
    assert html_attrs(driver) == {"data-td-keys": "on"}  # typing in a field is typing
    assert driver.find_element("id", "td-search-input").get_attribute("value") == "e"
    driver.execute_script("document.activeElement.blur()")
    keys(driver, "\ue00a+\ue008+k")
    keys(driver, "g")
    assert html_attrs(driver) == {}


def test_region_guidance_moves_focus_and_announces(driver: Any, base: str) -> None:
    load(driver, base, POLICY)
    expected = [("1", "td-nav", "导航区"), ("2", "td-main", "内容区"),
                ("3", "td-searchbox", "交互区"), ("4", "td-related", "服务区")]
    for key, cls, label in expected:
        keys(driver, f"\ue00a+\ue008+{key}")
        assert cls in active(driver, "return document.activeElement.className"), key
        assert label in wait_for(driver, "return document.getElementById('td-announce').textContent")
    keys(driver, "\ue00a+\ue008+r")
    assert "td-nav" in active(driver, "return document.activeElement.className")


# ---------------------------------------------------------------- speech, caption, guide


def test_speech_buttons_and_keys_send_events_to_the_player(driver: Any, base: str) -> None:
    load(driver, base, POLICY)
    open_toolbar(driver)
    for action in ("play", "pause", "stop"):
        click(driver, f"[data-td-action='speech'][data-td-value='{action}']")
    keys(driver, "\ue00a+\ue008+p", "\ue00a+\ue008+p", "\ue00a+\ue008+s")
    assert driver.execute_script("return window.__speech") == ["play", "pause", "stop", "play", "pause", "stop"]
    assert "没有朗读音频" in wait_for(driver, "return document.getElementById('td-announce').textContent")


def test_large_caption_display(driver: Any, base: str) -> None:
    load(driver, base, POLICY, {"caption": "on"})
    caption = driver.find_element("css selector", ".td-caption")
    assert caption.get_attribute("aria-hidden") == "true" and not caption.is_displayed()
    driver.execute_script("document.querySelector('.td-nav a').focus()")
    assert caption.is_displayed() and caption.text == "首页"
    size = driver.execute_script("return parseFloat(getComputedStyle(document.querySelector('.td-caption__text')).fontSize)")
    assert size >= 32
    keys(driver, "\ue00c")
    assert not caption.is_displayed()
    driver.execute_script("document.dispatchEvent(new CustomEvent('td:audio-cue', {detail: {id: 'p1', text: '第一条 测试句子'}}))")
    assert caption.is_displayed() and caption.text == "第一条 测试句子"
    set_viewport(driver, 1280, 500)
    for _ in range(25):  # the bar at the bottom never hides the focused element
        keys(driver, "\ue004")
        covered = driver.execute_script(
            "const a = document.activeElement; if (a === document.body) return false;"
            " return a.getBoundingClientRect().bottom > document.querySelector('.td-caption').getBoundingClientRect().top + 1;")
        assert not covered, active(driver)


def test_reading_guide_follows_focus(driver: Any, base: str) -> None:
    load(driver, base, POLICY, {"guide": "on"})
    guide = driver.find_element("css selector", ".td-guide")
    assert guide.is_displayed() and guide.get_attribute("aria-hidden") == "true"
    driver.execute_script("document.querySelector('.td-footer a').focus()")  # scrolls down
    assert wait_for(driver, "const g = document.querySelector('.td-guide').getBoundingClientRect();"
                    " const a = document.activeElement.getBoundingClientRect();"
                    " return Math.abs((g.top + g.bottom) / 2 - (a.top + a.bottom) / 2) < 4;")


# ---------------------------------------------------------------- sizes, contrast, reflow


@pytest.mark.parametrize("page", ["", POLICY, SERVICE])
def test_elder_mode_sizes(driver: Any, base: str, page: str) -> None:
    load(driver, base, page, {"mode": "elder"})
    font, line = driver.execute_script(
        "const s = getComputedStyle(document.querySelector('main p') || document.body);"
        " return [parseFloat(s.fontSize), parseFloat(s.lineHeight)];")
    assert font >= 20 and line >= 1.5 * font
    main_controls = ".td-entries button, .td-searchbox input, .td-searchbox button, .td-tiles a"
    small = driver.execute_script(
        "return [...document.querySelectorAll(arguments[0])].map(e => e.getBoundingClientRect())"
        ".filter(r => r.width > 0 && (r.width < 60 || r.height < 60)).length", main_controls)
    assert small == 0
    assert driver.execute_script(TARGETS_JS, 44) == []
    assert driver.execute_script("return getComputedStyle(document.querySelector('.td-tiles a, .td-nav a')).transitionDuration") == "0s"


@pytest.mark.parametrize("page", PAGES)
def test_default_targets_are_at_least_24px(driver: Any, base: str, page: str) -> None:
    load(driver, base, page)
    assert driver.execute_script(TARGETS_JS, 24) == []


@pytest.mark.parametrize("page", ["text/", f"text/{POLICY}", f"text/{LISTING}"])
def test_plain_text_pages_have_24px_targets_and_reflow(driver: Any, base: str, page: str) -> None:
    load(driver, base, page)
    assert not driver.execute_script("return document.querySelectorAll('img, svg, script').length")
    assert driver.execute_script(TARGETS_JS, 24) == []
    assert driver.execute_script("return window.__csp") == []
    set_viewport(driver, 320, 640)
    load(driver, base, page)
    assert driver.execute_script("return document.documentElement.scrollWidth") <= 320


@pytest.mark.parametrize("mode", [m for m in modes() if not m.get("media")], ids=lambda m: m["name"])
def test_contrast_in_every_mode(driver: Any, base: str, mode: dict) -> None:
    state = {k.removeprefix("data-td-"): v for k, v in mode["attrs"].items()}
    for page in ("", POLICY):
        load(driver, base, page, state)
        open_toolbar(driver)
        click(driver, "#td-toolbar [data-td-set='caption']")  # a pressed button is checked too
        found = driver.execute_script(CONTRAST_JS)
        assert found == {"text": [], "controls": []}, (page, found)
        keys(driver, "\ue004")
        ring = driver.execute_script(
            "const s = getComputedStyle(document.activeElement); return s.outlineStyle")
        assert ring == "solid"


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("state", [{}, {"mode": "elder"}], ids=["default", "elder"])
def test_reflow_at_320_px(driver: Any, base: str, page: str, state: dict) -> None:
    set_viewport(driver, 320, 640)
    load(driver, base, page, state)
    assert driver.execute_script("return document.documentElement.scrollWidth") <= 320


@pytest.mark.parametrize("page", PAGES)
def test_reflow_at_200_percent(driver: Any, base: str, page: str) -> None:
    load(driver, base, page, {"zoom": "200"})
    assert driver.execute_script("return document.documentElement.scrollWidth <= innerWidth")
    for width in (320, 360, 480):  # on narrow screens the layout zoom stops at 320 CSS px
        set_viewport(driver, width, 700)
        load(driver, base, page, {"zoom": "200"})
        assert driver.execute_script("return innerWidth / parseFloat(getComputedStyle("
                                     "document.querySelector('.td-page')).zoom)") >= 320
        assert driver.execute_script("return document.documentElement.scrollWidth") <= width
    set_viewport(driver, 640, 800)  # the browser's own 200% zoom of a 1280 px window
    driver.execute_script("localStorage.clear()")
    load(driver, base, page)
    assert driver.execute_script("return document.documentElement.scrollWidth") <= 640


SPACING_JS = """
const s = document.createElement('style');
s.textContent = '* { line-height: 1.5 !important; letter-spacing: 0.12em !important;'
  + ' word-spacing: 0.16em !important; } p { margin-bottom: 2em !important; }';
document.head.appendChild(s);
const clipped = [];
for (const el of document.querySelectorAll('body *')) {
  const st = getComputedStyle(el);
  if (!el.getClientRects().length || el.closest('.td-visually-hidden, [hidden]')) continue;
  const hides = (v) => v === 'hidden' || v === 'clip';
  if ((hides(st.overflowY) && el.scrollHeight > el.clientHeight + 1) ||
      (hides(st.overflowX) && el.scrollWidth > el.clientWidth + 1)) clipped.push(el.className || el.tagName);
}
return [clipped, document.documentElement.scrollWidth];
"""


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("state", [{}, {"mode": "elder"}], ids=["default", "elder"])
def test_text_spacing_override_loses_nothing(driver: Any, base: str, page: str, state: dict) -> None:
    set_viewport(driver, 320, 640)
    load(driver, base, page, state)
    clipped, width = driver.execute_script(SPACING_JS)
    assert clipped == [] and width <= 320


# ---------------------------------------------------------------- system preferences


def test_system_preferences_are_respected(driver: Any, base: str) -> None:
    emulate_media(driver, {"prefers-contrast": "more"})
    load(driver, base, POLICY)
    assert driver.execute_script("return getComputedStyle(document.body).color") == "rgb(0, 0, 0)"
    emulate_media(driver, {"prefers-reduced-motion": "reduce"})
    load(driver, base, POLICY)
    assert driver.execute_script("return getComputedStyle(document.querySelector('.td-nav a')).transitionDuration") == "0s"
    emulate_media(driver, {"forced-colors": "active"})
    load(driver, base, POLICY, {"gray": "on"})
    assert driver.execute_script("return getComputedStyle(document.documentElement).filter") == "none"
    driver.execute_script("document.querySelector('.td-nav a').focus()")
    assert driver.execute_script("return getComputedStyle(document.activeElement).outlineStyle") == "solid"
    open_toolbar(driver)
    click(driver, "#td-toolbar [data-td-set='guide']")
    colours = driver.execute_script(
        "const b = [...document.querySelectorAll('#td-toolbar [data-td-set]')];"
        " return [getComputedStyle(b.find(x => x.getAttribute('aria-pressed') === 'true')).backgroundColor,"
        " getComputedStyle(b.find(x => x.getAttribute('aria-pressed') === 'false')).backgroundColor];")
    assert colours[0] != colours[1]


# ---------------------------------------------------------------- without JavaScript


def test_without_javascript_the_page_works_and_says_what_needs_it(driver: Any, base: str) -> None:
    driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    try:
        load(driver, base, POLICY)
        assert driver.find_element("css selector", ".td-entries__link").is_displayed()  # 纯文本
        for selector in (".td-entries__elder", ".td-entries__open"):
            assert not driver.find_element("css selector", selector).is_displayed()
        note = driver.find_element("css selector", ".td-footer noscript p")
        assert "需要 JavaScript" in note.text and "A–Z 索引" in note.text
        field = driver.find_element("id", "td-search-input")
        field.send_keys("护照\ue007")
        wait_for(driver, "return location.pathname.endsWith('/search/')")
        assert driver.current_url.endswith("search/?q=%E6%8A%A4%E7%85%A7")
    finally:
        driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})


# ---------------------------------------------------------------- search combobox


PROVIDER = """TongdaCombobox.provide((q) => Promise.resolve(
  ["护照办理", "护照补办", "户口迁移"].filter((s) => s.startsWith(q))));"""


def test_search_box_is_a_combobox(driver: Any, base: str) -> None:
    load(driver, base, POLICY)
    driver.execute_script(PROVIDER)
    field = driver.find_element("id", "td-search-input")
    field.click()
    field.send_keys("护")
    wait_for(driver, "return document.getElementById('td-search-input').getAttribute('aria-expanded') === 'true'")
    options = driver.find_elements("css selector", "#td-search-list [role=option]")
    assert [o.text for o in options] == ["护照办理", "护照补办"]
    assert driver.find_element("id", "td-search-status").get_attribute("textContent") == "有2条建议，用上下方向键选择"
    keys(driver, "\ue015")  # ArrowDown
    assert field.get_attribute("aria-activedescendant") == options[0].get_attribute("id")
    assert options[0].get_attribute("aria-selected") == "true"
    keys(driver, "\ue015", "\ue015")  # past the end: back to the text field
    assert field.get_attribute("aria-activedescendant") is None
    keys(driver, "\ue013")  # ArrowUp wraps to the last
    assert field.get_attribute("aria-activedescendant") == options[1].get_attribute("id")
    keys(driver, "\ue00c")  # Esc closes, keeps the text, and the toolbar ignores it
    assert field.get_attribute("aria-expanded") == "false" and field.get_attribute("value") == "护"
    assert not driver.find_element("id", "td-search-list").is_displayed()
    keys(driver, "\ue015", "\ue015")
    wait_for(driver, "return !!document.getElementById('td-search-input').getAttribute('aria-activedescendant')")
    keys(driver, "\ue007")
    wait_for(driver, "return location.pathname.endsWith('/search/')")
    assert "q=%E6%8A%A4%E7%85%A7%E5%8A%9E%E7%90%86" in driver.current_url
