"""A service guide gives the answer first: in the markup, on a phone in elder mode, and aloud.

The demo's guides are built with every plugin: the summary (办事要点) comes right after the
title, the materials are listed once, the player sits compact and collapsed under the
summary. In Chromium at 390×844 in elder mode the heading and the summary's first fact are
on the first screen; the player shows when it is paused; 连续朗读 after a point reading
starts from the top; per-paragraph buttons appear only when the reader asks for them.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from lxml import html as lxml_html

from a11y.browser import set_viewport, start_chrome
from tests.browser_testlib import wait_js as _wait

pytestmark = [pytest.mark.integration]
GUIDE = "services/id-card-renewal/"


def _page(site: Path, url: str) -> lxml_html.HtmlElement:
    return lxml_html.document_fromstring((site / url / "index.html").read_bytes())


def _guides(site: Path) -> list[str]:
    return sorted(f"services/{p.parent.name}/" for p in (site / "services").glob("*/index.html"))


def test_every_guide_opens_with_its_summary_and_lists_materials_once(demo_site: Path) -> None:
    guides = _guides(demo_site)
    assert len(guides) >= 10
    for url in guides:
        article = _page(demo_site, url).xpath("//main//article")[0]
        headings = [h.text_content().strip() for h in article.xpath(".//h2")]
        assert headings[0] == "办事要点", (url, headings)
        answer = article.xpath(".//section[contains(@class,'td-answer')]")[0]
        facts = [dt.text_content() for dt in answer.xpath(".//dt")]
        assert facts[:2] == ["办理时限", "收费"] and "是否预约" in facts, (url, facts)
        # The answer comes before anything else of substance: the player, the conditions.
        order = [el.get("class", "") or el.get("id", "") for el in article.iter()
                 if el.get("class") == "td-answer" or "td-player" in (el.get("class") or "").split()
                 or el.get("id") == "td-s-conditions"]
        assert order[0] == "td-answer", (url, order)
        materials = [h for h in headings if "材料" in h]
        assert materials in ([], ["申请材料"]), (url, headings)  # once, from front matter
        assert len(article.xpath(".//table[contains(@class,'td-table--stack')]")) <= 1
        player = article.xpath(".//section[@data-module='td-player']")
        assert player and player[0].xpath(".//details[not(@open)]//audio"), url


def test_the_start_button_leads_to_the_online_service(demo_site: Path) -> None:
    answer = _page(demo_site, GUIDE).xpath("//section[contains(@class,'td-answer')]")[0]
    start = answer.xpath(".//a[contains(@class,'td-answer__start')]")[0]
    assert start.get("href") == "https://zwfw.linjiang.example/items/id-card-renewal"
    assert start.text_content().startswith("开始办理")
    where = answer.xpath(".//dt[.='办理地点']/following-sibling::dd")[0]
    assert "等 3 处" in where.text_content() and where.xpath(".//a/@href") == ["#td-s-where"]
    assert answer.xpath("string(.//dt[.='申请材料']/following-sibling::dd/a)") == "共 3 项"


@pytest.fixture(scope="module")
def phone() -> Iterator[Any]:
    with start_chrome(width=390, height=844,
                      extra_args=["--autoplay-policy=no-user-gesture-required"]) as chrome:
        set_viewport(chrome, 390, 844)
        yield chrome


def _elder(driver: Any, url: str) -> None:
    driver.get(url)
    driver.execute_script("localStorage.setItem('tongda-a11y', JSON.stringify({mode: 'elder'}))")
    driver.get(url)
    time.sleep(0.3)


@pytest.mark.browser
def test_on_a_phone_in_elder_mode_the_heading_and_first_fact_are_on_the_first_screen(
        phone: Any, portal: str, demo_site: Path) -> None:
    for url in _guides(demo_site):
        _elder(phone, portal + url)
        box = phone.execute_script("""
          const h1 = document.querySelector('main h1').getBoundingClientRect();
          const fact = document.querySelector('.td-answer__fact').getBoundingClientRect();
          return {h1: h1.bottom, fact: fact.bottom, height: innerHeight, scrolled: scrollY,
                  elder: document.documentElement.dataset.tdMode,
                  size: parseFloat(getComputedStyle(document.querySelector('main p')).fontSize)};""")
        assert box["elder"] == "elder" and box["size"] >= 22 and box["scrolled"] == 0, box
        assert box["h1"] <= box["height"] and box["fact"] <= box["height"], (url, box)


@pytest.mark.browser
def test_the_player_shows_paused_and_reads_from_the_top_after_a_point_reading(
        phone: Any, portal: str) -> None:
    phone.get(portal + GUIDE)
    phone.execute_script("localStorage.clear()")
    phone.get(portal + GUIDE)
    _wait(phone, "document.querySelector('.td-player--js')")
    start = phone.find_element("css selector", "[data-td-player=continuous]")
    state = phone.find_element("css selector", ".td-player__state")
    assert start.get_attribute("aria-describedby") == state.get_attribute("id")
    start.click()
    _wait(phone, "!document.querySelector('.td-player audio').paused")
    assert start.get_attribute("aria-pressed") == "true" and state.text.endswith("正在朗读")
    start.click()  # pause
    _wait(phone, "document.querySelector('.td-player audio').paused")
    assert start.get_attribute("aria-pressed") == "false" and state.text.endswith("已暂停")
    # Read one section, then 连续朗读: from the top (the title), not from where it stopped.
    section = phone.find_element("css selector", "[data-td-read-section='td-s-steps']")
    assert section.get_attribute("aria-label") == "朗读本节：办理流程"
    phone.execute_script("arguments[0].scrollIntoView({block: 'center'})", section)
    section.click()
    _wait(phone, "document.querySelector('.td-player audio').currentTime > 1 &&"
                 " !document.querySelector('.td-player audio').paused")
    phone.execute_script("document.querySelector('.td-player audio').pause()")
    # What is highlighted next, in order: the section's last sentence stays highlighted
    # while paused, so reading the highlight right after the click could see that one.
    phone.execute_script("""
        window.tdLit = [];
        new MutationObserver(function (records) {
          records.forEach(function (r) {
            if (r.target.classList.contains('td-player__reading')) { window.tdLit.push(r.target.tagName); }
          });
        }).observe(document.body, {subtree: true, attributes: true, attributeFilter: ['class']});""")
    start.click()
    lit = _wait(phone, "window.tdLit.length && window.tdLit")
    assert lit[0] == "H1", lit
    phone.find_element("css selector", "[data-td-player=stop]").click()


@pytest.mark.browser
def test_paragraph_buttons_appear_only_when_asked_for(phone: Any, portal: str) -> None:
    phone.get(portal + GUIDE)
    phone.execute_script("localStorage.clear()")
    phone.get(portal + GUIDE)
    _wait(phone, "document.querySelector('.td-player--js')")
    count = "[...document.querySelectorAll('[data-td-read]')].filter(b => !b.hidden).length"
    total = phone.execute_script("return document.querySelectorAll('[data-td-read]').length")
    assert total > 10 and phone.execute_script("return " + count) == 0
    sections = phone.execute_script("return document.querySelectorAll('[data-td-read-section]').length")
    assert 3 <= sections < total / 2
    phone.execute_script("document.querySelector('.td-player__more').open = true")
    toggle = phone.find_element("css selector", "[data-td-player=paragraphs]")
    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "true"
    assert phone.execute_script("return " + count) == total
    phone.get(portal + GUIDE)  # remembered
    _wait(phone, "document.querySelector('.td-player--js')")
    assert phone.execute_script("return " + count) == total
    phone.execute_script("localStorage.clear()")


@pytest.mark.browser
def test_the_header_folds_behind_one_menu_button_in_elder_mode_on_a_phone(
        phone: Any, portal: str) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    shown = "return [...document.querySelectorAll(arguments[0])].filter(e => e.getClientRects().length).length"
    phone.get(portal + GUIDE)
    phone.execute_script("localStorage.clear()")
    phone.get(portal + GUIDE)
    assert phone.execute_script(shown, ".td-menu-button") == 0  # default mode: no menu
    assert phone.execute_script(shown, "#td-nav a") > 5
    _elder(phone, portal + GUIDE)
    assert phone.execute_script(shown, "#td-nav a, #td-search-input, .td-entries button") == 0
    button = phone.find_element("css selector", ".td-menu-button")
    size = button.size
    assert size["height"] >= 60 and size["width"] >= 60  # a main control in elder mode
    phone.execute_script("document.activeElement.blur()")
    for _ in range(10):  # by keyboard: Tab to 菜单, Enter
        ActionChains(phone).send_keys(Keys.TAB).perform()
        if phone.execute_script("return document.activeElement.classList.contains('td-menu-button')"):
            break
    ActionChains(phone).send_keys(Keys.ENTER).perform()
    assert button.get_attribute("aria-expanded") == "true"
    assert phone.execute_script(shown, "#td-nav a") > 5 and phone.execute_script(shown, "#td-search-input")
    ActionChains(phone).send_keys(Keys.TAB, Keys.ESCAPE).perform()  # into the entries, then Esc
    assert button.get_attribute("aria-expanded") == "false"
    assert phone.execute_script("return document.activeElement.classList.contains('td-menu-button')")
    phone.execute_script("localStorage.clear()")
