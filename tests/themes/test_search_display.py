"""How search shows what it found: the 文号, the query kept in the header, whole suggestions.

On the demo portal in Chromium: a result's line under its title carries the record's 文号
(not the result's number in the index), the header's search box holds the query on the
results page, the header's suggestions are whole titles or whole words (never 护照吗), and
in elder mode on a phone the heading and the first result are on the first screen.
"""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from selenium.webdriver.common.by import By

from a11y.browser import set_viewport
from tests.browser_testlib import wait_js as _wait

pytestmark = [pytest.mark.integration, pytest.mark.browser]


def _results(driver: Any, portal: str, query: str) -> list[dict[str, str]]:
    driver.get(portal + "search/?q=" + query)
    _wait(driver, "document.querySelector('.td-search__result')")
    return driver.execute_script(  # type: ignore[no-any-return]
        "return [...document.querySelectorAll('.td-search__result')].map(li => ({"
        " title: li.querySelector('.td-search__title').textContent,"
        " meta: li.querySelector('.td-search__meta').textContent}))")


def test_results_show_the_doc_number_not_an_index_number(browser: Any, portal: str) -> None:
    results = _results(browser, portal, "护照")
    law = next(r for r in results if r["title"] == "中华人民共和国护照法")
    assert "中华人民共和国主席令第五十号" in law["meta"], law
    for result in results:
        parts = result["meta"].split(" · ")
        assert not any(re.fullmatch(r"\d+", p) for p in parts), result  # "2011年10月29日 · 62"


def test_the_header_box_keeps_the_query(browser: Any, portal: str) -> None:
    _results(browser, portal, "身份证到期")
    assert browser.find_element(By.ID, "td-search-input").get_attribute("value") == "身份证到期"
    assert browser.find_element(By.ID, "td-search-q").get_attribute("value") == "身份证到期"


@pytest.mark.parametrize("typed, fragments, whole", [
    ("护", {"护照吗", "护照要"}, {"护照", "护照法"}),
    ("hz", {"护照吗", "护照要", "孩子能"}, {"护照"}),
    ("低保", {"低保时"}, set()),
])
def test_suggestions_are_whole_titles_or_words(browser: Any, portal: str, typed: str,
                                                fragments: set[str], whole: set[str]) -> None:
    browser.get(portal)
    field = browser.find_element(By.ID, "td-search-input")
    field.click()
    field.send_keys(typed)
    # The combobox waits 150 ms, then loads the index's buckets: wait until it shows what
    # the runtime suggests (a fixed sleep read an empty list on a slow machine).
    deadline = time.monotonic() + 10
    while True:
        options = {o.text for o in browser.find_elements(By.CSS_SELECTOR,
                                                          "#td-search-list [role=option]")}
        direct = set(browser.execute_script(
            "return TongdaSearch.suggestions(arguments[0], 8)", typed) or [])
        if (options and options == direct) or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert options == direct
    assert not options & fragments, options
    assert whole <= options, options


def test_in_elder_mode_on_a_phone_the_first_result_is_on_the_first_screen(
        browser: Any, portal: str) -> None:
    set_viewport(browser, 390, 844)
    try:
        browser.get(portal)
        browser.execute_script("localStorage.setItem('tongda-a11y', JSON.stringify({mode: 'elder'}))")
        for query in ("护照", "低保", "我要出国"):
            browser.get(portal + "search/?q=" + query)
            _wait(browser, "document.querySelector('.td-search__result')")
            box = browser.execute_script(
                "return {h1: document.querySelector('main h1').getBoundingClientRect().bottom,"
                " first: document.querySelector('.td-search__title').getBoundingClientRect().bottom,"
                " height: innerHeight, elder: document.documentElement.dataset.tdMode}")
            assert box["elder"] == "elder" and box["first"] <= box["height"], (query, box)
    finally:
        browser.execute_script("localStorage.clear()")
        set_viewport(browser, 1280, 900)
