"""The graph explorer in real headless Chromium, used by keyboard only, under a strict CSP:
find a document, see its picture and list, move along an edge, filter, go back; axe clean."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from a11y.browser import browser_unavailable_reason, serve_directory, start_chrome
from tests.browser_testlib import wait_js as wait_for
from tests.components import missing

pytestmark = pytest.mark.browser
FIXTURE = Path(__file__).parents[3] / "fixtures" / "graph-site"
CSP = "default-src 'self'; script-src 'self'; style-src 'self'"


@pytest.fixture(scope="module")
def driver(tmp_path_factory: pytest.TempPathFactory):
    reason = browser_unavailable_reason()
    if reason:
        missing(reason)
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    root = tmp_path_factory.mktemp("graph-browser") / "graph-site"
    shutil.copytree(FIXTURE, root)
    build(load_config(str(root / "mkdocs.yml"), site_dir=str(root / "site")))
    with serve_directory(root / "site", headers={"Content-Security-Policy": CSP}) as base, \
            start_chrome() as chrome:
        chrome.base_url = base  # type: ignore[attr-defined]
        yield chrome


def press(driver: Any, *keys: str) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(driver).send_keys(*keys).perform()


def tab_to(driver: Any, script: str, limit: int = 80) -> None:
    """Press Tab until the focused element satisfies ``script`` (given ``el``)."""
    from selenium.webdriver.common.keys import Keys

    for _ in range(limit):
        press(driver, Keys.TAB)
        if driver.execute_script(f"var el = document.activeElement; return {script};"):
            return
    raise AssertionError(f"Tab never reached: {script}")


def status(driver: Any) -> str:
    return driver.execute_script(
        "return document.querySelector('.td-graph-explorer__status').textContent")


def test_keyboard_search_select_move_filter_and_back(driver: Any) -> None:
    from selenium.webdriver.common.keys import Keys

    driver.get(driver.base_url + "graph/")
    wait_for(driver, "document.querySelector('.td-graph-explorer__status').textContent.indexOf('已载入') >= 0")
    assert driver.execute_script("return document.querySelector('.td-graph-explorer__nojs').hidden")
    tab_to(driver, "el.id === 'td-graph-q'")
    press(driver, "稳就业", Keys.ENTER)
    wait_for(driver, "document.querySelectorAll('.td-graph-explorer__result-list li').length > 0")
    assert status(driver).startswith("找到")
    tab_to(driver, "el.getAttribute('data-id') === 'city-measures'")
    press(driver, Keys.ENTER)
    wait_for(driver, "document.activeElement.id === 'td-graph-current-title'")
    heading = driver.execute_script("return document.activeElement.textContent")
    assert heading == "当前文件：临江市稳就业若干措施"
    assert "当前文件：临江市稳就业若干措施" in status(driver)  # announced in the live region
    lists = driver.execute_script(
        "return Array.from(document.querySelectorAll('.td-graph-explorer__lists h3')).map(h => h.textContent)")
    assert any(h.startswith("引用") for h in lists) and any(h.startswith("政策解读") for h in lists)
    items = driver.execute_script(
        "return document.querySelectorAll('.td-graph-explorer__lists li').length")
    circles = driver.execute_script(
        "return document.querySelectorAll('.td-graph-explorer__picture svg circle').length")
    distinct = driver.execute_script(
        "return new Set([...document.querySelectorAll('.td-graph-explorer__lists li [data-id]')]"
        ".map(b => b.getAttribute('data-id'))).size")
    assert circles == distinct + 1 and distinct <= items  # the picture shows what the list says
    assert driver.execute_script(
        "return document.querySelector('.td-graph-explorer__picture svg').getAttribute('role')") == "img"
    # move along the found based_on edge to the province's implementing regulation
    tab_to(driver, "el.getAttribute('data-id') === 'province-implementation' && el.closest('.td-graph-explorer__lists')")
    press(driver, Keys.ENTER)
    wait_for(driver, "location.hash === '#province-implementation' && document.activeElement.id === 'td-graph-current-title'")
    assert "江南省实施" in driver.execute_script("return document.activeElement.textContent")
    # filter: turn off 同级相关 (citations among them) with the keyboard; the citing group goes
    tab_to(driver, "el.name === 'kind' && el.value === 'peer'")
    press(driver, Keys.SPACE)
    wait_for(driver, "!Array.from(document.querySelectorAll('.td-graph-explorer__lists h3')).some(h => h.textContent.indexOf('引用') === 0)")
    press(driver, Keys.SPACE)
    driver.back()
    wait_for(driver, "location.hash === '#city-measures' && document.querySelector('#td-graph-current-title').textContent.indexOf('临江市稳就业若干措施') > 0")


def test_explorer_and_a_document_page_pass_axe(driver: Any) -> None:
    from a11y.axe import AxeNotFound, AxeRunner, find_axe

    try:
        runner = AxeRunner(find_axe(start=Path(__file__).resolve()))
    except AxeNotFound as exc:
        missing(f"axe-core ({exc})")
    driver.get(driver.base_url + "graph/#city-measures")
    wait_for(driver, "document.querySelector('.td-graph-explorer__picture svg') !== null")
    assert runner.run(driver)["violations"] == []
    driver.get(driver.base_url + "policies/district-rules/")
    result = runner.run(driver)
    assert result["violations"] == [], [v["id"] for v in result["violations"]]


def test_picture_leads_to_its_text_alternative_by_keyboard(driver: Any) -> None:
    """The caption's link takes keyboard focus to 相关内容, which lists every item the picture
    draws; elder mode hides the picture together with the panels it hides (引用, 相关)."""
    from selenium.webdriver.common.keys import Keys

    driver.get(driver.base_url + "policies/city-measures/")
    tab_to(driver, "el.closest('figcaption') !== null && el.getAttribute('href') === '#td-related'")
    press(driver, Keys.ENTER)
    wait_for(driver, "document.activeElement && document.activeElement.id === 'td-related'")
    labels = driver.execute_script(
        "return Array.from(document.querySelectorAll('.td-graph__svg text[class=\"td-graph__label\"]'))"
        ".map(t => t.textContent.split('：')[1].replace('…', ''))")
    listed = driver.execute_script(
        "return Array.from(document.querySelectorAll('#td-related li > a'))"
        ".map(a => a.textContent)")
    assert labels and all(any(t.startswith(label) for t in listed) for label in labels)
    figure = "getComputedStyle(document.querySelector('.td-graph__figure')).display"
    assert driver.execute_script("return " + figure) != "none"
    driver.execute_script("document.documentElement.setAttribute('data-td-mode', 'elder')")
    try:
        assert driver.execute_script("return " + figure) == "none"
        assert driver.execute_script(
            "return getComputedStyle(document.querySelector('.td-graph__lineage')).display") != "none"
    finally:
        driver.execute_script("document.documentElement.removeAttribute('data-td-mode')")
