"""The preview's error banner in real headless Chromium: an edit breaks the content, the open
page shows the errors (announced, never taking the focus, reachable by keyboard, in every
palette), its links lead to the error list, and the fix clears it."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from a11y.axe import AxeRunner, find_axe
from a11y.browser import emulate_media
from tests.site_builder.test_serve import Served, wait_for

pytestmark = pytest.mark.browser

BANNER = "#td-preview-errors"


def until(driver: Any, script: str, seconds: float = 60.0) -> Any:
    """Wait until a script returns something true (a rebuild takes a second or so)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = driver.execute_script(script)
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for: {script}")


@pytest.fixture
def served(project: Callable[[str], Path]) -> Iterator[Served]:
    server = Served(project("portal-small"))
    yield server
    server.stop()


def banner_violations(driver: Any) -> list[str]:
    """axe-core's findings on the banner (the page around it is the theme's, tested there)."""
    result = AxeRunner(find_axe()).run(driver)
    return [f"{v['id']}: {n['target']}" for v in result["violations"] for n in v["nodes"]
            if "td-preview-errors" in json.dumps(n["target"])]


def test_the_banner_shows_the_errors_of_a_rebuild_and_goes_when_they_are_fixed(
        driver: Any, served: Served) -> None:
    from selenium.webdriver.common.keys import Keys

    source = served.root / "content/policies/passport-law.md"
    good = source.read_text(encoding="utf-8")
    driver.get(f"{served.base}/policies/passport-law/")
    driver.execute_script("localStorage.clear()")
    until(driver, "return document.title.indexOf('护照法') >= 0")
    assert not driver.execute_script(f"return document.querySelector('{BANNER}')")

    source.write_text(good.replace("level: national", "level: planet"), encoding="utf-8")
    until(driver, f"return document.querySelector('{BANNER}')")
    banner = driver.execute_script(f"""
        var box = document.querySelector('{BANNER}'), link = box.querySelector('li a');
        return {{role: box.getAttribute('role'), text: box.textContent,
                 link: link.textContent, href: link.getAttribute('href'),
                 active: document.activeElement.tagName,
                 after_skip: box.previousElementSibling.getAttribute('href')}};""")
    assert banner["role"] == "alert"
    assert banner["text"].startswith("内容有 1 处错误，网站没有更新")
    assert banner["link"] == "content/policies/passport-law.md:6"
    assert "level：取值“planet”无效" in banner["text"]
    assert banner["href"] == "/__tongda/errors#e1"
    assert banner["active"] == "BODY"  # announced, but the focus stays where the reader is
    assert banner["after_skip"] == "#main"  # the skip link stays the first stop
    assert banner_violations(driver) == []

    # Keyboard: the skip link, then the banner's first link.
    body = driver.find_element("tag name", "body")
    body.send_keys(Keys.TAB)
    driver.switch_to.active_element.send_keys(Keys.TAB)
    assert driver.switch_to.active_element.text == "content/policies/passport-law.md:6"

    # Elder mode with the yellow-on-black palette: the banner follows both.
    driver.execute_script("localStorage.setItem('tongda-a11y', "
                          "JSON.stringify({mode: 'elder', scheme: 'yellow-black'}))")
    driver.refresh()
    until(driver, f"return document.querySelector('{BANNER} li a')")
    looks = driver.execute_script(f"""
        var box = document.querySelector('{BANNER}'), link = box.querySelector('li a');
        var style = getComputedStyle(box);
        return {{color: style.color, background: style.backgroundColor,
                 size: parseFloat(style.fontSize), link: getComputedStyle(link).color,
                 height: link.getBoundingClientRect().height}};""")
    assert looks["color"] == "rgb(255, 255, 0)" and looks["background"] == "rgb(0, 0, 0)"
    assert looks["link"] == "rgb(0, 255, 255)"
    assert looks["size"] >= 18 and looks["height"] >= 44
    assert banner_violations(driver) == []
    # Windows high contrast: the system's colours win, the banner keeps its frame.
    emulate_media(driver, {"forced-colors": "active"})
    frame = driver.execute_script(f"""
        var style = getComputedStyle(document.querySelector('{BANNER}'));
        return [style.borderTopStyle, parseFloat(style.borderTopWidth),
                style.borderTopColor === style.color];""")
    assert frame[0] == "solid" and frame[1] >= 4 and frame[2], frame
    emulate_media(driver, {})

    # The link leads to the error list, to the error it names.
    driver.find_element("css selector", f"{BANNER} li a").click()
    until(driver, "return location.pathname === '/__tongda/errors'")
    listed = driver.execute_script("""
        var item = document.querySelector('li:target');
        return {h1: document.querySelector('h1').textContent, item: item && item.textContent,
                lang: document.documentElement.lang};""")
    assert listed["h1"] == "内容错误" and listed["lang"] == "zh-CN"
    assert listed["item"].startswith("content/policies/passport-law.md:6 level：取值“planet”无效")

    # The fix: the list says so, and the page's banner is gone.
    driver.back()
    until(driver, f"return document.querySelector('{BANNER}')")
    source.write_text(good, encoding="utf-8")
    until(driver, f"return document.readyState === 'complete' && "
                  f"!document.querySelector('{BANNER}') && document.title.indexOf('护照法') >= 0")
    time.sleep(1.5)  # a poll or two later the banner has not come back
    assert not driver.execute_script(f"return document.querySelector('{BANNER}')")
    driver.execute_script("localStorage.clear()")


def test_a_save_reloads_the_open_page_where_the_editor_was_reading(
        driver: Any, served: Served) -> None:
    """The editor's open page shows a saved text by itself (no reload by hand), at the
    place they were reading, and says nothing is wrong."""
    source = served.root / "content/policies/passport-law.md"
    articles = "".join(f"\n第{n}条 关于护照申请的第{n}项规定，内容较长，便于翻页阅读。\n"
                       for n in range(2, 80))
    version = served.state()["version"]
    source.write_text(source.read_text("utf-8") + articles, "utf-8")
    assert wait_for(lambda: served.state()["version"] != version, 120), served.output()
    driver.set_window_size(1280, 800)
    driver.get(f"{served.base}/policies/passport-law/")
    until(driver, "return document.body.innerText.indexOf('第79条') >= 0")
    driver.execute_script("window.scrollTo(0, 1500)")
    until(driver, "return window.scrollY >= 1400")
    driver.execute_script("window.tdBeforeSave = true")  # gone once the page reloads

    source.write_text(source.read_text("utf-8").replace("第40条 关于", "第40条（刚刚改过）关于"),
                      "utf-8")
    until(driver, "return !window.tdBeforeSave && document.readyState === 'complete' && "
                  "document.body.innerText.indexOf('刚刚改过') >= 0")
    until(driver, "return window.scrollY >= 1400")  # the same place, not the top
    assert 1400 <= driver.execute_script("return window.scrollY") <= 1600
    assert not driver.execute_script(f"return document.querySelector('{BANNER}')")
    assert "已更新 policies/passport-law/index.html" in served.output()
