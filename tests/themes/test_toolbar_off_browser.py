"""The toolbar's state after a setting is switched off, by button, key or reset.

``test_theme_browser`` switches each toggle on and off once on one page. Here the off state
must hold everywhere a user meets it: every button's aria-pressed, the overlays (guide,
caption), the zoom read-out, and the next page, which must not bring a switched-off
setting back.
"""

from __future__ import annotations

from typing import Any

import pytest
from test_theme_browser import (  # noqa: F401 - fixtures and helpers of the theme's browser tests
    POLICY,
    SERVICE,
    base,
    browser,
    click,
    driver,
    html_attrs,
    keys,
    load,
    open_toolbar,
    site,
)

pytestmark = [pytest.mark.browser]
LISTING = "policies/"
PRESSED = ("return [...document.querySelectorAll('[data-td-set][aria-pressed=\"true\"]')]"
           ".map(b => b.getAttribute('data-td-set') + '=' + b.getAttribute('data-td-value'))")


@pytest.fixture
def chrome(driver: Any) -> Any:  # noqa: F811 - the fixture imported above
    """The theme fixture site in a browser with nothing remembered."""
    return driver


def _overlays(chrome: Any) -> list[bool]:
    return list(chrome.execute_script(
        "return ['.td-guide', '.td-caption'].map(s => document.querySelector(s).hidden)"))


def test_reset_releases_every_button_and_overlay(chrome: Any, base: str) -> None:  # noqa: F811
    load(chrome, base, POLICY)
    open_toolbar(chrome)
    for setting in ("gray", "cursor", "guide", "caption"):
        click(chrome, f"#td-toolbar [data-td-set='{setting}']")
    click(chrome, "#td-toolbar [data-td-value='white-black']")
    click(chrome, "[data-td-action='zoom'][data-td-value='1']")
    assert len(chrome.execute_script(PRESSED)) == 5 and _overlays(chrome)[0] is False
    click(chrome, "[data-td-action='reset']")
    assert chrome.execute_script(PRESSED) == []
    assert html_attrs(chrome) == {}
    assert chrome.find_element("css selector", "[data-td-zoom-level]").text == "100%"
    assert _overlays(chrome) == [True, True]


def test_a_setting_switched_off_stays_off_on_the_next_page(chrome: Any, base: str) -> None:  # noqa: F811
    load(chrome, base, POLICY, {"gray": "on", "scheme": "yellow-black", "guide": "on"})
    open_toolbar(chrome)
    assert sorted(chrome.execute_script(PRESSED)) == ["gray=on", "guide=on", "scheme=yellow-black"]
    click(chrome, "#td-toolbar [data-td-set='gray']")
    click(chrome, "#td-toolbar [data-td-set='guide']")
    assert chrome.execute_script(PRESSED) == ["scheme=yellow-black"]
    assert _overlays(chrome)[0] is True  # the reading guide is gone at once
    load(chrome, base, SERVICE)
    assert html_attrs(chrome) == {"data-td-scheme": "yellow-black"}
    open_toolbar(chrome)
    assert chrome.execute_script(PRESSED) == ["scheme=yellow-black"]
    click(chrome, "#td-toolbar [data-td-value='yellow-black']")  # the last one off
    load(chrome, base, LISTING)
    assert html_attrs(chrome) == {}
    assert chrome.execute_script("return localStorage.getItem('tongda-a11y')") is None


def test_a_shortcut_switches_off_and_takes_the_caption_away(chrome: Any, base: str) -> None:  # noqa: F811
    load(chrome, base, POLICY)
    open_toolbar(chrome)
    for expected in (["gray=on"], []):
        keys(chrome, "\ue00a+\ue008+g")  # Alt+Shift+G
        assert chrome.execute_script(PRESSED) == expected
    assert "data-td-gray" not in html_attrs(chrome)
    keys(chrome, "\ue00a+\ue008+d")  # the large caption on, showing a sentence being read
    chrome.execute_script("document.dispatchEvent(new CustomEvent('td:audio-cue',"
                          " {detail: {id: 'x', text: '第一条 测试句子'}}))")
    assert _overlays(chrome)[1] is False
    keys(chrome, "\ue00a+\ue008+d")  # and off: the caption goes with it
    assert chrome.execute_script(PRESSED) == [] and _overlays(chrome)[1] is True
